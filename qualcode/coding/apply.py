"""Codings, marks, memos and Issues: the researcher's coding work, every change audited.

A coding is a code applied by a coder to a span of a document (start/end character
offsets), with a valence mark, flags, an optional policy/process/practice dimension and a
memo. The same code on the same span by the same coder is one coding: applying it again
updates its marks. Each user action is one audit *batch*, which ``coding.history`` can undo.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import delete, func, insert, select
from sqlalchemy.orm import Session

from qualcode.errors import CodingError
from qualcode.store import audit
from qualcode.store.models import Code, Coding, Document, Issue, Segment, issue_codings

VALENCES = ("+", "-", "0")
FLAGS = ("in_literature", "surprising", "follow_up")
DIMENSIONS = ("policy", "process", "practice")
SOURCES = ("manual", "suggestion", "autocode", "import")
MARK_FIELDS = ("valence", "flags", "dimension", "memo")


def check_marks(valence: str, flags: Iterable[str], dimension: str | None) -> tuple[str, list[str]]:
    """Validate a valence mark, flags and dimension; returns (valence, sorted unique flags)."""
    if valence not in VALENCES:
        raise CodingError(f"Valence {valence!r} is not one of + (positive), - (negative), "
                          "0 (neutral).")
    if isinstance(flags, str):
        flags = [flags]
    flag_list = sorted(set(flags))
    unknown = [f for f in flag_list if f not in FLAGS]
    if unknown:
        raise CodingError(f"Flag {unknown[0]!r} is not one of {', '.join(FLAGS)}.")
    if dimension is not None and dimension not in DIMENSIONS:
        raise CodingError(f"Dimension {dimension!r} is not one of {', '.join(DIMENSIONS)} "
                          "(or none).")
    return valence, flag_list


def snapshot(coding: Coding, issue_ids: Sequence[int] = ()) -> dict[str, Any]:
    """Everything needed to restore a coding exactly (used by the audit log and undo)."""
    return {
        "id": coding.id, "document_id": coding.document_id, "start": coding.start,
        "end": coding.end, "code_id": coding.code_id, "coder": coding.coder,
        "valence": coding.valence, "flags": list(coding.flags or []),
        "dimension": coding.dimension, "memo": coding.memo, "source": coding.source,
        "locator": coding.locator,
        "created_at": coding.created_at.isoformat() if coding.created_at else None,
        "issue_ids": list(issue_ids),
    }


def restorable(snap: dict[str, Any]) -> dict[str, Any]:
    """The column values to re-insert a coding from its snapshot."""
    values = {k: v for k, v in snap.items() if k not in ("issue_ids", "created_at")}
    if snap.get("created_at"):
        values["created_at"] = datetime.fromisoformat(snap["created_at"])
    return values


def restore(session: Session, snap: dict[str, Any]) -> None:
    """Re-create a coding from its snapshot, with its id and its Issue links."""
    session.execute(insert(Coding), [restorable(snap)])
    existing_issues = set(session.scalars(
        select(Issue.id).where(Issue.id.in_(snap.get("issue_ids") or []))))
    if existing_issues:
        session.execute(insert(issue_codings), [
            {"issue_id": i, "coding_id": snap["id"]} for i in sorted(existing_issues)])


def codable_code(session: Session, code_id: str) -> Code:
    """The code, checked to exist, be codable and not archived."""
    code = session.get(Code, code_id)
    if code is None:
        raise CodingError(f"There is no code {code_id!r} in this project's codebook: check the "
                          "id (Codebook page, or `qualcode codebook list`).")
    if not code.codable:
        raise CodingError(f"{code.name!r} ({code_id}) is a category that groups codes: choose one "
                          "of the codes under it.")
    if code.archived:
        raise CodingError(f"{code.name!r} ({code_id}) is archived: restore it in the codebook "
                          "or choose another code.")
    return code


def span_locator(session: Session, document_id: int, start: int, end: int) -> str:
    """The locator of a span: that of its first segment, or ``first–last`` across segments."""
    rows = session.execute(
        select(Segment.locator)
        .where(Segment.document_id == document_id, Segment.start < end, Segment.end > start)
        .order_by(Segment.ordinal)
    ).scalars().all()
    if not rows:
        return ""
    return rows[0] if rows[0] == rows[-1] else f"{rows[0]}–{rows[-1]}"


def segment_runs(session: Session, segment_ids: Sequence[int]) -> list[tuple[int, int, int, str]]:
    """Group segments into runs of consecutive segments of one document.

    Returns ``(document_id, start, end, locator)`` per run. Unknown ids are an error.
    """
    ids = sorted({int(i) for i in segment_ids})
    if not ids:
        raise CodingError("No segment chosen: select one segment or a range to code.")
    rows = session.execute(
        select(Segment.id, Segment.document_id, Segment.ordinal, Segment.start, Segment.end,
               Segment.locator).where(Segment.id.in_(ids))
    ).all()
    missing = sorted(set(ids) - {r.id for r in rows})
    if missing:
        raise CodingError(f"Segment id(s) {', '.join(map(str, missing[:10]))} do not exist in "
                          "this project.")
    rows = sorted(rows, key=lambda r: (r.document_id, r.ordinal))
    runs: list[list[Any]] = []
    for row in rows:
        last = runs[-1] if runs else None
        if last and last[0] == row.document_id and last[4] + 1 == row.ordinal:
            last[2], last[4], last[5] = row.end, row.ordinal, row.locator
        else:
            runs.append([row.document_id, row.start, row.end, row.locator, row.ordinal,
                         row.locator])
    return [(d, s, e, first if first == last else f"{first}–{last}")
            for d, s, e, first, _o, last in runs]


def code_span(session: Session, document_id: int, start: int, end: int, code_id: str,
              coder: str, *, valence: str = "0", flags: Iterable[str] = (),
              dimension: str | None = None, memo: str | None = None, source: str = "manual",
              batch: str | None = None, locator: str | None = None) -> int:
    """Apply a code to any span of a document; returns the coding id.

    If the coder already has this code on exactly this span, its marks are updated instead.
    """
    valence, flag_list = check_marks(valence, flags, dimension)
    if source not in SOURCES:
        raise CodingError(f"Source {source!r} is not one of {', '.join(SOURCES)}.")
    if not coder or not coder.strip():
        raise CodingError("A coder name is needed: set it on the Project page or with --coder.")
    codable_code(session, code_id)
    doc_len = session.scalar(select(func.length(Document.text)).where(Document.id == document_id))
    if doc_len is None:
        raise CodingError(f"There is no document {document_id} in this project.")
    if not 0 <= start < end <= doc_len:
        raise CodingError(f"Span {start}-{end} is outside document {document_id} "
                          f"(0-{doc_len}) or empty.")
    existing = session.scalar(select(Coding).where(
        Coding.document_id == document_id, Coding.start == start, Coding.end == end,
        Coding.code_id == code_id, Coding.coder == coder))
    marks = {"valence": valence, "flags": flag_list, "dimension": dimension, "memo": memo}
    if existing is not None:
        before = snapshot(existing)
        if all(before[k] == v for k, v in marks.items()):
            return existing.id
        for key, value in marks.items():
            setattr(existing, key, value)
        session.flush()
        audit.record(session, coder, "update", "coding", existing.id, before=before,
                     after=snapshot(existing), batch=batch)
        return existing.id
    coding = Coding(document_id=document_id, start=start, end=end, code_id=code_id,
                    coder=coder, source=source,
                    locator=locator if locator is not None else
                    span_locator(session, document_id, start, end), **marks)
    session.add(coding)
    session.flush()
    audit.record(session, coder, "add", "coding", coding.id, after=snapshot(coding), batch=batch)
    return coding.id


def code_segments(session: Session, segment_ids: Sequence[int], code_ids: str | Sequence[str],
                  coder: str, *, batch: str | None = None, **marks: Any) -> list[int]:
    """Apply one or more codes to segments: one coding per code per run of consecutive
    segments (a range of sentences becomes one coded extract). Returns the coding ids."""
    codes = [code_ids] if isinstance(code_ids, str) else list(code_ids)
    if not codes:
        raise CodingError("No code chosen: pick at least one code to apply.")
    runs = segment_runs(session, segment_ids)
    return [code_span(session, doc, start, end, code, coder, batch=batch, locator=loc, **marks)
            for code in codes for doc, start, end, loc in runs]


def get_coding(session: Session, coding_id: int) -> Coding:
    """The coding, or a clear error."""
    coding = session.get(Coding, coding_id)
    if coding is None:
        raise CodingError(f"There is no coding {coding_id} in this project (it may have been "
                          "removed already).")
    return coding


def issue_ids_of(session: Session, coding_id: int) -> list[int]:
    """Ids of the Issues a coding supports."""
    return list(session.scalars(select(issue_codings.c.issue_id)
                                .where(issue_codings.c.coding_id == coding_id)))


def update_coding(session: Session, coding_id: int, coder: str, *, batch: str | None = None,
                  **changes: Any) -> None:
    """Change a coding's valence, flags, dimension or memo."""
    unknown = set(changes) - set(MARK_FIELDS)
    if unknown:
        raise CodingError(f"Cannot change {', '.join(sorted(unknown))} of a coding; only "
                          f"{', '.join(MARK_FIELDS)}.")
    coding = get_coding(session, coding_id)
    before = snapshot(coding)
    merged = {k: changes.get(k, before[k]) for k in MARK_FIELDS}
    merged["valence"], merged["flags"] = check_marks(merged["valence"], merged["flags"],
                                                     merged["dimension"])
    for key, value in merged.items():
        setattr(coding, key, value)
    session.flush()
    after = snapshot(coding)
    if after != before:
        audit.record(session, coder, "update", "coding", coding_id, before=before, after=after,
                     batch=batch)


def uncode(session: Session, coding_id: int, coder: str, *, batch: str | None = None) -> None:
    """Remove a coding (its Issue links go with it; undo restores both)."""
    coding = get_coding(session, coding_id)
    before = snapshot(coding, issue_ids_of(session, coding_id))
    session.execute(delete(issue_codings).where(issue_codings.c.coding_id == coding_id))
    session.delete(coding)
    session.flush()
    audit.record(session, coder, "delete", "coding", coding_id, before=before, batch=batch)


# --- Issues: the analyst's statements, linked to the codings that support them ---------

def add_issue(session: Session, code_id: str, text: str, coding_ids: Sequence[int],
              coder: str) -> int:
    """Record an Issue (the analyst's statement) under a code, linked to supporting codings."""
    if session.get(Code, code_id) is None:
        raise CodingError(f"There is no code {code_id!r} in this project's codebook.")
    if not text or not text.strip():
        raise CodingError("An Issue needs a statement: write what the extracts show.")
    ids = sorted({int(i) for i in coding_ids})
    found = set(session.scalars(select(Coding.id).where(Coding.id.in_(ids))))
    missing = [i for i in ids if i not in found]
    if missing:
        raise CodingError(f"Coding id(s) {', '.join(map(str, missing))} do not exist: link the "
                          "Issue to existing codings.")
    issue = Issue(code_id=code_id, text=text.strip(), coder=coder)
    session.add(issue)
    session.flush()
    if ids:
        session.execute(insert(issue_codings), [{"issue_id": issue.id, "coding_id": i}
                                                for i in ids])
    audit.record(session, coder, "add", "issue", issue.id,
                 after={"code_id": code_id, "text": issue.text, "coding_ids": ids})
    return issue.id


def link_issue(session: Session, issue_id: int, coding_ids: Sequence[int], coder: str) -> None:
    """Link more codings to an existing Issue."""
    if session.get(Issue, issue_id) is None:
        raise CodingError(f"There is no Issue {issue_id} in this project.")
    ids = sorted({int(i) for i in coding_ids})
    found = set(session.scalars(select(Coding.id).where(Coding.id.in_(ids))))
    missing = [i for i in ids if i not in found]
    if missing:
        raise CodingError(f"Coding id(s) {', '.join(map(str, missing))} do not exist.")
    linked = set(session.scalars(select(issue_codings.c.coding_id)
                                 .where(issue_codings.c.issue_id == issue_id)))
    new = [i for i in ids if i not in linked]
    if new:
        session.execute(insert(issue_codings), [{"issue_id": issue_id, "coding_id": i}
                                                for i in new])
        audit.record(session, coder, "link", "issue", issue_id, after={"coding_ids": new})
