"""REFI-QDA project exchange (``.qdpx``): reading and checking an archive safely.

:func:`read_qdpx` turns a ``.qdpx`` archive (a path or a binary file object) into a
:class:`QdpxContent`: users, the codebook (through the ``.qdc`` parser and validator),
cases with their variables, text sources with their plain text, selections and codings,
and notes. Nothing is imported here; :mod:`qualcode.export.refi_import` does that.

Safety first, since an archive comes from anywhere: it must be a zip holding one
``project.qde``; its members may unpack to at most ``max_total_bytes`` (1 GB by default);
a member larger than 1 MB may not be compressed more than ``max_ratio`` times (a zip
bomb), and every member is read with a cap so a member lying about its size is caught;
encrypted members are refused; ``DOCTYPE`` and ``ENTITY`` declarations are refused (as the
``.qdc`` reader does) before the XML is parsed. Selections outside their text, codings of
codes missing from the CodeBook, and references to unknown notes, sources or variables are
errors that name the element and the fix.

Our own archives also hold ``qualcode/segments.json`` (each document's segmentation);
it is read here when present and used by the import when it still fits the text.

Plain text comes from the archive file a ``TextSource`` names with
``plainTextPath="internal://<file>"`` (looked up in ``Sources/``), or from inline
``PlainTextContent`` as some tools write it; it must be UTF-8 (a BOM is dropped) or
UTF-16 with a BOM. Positions are checked against that text, counted in characters.
"""

from __future__ import annotations

import codecs
import copy
import json
import os
import re
import xml.etree.ElementTree as ET
import zipfile
import zlib
from dataclasses import dataclass, field
from datetime import datetime, timezone
from functools import lru_cache
from typing import IO, Any

import yaml

from qualcode.coding.codebook import Codebook
from qualcode.coding.codebook_qdc import NAMESPACE as QDC_NAMESPACE
from qualcode.coding.codebook_qdc import parse_qdc, split_description
from qualcode.coding.codebook_validation import build_codebook
from qualcode.errors import IngestError
from qualcode.export.refi import (
    CODING_KEYS,
    DOCUMENT_KEYS,
    INTERNAL,
    NAMESPACE,
    NOTE_KEYS,
    QDE_NAME,
    SEGMENTS_FORMAT,
    SEGMENTS_MEMBER,
    SOURCES_DIR,
)

__all__ = [
    "DEFAULT_MAX_RATIO",
    "DEFAULT_MAX_TOTAL_BYTES",
    "QdpxContent",
    "RefiCase",
    "RefiCoding",
    "RefiNote",
    "RefiSelection",
    "RefiSource",
    "guid_key",
    "read_qdpx",
]

DEFAULT_MAX_TOTAL_BYTES = 1024 ** 3
"""Largest total unpacked size of the archive members (1 GB)."""

DEFAULT_MAX_RATIO = 100
"""Largest compression ratio of a member bigger than :data:`RATIO_FLOOR`."""

RATIO_FLOOR = 1024 * 1024
"""Members up to this size (1 MB) are not ratio-checked (small files compress well)."""

MAX_MEMBERS = 200_000
"""Most archive members read; more is not a project a person made."""

_Q = f"{{{NAMESPACE}}}"
_SELECTION = f"{_Q}PlainTextSelection"
_CODING = f"{_Q}Coding"
_CODE_REF = f"{_Q}CodeRef"
_NOTE_REF = f"{_Q}NoteRef"
_DESCRIPTION = f"{_Q}Description"
_DECLARATION_RE = re.compile(r"<!\s*(DOCTYPE|ENTITY)", re.IGNORECASE)
_SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_TRUE = {"true", "1", "yes"}
_FALSE = {"false", "0", "no"}
_VALUE_TAGS = ("TextValue", "IntegerValue", "BooleanValue", "FloatValue", "DateValue",
               "DateTimeValue")


# --- what the archive holds ---------------------------------------------------------------

@dataclass
class RefiCoding:
    code_guid: str
    user: str | None
    created: datetime | None
    note_refs: list[str]


@dataclass
class RefiSelection:
    guid: str
    where: str
    start: int
    end: int
    codings: list[RefiCoding]
    comment: str
    marks: dict[str, Any]
    note_refs: list[str]


@dataclass
class RefiSource:
    guid: str
    name: str
    where: str
    text: str
    """The plain text as the archive gives it (positions count characters of it)."""
    extras: dict[str, Any] | None
    selections: list[RefiSelection] = field(default_factory=list)
    whole: list[RefiCoding] = field(default_factory=list)
    created: datetime | None = None


@dataclass
class RefiCase:
    guid: str
    name: str
    variables: dict[str, Any]
    sources: list[str]


@dataclass
class RefiNote:
    guid: str
    name: str
    where: str
    text: str
    extras: dict[str, Any] | None
    user: str | None
    created: datetime | None
    code_guids: list[str]


@dataclass
class QdpxContent:
    """What :func:`read_qdpx` found in an archive, checked but not yet imported."""

    label: str
    name: str
    users: dict[str, str]
    codebook: Codebook | None
    cases: list[RefiCase]
    sources: list[RefiSource]
    notes: dict[str, RefiNote]
    skipped_sources: list[str]
    segments: dict[str, dict[str, Any]] = field(default_factory=dict)
    """Our segments member: source guid -> text_sha256, respondent, label, segments."""


# --- the archive --------------------------------------------------------------------------

class _Archive:
    """A zip archive read within a budget of unpacked bytes and a compression-ratio limit."""

    def __init__(self, zf: zipfile.ZipFile, label: str, max_total: int, max_ratio: float
                 ) -> None:
        self.zf = zf
        self.label = label
        infos = zf.infolist()
        if len(infos) > MAX_MEMBERS:
            raise IngestError(f"{label} holds {len(infos)} files, more than the {MAX_MEMBERS} a "
                              "project can have: it is not a REFI-QDA project export.")
        total = 0
        for info in infos:
            total += info.file_size
            if info.file_size > RATIO_FLOOR and \
                    info.file_size > max_ratio * max(info.compress_size, 1):
                raise IngestError(
                    f"{label}: {info.filename} unpacks to {info.file_size} bytes from "
                    f"{info.compress_size}, compressed more than {max_ratio:g} times: this "
                    "looks like a zip bomb, so nothing was imported. Export the project again "
                    "from the tool that made it.")
        if total > max_total:
            raise IngestError(
                f"{label} unpacks to {total} bytes, over the limit of {max_total} bytes: "
                "nothing was imported. If the project really is that large, raise the limit "
                "(max_total_bytes).")
        self.by_name = {info.filename: info for info in infos}
        self.max_total = max_total
        self.used = 0

    def find_qde(self) -> str:
        if QDE_NAME in self.by_name:
            return QDE_NAME
        candidates = [n for n in self.by_name if n.lower().endswith(".qde") and "/" not in n]
        if len(candidates) == 1:
            return candidates[0]
        raise IngestError(
            f"{self.label} holds no {QDE_NAME}: it is a zip archive but not a REFI-QDA "
            "project (.qdpx). Export the project again as REFI-QDA (.qdpx).")

    def read(self, name: str, where: str) -> bytes:
        info = self.by_name.get(name)
        if info is None:
            raise IngestError(f"{self.label}: {where} refers to {name}, which is not in the "
                              "archive. Export the project again with its sources included.")
        if info.flag_bits & 0x1:
            raise IngestError(f"{self.label}: {name} is encrypted; export the project again "
                              "without a password.")
        if self.used + info.file_size > self.max_total:
            raise IngestError(f"{self.label} unpacks to more than {self.max_total} bytes: "
                              "nothing was imported.")
        try:
            with self.zf.open(info) as handle:
                data = handle.read(info.file_size + 1)
        except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, RuntimeError,
                OSError) as exc:
            raise IngestError(f"{self.label}: {name} cannot be unpacked ({exc}); the archive "
                              "is damaged: export the project again.") from exc
        if len(data) > info.file_size:
            raise IngestError(f"{self.label}: {name} is larger than the archive says; the "
                              "archive is damaged or crafted: nothing was imported.")
        self.used += len(data)
        return data


def _label_of(source: str | os.PathLike[str] | IO[bytes]) -> str:
    if isinstance(source, (str, os.PathLike)):
        return os.fspath(source)
    name = getattr(source, "name", None)
    return os.path.basename(name) if isinstance(name, str) and name else "the .qdpx file"


def _decode_text(data: bytes, label: str, where: str) -> str:
    """Plain text of a source: UTF-8 (a BOM is dropped) or UTF-16 with a BOM."""
    try:
        if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            return data.decode("utf-16")
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise IngestError(f"{label}: {where} is not UTF-8 text (byte {exc.start}); REFI-QDA "
                          "plain text must be UTF-8: export the project again.") from exc


def _parse_qde(data: bytes, label: str) -> ET.Element:
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        sniff = data.decode("utf-16", errors="replace")
    else:
        sniff = data.decode("utf-8", errors="replace")
    if _DECLARATION_RE.search(sniff):
        raise IngestError(
            f"{label}: project.qde contains a <!DOCTYPE or <!ENTITY declaration, which qualcode "
            "refuses for safety (entity expansion); a REFI-QDA project never needs one: "
            "export the project again.")
    try:
        root = ET.fromstring(data)
    except ET.ParseError as exc:
        raise IngestError(f"{label}: project.qde is not valid XML ({exc}); export the "
                          "project again as REFI-QDA (.qdpx).") from exc
    if root.tag != f"{_Q}Project":
        namespace, local = "", root.tag
        if root.tag.startswith("{"):
            namespace, _, local = root.tag[1:].partition("}")
        hint = (" It is a codebook: load it with load_codebook." if local == "CodeBook"
                else "")
        raise IngestError(
            f"{label}: project.qde starts with <{local}>"
            + (f" in namespace {namespace!r}" if namespace else " without a namespace")
            + f", not a REFI-QDA <Project xmlns=\"{NAMESPACE}\">.{hint}")
    return root


def guid_key(value: str | None) -> str:
    return (value or "").strip().strip("{}").lower()


def _datetime(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value.strip())
    except ValueError:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=timezone.utc)
    return parsed.astimezone(timezone.utc)


@lru_cache(maxsize=4096)
def _load_yaml(text: str) -> Any:
    """YAML of a trailer (cached: 100,000 selections share a few hundred mark trailers;
    libyaml's safe loader when PyYAML has it)."""
    return yaml.load(text, Loader=_SAFE_LOADER)


def _split(text: str | None, allowed: tuple[str, ...], label: str, where: str
           ) -> tuple[str, dict[str, Any] | None]:
    """A Description split into its free text and its qualcode trailer (None: no trailer)."""
    description, trailer = split_description((text or "").replace("\r\n", "\n"))
    if trailer is None:
        return description, None
    try:
        data = _load_yaml(trailer)
    except yaml.YAMLError as exc:
        reason = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise IngestError(f"{label}: the qualcode block of {where} is not valid ({reason}); "
                          "fix it or delete it from the '--- qualcode ---' line down.") from exc
    if data is None:
        return description, {}
    if isinstance(data, dict):
        data = dict(data)  # the cached value stays as it was
    if not isinstance(data, dict):
        raise IngestError(f"{label}: the qualcode block of {where} must be 'key: value' lines.")
    unknown = sorted(str(k) for k in data if k not in allowed)
    if unknown:
        raise IngestError(f"{label}: the qualcode block of {where} has unknown key(s) "
                          f"{', '.join(unknown)}; the keys are {', '.join(allowed)}.")
    return description, data


def _content(element: ET.Element, archive: _Archive, where: str) -> str | None:
    """A TextSource's or Note's plain text: inline, or the internal file it names."""
    inline = element.find(f"{_Q}PlainTextContent")
    if inline is not None:
        return "".join(inline.itertext())
    path = element.get("plainTextPath")
    if not path:
        return None
    if not path.startswith(INTERNAL):
        raise IngestError(f"{archive.label}: {where} keeps its text outside the archive "
                          f"({path}); export the project again with the sources inside it.")
    member = f"{SOURCES_DIR}/{path[len(INTERNAL):]}"
    return _decode_text(archive.read(member, where), archive.label, member)


def _coding_ref(coding: ET.Element, default_user: str | None, default_text: str | None,
                default_created: datetime | None, where: str, label: str) -> RefiCoding:
    code_guid = ""
    notes = []
    for child in coding:
        if child.tag == _CODE_REF:
            code_guid = guid_key(child.get("targetGUID"))
        elif child.tag == _NOTE_REF:
            notes.append(guid_key(child.get("targetGUID")))
    if not code_guid:
        raise IngestError(f"{label}: a Coding of {where} has no CodeRef targetGUID; "
                          "export the project again.")
    when = coding.get("creationDateTime")
    return RefiCoding(code_guid=code_guid, user=coding.get("creatingUser") or default_user,
                      created=(default_created if when is None or when == default_text
                               else _datetime(when) or default_created),
                      note_refs=notes)


def _coding_refs(parent: ET.Element, default_user: str | None,
                 default_created: datetime | None, where: str, label: str) -> list[RefiCoding]:
    return [_coding_ref(c, default_user, None, default_created, where, label)
            for c in parent if c.tag == _CODING]


def _position(value: str | None, what: str, where: str, label: str) -> int:
    try:
        return int(str(value).strip())
    except ValueError:
        raise IngestError(f"{label}: {where} has {what} {value!r}, not a whole number.") \
            from None


def _read_source(element: ET.Element, number: int, archive: _Archive) -> RefiSource:
    label = archive.label
    guid = guid_key(element.get("guid"))
    name = element.get("name") or f"source {number}"
    where = f"TextSource {name!r}"
    if not guid:
        raise IngestError(f"{label}: {where} has no guid; export the project again.")
    text = _content(element, archive, where)
    if text is None:
        raise IngestError(f"{label}: {where} has no plain text (neither PlainTextContent nor "
                          "an internal plainTextPath): export the project again with plain "
                          "text sources.")
    description = element.find(f"{_Q}Description")
    _free, extras = _split(None if description is None else "".join(description.itertext()),
                           DOCUMENT_KEYS, label, where)
    source = RefiSource(guid=guid, name=name, where=where, text=text, extras=extras,
                     created=_datetime(element.get("creationDateTime")))
    for index, sel in enumerate(element.iterfind(_SELECTION), start=1):
        sel_where = f"selection {sel.get('guid') or index} of {where}"
        start = _position(sel.get("startPosition"), "startPosition", sel_where, label)
        end = _position(sel.get("endPosition"), "endPosition", sel_where, label)
        if not 0 <= start < end <= len(text):
            raise IngestError(
                f"{label}: {sel_where} runs from {start} to {end}, outside the text (0-"
                f"{len(text)} characters) or empty. Positions count characters of the plain "
                "text: export the project again from the tool that made it.")
        description_text: str | None = None
        coding_elements = []
        note_refs = []
        for child in sel:
            if child.tag == _CODING:
                coding_elements.append(child)
            elif child.tag == _NOTE_REF:
                note_refs.append(guid_key(child.get("targetGUID")))
            elif child.tag == _DESCRIPTION:
                description_text = "".join(child.itertext())
        comment, marks = _split(description_text, CODING_KEYS, label, sel_where)
        user = sel.get("creatingUser")
        when = sel.get("creationDateTime")
        created = _datetime(when)
        source.selections.append(RefiSelection(
            guid=guid_key(sel.get("guid")), where=sel_where, start=start, end=end,
            codings=[_coding_ref(c, user, when, created, sel_where, label)
                     for c in coding_elements],
            comment=comment.strip(), marks=marks or {}, note_refs=note_refs))
    source.whole = _coding_refs(element, element.get("creatingUser"), source.created, where,
                                label)
    return source


def _variable_value(holder: ET.Element, kind: str) -> Any:
    for tag in _VALUE_TAGS:
        element = holder.find(f"{_Q}{tag}")
        if element is None:
            continue
        text = (element.text or "").strip()
        if tag == "IntegerValue":
            try:
                return int(text)
            except ValueError:
                return text
        if tag == "BooleanValue":
            return text.lower() in _TRUE if text.lower() in _TRUE | _FALSE else text
        if tag == "FloatValue":
            try:
                return float(text)
            except ValueError:
                return text
        return element.text or ""
    return None


def _read_cases(root: ET.Element, label: str) -> list[RefiCase]:
    variables = {}
    for var in root.iterfind(f"{_Q}Variables/{_Q}Variable"):
        variables[guid_key(var.get("guid"))] = (var.get("name") or "",
                                                 var.get("typeOfVariable") or "Text")
    cases = []
    for number, case in enumerate(root.iterfind(f"{_Q}Cases/{_Q}Case"), start=1):
        values: dict[str, Any] = {}
        for holder in case.iterfind(f"{_Q}VariableValue"):
            ref = holder.find(f"{_Q}VariableRef")
            key = guid_key(None if ref is None else ref.get("targetGUID"))
            if key not in variables:
                raise IngestError(f"{label}: case {case.get('name') or number} has a value of "
                                  f"an unknown variable {key or '(none)'}; export the project "
                                  "again.")
            name, kind = variables[key]
            value = _variable_value(holder, kind)
            if name and value is not None:
                values[name] = value
        cases.append(RefiCase(guid=guid_key(case.get("guid")),
                           name=case.get("name") or f"case {number}", variables=values,
                           sources=[guid_key(r.get("targetGUID"))
                                    for r in case.iterfind(f"{_Q}SourceRef")]))
    return cases


def _read_notes(root: ET.Element, archive: _Archive) -> dict[str, RefiNote]:
    notes: dict[str, RefiNote] = {}
    for number, note in enumerate(root.iterfind(f"{_Q}Notes/{_Q}Note"), start=1):
        name = note.get("name") or f"note {number}"
        where = f"Note {name!r}"
        description = note.find(f"{_Q}Description")
        free, extras = _split(None if description is None else "".join(description.itertext()),
                              NOTE_KEYS, archive.label, where)
        text = _content(note, archive, where)
        if text is None:
            text = free
        notes[guid_key(note.get("guid"))] = RefiNote(
            guid=guid_key(note.get("guid")), name=name, where=where, text=text.strip(),
            extras=extras, user=note.get("creatingUser"),
            created=_datetime(note.get("creationDateTime")),
            code_guids=[guid_key(ref.get("targetGUID"))
                        for ref in note.iterfind(f"{_Q}Coding/{_Q}CodeRef")])
    return notes


def _read_codebook(root: ET.Element, label: str) -> Codebook | None:
    element = root.find(f"{_Q}CodeBook")
    if element is None:
        return None
    moved = copy.deepcopy(element)
    for child in moved.iter():
        if isinstance(child.tag, str) and child.tag.startswith(_Q):
            child.tag = f"{{{QDC_NAMESPACE}}}{child.tag[len(_Q):]}"
    where = f"{label} (CodeBook)"
    content = parse_qdc(ET.tostring(moved, encoding="unicode"), where)
    return build_codebook(content.name or "Imported codebook", content.description,
                          content.codes, content.problems, where)


def _read_segments(archive: _Archive) -> dict[str, dict[str, Any]]:
    """The segments member written by qualcode, if the archive has one (else empty)."""
    if SEGMENTS_MEMBER not in archive.by_name:
        return {}
    damaged = (f"{archive.label}: {SEGMENTS_MEMBER} is damaged; delete it from the archive "
               "to have the documents segmented afresh.")
    try:
        payload = json.loads(archive.read(SEGMENTS_MEMBER, "the archive").decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise IngestError(damaged) from exc
    if not isinstance(payload, dict) or not isinstance(payload.get("documents"), dict):
        raise IngestError(damaged)
    if payload.get("format") != SEGMENTS_FORMAT:
        return {}  # another version: segment afresh
    documents = payload["documents"]
    if not all(isinstance(v, dict) for v in documents.values()):
        raise IngestError(damaged)
    return {guid_key(k): v for k, v in documents.items()}


def read_qdpx(source: str | os.PathLike[str] | IO[bytes], *,
              max_total_bytes: int = DEFAULT_MAX_TOTAL_BYTES,
              max_ratio: float = DEFAULT_MAX_RATIO) -> QdpxContent:
    """Read and check a ``.qdpx`` archive (a path or a binary file object).

    Nothing is imported: use :func:`import_qdpx` for that. Raises :class:`IngestError`
    (or :class:`CodebookError` for an invalid codebook) naming the problem and the fix.
    """
    label = _label_of(source)
    try:
        zf = zipfile.ZipFile(source)
    except FileNotFoundError as exc:
        raise IngestError(f"{label}: no such file; check the path.") from exc
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
        raise IngestError(f"{label} is not a REFI-QDA project (.qdpx): it is not a zip "
                          "archive. Export the project from your QDA tool as REFI-QDA "
                          "(.qdpx).") from exc
    with zf:
        archive = _Archive(zf, label, max_total_bytes, max_ratio)
        root = _parse_qde(archive.read(archive.find_qde(), "the archive"), label)
        users = {guid_key(u.get("guid")): (u.get("name") or u.get("id") or "").strip()
                 for u in root.iterfind(f"{_Q}Users/{_Q}User")}
        codebook = _read_codebook(root, label)
        cases = _read_cases(root, label)
        sources = []
        skipped = []
        for number, element in enumerate(root.iterfind(f"{_Q}Sources/*"), start=1):
            if element.tag == f"{_Q}TextSource":
                sources.append(_read_source(element, number, archive))
            else:
                skipped.append(element.get("name") or element.tag.rpartition("}")[2])
        notes = _read_notes(root, archive)
        segments = _read_segments(archive)
    content = QdpxContent(label=label, name=root.get("name") or "", users=users,
                          codebook=codebook, cases=cases, sources=sources, notes=notes,
                          skipped_sources=skipped, segments=segments)
    _check_references(content)
    return content


def _check_references(content: QdpxContent) -> None:
    """Every CodeRef names a code of the codebook, every NoteRef a note, every SourceRef a
    source; sources have distinct guids."""
    label = content.label
    codes = ({guid_key(c.guid) for c in content.codebook.codes}
             if content.codebook is not None else set())
    guids = [s.guid for s in content.sources]
    if len(set(guids)) != len(guids):
        raise IngestError(f"{label}: two TextSources share a guid; export the project again.")
    known_sources = set(guids)

    def check_code(guid: str, where: str) -> None:
        if guid not in codes:
            raise IngestError(f"{label}: {where} refers to code {guid}, which is not in the "
                              "project's CodeBook. Export the project again with its codebook.")

    for source in content.sources:
        for ref in source.whole:
            check_code(ref.code_guid, source.where)
        for sel in source.selections:
            for ref in sel.codings:
                check_code(ref.code_guid, sel.where)
            for ref_guid in sel.note_refs + [n for r in sel.codings for n in r.note_refs]:
                if ref_guid not in content.notes:
                    raise IngestError(f"{label}: {sel.where} refers to note {ref_guid}, which is "
                                      "not in the project's Notes. Export the project again.")
    for note in content.notes.values():
        for guid in note.code_guids:
            check_code(guid, note.where)
    for case in content.cases:
        for guid in case.sources:
            if guid not in known_sources:
                raise IngestError(f"{label}: case {case.name!r} refers to source {guid}, which "
                                  "is not in the project's Sources. Export the project again.")
