"""The suggestion half of the Project API: suggestions with reasons, feedback, what to
code next, similar segments, suggested marks and the honest accuracy figures."""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import AbstractContextManager
from typing import TYPE_CHECKING, Any

import pandas as pd
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from qualcode.coding import apply
from qualcode.coding.codebook import project_codebook
from qualcode.errors import CodingError
from qualcode.store import audit
from qualcode.store.models import Document

if TYPE_CHECKING:  # scikit-learn loads when suggestions are first asked for
    from qualcode.coding.suggest import CodeSuggester


class SuggestMixin:
    """Methods mixed into :class:`qualcode.Project`."""

    coder: str
    engine: Engine

    def session(self) -> AbstractContextManager[Session]:  # provided by Project
        raise NotImplementedError

    def suggester(self, wait: bool = True) -> tuple[CodeSuggester, bool]:
        """The project's suggester and whether it has learned from the latest coding.

        With ``wait=False`` (the workspace) a stale model keeps answering while a new one
        trains in the background."""
        from qualcode.coding import assist
        return assist.SuggestionService.for_engine(self.engine).model(wait=wait)

    def suggestions(self, segment_ids: int | Sequence[int], k: int = 3,
                    wait: bool = True) -> pd.DataFrame:
        """Suggested codes per segment, best first: segment_id, rank, code_id, name, score
        (0-1), reasons, stage. Codes already on a segment and rejected ones are left out;
        the suggester abstains below its threshold."""
        from qualcode.coding import assist
        ids = [segment_ids] if isinstance(segment_ids, int) else [int(i) for i in segment_ids]
        model, _fresh = self.suggester(wait=wait)
        with self.session() as s:
            return assist.suggestions_frame(s, model, ids, k=k)

    def accept_suggestion(self, segment_id: int, code_id: str, valence: str | None = None,
                          score: float | None = None, coder: str | None = None) -> list[int]:
        """Accept a suggestion: a coding with source 'suggestion' (mark: the one given, else
        the suggested one), remembered for the next training."""
        from qualcode.coding import assist
        who = coder or self.coder
        if valence is None:
            valence = self.suggest_valence([segment_id])["valence"].iloc[0]
        with self.session() as s:
            ids = apply.code_segments(s, [segment_id], code_id, who, batch=audit.new_batch(),
                                      valence=valence, source="suggestion")
            assist.record_feedback(s, segment_id, code_id, who, "accepted", score)
            return ids

    def reject_suggestion(self, segment_id: int, code_id: str, score: float | None = None,
                          coder: str | None = None) -> None:
        """Reject a suggestion: it is not made again for this segment, and it teaches the
        next training that this code does not fit here."""
        from qualcode.coding import assist
        with self.session() as s:
            assist.record_feedback(s, segment_id, code_id, coder or self.coder, "rejected",
                                   score)

    def suggest_valence(self, segment_ids: Sequence[int]) -> pd.DataFrame:
        """A suggested mark per segment: segment_id, valence (+, -, 0), probability."""
        from qualcode.coding import assist
        model, _fresh = self.suggester(wait=False)
        with self.session() as s:
            texts = assist.segment_texts(s, [int(i) for i in segment_ids])
        ids = [int(i) for i in segment_ids if int(i) in texts]
        marks = model.suggest_valence([texts[i] for i in ids]) if ids else []
        return pd.DataFrame([{"segment_id": i, "valence": m, "probability": p}
                             for i, (m, p) in zip(ids, marks)],
                            columns=["segment_id", "valence", "probability"])

    def next_to_code(self, n: int = 10, wait: bool = True) -> pd.DataFrame:
        """Uncoded respondent segments ordered so that coding them improves suggestions
        fastest (uncertain and unlike each other); document order until the suggester has
        learned something (with ``wait=False``, also while it is still training)."""
        from qualcode.coding import assist
        model, _fresh = self.suggester(wait=wait)
        with self.session() as s:
            ids, texts = assist.uncoded_respondent_segments(s)
            if not ids:
                return assist.segments_frame_for(s, [])
            if getattr(model, "learned_", False):
                order = model.next_to_code(texts, n=min(n, len(ids)))
                chosen = [ids[i] for i in order]
            else:
                chosen = ids[:n]
            return assist.segments_frame_for(s, chosen)

    def similar_segments(self, coding_id: int, n: int = 10) -> pd.DataFrame:
        """'Code more like this': the uncoded respondent segments most like a coded extract,
        with their similarity (0-1)."""
        from qualcode.coding import assist
        with self.session() as s:
            coding = apply.get_coding(s, coding_id)
            doc = s.get(Document, coding.document_id)
            text = doc.text[coding.start:coding.end] if doc is not None else ""
            ids, texts = assist.uncoded_respondent_segments(s)
        if not ids:
            return pd.DataFrame(columns=["id", "document_id", "locator", "label", "group",
                                         "speaker", "text", "similarity"])
        model, _fresh = self.suggester(wait=True)
        (best,) = model.most_similar([text], texts, n=n)
        with self.session() as s:
            frame = assist.segments_frame_for(s, [ids[i] for i, _sim in best])
        frame["similarity"] = [sim for _i, sim in best][:len(frame)]
        return frame

    def suggestion_accuracy(self, folds: int = 5, seed: int = 0) -> dict[str, Any]:
        """Cross-validated accuracy of suggestions on this project's own coding (the same
        figures as ``qualcode suggest-eval``): top-1, top-3, macro F1, valence accuracy."""
        from qualcode.coding import assist
        from qualcode.coding.suggest_eval import evaluate
        with self.session() as s:
            data = assist.training_data(s)
            book = project_codebook(s)
        pairs = [(t, c, v) for t, c, v in zip(data.texts, data.codes, data.valences) if c]
        if len(pairs) < max(folds * 2, 10):
            raise CodingError(f"Only {len(pairs)} coded segment(s): code at least "
                              f"{max(folds * 2, 10)} respondent segments to measure how well "
                              "suggestions work.")
        texts, codes, valences = zip(*pairs)
        return evaluate(book, list(texts), [list(c) for c in codes], list(valences),
                        folds=folds, seed=seed)
