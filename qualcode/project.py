"""Project: the one service object the CLI, the workspace, notebooks and tests all use.

A project is one SQLite file (the default) or a database at a SQLAlchemy URL. Every
method runs in its own transaction: it either completes or leaves the project exactly
as it was.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

import pandas as pd
from sqlalchemy import Engine, func, select
from sqlalchemy.exc import DatabaseError, OperationalError
from sqlalchemy.orm import Session

from qualcode.coding import apply, history, query, reading
from qualcode.coding import codebook as codebook_mod
from qualcode.coding.codebook_io import read_codebook, write_codebook
from qualcode.errors import ProjectError
from qualcode.ingest.importer import (
    DEFAULT_MAX_BYTES,
    ImportedFile,
    Progress,
    Source,
    import_sources,
)
from qualcode.ingest.respondents import parse_respondents_csv, upsert_respondents
from qualcode.project_analysis import AnalysisMixin
from qualcode.project_search import SearchMixin
from qualcode.project_suggest import SuggestMixin
from qualcode.store import audit, queries
from qualcode.store.engine import make_engine, project_url, sqlite_file
from qualcode.store.migrate import upgrade
from qualcode.store.models import AuditEntry, Coding

DEFAULT_CODER = "analyst"
_CODINGS_CACHE: dict[str, tuple[tuple[str, int], pd.DataFrame]] = {}
"""The last codings frame per database, reused while the audit log has not moved (every
change to codings, codes or respondents writes to it): analysis pages ask for it often."""


class Project(AnalysisMixin, SearchMixin, SuggestMixin):
    """An open qualcode project. Create it with :func:`open_project`."""

    def __init__(self, engine: Engine, *, coder: str = DEFAULT_CODER,
                 max_import_bytes: int = DEFAULT_MAX_BYTES) -> None:
        self.engine = engine
        self.coder = coder
        self.max_import_bytes = max_import_bytes
        self.backup: Path | None = None
        """The backup made before the last schema migration, if one was needed."""

    # -- plumbing -------------------------------------------------------------------
    @property
    def url(self) -> str:
        """The project's database URL (password hidden)."""
        return self.engine.url.render_as_string(hide_password=True)

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A session in a transaction: committed on success, rolled back on any error."""
        with Session(self.engine, expire_on_commit=False) as session, session.begin():
            yield session

    def for_coder(self, coder: str) -> Project:
        """The same project (same engine) acting for another coder; nothing is copied."""
        other = Project(self.engine, coder=coder, max_import_bytes=self.max_import_bytes)
        other.backup = self.backup
        return other

    def close(self) -> None:
        """Release the database connections."""
        self.engine.dispose()

    def __enter__(self) -> Project:  # noqa: PYI034 - subclasses are not expected
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- respondents and documents --------------------------------------------------
    def import_respondents(self, source: str | os.PathLike[str] | IO[Any]) -> dict[str, int]:
        """Add or update respondents from a respondents.csv (path or file object).

        Re-importing updates attributes and touches nothing else. Returns added/updated counts.
        """
        records = parse_respondents_csv(source)
        with self.session() as s:
            counts = upsert_respondents(s, records)
            audit.record(s, self.coder, "import", "respondents", len(records), after=counts)
            return counts

    def import_file(self, source: Source, respondent: str | int | None = None,
                    kind: str | None = None, *, name: str | None = None) -> ImportedFile:
        """Import one file (path or binary file object with ``name``)."""
        item: Source | tuple[Source, str] = (source, name) if name else source
        return self.import_files([item], respondent=respondent, kind=kind)[0]

    def import_files(self, sources: Sequence[Source | tuple[Source, str]],
                     respondent: str | int | None = None, kind: str | None = None,
                     progress: Progress | None = None) -> list[ImportedFile]:
        """Import several files as one batch: all of them, or none if any fails."""
        with self.session() as s:
            results = import_sources(s, sources, respondent=respondent, kind=kind,
                                     max_bytes=self.max_import_bytes, progress=progress)
            audit.record(s, self.coder, "import", "documents", len(results),
                         after={"files": [r.source for r in results],
                                "document_ids": [i for r in results for i in r.document_ids]})
            return results

    def respondents(self) -> pd.DataFrame:
        """Respondents: id, label, group, trial, members, attributes, then one column per attribute."""
        with self.session() as s:
            return queries.respondents_frame(s)

    def documents(self, with_text: bool = True) -> pd.DataFrame:
        """Documents: id, respondent, label, kind, title, source, sha256, metadata, text."""
        with self.session() as s:
            return queries.documents_frame(s, with_text=with_text)

    def segments(self, document_id: int | None = None) -> pd.DataFrame:
        """Segments: id, document_id, respondent, label, group, speaker, is_interviewer,
        question, page, start, end, text, locator."""
        with self.session() as s:
            return queries.segments_frame(s, document_id)

    def info(self) -> dict[str, Any]:
        """Counts of respondents by group, documents by kind, segments, codes, codings."""
        with self.session() as s:
            return queries.project_info(s)

    # -- codebook -------------------------------------------------------------------
    def load_codebook(self, source: str | os.PathLike[str] | IO[Any],
                      reason: str | None = None) -> dict[str, int]:
        """Merge a codebook file (.yaml, .csv, .qdc) into the project; nothing is deleted."""
        book = read_codebook(source)
        with self.session() as s:
            return codebook_mod.load_codebook(s, book, self.coder, reason)

    def export_codebook(self, target: str | os.PathLike[str], fmt: str | None = None) -> None:
        """Write the project's codebook; the format comes from the suffix unless given."""
        with self.session() as s:
            book = codebook_mod.project_codebook(s)
        write_codebook(book, target, format=fmt)

    def codebook_object(self) -> codebook_mod.Codebook:
        """The project's codebook as a plain Codebook (for writing files, the suggester)."""
        with self.session() as s:
            return codebook_mod.project_codebook(s)

    def codebook(self) -> pd.DataFrame:
        """Codes in tree order: id, guid, name, parent_id, rq, description, keywords,
        colour, origin, archived (and the remaining fields)."""
        with self.session() as s:
            book = codebook_mod.project_codebook(s)
        columns = ["id", "guid", "name", "parent_id", "rq", "description", "keywords",
                   "colour", "origin", "archived", "codable", "include", "exclude",
                   "example", "origin_note"]
        return pd.DataFrame([{c: getattr(code, c) for c in columns} for code in book.codes],
                            columns=columns)

    def add_code(self, code_id: str, name: str, *, parent_id: str | None = None,
                 origin: str = "emergent", origin_note: str = "", reason: str | None = None,
                 codable: bool = True, **fields: Any) -> None:
        """Add a code; an emergent code needs ``origin_note`` (why it was created)."""
        with self.session() as s:
            codebook_mod.add_code(s, code_id, name, self.coder, parent_id=parent_id,
                                  origin=origin, origin_note=origin_note, reason=reason,
                                  codable=codable, **fields)

    def update_code(self, code_id: str, reason: str | None = None, **fields: Any) -> None:
        """Edit a code's name, description, include/exclude notes, example, keywords, colour."""
        with self.session() as s:
            codebook_mod.update_code(s, code_id, self.coder, reason, **fields)

    def rename_code(self, code_id: str, name: str, reason: str | None = None) -> None:
        """Rename a code; its id, guid and codings stay."""
        with self.session() as s:
            codebook_mod.rename_code(s, code_id, name, self.coder, reason)

    def move_code(self, code_id: str, parent_id: str | None, reason: str | None = None) -> None:
        """Move a code under another (None: top level); cycles are refused."""
        with self.session() as s:
            codebook_mod.move_code(s, code_id, parent_id, self.coder, reason)

    def merge_codes(self, source_id: str, into_id: str,
                    reason: str | None = None) -> dict[str, int]:
        """Merge a code into another, carrying its codings (duplicates collapse)."""
        with self.session() as s:
            return codebook_mod.merge_codes(s, source_id, into_id, self.coder, reason)

    def split_code(self, code_id: str, new_id: str, new_name: str, coding_ids: Sequence[int],
                   reason: str | None = None) -> int:
        """Split chosen codings of a code off into a new code beside it."""
        with self.session() as s:
            return codebook_mod.split_code(s, code_id, new_id, new_name, coding_ids,
                                           self.coder, reason)

    def archive_code(self, code_id: str, archived: bool = True,
                     reason: str | None = None) -> None:
        """Archive (or, with ``archived=False``, restore) a code; codings are kept."""
        with self.session() as s:
            codebook_mod.archive_code(s, code_id, self.coder, archived, reason)

    def delete_code(self, code_id: str, reason: str | None = None) -> None:
        """Delete a code with no codings, Issues or children (else: merge or archive it)."""
        with self.session() as s:
            codebook_mod.delete_code(s, code_id, self.coder, reason)

    # -- coding -----------------------------------------------------------------------
    def code(self, segment_ids: int | Sequence[int], code_id: str | Sequence[str],
             coder: str | None = None, valence: str = "0", flags: Sequence[str] = (),
             dimension: str | None = None, memo: str | None = None,
             source: str = "manual") -> list[int]:
        """Code one segment or a range of consecutive segments with one or more codes.

        Returns the coding ids (one per code per run of consecutive segments).
        """
        ids = [segment_ids] if isinstance(segment_ids, int) else list(segment_ids)
        with self.session() as s:
            return apply.code_segments(s, ids, code_id, coder or self.coder,
                                       batch=audit.new_batch(), valence=valence, flags=flags,
                                       dimension=dimension, memo=memo, source=source)

    def code_span(self, document_id: int, start: int, end: int, code_id: str,
                  coder: str | None = None, valence: str = "0", flags: Sequence[str] = (),
                  dimension: str | None = None, memo: str | None = None,
                  source: str = "manual") -> int:
        """Code any character span of a document; returns the coding id."""
        with self.session() as s:
            return apply.code_span(s, document_id, start, end, code_id, coder or self.coder,
                                   valence=valence, flags=flags, dimension=dimension,
                                   memo=memo, source=source, batch=audit.new_batch())

    def update_coding(self, coding_id: int, **changes: Any) -> None:
        """Change a coding's valence, flags, dimension or memo."""
        with self.session() as s:
            apply.update_coding(s, coding_id, self.coder, batch=audit.new_batch(), **changes)

    def uncode(self, coding_id: int) -> None:
        """Remove a coding (undo brings it back)."""
        with self.session() as s:
            apply.uncode(s, coding_id, self.coder, batch=audit.new_batch())

    def undo(self) -> str | None:
        """Undo this coder's last coding action; returns what was undone, or None."""
        with self.session() as s:
            return history.undo(s, self.coder)

    def redo(self) -> str | None:
        """Redo this coder's last undone action; returns what was redone, or None."""
        with self.session() as s:
            return history.redo(s, self.coder)

    def codings(self) -> pd.DataFrame:
        """Every coding: id, document_id, start, end, code_id, coder, valence, flags,
        dimension, memo, source, text, locator, respondent, label, group, created_at,
        document_kind, trial, rq, then one column per respondent attribute."""
        with self.session() as s:
            version = (self.url, s.scalar(select(func.max(AuditEntry.id))) or 0)
            cached = _CODINGS_CACHE.get(self.url)
            if cached is not None and cached[0] == version:
                return cached[1].copy()
            frame = query.codings_frame(s)
        _CODINGS_CACHE[self.url] = (version, frame)
        return frame.copy()

    def extracts(self, query_: str | Sequence[str] | None = None, *,
                 include_descendants: bool = True, groups: Sequence[str] | None = None,
                 attributes: dict[str, Any] | None = None,
                 valence: str | Sequence[str] | None = None, flags: Sequence[str] | None = None,
                 dimension: str | None = None, coder: str | Sequence[str] | None = None,
                 kinds: Sequence[str] | None = None, trial: bool | None = None,
                 respondents: Sequence[str] | None = None) -> pd.DataFrame:
        """Coded extracts for a coding query: a code id, a list (OR) or an expression such
        as ``"finance AND NOT caf"``, combined at segment level; with filters on respondent
        group and attributes, valence, flags, dimension, coder, document kind, trial."""
        filters = query.ExtractFilters(groups=groups, attributes=attributes, valence=valence,
                                       flags=flags, dimension=dimension, coder=coder,
                                       kinds=kinds, trial=trial, respondents=respondents)
        with self.session() as s:
            return query.extracts(s, query_, include_descendants=include_descendants,
                                  filters=filters)

    def comments(self, code_id: str, include_descendants: bool = False) -> pd.DataFrame:
        """The Comments list of a code: its coded extracts with their references."""
        return self.extracts(code_id, include_descendants=include_descendants)

    def add_issue(self, code_id: str, text: str, coding_ids: Sequence[int] = ()) -> int:
        """Record an Issue (the analyst's statement) under a code, linked to its evidence."""
        with self.session() as s:
            return apply.add_issue(s, code_id, text, coding_ids, self.coder)

    def link_issue(self, issue_id: int, coding_ids: Sequence[int]) -> None:
        """Link more supporting codings to an Issue."""
        with self.session() as s:
            apply.link_issue(s, issue_id, coding_ids, self.coder)

    def issues(self, code_id: str | None = None) -> pd.DataFrame:
        """Issues with the ids and references of the codings that support them."""
        with self.session() as s:
            return query.issues_frame(s, code_id)

    def coders(self) -> list[str]:
        """Names of everyone who has coded in this project, sorted."""
        with self.session() as s:
            return sorted(s.scalars(select(Coding.coder).distinct()))

    def codings_for_segments(self, segment_ids: Sequence[int]) -> pd.DataFrame:
        """Codings touching any of these segments, with the code's name (for the Code page)."""
        with self.session() as s:
            return reading.codings_for_segments(s, segment_ids)

    def document_list(self) -> pd.DataFrame:
        """Documents to choose from: id, label, title, kind, segments, codings."""
        with self.session() as s:
            return reading.document_list(s)

    def document_page(self, document_id: int, page: int = 1,
                      page_size: int = reading.PAGE_SIZE, only_uncoded: bool = False,
                      include_interviewer: bool = True) -> reading.DocumentPage:
        """One page of a document's segments with the codes, colours and marks on each."""
        with self.session() as s:
            return reading.document_page(s, document_id, page, page_size, only_uncoded,
                                         include_interviewer)

    def coverage(self, include_interviewer: bool = False) -> pd.DataFrame:
        """Per document and overall: respondent segments, coded, uncoded, share coded."""
        with self.session() as s:
            return query.coverage(s, include_interviewer)

    def uncoded(self, document_id: int | None = None, limit: int | None = None,
                include_interviewer: bool = False) -> pd.DataFrame:
        """The revisit queue: uncoded segments in document order."""
        with self.session() as s:
            return query.uncoded_segments(s, document_id, include_interviewer, limit)

    def codebook_tree(self) -> pd.DataFrame:
        """Codes in tree order with depth and coding counts (own and with descendants)."""
        with self.session() as s:
            return codebook_mod.codebook_tree(s)

    def coder_activity(self) -> pd.DataFrame:
        """Changes per coder per day (from the audit log)."""
        with self.session() as s:
            return audit.coder_activity(s)

    # -- export -----------------------------------------------------------------------
    def export_report(self, target: str | os.PathLike[str] | IO[bytes],
                      query_: str | Sequence[str] | None = None, *,
                      by_theme: bool = False, tables: dict[str, pd.DataFrame] | None = None,
                      figure: bytes | str | os.PathLike[str] | None = None,
                      figure_caption: str = "Linked themes", title: str = "Coded extracts",
                      sort: str = "document", interviewer: bool = True,
                      include_descendants: bool = True, **filters: Any) -> int:
        """Write the Word report of coded extracts (grouped by research question, theme or
        code, each quote with its reference); the same query and filters as ``extracts``.
        Returns the number of extracts in it."""
        from qualcode.export.docx import mark_interviewer, write_report

        codings = self.extracts(query_, include_descendants=include_descendants, **filters)
        with self.session() as s:
            segments = query.segment_keys(s, sorted(codings["document_id"].unique()))
        codings = mark_interviewer(codings, segments)
        issues = self.issues()
        if query_ or any(v not in (None, [], {}) for v in filters.values()):
            issues = issues[issues["code_id"].isin(set(codings["code_id"]))]
        used = [f"query: {query_}"] if query_ else []
        used += [f"{k}: {v}" for k, v in filters.items() if v not in (None, [], {})]
        write_report(target, codings, self.codebook(), issues=issues,
                     respondents=self.respondents(),
                     themes=self.theme_codes() if by_theme else None, tables=tables,
                     figure_png=figure, figure_caption=figure_caption, title=title,
                     project_name=self.name, coders=sorted(set(codings["coder"])),
                     filters_text="; ".join(used) or "none (all extracts)", sort=sort,
                     interviewer=interviewer)
        return len(codings)

    def export_qdpx(self, target: str | os.PathLike[str] | IO[bytes]) -> dict[str, int]:
        """Write the whole project as a REFI-QDA .qdpx archive (for NVivo, ATLAS.ti,
        MAXQDA, QualCoder); returns counts of what it holds."""
        from qualcode.export.refi import export_qdpx

        return export_qdpx(self, target, name=self.name)

    def import_qdpx(self, source: str | os.PathLike[str] | IO[bytes],
                    max_total_bytes: int | None = None) -> dict[str, int]:
        """Import a REFI-QDA .qdpx project into this one, all or nothing."""
        from qualcode.export.refi_import import import_qdpx

        limits = {"max_total_bytes": max_total_bytes} if max_total_bytes else {}
        return import_qdpx(source, self, **limits)

    @property
    def name(self) -> str:
        """A short name for the project (its file name, or its database name)."""
        database = self.engine.url.database or "project"
        return Path(database).stem or "project"

    def audit(self) -> pd.DataFrame:
        """The audit log of codebook and coding changes."""
        with self.session() as s:
            return audit.audit_frame(s)


def open_project(path_or_url: str | os.PathLike[str], *, coder: str | None = None,
                 create: bool = True, max_import_bytes: int | None = None) -> Project:
    """Open (and, with ``create``, make) a project and bring its schema up to date.

    ``path_or_url`` is an SQLite file path or a SQLAlchemy URL. The coder name defaults to
    the ``QUALCODE_CODER`` environment variable, then "analyst". A backup of an SQLite file
    is made before any schema migration (``Project.backup``).
    """
    url = project_url(path_or_url)
    db_file = sqlite_file(url)
    if db_file is not None and not db_file.exists() and not create:
        raise ProjectError(f"No project at {db_file}: check the path, or create it.")
    engine = make_engine(url)
    opened = False
    try:
        backup = upgrade(engine)
        opened = True
    except (OperationalError, DatabaseError) as exc:
        raise ProjectError(
            f"Cannot open {path_or_url} as a qualcode project: {exc.orig or exc}. Check that "
            "it is a project file (not a transcript) or that the database server is running."
        ) from exc
    finally:
        if not opened:
            engine.dispose()
    if max_import_bytes is None:
        mb = os.environ.get("QUALCODE_MAX_IMPORT_MB")
        max_import_bytes = int(float(mb) * 1024 * 1024) if mb else DEFAULT_MAX_BYTES
    project = Project(engine, coder=coder or os.environ.get("QUALCODE_CODER") or DEFAULT_CODER,
                      max_import_bytes=max_import_bytes)
    project.backup = backup
    return project
