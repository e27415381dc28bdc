"""The search half of the Project API: text search, keyword in context, auto-coding,
saved searches and word frequencies (see ``qualcode.search`` for the definitions)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager
from typing import TYPE_CHECKING, Any

import pandas as pd
from sqlalchemy.orm import Session

from qualcode.store import audit

if TYPE_CHECKING:  # the search modules load the regex engine and spaCy when first used
    from qualcode.search import autocode as autocode_mod
    from qualcode.search.search import HitCounts


class SearchMixin:
    """Methods mixed into :class:`qualcode.Project`."""

    coder: str

    def session(self) -> AbstractContextManager[Session]:  # provided by Project
        raise NotImplementedError

    def search(self, query: str | Sequence[str], mode: str = "lemma",
               **filters: Any) -> pd.DataFrame:
        """Hits of a word, phrase, alternatives or regular expression, in context:
        left, hit, right, locator, label, group, document_id, segment_id, start, end,
        speaker. ``mode`` is "lemma" (default), "exact" or "regex"."""
        from qualcode.search.search import search as search_text
        with self.session() as s:
            return search_text(s, query, mode, **filters)

    def search_counts(self, hits: pd.DataFrame) -> HitCounts:
        """Hits per document and per group, with the words searched."""
        from qualcode.search.search import hit_counts
        with self.session() as s:
            return hit_counts(s, hits)

    def autocode(self, query: str | Sequence[str], code_id: str, coder: str | None = None,
                 level: str = "segment", **filters: Any) -> autocode_mod.AutocodeResult:
        """Code every hit of a search (the segment, or the whole turn) in one undoable action."""
        from qualcode.search import autocode as autocode_mod
        with self.session() as s:
            return autocode_mod.autocode(s, query, code_id, coder or self.coder, level,
                                         batch=audit.new_batch(), **filters)

    def autocode_preview(self, query: str | Sequence[str], code_id: str,
                         coder: str | None = None, level: str = "segment",
                         **filters: Any) -> dict[str, int]:
        """How many codings auto-coding would make, and how many already exist."""
        from qualcode.search import autocode as autocode_mod
        with self.session() as s:
            return autocode_mod.preview_autocode(s, query, code_id, coder or self.coder, level,
                                                 **filters)

    def code_hits(self, hits: pd.DataFrame, code_id: str, coder: str | None = None,
                  level: str = "segment", select: Sequence[int] | None = None,
                  segment_ids: Sequence[int] | None = None) -> autocode_mod.AutocodeResult:
        """Code chosen hits of a search already run (rows ``select``) in one action."""
        from qualcode.search import autocode as autocode_mod
        with self.session() as s:
            return autocode_mod.code_hits(s, hits, code_id, coder or self.coder, level,
                                          select=select, segment_ids=segment_ids,
                                          batch=audit.new_batch())

    def save_search(self, name: str, query: str, mode: str = "lemma",
                    overwrite: bool = False, **filters: Any) -> int:
        """Save a named search to run again later (e.g. after new interviews)."""
        from qualcode.search import saved
        with self.session() as s:
            return saved.save_search(s, name, query, mode, self.coder, overwrite=overwrite,
                                     **filters)

    def saved_searches(self) -> pd.DataFrame:
        """The saved searches."""
        from qualcode.search import saved
        with self.session() as s:
            return saved.saved_searches(s)

    def run_saved_search(self, name: str, **overrides: Any) -> pd.DataFrame:
        """Run a saved search on the project as it is now."""
        from qualcode.search import saved
        with self.session() as s:
            return saved.run_saved_search(s, name, **overrides)

    def delete_saved_search(self, name: str) -> None:
        """Delete a saved search."""
        from qualcode.search import saved
        with self.session() as s:
            saved.delete_saved_search(s, name, self.coder)

    def word_frequencies(self, by: str | None = None, n: int = 50,
                         **options: Any) -> pd.DataFrame:
        """Most frequent content words (lemmas), overall or per group / attribute."""
        from qualcode.search import words
        with self.session() as s:
            return words.word_frequencies(s, by, n, **options)

    def keyness(self, by: str = "group", n: int = 20, **options: Any) -> pd.DataFrame:
        """Words characteristic of each group (log-likelihood G2, log ratio)."""
        from qualcode.search import words
        with self.session() as s:
            return words.keyness(s, by, n, **options)

    def update_search_index(self, progress: Callable[..., None] | None = None) -> Any:
        """Bring the text-search index up to date (done before each search anyway)."""
        from qualcode.search import index as search_index
        with self.session() as s:
            return search_index.ensure_index(s, progress)
