"""Suggestions inside a project: training data from the project's own coding, a model
kept per project and retrained in the background when coding changes, and feedback.

The suggester (``coding.suggest``) is pure; this module connects it to the store. Training
data: every respondent segment a coding touches, with the codes on it (and its mark);
segments whose suggestion was rejected count as negative evidence for that code. A
rejected suggestion is never made again for that segment.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from typing import Any, ClassVar

import numpy as np
import pandas as pd
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from qualcode.coding.codebook import project_codebook
from qualcode.coding.query import overlapping_segments, segment_keys
from qualcode.coding.suggest import CodeSuggester, Suggestion
from qualcode.errors import CodingError
from qualcode.store.models import (
    AuditEntry,
    Code,
    Coding,
    Document,
    Respondent,
    Segment,
    SuggestionFeedback,
)

SUGGESTION_COLUMNS = ["segment_id", "rank", "code_id", "name", "score", "reasons", "stage"]
RETRAIN_INTERVAL_S = 20.0
"""In the background, retrain at most this often: a coder applying codes one after
another keeps the last model (a few codings behind) instead of competing with training."""


@dataclass
class TrainingData:
    """What the learned stage is fitted on."""

    segment_ids: list[int]
    texts: list[str]
    codes: list[list[str]]
    valences: list[str | None]
    rejected: list[tuple[int, str]] = field(default_factory=list)


def project_version(session: Session) -> tuple[int, int]:
    """Changes since the last training: the newest audit entry and the feedback count."""
    return (session.scalar(select(func.max(AuditEntry.id))) or 0,
            session.scalar(select(func.count()).select_from(SuggestionFeedback)) or 0)


def segment_texts(session: Session, segment_ids: list[int]) -> dict[int, str]:
    """The text of each segment."""
    rows = session.execute(select(Segment.id, Segment.document_id, Segment.start, Segment.end)
                           .where(Segment.id.in_([int(i) for i in segment_ids]))).all()
    texts = dict(session.execute(select(Document.id, Document.text).where(
        Document.id.in_({r.document_id for r in rows}))).all())
    return {r.id: texts[r.document_id][r.start:r.end] for r in rows}


def training_data(session: Session) -> TrainingData:
    """Coded respondent segments with their codes and marks, and rejected suggestions."""
    codings = session.execute(select(Coding.document_id, Coding.start, Coding.end,
                                     Coding.code_id, Coding.valence)).all()
    rejected_rows = session.execute(
        select(SuggestionFeedback.segment_id, SuggestionFeedback.code_id)
        .where(SuggestionFeedback.decision == "rejected")).all()
    doc_ids = sorted({c.document_id for c in codings}
                     | set(session.scalars(select(Segment.document_id).where(
                         Segment.id.in_([r.segment_id for r in rejected_rows])))))
    keys = segment_keys(session, doc_ids)
    respondent = ~keys["is_interviewer"].astype(bool).to_numpy()
    codes_on: dict[int, list[str]] = {}
    valence_on: dict[int, str] = {}
    if codings:
        arr = np.array([(c.document_id, c.start, c.end) for c in codings], dtype=np.int64)
        span, seg = overlapping_segments(keys, arr[:, 0], arr[:, 1], arr[:, 2])
        ids = keys["id"].to_numpy()
        for s_i, g_i in zip(span, seg):
            if not respondent[g_i]:
                continue
            sid = int(ids[g_i])
            code = codings[int(s_i)].code_id
            if code not in codes_on.setdefault(sid, []):
                codes_on[sid].append(code)
            valence_on.setdefault(sid, codings[int(s_i)].valence)
    segment_ids = sorted(codes_on) + sorted({r.segment_id for r in rejected_rows}
                                            - set(codes_on))
    texts = segment_texts(session, segment_ids)
    position = {sid: i for i, sid in enumerate(segment_ids)}
    return TrainingData(
        segment_ids=segment_ids, texts=[texts[s] for s in segment_ids],
        codes=[codes_on.get(s, []) for s in segment_ids],
        valences=[valence_on.get(s) for s in segment_ids],
        rejected=[(position[r.segment_id], r.code_id) for r in rejected_rows])


def fit_suggester(session: Session) -> CodeSuggester:
    """A suggester fitted on the project's coding (codebook stage only while there is
    too little to learn from: see ``CodeSuggester.warning_``)."""
    codebook = project_codebook(session)
    suggester = CodeSuggester(codebook)
    data = training_data(session)
    known = {c.id for c in codebook.codable_codes()}
    codes = [[c for c in cs if c in known] for cs in data.codes]
    suggester.fit(data.texts, codes, valences=data.valences,
                  rejected=[(i, c) for i, c in data.rejected if c in known])
    return suggester


class SuggestionService:
    """One per project database: the newest fitted suggester, retrained in a background
    thread when the project changes (at most every RETRAIN_INTERVAL_S), so the workspace
    never waits for training."""

    _instances: ClassVar[dict[str, SuggestionService]] = {}
    _instances_lock = threading.Lock()

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._lock = threading.Lock()
        self._model: CodeSuggester | None = None
        self._version: tuple[int, int] | None = None
        self._training: threading.Thread | None = None
        self._last_start = -RETRAIN_INTERVAL_S

    @classmethod
    def for_engine(cls, engine: Engine) -> SuggestionService:
        """The service of this database (shared by every Project view of it)."""
        key = engine.url.render_as_string(hide_password=False)
        with cls._instances_lock:
            if key not in cls._instances:
                cls._instances[key] = cls(engine)
            return cls._instances[key]

    def _train(self, version: tuple[int, int]) -> None:
        with Session(self.engine) as session:
            model = fit_suggester(session)
        with self._lock:
            if self._version is None or version >= self._version:
                self._model, self._version = model, version

    def model(self, wait: bool = True) -> tuple[CodeSuggester, bool]:
        """The suggester and whether it is up to date with the project's coding.

        With ``wait`` a stale model is retrained now; without, training starts in the
        background and the last model (or the codebook-only stage) answers meanwhile.
        """
        with Session(self.engine) as session:
            version = project_version(session)
            with self._lock:
                current, fresh = self._model, self._version == version
            if current is not None and fresh:
                return current, True
            if wait:
                self._train(version)
                with self._lock:
                    assert self._model is not None
                    return self._model, True
            with self._lock:
                idle = self._training is None or not self._training.is_alive()
                due = time.monotonic() - self._last_start >= RETRAIN_INTERVAL_S
                if idle and (due or current is None):
                    self._last_start = time.monotonic()
                    self._training = threading.Thread(target=self._train, args=(version,),
                                                      daemon=True)
                    self._training.start()
            if current is not None:
                return current, False
            return CodeSuggester(project_codebook(session)), False


def suggestions_frame(session: Session, suggester: CodeSuggester, segment_ids: list[int],
                      k: int = 3) -> pd.DataFrame:
    """Suggestions for segments, leaving out codes already on the segment and rejected ones."""
    texts = segment_texts(session, segment_ids)
    missing = [s for s in segment_ids if s not in texts]
    if missing:
        raise CodingError(f"Segment id(s) {', '.join(map(str, missing[:10]))} do not exist.")
    exclude: list[tuple[int, str]] = []
    for i, sid in enumerate(segment_ids):
        exclude += [(i, c) for c in codes_on_segment(session, sid)]
        exclude += [(i, c) for c in session.scalars(
            select(SuggestionFeedback.code_id).where(SuggestionFeedback.segment_id == sid,
                                                     SuggestionFeedback.decision == "rejected"))]
    names = dict(session.execute(select(Code.id, Code.name)).all())
    result = suggester.suggest([texts[s] for s in segment_ids], k=k, exclude=exclude)
    rows: list[dict[str, Any]] = []
    for sid, suggestions in zip(segment_ids, result):
        for rank, s in enumerate(suggestions, start=1):
            rows.append({"segment_id": sid, "rank": rank, "code_id": s.code_id,
                         "name": names.get(s.code_id, s.code_id), "score": s.score,
                         "reasons": list(s.reasons), "stage": s.stage})
    return pd.DataFrame(rows, columns=SUGGESTION_COLUMNS)


def codes_on_segment(session: Session, segment_id: int) -> list[str]:
    """Codes of codings that touch a segment."""
    seg = session.get(Segment, segment_id)
    if seg is None:
        return []
    return list(session.scalars(select(Coding.code_id).where(
        Coding.document_id == seg.document_id, Coding.start < seg.end,
        Coding.end > seg.start)))


def record_feedback(session: Session, segment_id: int, code_id: str, coder: str,
                    decision: str, score: float | None = None) -> None:
    """Remember an accepted or rejected suggestion (the latest decision wins)."""
    if session.get(Segment, segment_id) is None:
        raise CodingError(f"There is no segment {segment_id} in this project.")
    if session.get(Code, code_id) is None:
        raise CodingError(f"There is no code {code_id!r} in this project's codebook.")
    row = session.scalar(select(SuggestionFeedback).where(
        SuggestionFeedback.segment_id == segment_id, SuggestionFeedback.code_id == code_id,
        SuggestionFeedback.coder == coder))
    if row is None:
        session.add(SuggestionFeedback(segment_id=segment_id, code_id=code_id, coder=coder,
                                       decision=decision, score=score))
    else:
        row.decision, row.score = decision, score
    session.flush()


def uncoded_respondent_segments(session: Session, limit: int | None = None
                                ) -> tuple[list[int], list[str]]:
    """Ids and texts of respondent segments no coding touches (interviewer turns out)."""
    doc_ids = list(session.scalars(select(Document.id).order_by(Document.id)))
    keys = segment_keys(session, doc_ids)
    coded = np.zeros(len(keys), dtype=bool)
    spans = session.execute(select(Coding.document_id, Coding.start, Coding.end)).all()
    if spans:
        arr = np.array(spans, dtype=np.int64)
        _s, seg = overlapping_segments(keys, arr[:, 0], arr[:, 1], arr[:, 2])
        coded[seg] = True
    keep = ~coded & ~keys["is_interviewer"].astype(bool).to_numpy()
    ids = [int(i) for i in keys["id"].to_numpy()[keep]][:limit]
    texts = segment_texts(session, ids)
    return ids, [texts[i] for i in ids]


def segments_frame_for(session: Session, segment_ids: list[int]) -> pd.DataFrame:
    """id, document_id, locator, label, group, speaker, text for chosen segments, in order."""
    rows = session.execute(
        select(Segment.id, Segment.document_id, Segment.locator, Segment.speaker,
               Respondent.label, Respondent.group)
        .join(Document, Segment.document_id == Document.id)
        .outerjoin(Respondent, Document.respondent_id == Respondent.id)
        .where(Segment.id.in_(segment_ids))).all()
    texts = segment_texts(session, segment_ids)
    by_id = {r.id: r for r in rows}
    return pd.DataFrame([{"id": s, "document_id": by_id[s].document_id,
                          "locator": by_id[s].locator, "label": by_id[s].label,
                          "group": by_id[s].group, "speaker": by_id[s].speaker,
                          "text": texts[s]} for s in segment_ids if s in by_id],
                        columns=["id", "document_id", "locator", "label", "group", "speaker",
                                 "text"])


__all__ = ["Suggestion", "SuggestionService", "TrainingData", "fit_suggester",
           "record_feedback", "suggestions_frame", "training_data"]
