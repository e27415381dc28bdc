"""Import files into a project: read, link to a respondent, segment, store.

One call is one batch and one transaction (the caller's): if any file of the batch fails,
nothing of the batch is stored and the error names the file and the fix.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, cast

from sqlalchemy import Table, insert, select
from sqlalchemy.orm import Session

from qualcode.coding.segment import SegmentSpec, segment_documents
from qualcode.errors import DuplicateImportError, IngestError, RespondentError
from qualcode.ingest.document import KINDS, ParsedDocument
from qualcode.ingest.reader import read_document
from qualcode.store.models import Document, Respondent, Segment

Source = str | os.PathLike[str] | IO[bytes]
Progress = Callable[[int, int, str], None]
DEFAULT_MAX_BYTES = 50 * 1024 * 1024
NEEDS_RESPONDENT = ("transcript", "running_record")
CHUNK_FILES = 64
_NAME_TOKEN = re.compile(r"[A-Za-z0-9]+")


@dataclass
class ImportedFile:
    """What one imported file became."""

    source: str
    document_ids: list[int] = field(default_factory=list)
    segments: int = 0
    respondents: list[str] = field(default_factory=list)
    kind: str = ""


def source_name(source: Source, name: str | None = None) -> str:
    """The file name of a path or file-like source, for messages and references."""
    if name:
        return os.path.basename(name)
    if isinstance(source, (str, os.PathLike)):
        return Path(source).name
    return os.path.basename(str(getattr(source, "name", "upload")))


class _Respondents:
    """Looks respondents up by id, label or file name within one session."""

    def __init__(self, session: Session) -> None:
        rows = list(session.scalars(select(Respondent)))
        self.by_id = {r.id: r for r in rows}
        self.by_label = {r.label.lower(): r for r in rows}

    def find(self, ref: str | int, where: str) -> Respondent:
        text = str(ref).strip()
        row = self.by_label.get(text.lower())
        if row is None and text.isdigit():
            row = self.by_id.get(int(text))
        if row is None:
            known = ", ".join(sorted(r.label for r in self.by_id.values())[:12]) or "none yet"
            raise RespondentError(
                f"{where} names respondent {text!r}, which is not in this project "
                f"(known: {known}). Import respondents.csv with this respondent first, "
                "or give the right respondent."
            )
        return row

    def from_file_name(self, name: str) -> Respondent | None:
        stem = Path(name).stem
        tokens = _NAME_TOKEN.findall(stem)
        if tokens:
            row = self.by_label.get(tokens[0].lower())
            if row is not None:
                return row
        return None


def _resolve(respondents: _Respondents, parsed: ParsedDocument, name: str,
             explicit: str | int | None, count: int) -> Respondent | None:
    if explicit is not None and str(explicit).strip():
        if count > 1:
            raise IngestError(
                f"{name} holds {count} interviews, each naming its respondent: import it "
                "without choosing a respondent."
            )
        return respondents.find(explicit, f"The respondent chosen for {name}")
    if parsed.respondent_ref:
        return respondents.find(parsed.respondent_ref, name)
    row = respondents.from_file_name(name)
    if row is None and parsed.kind in NEEDS_RESPONDENT:
        raise RespondentError(
            f"{name}: cannot tell which respondent this {parsed.kind.replace('_', ' ')} "
            "belongs to. Start the file name with the respondent's label (HT3_interview.docx), "
            "add a header line 'Respondent: HT3', or choose the respondent when importing."
        )
    return row


def _check_duplicate(session: Session, sha: str, name: str, batch: dict[str, str]) -> None:
    if sha in batch:
        raise DuplicateImportError(
            f"{name} has the same content as {batch[sha]} in this import: import it once."
        )
    earlier = session.execute(
        select(Document.source, Document.imported_at, Document.id)
        .where(Document.sha256 == sha)
        .limit(1)
    ).first()
    if earlier is not None:
        when = earlier.imported_at.strftime("%Y-%m-%d %H:%M") if earlier.imported_at else "?"
        raise DuplicateImportError(
            f"{name} was already imported as {earlier.source} (document {earlier.id}, "
            f"{when}). Nothing was imported again; to replace it, delete that document first."
        )


def import_sources(
    session: Session,
    sources: Sequence[Source | tuple[Source, str]],
    *,
    respondent: str | int | None = None,
    kind: str | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
    progress: Progress | None = None,
) -> list[ImportedFile]:
    """Import files (paths, or ``(file_object, name)`` pairs) in the caller's transaction.

    ``respondent`` (id or label) and ``kind`` apply to every file when given. Raises a
    QualcodeError naming the file on the first problem; the caller rolls back.
    """
    if kind is not None and kind not in KINDS:
        raise IngestError(f"Kind {kind!r} is not one of {', '.join(KINDS)}.")
    respondents = _Respondents(session)
    seen: dict[str, str] = {}
    results: list[ImportedFile] = []
    total = len(sources)
    for chunk_start in range(0, total, CHUNK_FILES):
        chunk = sources[chunk_start : chunk_start + CHUNK_FILES]
        pending: list[tuple[ImportedFile, ParsedDocument, Respondent | None, str]] = []
        for offset, item in enumerate(chunk):
            src, given = item if isinstance(item, tuple) else (item, None)
            name = source_name(src, given)
            if progress:
                progress(chunk_start + offset, total, name)
            parsed_docs = read_document(src, name=name, kind=kind, max_bytes=max_bytes)
            if not parsed_docs:
                raise IngestError(f"{name} holds no text to import: is it empty?")
            _check_duplicate(session, parsed_docs[0].sha256, name, seen)
            seen[parsed_docs[0].sha256] = name
            result = ImportedFile(source=name, kind=parsed_docs[0].kind)
            for parsed in parsed_docs:
                row = _resolve(respondents, parsed, name, respondent, len(parsed_docs))
                label = row.label if row is not None else Path(name).stem
                if row is not None and row.label not in result.respondents:
                    result.respondents.append(row.label)
                pending.append((result, parsed, row, label))
            results.append(result)
        _store(session, pending)
    if progress:
        progress(total, total, "")
    return results


def insert_segments(session: Session,
                    documents: Iterable[tuple[int, Sequence[SegmentSpec]]]) -> int:
    """Bulk-insert the segments of stored documents (Core executemany); returns how many."""
    rows: list[dict[str, Any]] = [
        {"document_id": document_id, "ordinal": s.ordinal, "start_offset": s.start,
         "end_offset": s.end, "speaker": s.speaker, "is_interviewer": s.is_interviewer,
         "question": s.question, "page": s.page, "turn": s.turn, "locator": s.locator,
         "time_start": s.time_start}
        for document_id, specs in documents for s in specs
    ]
    if rows:
        session.connection().execute(insert(cast(Table, Segment.__table__)), rows)
    return len(rows)


def _store(session: Session,
           pending: list[tuple[ImportedFile, ParsedDocument, Respondent | None, str]]) -> None:
    segmented = segment_documents(
        (parsed, label, row.id if row is not None else None)
        for _result, parsed, row, label in pending
    )
    for (result, parsed, row, _label), specs in zip(pending, segmented):
        if not specs:
            raise IngestError(
                f"{result.source}: no text was found to segment. Check that the file has "
                "words after its header lines."
            )
        doc = Document(
            respondent_id=row.id if row is not None else None,
            kind=parsed.kind,
            title=parsed.title,
            source=parsed.source or result.source,
            sha256=parsed.sha256,
            text=parsed.text,
            meta=dict(parsed.metadata),
        )
        session.add(doc)
        session.flush()
        insert_segments(session, [(doc.id, specs)])
        result.document_ids.append(doc.id)
        result.segments += len(specs)
