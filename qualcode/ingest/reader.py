"""Reading any supported file into ParsedDocuments: the one public entry point.

``read_document`` picks the reader by suffix (.txt .md .docx .vtt .srt) and the kind by
content unless one is forced: a running-record book (``Interview summary number N page
P`` headings), a transcript (speaker turns), observation notes (the file name says
"observation"), or a plain document.
"""

from __future__ import annotations

from pathlib import Path

from qualcode.errors import IngestError
from qualcode.ingest.document import KINDS, ParsedDocument
from qualcode.ingest.docx_reader import read_docx
from qualcode.ingest.labels import LabelMatch
from qualcode.ingest.paragraphs import parse_paragraphs
from qualcode.ingest.running_record import has_headings, parse_running_record
from qualcode.ingest.source import (
    DEFAULT_MAX_BYTES,
    Source,
    SourceFile,
    read_source,
    source_name,
)
from qualcode.ingest.subtitles import parse_subtitles
from qualcode.ingest.text import decode_text, empty_error
from qualcode.ingest.turns import TranscriptParse, parse_transcript

ACCEPTED_SUFFIXES = (".txt", ".md", ".docx", ".vtt", ".srt")
"""File suffixes ``read_document`` accepts."""

_SUBTITLE_SUFFIXES = (".vtt", ".srt")
_CONVERT_HINTS = {
    ".doc": "open it in Word and save it as .docx",
    ".rtf": "open it in Word and save it as .docx",
    ".odt": "save it as .docx from LibreOffice or Word",
    ".pdf": "copy its text into a .txt or .docx file",
    ".csv": "respondents.csv is imported as respondents, not as a document",
}


def _check_suffix(name: str, suffix: str) -> None:
    if suffix in ACCEPTED_SUFFIXES:
        return
    hint = _CONVERT_HINTS.get(suffix)
    what = f"'{suffix}' files are" if suffix else "files without a suffix are"
    raise IngestError(
        f"{name}: {what} not supported. Accepted: {' '.join(ACCEPTED_SUFFIXES)}"
        + (f"; {hint}." if hint else ": save the file in one of these formats.")
    )


def _check_kind(name: str, kind: str | None) -> None:
    if kind is not None and kind not in KINDS:
        raise IngestError(f"{name}: kind {kind!r} is not one of {', '.join(KINDS)}.")


def detect_kind(text: str, name: str, forced: dict[int, LabelMatch] | None = None) -> str:
    """The kind of a text (or Word) file judged by its content and name.

    ``running_record`` if it has page headings, ``observation`` if the file name says
    "observation", ``transcript`` if at least two lines start speaker turns, else
    ``document``.
    """
    return _detect(text, name, forced)[0]


def _detect(text: str, name: str,
            forced: dict[int, LabelMatch] | None) -> tuple[str, TranscriptParse | None]:
    """The detected kind, with the transcript parse when one was needed to decide."""
    if has_headings(text):
        return "running_record", None
    if "observation" in name.lower():
        return "observation", None
    parsed = parse_transcript(text, forced)
    return ("transcript" if parsed.turn_labels >= 2 else "document"), parsed


def _from_text(source: SourceFile, text: str, kind: str | None,
               forced: dict[int, LabelMatch] | None, per_line: bool) -> list[ParsedDocument]:
    parsed: TranscriptParse | None = None
    if kind is None:
        kind, parsed = _detect(text, source.name, forced)
    if kind == "running_record":
        documents = parse_running_record(text, source=source.name, sha256=source.sha256)
        if not documents:
            raise IngestError(
                f"{source.name} was imported as a running record but has no page headings "
                "like 'Interview summary number 7 page 41': add them, or import it as "
                "another kind."
            )
        return documents
    if kind == "transcript":
        parsed = parsed or parse_transcript(text, forced)
        if not parsed.blocks:
            raise IngestError(
                f"{source.name} was imported as a transcript but no speaker turns were found: "
                "start each turn on a new line with a label such as 'Interviewer:' or "
                "'Respondent:' (or import it as a document)."
            )
        return [
            ParsedDocument(
                text=text, kind=kind, title=parsed.title or source.stem, source=source.name,
                sha256=source.sha256, blocks=parsed.blocks, metadata=parsed.metadata,
                respondent_ref=parsed.respondent_ref,
            )
        ]
    paragraphs = parse_paragraphs(text, per_line=per_line)
    if not paragraphs.blocks:
        raise empty_error(source.name)
    return [
        ParsedDocument(
            text=text, kind=kind, title=paragraphs.title or source.stem, source=source.name,
            sha256=source.sha256, blocks=paragraphs.blocks, metadata=paragraphs.metadata,
        )
    ]


def _from_subtitles(source: SourceFile, kind: str | None) -> list[ParsedDocument]:
    if kind not in (None, "transcript"):
        raise IngestError(
            f"{source.name}: subtitle files ({' '.join(_SUBTITLE_SUFFIXES)}) are always "
            f"transcripts, not {kind}: import it without choosing a kind."
        )
    parsed = parse_subtitles(decode_text(source.data, source.name), source.name)
    return [
        ParsedDocument(
            text=parsed.text, kind="transcript", title=source.stem, source=source.name,
            sha256=source.sha256, blocks=parsed.blocks, metadata=dict(parsed.metadata),
        )
    ]


def read_document(source: Source, *, name: str | None = None, kind: str | None = None,
                  max_bytes: int = DEFAULT_MAX_BYTES) -> list[ParsedDocument]:
    """Read a .txt, .md, .docx, .vtt or .srt file into one or more ParsedDocuments.

    ``source`` is a path or a binary file-like object (then ``name`` gives its file name;
    an object's ``.name`` is used otherwise). ``kind`` forces ``transcript``,
    ``running_record``, ``observation`` or ``document``; without it the kind is detected
    (see :func:`detect_kind`; subtitles are always transcripts). A running-record book
    yields one document per interview, all with the sha256 of the whole file.

    Raises IngestError, naming the file and the fix, for an unknown suffix or kind, a
    file over ``max_bytes``, an empty, binary or undecodable file, a damaged or
    password-protected Word file, or a forced kind the content does not fit.
    """
    file_name = source_name(source, name)
    suffix = Path(file_name).suffix.lower()
    _check_suffix(file_name, suffix)
    _check_kind(file_name, kind)
    raw = read_source(source, name=file_name, max_bytes=max_bytes)
    if not raw.data:
        raise empty_error(file_name)
    if suffix in _SUBTITLE_SUFFIXES:
        return _from_subtitles(raw, kind)
    if suffix == ".docx":
        content = read_docx(raw.data, file_name)
        if not content.text.strip():
            raise empty_error(file_name)
        return _from_text(raw, content.text, kind, content.forced, per_line=True)
    return _from_text(raw, decode_text(raw.data, file_name), kind, None, per_line=False)
