"""REFI-QDA project exchange (``.qdpx``): writing a project for other QDA tools.

A ``.qdpx`` file is a zip archive holding ``project.qde`` (XML in the namespace
``urn:QDA-XML:project:1.0``) and a ``Sources/`` folder with one plain-text UTF-8 file per
document. :func:`export_qdpx` writes one; :mod:`qualcode.export.refi_import` reads one
back (ours or another tool's). What goes where:

* ``Users``: one ``User`` per coder name (codings, Issues and the exporting coder), with a
  stable guid (:func:`user_guid`, a uuid5 of the name) so the same coder gets the same guid
  in every export.
* ``CodeBook``: the project's codes, rendered by the ``.qdc`` writer
  (:func:`qualcode.coding.codebook_qdc.render_qdc`) and moved into the project namespace,
  so our extra code fields (id, research question, include/exclude, origin...) travel in
  the same ``--- qualcode ---`` trailer of each code's ``Description``.
* ``Variables`` and ``Cases``: each respondent is a ``Case`` (``name`` = label) with a
  ``VariableValue`` for ``id`` (Integer), ``group`` (Text), ``trial`` (Boolean),
  ``members`` (Integer) and every attribute (Text, or Integer/Boolean/Float when all its
  values are), and a ``SourceRef`` to each of its documents.
* ``Sources``: each document is a ``TextSource`` (``name`` = title,
  ``plainTextPath="internal://<guid>.txt"``). Its ``Description`` holds a trailer with the
  document's kind, title, source file name, sha256 and metadata. Each coding is one
  ``PlainTextSelection`` (``name`` the start of the coded text, ``startPosition`` and
  ``endPosition`` counting *characters* of the plain text, ``creatingUser`` the coder's
  user guid, ``creationDateTime`` the coding's time)
  holding one ``Coding`` with a ``CodeRef`` to the code's guid. The coding's marks
  (valence, flags, dimension, and its source when not "manual") are a trailer in the
  selection's ``Description`` (left out when all are defaults).
* ``Notes``: a coding's memo is a ``Note`` (``PlainTextContent``) that the selection points
  to with a ``NoteRef``; its ``Description`` trailer says ``kind: memo``. An Issue is a
  ``Note`` whose trailer says ``kind: issue`` and ``code: <id>``, that is coded with its
  code (a ``Coding`` of the note itself, ``CodeRef`` to the code's guid), and that every
  supporting selection points to with a ``NoteRef``.

The archive also holds ``qualcode/segments.json``: for each source guid, the sha256 of
its text, its respondent (id and label) and its segments column by column (start, end,
speaker, is_interviewer, question, page, turn, locator, time_start). It lies outside
``project.qde`` and ``Sources/``, where other tools do not look; qualcode's import uses it, when the text and respondent still match, to restore
the segmentation exactly (subtitle cue times and Word speaker labels included) without
segmenting again, and segments the text afresh otherwise.

A trailer is the one the ``.qdc`` codebook uses: a line ``--- qualcode ---`` and YAML
``key: value`` lines at the end of a ``Description``. Other tools show it as text (and
usually keep it); qualcode reads it back, so a qualcode -> .qdpx -> qualcode round trip
keeps every document, respondent, attribute, code, coding, mark, memo and Issue.

Children of ``Project`` come in the schema's order (``Users``, ``CodeBook``,
``Variables``, ``Cases``, ``Sources``, ``Notes``); an empty one is left out, since the
schema wants at least one child in each. Characters XML 1.0 cannot carry are removed from
names, memos and descriptions (never from the documents' text, which lives in the
``Sources/`` files).
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import re
import tempfile
import uuid
import xml.etree.ElementTree as ET
import zipfile
from collections.abc import Iterable, Mapping
from datetime import datetime, timezone
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from qualcode.coding.codebook import project_codebook
from qualcode.coding.codebook_qdc import NAMESPACE as QDC_NAMESPACE
from qualcode.coding.codebook_qdc import join_description, render_qdc
from qualcode.coding.codebook_validation import checked_codebook
from qualcode.errors import QualcodeError
from qualcode.store.engine import sqlite_file
from qualcode.store.models import (
    Code,
    Coding,
    Document,
    Issue,
    Respondent,
    Segment,
    issue_codings,
)

if TYPE_CHECKING:
    from qualcode.project import Project

__all__ = [
    "CODING_KEYS",
    "DOCUMENT_KEYS",
    "NAMESPACE",
    "NOTE_KEYS",
    "SEGMENTS_MEMBER",
    "export_qdpx",
    "stable_guid",
    "user_guid",
]

NAMESPACE = "urn:QDA-XML:project:1.0"
"""The REFI-QDA project namespace."""

QDE_NAME = "project.qde"
"""The XML member of a .qdpx archive."""

SOURCES_DIR = "Sources"
"""The folder of a .qdpx archive holding the documents' files."""

SEGMENTS_MEMBER = "qualcode/segments.json"
"""The archive member keeping each document's segmentation (other tools ignore it)."""

SEGMENTS_FORMAT = "qualcode-segments/1"
"""The ``format`` value of the segments member."""

INTERNAL = "internal://"
"""Prefix of a path inside the archive's Sources folder."""

GUID_NAMESPACE = uuid.UUID("8c7d1d52-3a7e-4f4b-9c61-2f0d6a5e9b13")
"""Namespace of the uuid5 guids qualcode gives users, cases, sources and selections."""

ORIGIN = "qualcode"
"""The ``origin`` attribute of an exported project."""

DOCUMENT_KEYS = ("kind", "title", "source", "sha256", "metadata")
"""Trailer keys of a TextSource's Description."""

CODING_KEYS = ("valence", "flags", "dimension", "source")
"""Trailer keys of a PlainTextSelection's Description (defaults are left out)."""

NOTE_KEYS = ("kind", "code")
"""Trailer keys of a Note's Description: ``kind`` is ``memo`` or ``issue``."""

FIXED_VARIABLES = (("id", "Integer"), ("group", "Text"), ("trial", "Boolean"),
                   ("members", "Integer"))
"""Variables every exported case carries, with their REFI types."""

_MEMO_TRAILER = join_description("", {"kind": "memo"})
_INVALID_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_BLANKS = re.compile(r"\s+")
_NAME_CHARS = 60


def stable_guid(kind: str, key: object) -> str:
    """A guid that is the same for the same ``kind`` and ``key`` in every export."""
    return str(uuid.uuid5(GUID_NAMESPACE, f"{kind}:{key}"))


def user_guid(name: str) -> str:
    """The guid of a coder (a REFI ``User``): a uuid5 of the name."""
    return stable_guid("user", name)


def xml_safe(text: Any) -> str:
    """Text without the characters XML 1.0 cannot carry."""
    return _INVALID_XML.sub("", "" if text is None else str(text))


def format_datetime(value: datetime | None) -> str | None:
    """An ``xsd:dateTime`` in UTC (a naive time is taken to be UTC, as SQLite returns it)."""
    if value is None:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=timezone.utc)
    return value.astimezone(timezone.utc).isoformat().replace("+00:00", "Z")


def _excerpt(text: str) -> str:
    short = _BLANKS.sub(" ", text).strip()
    return xml_safe(short if len(short) <= _NAME_CHARS else short[: _NAME_CHARS - 1] + "…")


def _variable_type(values: Iterable[Any]) -> str:
    items = [v for v in values if v is not None]
    if items and all(isinstance(v, bool) for v in items):
        return "Boolean"
    if items and all(isinstance(v, int) and not isinstance(v, bool) for v in items):
        return "Integer"
    if items and all(isinstance(v, (int, float)) and not isinstance(v, bool)
                     and math.isfinite(v) for v in items):
        return "Float"
    return "Text"


_VALUE_TAGS = {"Text": "TextValue", "Integer": "IntegerValue", "Boolean": "BooleanValue",
               "Float": "FloatValue"}


def _value_text(value: Any, kind: str) -> str:
    if kind == "Boolean":
        return "true" if value else "false"
    if kind == "Float":  # xsd:decimal: no exponent
        return format(Decimal(repr(float(value))), "f")
    return xml_safe(value)


def _codebook_element(session: Session) -> ET.Element | None:
    """The project's codes as a CodeBook element, rendered by the .qdc writer."""
    book = project_codebook(session)
    if not book.codes:
        return None
    rendered = ET.fromstring(render_qdc(checked_codebook(book, "the project's codebook")))
    prefix = f"{{{QDC_NAMESPACE}}}"
    for element in rendered.iter():
        if isinstance(element.tag, str) and element.tag.startswith(prefix):
            element.tag = element.tag[len(prefix):]
    element = ET.Element("CodeBook")
    codes = rendered.find("Codes")
    if codes is None:  # pragma: no cover - render_qdc always writes Codes
        raise QualcodeError("The codebook could not be rendered: export it as .qdc to see why.")
    element.append(codes)
    return element


def _trailer(fields: Mapping[str, Any]) -> str:
    return xml_safe(join_description("", dict(fields)))


@lru_cache(maxsize=4096)
def _marks_trailer(valence: str, flags: tuple[str, ...], dimension: str | None,
                   source: str) -> str | None:
    """The Description of a selection: its non-default marks (cached: there are only a few
    hundred combinations, and YAML is slow to write 100,000 times)."""
    marks: dict[str, Any] = {}
    if valence != "0":
        marks["valence"] = valence
    if flags:
        marks["flags"] = list(flags)
    if dimension:
        marks["dimension"] = dimension
    if source != "manual":
        marks["source"] = source
    return _trailer(marks) if marks else None


class _Builder:
    """Builds project.qde and the Sources files from one session."""

    def __init__(self, session: Session, name: str, coder: str) -> None:
        self.session = session
        self.name = name
        self.coder = coder
        self.users: dict[str, str] = {}
        self.files: list[tuple[str, bytes]] = []
        self.segments: dict[str, dict[str, Any]] = {}
        self.counts = {"documents": 0, "respondents": 0, "codes": 0, "codings": 0,
                       "issues": 0, "memos": 0, "users": 0}

    def user(self, name: str) -> str:
        if name not in self.users:
            self.users[name] = user_guid(name)
        return self.users[name]

    def build(self) -> bytes:
        s = self.session
        root = ET.Element("Project", {"xmlns": NAMESPACE, "name": xml_safe(self.name),
                                      "origin": ORIGIN, "creatingUserGUID": self.user(self.coder),
                                      "creationDateTime": format_datetime(
                                          datetime.now(timezone.utc)) or ""})
        users_element = ET.SubElement(root, "Users")
        codebook = _codebook_element(s)
        if codebook is not None:
            root.append(codebook)
        code_guids = dict(s.execute(select(Code.id, Code.guid)).all())
        code_names = dict(s.execute(select(Code.id, Code.name)).all())
        self.counts["codes"] = len(code_guids)
        respondents = list(s.scalars(select(Respondent).order_by(Respondent.id)))
        documents = list(s.scalars(select(Document).order_by(Document.id)))
        doc_guid = {d.id: stable_guid("document", f"{d.id}:{d.sha256}") for d in documents}
        self.cases(root, respondents, documents, doc_guid)

        issues = list(s.scalars(select(Issue).order_by(Issue.id)))
        issue_guid = {i.id: stable_guid("issue", i.id) for i in issues}
        issues_of: dict[int, list[int]] = {}
        for issue_id, coding_id in s.execute(
                select(issue_codings.c.issue_id, issue_codings.c.coding_id)
                .order_by(issue_codings.c.issue_id, issue_codings.c.coding_id)):
            issues_of.setdefault(coding_id, []).append(issue_id)
        notes: list[ET.Element] = []
        codings = s.execute(
            select(Coding.id, Coding.document_id, Coding.start, Coding.end, Coding.code_id,
                   Coding.coder, Coding.valence, Coding.flags, Coding.dimension, Coding.memo,
                   Coding.source, Coding.locator, Coding.created_at)
            .order_by(Coding.document_id, Coding.start, Coding.id)).all()
        by_document: dict[int, list[Any]] = {}
        for row in codings:
            by_document.setdefault(row.document_id, []).append(row)
        if documents:
            sources = ET.SubElement(root, "Sources")
            for doc in documents:
                self.source(sources, doc, doc_guid[doc.id], by_document.get(doc.id, []),
                            code_guids, issue_guid, issues_of, notes)
            self.collect_segments(documents, doc_guid, {r.id: r.label for r in respondents})
        for issue in issues:
            notes.append(self.issue_note(issue, issue_guid[issue.id], code_guids, code_names))
        if notes:
            ET.SubElement(root, "Notes").extend(notes)
        for name, guid in self.users.items():
            ET.SubElement(users_element, "User", {"guid": guid, "name": xml_safe(name)})
        self.counts["users"] = len(self.users)
        self.counts["issues"] = len(issues)
        body = ET.tostring(root, encoding="unicode")
        return ('<?xml version="1.0" encoding="UTF-8"?>\n' + body + "\n").encode("utf-8")

    def collect_segments(self, documents: list[Document], doc_guid: dict[int, str],
                         labels: dict[int, str]) -> None:
        """Each document's segments, column by column, for the segments member."""
        columns = {"start": Segment.start, "end": Segment.end, "speaker": Segment.speaker,
                   "is_interviewer": Segment.is_interviewer, "question": Segment.question,
                   "page": Segment.page, "turn": Segment.turn, "locator": Segment.locator,
                   "time_start": Segment.time_start}
        rows = self.session.execute(
            select(Segment.document_id, *columns.values())
            .order_by(Segment.document_id, Segment.ordinal)).all()
        grouped: dict[int, list[Any]] = {}
        for row in rows:
            grouped.setdefault(row[0], []).append(row[1:])
        for doc in documents:
            values = list(zip(*grouped.get(doc.id, []))) or [()] * len(columns)
            self.segments[doc_guid[doc.id]] = {
                "text_sha256": hashlib.sha256(doc.text.encode("utf-8")).hexdigest(),
                "respondent": doc.respondent_id,
                "label": labels.get(doc.respondent_id) if doc.respondent_id else None,
                "segments": {name: list(column) for name, column in zip(columns, values)},
            }

    def cases(self, root: ET.Element, respondents: list[Respondent],
              documents: list[Document], doc_guid: dict[int, str]) -> None:
        if not respondents:
            return
        attribute_names = sorted({k for r in respondents for k in (r.attributes or {})})
        kinds = dict(FIXED_VARIABLES)
        for name in attribute_names:
            kinds[name] = _variable_type((r.attributes or {}).get(name) for r in respondents)
        variables = ET.SubElement(root, "Variables")
        for name, kind in kinds.items():
            ET.SubElement(variables, "Variable", {"guid": stable_guid("variable", name),
                                                  "name": xml_safe(name),
                                                  "typeOfVariable": kind})
        docs_of: dict[int, list[int]] = {}
        for doc in documents:
            if doc.respondent_id is not None:
                docs_of.setdefault(doc.respondent_id, []).append(doc.id)
        cases = ET.SubElement(root, "Cases")
        for r in respondents:
            case = ET.SubElement(cases, "Case", {"guid": stable_guid("respondent", r.id),
                                                 "name": xml_safe(r.label)})
            values: dict[str, Any] = {"id": r.id, "group": r.group, "trial": bool(r.trial),
                                      "members": r.members}
            values.update(r.attributes or {})
            for name, value in values.items():
                if value is None:
                    continue
                kind = kinds[name]
                holder = ET.SubElement(case, "VariableValue")
                ET.SubElement(holder, "VariableRef", {"targetGUID": stable_guid("variable", name)})
                ET.SubElement(holder, _VALUE_TAGS[kind]).text = _value_text(value, kind)
            for doc_id in docs_of.get(r.id, []):
                ET.SubElement(case, "SourceRef", {"targetGUID": doc_guid[doc_id]})
        self.counts["respondents"] = len(respondents)

    def source(self, sources: ET.Element, doc: Document, guid: str, codings: list[Any],
               code_guids: dict[str, str], issue_guid: dict[int, str],
               issues_of: dict[int, list[int]], notes: list[ET.Element]) -> None:
        file_name = f"{guid}.txt"
        attributes = {"guid": guid, "name": xml_safe(doc.title),
                      "plainTextPath": INTERNAL + file_name}
        created = format_datetime(doc.imported_at)
        if created:
            attributes["creationDateTime"] = created
        element = ET.SubElement(sources, "TextSource", attributes)
        ET.SubElement(element, "Description").text = _trailer({
            "kind": doc.kind, "title": doc.title, "source": doc.source, "sha256": doc.sha256,
            "metadata": dict(doc.meta or {})})
        self.files.append((f"{SOURCES_DIR}/{file_name}", doc.text.encode("utf-8")))
        text = doc.text
        for c in codings:
            user = self.user(c.coder)
            when = format_datetime(c.created_at)
            attrs = {"guid": stable_guid("selection", c.id),
                     "name": _excerpt(text[c.start:c.end]) or f"{c.start}-{c.end}",
                     "startPosition": str(c.start), "endPosition": str(c.end),
                     "creatingUser": user}
            if when:
                attrs["creationDateTime"] = when
            selection = ET.SubElement(element, "PlainTextSelection", attrs)
            marks = _marks_trailer(c.valence, tuple(c.flags or ()), c.dimension, c.source)
            if marks:
                ET.SubElement(selection, "Description").text = marks
            coding_attrs = {"guid": stable_guid("coding", c.id), "creatingUser": user}
            if when:
                coding_attrs["creationDateTime"] = when
            coding = ET.SubElement(selection, "Coding", coding_attrs)
            ET.SubElement(coding, "CodeRef", {"targetGUID": code_guids[c.code_id]})
            if c.memo:
                memo_guid = stable_guid("memo", c.id)
                ET.SubElement(selection, "NoteRef", {"targetGUID": memo_guid})
                notes.append(self.memo_note(memo_guid, c, user, when))
            for issue_id in issues_of.get(c.id, []):
                ET.SubElement(selection, "NoteRef", {"targetGUID": issue_guid[issue_id]})
        self.counts["documents"] += 1
        self.counts["codings"] += len(codings)

    def memo_note(self, guid: str, coding: Any, user: str, when: str | None) -> ET.Element:
        attrs = {"guid": guid, "name": xml_safe(f"Memo: {coding.locator or coding.code_id}"),
                 "creatingUser": user}
        if when:
            attrs["creationDateTime"] = when
        note = ET.Element("Note", attrs)
        ET.SubElement(note, "Description").text = _MEMO_TRAILER
        ET.SubElement(note, "PlainTextContent").text = xml_safe(coding.memo)
        self.counts["memos"] += 1
        return note

    def issue_note(self, issue: Issue, guid: str, code_guids: dict[str, str],
                   code_names: dict[str, str]) -> ET.Element:
        user = self.user(issue.coder)
        attrs = {"guid": guid,
                 "name": xml_safe(f"Issue: {code_names.get(issue.code_id, issue.code_id)}"),
                 "creatingUser": user}
        when = format_datetime(issue.created_at)
        if when:
            attrs["creationDateTime"] = when
        note = ET.Element("Note", attrs)
        ET.SubElement(note, "Description").text = _trailer({"kind": "issue",
                                                            "code": issue.code_id})
        ET.SubElement(note, "PlainTextContent").text = xml_safe(issue.text)
        coding_attrs = {"guid": stable_guid("issue-coding", issue.id), "creatingUser": user}
        coding = ET.SubElement(note, "Coding", coding_attrs)
        ET.SubElement(coding, "CodeRef", {"targetGUID": code_guids[issue.code_id]})
        return note


def _project_name(project: Project) -> str:
    db_file = sqlite_file(project.engine.url.render_as_string(hide_password=False))
    if db_file is not None:
        return db_file.stem
    return project.engine.url.database or "qualcode project"


def _write_zip(handle: IO[bytes] | str, qde: bytes, files: list[tuple[str, bytes]],
               segments: dict[str, dict[str, Any]]) -> None:
    with zipfile.ZipFile(handle, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=6) as zf:
        zf.writestr(QDE_NAME, qde)
        for member, data in files:
            zf.writestr(member, data)
        if segments:
            payload = {"format": SEGMENTS_FORMAT, "documents": segments}
            zf.writestr(SEGMENTS_MEMBER, json.dumps(payload, ensure_ascii=False,
                                                    separators=(",", ":")).encode("utf-8"))


def export_qdpx(project: Project, target: str | os.PathLike[str] | IO[bytes], *,
                name: str | None = None) -> dict[str, int]:
    """Write the whole project as a REFI-QDA ``.qdpx`` archive (see the module docstring).

    ``target`` is a path (written to a temporary file first and moved into place, so a
    failed export never leaves half a file) or a binary file object. ``name`` is the
    project name written into the file (default: the project file's name). Returns counts
    of what was written: documents, respondents, codes, codings, issues, memos, users.
    """
    with project.session() as session:
        builder = _Builder(session, name or _project_name(project), project.coder)
        qde = builder.build()
    if not isinstance(target, (str, os.PathLike)):
        _write_zip(target, qde, builder.files, builder.segments)
        return builder.counts
    path = Path(target)
    try:
        fd, temporary = tempfile.mkstemp(prefix=".qualcode-", suffix=".qdpx.tmp",
                                         dir=path.parent)
    except OSError as exc:
        raise QualcodeError(f"Cannot write {path}: {exc.strerror or exc}. Check that the "
                            "folder exists and can be written to.") from exc
    try:
        with os.fdopen(fd, "wb") as handle:
            _write_zip(handle, qde, builder.files, builder.segments)
        os.replace(temporary, path)
    except OSError as exc:
        raise QualcodeError(f"Cannot write {path}: {exc.strerror or exc}. Check the free disk "
                            "space and that the file is not open elsewhere.") from exc
    finally:
        if os.path.exists(temporary):
            os.unlink(temporary)
    return builder.counts
