"""Themes the analyst builds: named groups of codes, links between themes, the theme map.

A theme may take codes from several research questions. The theme network has themes as
nodes (size: codings of their codes) and edges from two sources: the co-occurrence of
their codes (summed over code pairs) and the analyst's own links, each with a note.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import networkx as nx
import pandas as pd
from sqlalchemy import delete, insert, select
from sqlalchemy.orm import Session

from qualcode.errors import QualcodeError
from qualcode.store import audit
from qualcode.store.models import Code, Theme, ThemeLink, theme_codes
from qualcode.themes.cooccurrence import cooccurrence_matrix


def _check_codes(session: Session, code_ids: Sequence[str]) -> list[str]:
    ids = list(dict.fromkeys(code_ids))
    known = set(session.scalars(select(Code.id).where(Code.id.in_(ids))))
    unknown = [c for c in ids if c not in known]
    if unknown:
        raise QualcodeError(f"Unknown code id(s) for the theme: {', '.join(unknown)}. Check "
                            "the ids on the Codebook page.")
    return ids


def _get(session: Session, theme: int | str) -> Theme:
    stmt = select(Theme).where(Theme.id == theme) if isinstance(theme, int) else \
        select(Theme).where(Theme.name == theme)
    row = session.scalar(stmt)
    if row is None:
        raise QualcodeError(f"There is no theme {theme!r} in this project.")
    return row


def save_theme(session: Session, name: str, code_ids: Sequence[str], coder: str, *,
               rq: str | None = None, description: str = "", colour: str | None = None) -> int:
    """Create a theme, or replace the codes and notes of the theme with this name."""
    if not name or not name.strip():
        raise QualcodeError("A theme needs a name.")
    ids = _check_codes(session, code_ids)
    theme = session.scalar(select(Theme).where(Theme.name == name.strip()))
    before = None
    if theme is None:
        theme = Theme(name=name.strip(), rq=rq, description=description, colour=colour,
                      coder=coder)
        session.add(theme)
        session.flush()
    else:
        before = {"codes": theme_code_ids(session, theme.id), "rq": theme.rq,
                  "description": theme.description}
        theme.rq, theme.description, theme.colour = rq, description, colour
        session.execute(delete(theme_codes).where(theme_codes.c.theme_id == theme.id))
    if ids:
        session.execute(insert(theme_codes), [{"theme_id": theme.id, "code_id": c} for c in ids])
    audit.record(session, coder, "update" if before else "add", "theme", theme.id, before=before,
                 after={"name": theme.name, "codes": ids, "rq": rq, "description": description},
                 batch=audit.new_batch())
    return theme.id


def theme_code_ids(session: Session, theme_id: int) -> list[str]:
    """Codes of a theme."""
    return list(session.scalars(select(theme_codes.c.code_id)
                                .where(theme_codes.c.theme_id == theme_id)
                                .order_by(theme_codes.c.code_id)))


def delete_theme(session: Session, theme: int | str, coder: str) -> None:
    """Delete a theme and its links (its codes and codings are untouched)."""
    row = _get(session, theme)
    before = {"name": row.name, "codes": theme_code_ids(session, row.id)}
    session.delete(row)
    session.flush()
    audit.record(session, coder, "delete", "theme", row.id, before=before,
                 batch=audit.new_batch())


def link_themes(session: Session, source: int | str, target: int | str, note: str,
                coder: str) -> int:
    """Link two themes with a note on what links them (updates the note if linked)."""
    a, b = _get(session, source), _get(session, target)
    if a.id == b.id:
        raise QualcodeError("Link a theme to a different theme.")
    low, high = sorted((a.id, b.id))
    link = session.scalar(select(ThemeLink).where(ThemeLink.source_id == low,
                                                  ThemeLink.target_id == high))
    if link is None:
        link = ThemeLink(source_id=low, target_id=high, note=note, coder=coder)
        session.add(link)
    else:
        link.note = note
    session.flush()
    audit.record(session, coder, "link", "theme", f"{a.name} ~ {b.name}", after={"note": note},
                 batch=audit.new_batch())
    return link.id


def themes_frame(session: Session) -> pd.DataFrame:
    """Themes: id, name, rq, description, colour, codes (list of code ids)."""
    rows = session.scalars(select(Theme).order_by(Theme.name)).all()
    members: dict[int, list[str]] = {}
    for theme_id, code_id in session.execute(select(theme_codes.c.theme_id,
                                                    theme_codes.c.code_id)):
        members.setdefault(theme_id, []).append(code_id)
    return pd.DataFrame([{"id": t.id, "name": t.name, "rq": t.rq,
                          "description": t.description, "colour": t.colour,
                          "codes": sorted(members.get(t.id, []))} for t in rows],
                        columns=["id", "name", "rq", "description", "colour", "codes"])


def theme_links_frame(session: Session) -> pd.DataFrame:
    """The analyst's links: source, target (theme names) and note."""
    names = dict(session.execute(select(Theme.id, Theme.name)).all())
    rows = session.scalars(select(ThemeLink).order_by(ThemeLink.id)).all()
    return pd.DataFrame([{"source": names[r.source_id], "target": names[r.target_id],
                          "note": r.note} for r in rows], columns=["source", "target", "note"])


def theme_network(codings: pd.DataFrame, themes: Mapping[str, Sequence[str]],
                  links: pd.DataFrame | None = None, level: str = "segment") -> nx.Graph:
    """Themes as nodes, edges from their codes' co-occurrence plus the analyst's links.

    Node attributes: ``codings`` (codings of the theme's codes), ``codes`` (joined ids).
    Edge attributes: ``weight`` (co-occurrence count summed over code pairs, at least 1
    for an analyst's link), ``cooccurrence``, ``linked`` (bool), ``note``.
    """
    graph = nx.Graph()
    counts = codings["code_id"].value_counts() if not codings.empty else pd.Series(dtype=int)
    for name, codes in themes.items():
        graph.add_node(name, codings=int(sum(counts.get(c, 0) for c in codes)),
                       codes=", ".join(codes))
    matrix = cooccurrence_matrix(codings, level=level) if not codings.empty else pd.DataFrame()
    names = list(themes)
    for i, a in enumerate(names):
        for b in names[i + 1:]:
            total = 0
            for ca in themes[a]:
                for cb in themes[b]:
                    if ca != cb and ca in matrix.index and cb in matrix.columns:
                        total += int(matrix.at[ca, cb])
            if total:
                graph.add_edge(a, b, weight=total, cooccurrence=total, linked=False, note="")
    for row in (links.itertuples() if links is not None else []):
        if row.source in graph and row.target in graph:
            data = graph.get_edge_data(row.source, row.target) or {"cooccurrence": 0}
            graph.add_edge(row.source, row.target, weight=max(1, data["cooccurrence"]),
                           cooccurrence=data["cooccurrence"], linked=True, note=row.note)
    return graph
