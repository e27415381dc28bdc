"""Saved searches: a named query with its mode and filters, run again at any time.

A saved search stores the query, not its hits, so running it after new interviews are
imported finds their hits too. Names are unique; saving under a name in use is refused
with a clear message unless ``overwrite=True``. The query and options are checked when
saving, so a saved search always runs. Saving, overwriting and deleting are recorded in
the audit log.
"""

from __future__ import annotations

from typing import Any

import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from qualcode.errors import CodingError
from qualcode.search.search import MODES, SearchOptions, _check_query, compile_regex, parse_query
from qualcode.search.search import search as run_search
from qualcode.store import audit
from qualcode.store.models import SavedSearch, utcnow

MAX_NAME = 200
SAVED_COLUMNS = ["id", "name", "query", "mode", "options", "coder", "created_at"]


def _record(row: SavedSearch) -> dict[str, Any]:
    return {"name": row.name, "query": row.query, "mode": row.mode,
            "options": dict(row.options or {})}


def check_search(query: str, mode: str, **filters: Any) -> SearchOptions:
    """Check a query, its mode and its filters without running it; returns the options."""
    if mode not in MODES:
        raise CodingError(f"Search mode {mode!r} is not one of {', '.join(MODES)}.")
    _check_query(query)
    if not isinstance(query, str):
        raise CodingError("A saved search keeps one query text: join alternatives with |.")
    opts = SearchOptions.from_filters(**filters)
    if mode == "regex":
        compile_regex(query, opts.case_sensitive, bool(opts.whole_words))
    elif not (mode == "exact" and opts.whole_words is False) and not parse_query(query):
        raise CodingError(f"The search {query!r} has no words to look for: type a word "
                          "or a phrase.")
    return opts


def save_search(session: Session, name: str, query: str, mode: str = "lemma",
                coder: str = "analyst", *, overwrite: bool = False, **filters: Any) -> int:
    """Save a search under a name; returns its id.

    A name already in use is refused (say ``overwrite=True`` to replace that search).
    """
    if not isinstance(name, str) or not name.strip():
        raise CodingError("A saved search needs a name, e.g. 'funding worries'.")
    name = name.strip()
    if len(name) > MAX_NAME:
        raise CodingError(f"The name is {len(name)} characters long: keep it under {MAX_NAME}.")
    if not isinstance(coder, str) or not coder.strip():
        raise CodingError("A coder name is needed: set it on the Project page or with --coder.")
    opts = check_search(query, mode, **filters)
    row = session.scalar(select(SavedSearch).where(SavedSearch.name == name))
    if row is not None and not overwrite:
        raise CodingError(
            f"A saved search is already called {name!r} (query {row.query!r}, {row.mode}): "
            "choose another name, or overwrite it (overwrite=True, --overwrite).")
    if row is None:
        row = SavedSearch(name=name, query=query, mode=mode, options=opts.to_dict(),
                          coder=coder)
        session.add(row)
        session.flush()
        audit.record(session, coder, "add", "saved_search", row.id, after=_record(row))
        return row.id
    before = _record(row)
    row.query, row.mode, row.options, row.coder = query, mode, opts.to_dict(), coder
    row.created_at = utcnow()
    session.flush()
    audit.record(session, coder, "update", "saved_search", row.id, before=before,
                 after=_record(row))
    return row.id


def get_saved_search(session: Session, name: str) -> SavedSearch:
    """The saved search of that name, or an error listing the names there are."""
    row = session.scalar(select(SavedSearch).where(SavedSearch.name == name))
    if row is None:
        names = list(session.scalars(select(SavedSearch.name).order_by(SavedSearch.name)))
        known = ", ".join(repr(n) for n in names[:20]) or "none yet"
        raise CodingError(f"There is no saved search called {name!r} (saved searches: {known}).")
    return row


def saved_searches(session: Session) -> pd.DataFrame:
    """Saved searches by name: id, name, query, mode, options, coder, created_at."""
    rows = session.scalars(select(SavedSearch).order_by(SavedSearch.name)).all()
    return pd.DataFrame([{c: getattr(r, c) for c in SAVED_COLUMNS} for r in rows],
                        columns=SAVED_COLUMNS)


def run_saved_search(session: Session, name: str, **overrides: Any) -> pd.DataFrame:
    """Run a saved search on the project as it is now (new documents included).

    ``overrides`` replace saved options for this run only (e.g. ``context=100``).
    """
    row = get_saved_search(session, name)
    options = {**(row.options or {}), **overrides}
    hits = run_search(session, row.query, row.mode, **options)
    hits.attrs["saved_search"] = row.name
    return hits


def delete_saved_search(session: Session, name: str, coder: str = "analyst") -> None:
    """Delete a saved search (recorded in the audit log with what it was)."""
    row = get_saved_search(session, name)
    before = _record(row)
    row_id = row.id
    session.delete(row)
    session.flush()
    audit.record(session, coder, "delete", "saved_search", row_id, before=before)
