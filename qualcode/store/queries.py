"""Read-only views of a project as pandas DataFrames (what analysis and pages consume)."""

from __future__ import annotations

from typing import Any

import pandas as pd
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from qualcode.store.models import Code, Coding, Document, Respondent, Segment

RESPONDENT_COLUMNS = ["id", "label", "group", "trial", "members", "attributes"]
DOCUMENT_COLUMNS = [
    "id", "respondent", "label", "kind", "title", "source", "sha256", "metadata", "text",
]
SEGMENT_COLUMNS = [
    "id", "document_id", "respondent", "label", "group", "speaker", "is_interviewer",
    "question", "page", "start", "end", "text", "locator",
]


def respondents_frame(session: Session) -> pd.DataFrame:
    """Respondents with their attributes, one column per attribute after the fixed ones."""
    rows = session.scalars(select(Respondent).order_by(Respondent.id)).all()
    frame = pd.DataFrame(
        [{c: getattr(r, c) for c in RESPONDENT_COLUMNS} for r in rows], columns=RESPONDENT_COLUMNS
    )
    attributes = sorted({k for r in rows for k in (r.attributes or {})})
    for name in attributes:
        frame[name] = [(r.attributes or {}).get(name) for r in rows]
    return frame


def documents_frame(session: Session, *, with_text: bool = True) -> pd.DataFrame:
    """Documents: id, respondent, label, kind, title, source, sha256, metadata, text."""
    stmt = (
        select(Document, Respondent.label)
        .outerjoin(Respondent, Document.respondent_id == Respondent.id)
        .order_by(Document.id)
    )
    records = [
        {
            "id": d.id,
            "respondent": d.respondent_id,
            "label": label,
            "kind": d.kind,
            "title": d.title,
            "source": d.source,
            "sha256": d.sha256,
            "metadata": d.meta,
            "text": d.text if with_text else None,
        }
        for d, label in session.execute(stmt)
    ]
    frame = pd.DataFrame(records, columns=DOCUMENT_COLUMNS)
    if not with_text:
        frame = frame.drop(columns=["text"])
    return frame


def segments_frame(session: Session, document_id: int | None = None) -> pd.DataFrame:
    """Segments in document order with their text, locator and respondent."""
    stmt = (
        select(
            Segment.id, Segment.document_id, Document.respondent_id, Respondent.label,
            Respondent.group, Segment.speaker, Segment.is_interviewer, Segment.question,
            Segment.page, Segment.start, Segment.end, Segment.locator,
        )
        .join(Document, Segment.document_id == Document.id)
        .outerjoin(Respondent, Document.respondent_id == Respondent.id)
        .order_by(Segment.document_id, Segment.ordinal)
    )
    texts_stmt = select(Document.id, Document.text)
    if document_id is not None:
        stmt = stmt.where(Segment.document_id == document_id)
        texts_stmt = texts_stmt.where(Document.id == document_id)
    texts = dict(session.execute(texts_stmt).all())
    records: list[dict[str, Any]] = []
    for row in session.execute(stmt):
        text = texts[row.document_id][row.start : row.end]
        records.append(
            {
                "id": row.id, "document_id": row.document_id, "respondent": row.respondent_id,
                "label": row.label, "group": row.group, "speaker": row.speaker,
                "is_interviewer": row.is_interviewer, "question": row.question,
                "page": row.page, "start": row.start, "end": row.end, "text": text,
                "locator": row.locator,
            }
        )
    frame = pd.DataFrame(records, columns=SEGMENT_COLUMNS)
    frame["respondent"] = frame["respondent"].astype("Int64")
    frame["page"] = frame["page"].astype("Int64")
    return frame


def project_info(session: Session) -> dict[str, Any]:
    """Counts: respondents by group, documents by kind, segments, codes and codings."""
    by_group = dict(
        session.execute(select(Respondent.group, func.count()).group_by(Respondent.group)).all()
    )
    by_kind = dict(
        session.execute(select(Document.kind, func.count()).group_by(Document.kind)).all()
    )
    return {
        "respondents": sum(by_group.values()),
        "respondents_by_group": by_group,
        "documents": sum(by_kind.values()),
        "documents_by_kind": by_kind,
        "segments": session.scalar(select(func.count()).select_from(Segment)) or 0,
        "codes": session.scalar(select(func.count()).select_from(Code)) or 0,
        "codings": session.scalar(select(func.count()).select_from(Coding)) or 0,
    }
