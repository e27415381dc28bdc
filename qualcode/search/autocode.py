"""Auto-coding from a text search: code every hit, or the chosen ones, in one undoable step.

A hit is coded at the level of its **segment** (the sentence holding it; a hit running
over several segments codes them together) or of its **turn** (every segment of the
speaker turn, paragraph or running-record question holding it, as one coding spanning
the turn). Several hits in one segment or turn give one coding. Codings carry the
coder's name and ``source="autocode"``; a coding the coder already has (same code, same
span) is left as it is. All new codings are written in bulk under ONE audit batch, so a
single :func:`qualcode.coding.history.undo` takes the whole auto-coding back.

:func:`preview_autocode` says how many codings an auto-coding would make and how many
already exist, without changing anything.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any, cast

import numpy as np
import pandas as pd
from sqlalchemy import Table, insert
from sqlalchemy import select as sa_select
from sqlalchemy.orm import Session

from qualcode.coding.apply import codable_code, snapshot
from qualcode.errors import CodingError
from qualcode.search import index
from qualcode.search.search import search
from qualcode.store import audit
from qualcode.store.models import AuditEntry, Coding, utcnow

LEVELS = ("segment", "turn")
SPAN_COLUMNS = ["document_id", "start", "end", "locator", "hits", "exists"]
INSERT_CHUNK = 5000


@dataclass
class AutocodePlan:
    """The codings an auto-coding would make: one row per span, ``exists`` marking the
    spans this coder already has this code on."""

    code_id: str
    coder: str
    level: str
    hits: int
    """Hits the search found."""
    selected: int
    """Hits chosen for coding."""
    spans: pd.DataFrame = field(repr=False)

    @property
    def new(self) -> int:
        """Codings that would be made."""
        return int((~self.spans["exists"]).sum())

    @property
    def existing(self) -> int:
        """Codings that already exist (left as they are)."""
        return int(self.spans["exists"].sum())

    def as_dict(self) -> dict[str, Any]:
        """The counts as a plain dict (what a preview shows)."""
        return {"code_id": self.code_id, "coder": self.coder, "level": self.level,
                "hits": self.hits, "selected": self.selected, "codings": len(self.spans),
                "new": self.new, "existing": self.existing}


@dataclass
class AutocodeResult:
    """What an auto-coding did."""

    code_id: str
    coder: str
    level: str
    hits: int
    selected: int
    created: int
    existing: int
    coding_ids: list[int] = field(default_factory=list)
    """Ids of the codings made (those that existed already are not listed)."""
    batch: str | None = None
    """The audit batch (None when nothing was made): one undo reverses it."""

    def as_dict(self) -> dict[str, Any]:
        """The result as a plain dict."""
        return {"code_id": self.code_id, "coder": self.coder, "level": self.level,
                "hits": self.hits, "selected": self.selected, "created": self.created,
                "existing": self.existing, "coding_ids": list(self.coding_ids),
                "batch": self.batch}


def _check(session: Session, code_id: str, coder: str, level: str) -> None:
    if level not in LEVELS:
        raise CodingError(f"Auto-coding level {level!r} is not one of {', '.join(LEVELS)} "
                          "(segment: the sentence with the hit; turn: the whole speaker turn).")
    if not isinstance(coder, str) or not coder.strip():
        raise CodingError("A coder name is needed: set it on the Project page or with --coder.")
    codable_code(session, code_id)


def _chosen(hits: pd.DataFrame, select_hits: Sequence[int] | None,
            segment_ids: Sequence[int] | None) -> pd.DataFrame:
    missing = [c for c in ("document_id", "start", "end", "segment_id") if c not in hits.columns]
    if missing:
        raise CodingError(f"The hits have no {', '.join(missing)} column: pass the frame "
                          "search() returned.")
    if select_hits is not None and segment_ids is not None:
        raise CodingError("Choose hits either by their number (select) or by segment "
                          "(segment_ids), not both.")
    if select_hits is not None:
        picked = sorted({int(i) for i in select_hits})
        bad = [i for i in picked if not 0 <= i < len(hits)]
        if bad:
            raise CodingError(f"Hit {bad[0]} does not exist: the search found {len(hits)} "
                              f"hit(s), numbered 0 to {len(hits) - 1}.")
        return hits.iloc[picked]
    if segment_ids is not None:
        wanted = {int(s) for s in segment_ids}
        have = set(hits["segment_id"].astype(int))
        bad = sorted(wanted - have)
        if bad:
            raise CodingError(f"Segment(s) {', '.join(map(str, bad[:10]))} hold no hit of this "
                              "search: choose segments from the hits.")
        return hits[hits["segment_id"].astype(int).isin(wanted)]
    return hits


def plan_autocode(session: Session, hits: pd.DataFrame, code_id: str, coder: str,
                  level: str = "segment", *, select: Sequence[int] | None = None,
                  segment_ids: Sequence[int] | None = None) -> AutocodePlan:
    """The codings that coding these hits (all, or the chosen ones) would make.

    ``select`` picks hits by their row number in ``hits`` (0-based); ``segment_ids``
    picks the hits in some segments.
    """
    _check(session, code_id, coder, level)
    chosen = _chosen(hits, select, segment_ids)
    spans = _spans(session, chosen, level)
    if len(spans):
        existing: set[tuple[int, int, int]] = set()
        for chunk in index.chunks(sorted(spans["document_id"].unique().tolist())):
            existing.update((int(d), int(s), int(e)) for d, s, e in session.execute(
                sa_select(Coding.document_id, Coding.start, Coding.end)
                .where(Coding.code_id == code_id, Coding.coder == coder,
                       Coding.document_id.in_(chunk))))
        spans["exists"] = [(d, s, e) in existing for d, s, e in
                           zip(spans["document_id"], spans["start"], spans["end"])]
    return AutocodePlan(code_id, coder, level, len(hits), len(chosen), spans)


def _spans(session: Session, hits: pd.DataFrame, level: str) -> pd.DataFrame:
    """One row per distinct span to code, with its locator and number of hits."""
    if hits.empty:
        return pd.DataFrame({c: pd.Series(dtype=t) for c, t in zip(
            SPAN_COLUMNS, (np.int64, np.int64, np.int64, object, np.int64, bool))})
    index.ensure_index(session)
    doc = hits["document_id"].to_numpy(np.int64)
    start = hits["start"].to_numpy(np.int64)
    end = hits["end"].to_numpy(np.int64)
    segs = index.segment_table(session, np.unique(doc).tolist())
    first = segs.locate(doc, start)
    if (first < 0).any():
        bad = hits.iloc[int(np.flatnonzero(first < 0)[0])]
        raise CodingError(f"Hit at {bad['start']}-{bad['end']} of document "
                          f"{bad['document_id']} is not inside a segment: search again "
                          "and code the new hits.")
    last = segs.locate(doc, np.maximum(end - 1, start))
    last = np.where(last < 0, first, last)
    if level == "turn":
        span_start, span_end = segs.block_start[first], segs.block_end[last]
    else:
        span_start, span_end = segs.start[first], segs.end[last]
    span_end = np.maximum(span_end, segs.end[first])
    loc_first, _ = segs.locator_speaker(first)
    loc_last, _ = segs.locator_speaker(last)
    frame = pd.DataFrame({
        "document_id": doc, "start": span_start, "end": span_end,
        "locator": [a if a == b else f"{a}–{b}" for a, b in zip(loc_first, loc_last)],
    })
    spans = (frame.groupby(["document_id", "start", "end"], sort=True)
             .agg(locator=("locator", "first"), hits=("locator", "size")).reset_index())
    spans["exists"] = False
    return spans[SPAN_COLUMNS]


def code_hits(session: Session, hits: pd.DataFrame, code_id: str, coder: str,
              level: str = "segment", *, select: Sequence[int] | None = None,
              segment_ids: Sequence[int] | None = None, batch: str | None = None
              ) -> AutocodeResult:
    """Code search hits (all, or the chosen ones) with a code, as ONE audit batch.

    Codings are made at the ``level`` of the segment or the whole turn, with
    ``source="autocode"``; spans the coder already has this code on are left alone.
    """
    plan = plan_autocode(session, hits, code_id, coder, level, select=select,
                         segment_ids=segment_ids)
    todo = plan.spans[~plan.spans["exists"]]
    result = AutocodeResult(code_id, coder, level, plan.hits, plan.selected, 0, plan.existing)
    if todo.empty:
        return result
    batch = batch or audit.new_batch()
    now = utcnow()
    rows = [{"document_id": int(d), "start_offset": int(s), "end_offset": int(e),
             "code_id": code_id, "coder": coder, "valence": "0", "flags": [],
             "dimension": None, "memo": None, "source": "autocode", "locator": loc,
             "created_at": now, "updated_at": now}
            for d, s, e, loc in zip(todo["document_id"], todo["start"], todo["end"],
                                    todo["locator"])]
    for chunk in index.chunks(rows, INSERT_CHUNK):  # one executemany per chunk
        session.execute(insert(cast(Table, Coding.__table__)), list(chunk))
    # the new ids, by the unique key (code, coder, document, span): no RETURNING needed
    id_of: dict[tuple[int, int, int], int] = {}
    for chunk in index.chunks(sorted({r["document_id"] for r in rows})):
        for cid, d, a, b in session.execute(
                sa_select(Coding.id, Coding.document_id, Coding.start, Coding.end)
                .where(Coding.code_id == code_id, Coding.coder == coder,
                       Coding.document_id.in_(chunk))):
            id_of[(d, a, b)] = cid
    ids = [id_of[(r["document_id"], r["start_offset"], r["end_offset"])] for r in rows]
    # the same snapshot as coding.apply records, so undo and redo restore them exactly
    entries = []
    for coding_id, r in zip(ids, rows):
        coding = SimpleNamespace(id=coding_id, start=r["start_offset"], end=r["end_offset"],
                                 **{k: v for k, v in r.items()
                                    if k not in ("start_offset", "end_offset")})
        entries.append({"coder": coder, "action": "add", "entity": "coding",
                        "entity_id": str(coding_id), "before": None,
                        "after": snapshot(coding),  # type: ignore[arg-type]
                        "reason": None, "batch": batch, "at": now, "undone": False})
    for chunk in index.chunks(entries, INSERT_CHUNK):
        session.execute(insert(cast(Table, AuditEntry.__table__)), list(chunk))
    result.created, result.coding_ids, result.batch = len(ids), list(ids), batch
    return result


def preview_autocode(session: Session, query: str | Sequence[str], code_id: str, coder: str,
                     level: str = "segment", *, mode: str = "lemma",
                     select: Sequence[int] | None = None,
                     segment_ids: Sequence[int] | None = None, **filters: Any
                     ) -> dict[str, Any]:
    """How many codings auto-coding a search would make, and how many already exist.

    Changes nothing (apart from bringing the search index up to date). Returns code_id,
    coder, level, hits, selected, codings, new, existing.
    """
    _check(session, code_id, coder, level)
    hits = search(session, query, mode, **filters)
    return plan_autocode(session, hits, code_id, coder, level, select=select,
                         segment_ids=segment_ids).as_dict()


def autocode(session: Session, query: str | Sequence[str], code_id: str, coder: str,
             level: str = "segment", *, mode: str = "lemma",
             select: Sequence[int] | None = None, segment_ids: Sequence[int] | None = None,
             batch: str | None = None, **filters: Any) -> AutocodeResult:
    """Search, then code the hits (all, or those chosen by hit number or segment id).

    Takes the search's ``mode`` and filters (see :func:`qualcode.search.search.search`).
    The code is checked before anything else: an unknown, archived or category code is
    a :class:`CodingError` and nothing changes. One audit batch; one undo reverses it.
    """
    _check(session, code_id, coder, level)
    hits = search(session, query, mode, **filters)
    return code_hits(session, hits, code_id, coder, level, select=select,
                     segment_ids=segment_ids, batch=batch)


def format_autocode(result: AutocodeResult | dict[str, Any], *, preview: bool = False) -> str:
    """What the CLI prints after (or, with ``preview``, before) an auto-coding."""
    r = result.as_dict() if isinstance(result, AutocodeResult) else dict(result)
    chosen = (f"{r['selected']} of {r['hits']} hit(s)" if r["selected"] != r["hits"]
              else f"{r['hits']} hit(s)")
    if preview:
        return (f"Auto-coding {chosen} with {r['code_id']} at {r['level']} level would make "
                f"{r['new']} coding(s); {r['existing']} already exist for {r['coder']}.")
    if not r["created"]:
        return (f"Nothing to code: {chosen}, {r['existing']} coding(s) with {r['code_id']} "
                f"already exist for {r['coder']}.")
    return (f"Coded {chosen} with {r['code_id']} at {r['level']} level: {r['created']} new "
            f"coding(s), {r['existing']} already existed. One undo reverses it.")
