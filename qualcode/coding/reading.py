"""What the coder reads: a document's segments with the codes on them, a page at a time."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from qualcode.coding.query import overlapping_segments, segment_keys
from qualcode.errors import CodingError
from qualcode.store.models import Code, Coding, Document, Respondent, Segment

PAGE_SIZE = 80
VIEW_COLUMNS = ["id", "ordinal", "locator", "speaker", "is_interviewer", "question", "text",
                "codes", "code_names", "colour", "valences", "coding_ids"]


@dataclass
class DocumentPage:
    """One page of a document as the Code page shows it."""

    segments: pd.DataFrame
    page: int
    pages: int
    total: int


def document_page(session: Session, document_id: int, page: int = 1,
                  page_size: int = PAGE_SIZE, only_uncoded: bool = False,
                  include_interviewer: bool = True) -> DocumentPage:
    """Segments of a document (``page`` from 1) with the codes, colours and marks on each.

    Only the requested page is read, so a 300,000-word transcript stays quick. With
    ``only_uncoded`` just the respondent segments no coding touches are listed.
    """
    doc = session.get(Document, document_id)
    if doc is None:
        raise CodingError(f"There is no document {document_id} in this project.")
    keys = segment_keys(session, [document_id])
    codings = session.execute(
        select(Coding.id, Coding.start, Coding.end, Coding.code_id, Coding.valence)
        .where(Coding.document_id == document_id).order_by(Coding.start)).all()
    span_idx, seg_idx = overlapping_segments(
        keys, np.full(len(codings), document_id), np.array([c.start for c in codings], int),
        np.array([c.end for c in codings], int)) if codings else (np.array([], int),
                                                                  np.array([], int))
    keep = np.ones(len(keys), dtype=bool)
    if not include_interviewer:
        keep &= ~keys["is_interviewer"].astype(bool).to_numpy()
    if only_uncoded:
        coded = np.zeros(len(keys), dtype=bool)
        coded[seg_idx] = True
        keep &= ~coded & ~keys["is_interviewer"].astype(bool).to_numpy()
    rows_idx = np.flatnonzero(keep)
    total = len(rows_idx)
    pages = max(1, -(-total // page_size))
    page = min(max(1, page), pages)
    chosen = rows_idx[(page - 1) * page_size: page * page_size]
    ids = [int(i) for i in keys["id"].to_numpy()[chosen]]
    seg_rows = {r.id: r for r in session.execute(
        select(Segment.id, Segment.ordinal, Segment.locator, Segment.speaker,
               Segment.is_interviewer, Segment.question, Segment.start, Segment.end)
        .where(Segment.id.in_(ids)))}
    codes = {c.id: (c.name, c.colour) for c in session.execute(
        select(Code.id, Code.name, Code.colour))}
    on_segment: dict[int, list[int]] = {}
    for s_i, g_i in zip(span_idx, seg_idx):
        on_segment.setdefault(int(g_i), []).append(int(s_i))
    records = []
    for row_index, sid in zip(chosen, ids):
        seg = seg_rows[sid]
        here = [codings[i] for i in on_segment.get(int(row_index), [])]
        code_ids = [c.code_id for c in here]
        records.append({
            "id": sid, "ordinal": seg.ordinal, "locator": seg.locator, "speaker": seg.speaker,
            "is_interviewer": seg.is_interviewer, "question": seg.question,
            "text": doc.text[seg.start:seg.end], "codes": code_ids,
            "code_names": [codes[c][0] for c in code_ids],
            "colour": codes[code_ids[0]][1] if code_ids else None,
            "valences": [c.valence for c in here], "coding_ids": [c.id for c in here],
        })
    frame = pd.DataFrame(records, columns=VIEW_COLUMNS)
    return DocumentPage(segments=frame, page=page, pages=pages, total=total)


def document_list(session: Session) -> pd.DataFrame:
    """Documents for choosing one: id, label, title, kind, segments, codings."""
    seg_counts = dict(session.execute(select(Segment.document_id, func.count())
                                      .group_by(Segment.document_id)).all())
    coding_counts = dict(session.execute(select(Coding.document_id, func.count())
                                         .group_by(Coding.document_id)).all())
    rows = session.execute(select(Document.id, Respondent.label, Document.title, Document.kind)
                           .outerjoin(Respondent, Document.respondent_id == Respondent.id)
                           .order_by(Document.id)).all()
    return pd.DataFrame([{"id": r.id, "label": r.label, "title": r.title, "kind": r.kind,
                          "segments": seg_counts.get(r.id, 0),
                          "codings": coding_counts.get(r.id, 0)} for r in rows],
                        columns=["id", "label", "title", "kind", "segments", "codings"])


def codings_for_segments(session: Session, segment_ids: Sequence[int]) -> pd.DataFrame:
    """Codings overlapping any of the segments: id, code_id, code_name, coder, valence,
    flags, dimension, memo, locator."""
    columns = ["id", "code_id", "code_name", "coder", "valence", "flags", "dimension", "memo",
               "locator"]
    spans = session.execute(select(Segment.document_id, Segment.start, Segment.end)
                            .where(Segment.id.in_([int(i) for i in segment_ids]))).all()
    if not spans:
        return pd.DataFrame(columns=columns)
    records: dict[int, dict[str, Any]] = {}
    for doc_id, start, end in spans:
        for c, name in session.execute(
                select(Coding, Code.name).join(Code, Coding.code_id == Code.id)
                .where(Coding.document_id == doc_id, Coding.start < end, Coding.end > start)):
            records[c.id] = {"id": c.id, "code_id": c.code_id, "code_name": name,
                             "coder": c.coder, "valence": c.valence,
                             "flags": list(c.flags or []), "dimension": c.dimension,
                             "memo": c.memo, "locator": c.locator}
    return pd.DataFrame(sorted(records.values(), key=lambda r: r["id"]), columns=columns)
