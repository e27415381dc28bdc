"""The analysis half of the Project API: themes, co-occurrence, group breakdowns.

Each method takes the project's current codings and calls the pure function of the same
name in ``qualcode.themes`` (see there for the exact definitions and denominators).
"""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import AbstractContextManager
from typing import TYPE_CHECKING, Any

import pandas as pd
from sqlalchemy.orm import Session

if TYPE_CHECKING:  # the analysis modules load scipy and networkx: imported when first used
    import networkx as nx

    from qualcode.themes.groups import ChiSquareResult


class AnalysisMixin:
    """Methods mixed into :class:`qualcode.Project`."""

    coder: str

    def session(self) -> AbstractContextManager[Session]:  # provided by Project
        raise NotImplementedError

    def codings(self) -> pd.DataFrame:  # provided by Project
        raise NotImplementedError

    def codebook(self) -> pd.DataFrame:  # provided by Project
        raise NotImplementedError

    def respondents(self) -> pd.DataFrame:  # provided by Project
        raise NotImplementedError

    # -- co-occurrence and networks ------------------------------------------------------
    def cooccurrence_matrix(self, level: str = "segment", measure: str = "count",
                            min_count: int = 0, **filters: Any) -> pd.DataFrame:
        """Code x code co-occurrence (segment, document or respondent level)."""
        from qualcode.themes import cooccurrence
        return cooccurrence.cooccurrence_matrix(self.codings(), level=level, measure=measure,
                                                min_count=min_count, **filters)

    def cooccurrence_graph(self, level: str = "segment", measure: str = "count",
                           min_count: int = 1, communities: bool = True,
                           **filters: Any) -> nx.Graph:
        """The code network with Louvain communities (candidate themes)."""
        from qualcode.themes import cooccurrence
        return cooccurrence.cooccurrence_graph(self.codings(), level=level, measure=measure,
                                               min_count=min_count, codebook=self.codebook(),
                                               communities=communities, **filters)

    # -- respondent groups -----------------------------------------------------------
    def breakdown(self, by: str = "group", valence: str | None = None,
                  unit: str = "codings", **filters: Any) -> pd.DataFrame:
        """Codings per code per group (or attribute) with shares and per-respondent rates."""
        from qualcode.themes import groups
        return groups.breakdown(self.codings(), by=by, valence=valence, unit=unit,
                                respondents=self.respondents(), **filters)

    def valence_by_group(self, by: str = "group", unit: str = "codings",
                         **filters: Any) -> pd.DataFrame:
        """Positive, negative and neutral codings (or segments) per group, with shares."""
        from qualcode.themes import groups
        return groups.valence_by_group(self.codings(), by=by, unit=unit, **filters)

    def chi_square(self, by: str = "group", codes: Sequence[str] | None = None,
                   **filters: Any) -> ChiSquareResult:
        """Chi-square test of independence of codes and groups, with residuals."""
        from qualcode.themes import groups
        return groups.chi_square(self.codings(), by=by, codes=list(codes) if codes else None,
                                 **filters)

    def overview_matrix(self, codes: Sequence[str], **filters: Any) -> pd.DataFrame:
        """Respondents x issue codes x (+, -, 0) counts, with totals."""
        from qualcode.themes import matrix
        return matrix.overview_matrix(self.codings(), codes, respondents=self.respondents(),
                                      codebook=self.codebook(), **filters)

    def top_codes(self, rq: str | None = None, valence: str | None = "-", by: str | None = None,
                  n: int = 5, **filters: Any) -> pd.DataFrame:
        """Top concerns (valence '-') or areas of progress ('+') per research question;
        ``valence=None`` ranks all codings."""
        from qualcode.themes import ranking
        return ranking.top_codes(self.codings(), rq=rq, valence=valence, by=by, n=n,
                                 codebook=self.codebook(), **filters)

    def triangulation_table(self, by_theme: bool = False, **filters: Any) -> pd.DataFrame:
        """Support per code (or theme): groups, source kinds and literature flags."""
        from qualcode.themes import triangulation
        themes = self.theme_codes() if by_theme else None
        return triangulation.triangulation_table(self.codings(), codebook=self.codebook(),
                                                 themes=themes, **filters)

    # -- the analyst's themes -----------------------------------------------------------
    def save_theme(self, name: str, code_ids: Sequence[str], rq: str | None = None,
                   description: str = "", colour: str | None = None) -> int:
        """Create a theme (or replace the codes of the theme with this name)."""
        from qualcode.themes import builder
        with self.session() as s:
            return builder.save_theme(s, name, code_ids, self.coder, rq=rq,
                                      description=description, colour=colour)

    def delete_theme(self, theme: int | str) -> None:
        """Delete a theme and its links; codes and codings stay."""
        from qualcode.themes import builder
        with self.session() as s:
            builder.delete_theme(s, theme, self.coder)

    def link_themes(self, source: int | str, target: int | str, note: str = "") -> int:
        """Link two themes, with a note on what links them."""
        from qualcode.themes import builder
        with self.session() as s:
            return builder.link_themes(s, source, target, note, self.coder)

    def themes(self) -> pd.DataFrame:
        """Themes: id, name, rq, description, colour, codes."""
        from qualcode.themes import builder
        with self.session() as s:
            return builder.themes_frame(s)

    def theme_links(self) -> pd.DataFrame:
        """The analyst's links between themes."""
        from qualcode.themes import builder
        with self.session() as s:
            return builder.theme_links_frame(s)

    def theme_codes(self) -> dict[str, list[str]]:
        """Theme name -> its code ids."""
        return {row.name: list(row.codes) for row in self.themes().itertuples()}

    def network_figure(self, kind: str = "codes", **filters: Any) -> bytes:
        """A PNG picture of the code network ("codes") or the theme network ("themes")."""
        from qualcode.export.figure import network_png

        if kind == "themes":
            return network_png(self.theme_network(), title="Themes and their links")
        graph = self.cooccurrence_graph(**filters)
        return network_png(graph, title="Code co-occurrence network")

    def theme_network(self, level: str = "segment") -> nx.Graph:
        """Themes as nodes; edges from their codes' co-occurrence and the analyst's links."""
        from qualcode.themes import builder
        return builder.theme_network(self.codings(), self.theme_codes(), self.theme_links(),
                                     level=level)
