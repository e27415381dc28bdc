"""REFI-QDA codebook (``.qdc``) files: parsing and rendering for ``codebook_io``.

A ``.qdc`` file is the REFI-QDA codebook exchange format (XML, namespace
``urn:QDA-XML:codebook:1.0``): a ``CodeBook`` root holding ``Codes``, which holds nested
``Code`` elements with the attributes ``guid``, ``name``, ``isCodable`` and ``color`` and an
optional ``Description`` child. Categories are codes with ``isCodable="false"``. We never
write a ``Sets`` element (the schema requires at least one ``Set`` inside it) and ignore
one on reading.

The standard has no place for our other fields, so they travel in a trailer at the end of
each code's ``Description``: a line ``--- qualcode ---`` followed by YAML ``key: value``
lines. Another tool shows the trailer as part of the description (and normally keeps it
when it exports the codebook again)::

    Partnership boards and strategic plans.

    --- qualcode ---
    id: strategic_management
    rq: RQ1
    include: Talk about boards, plans, joint commissioning
    keywords: [partnership board, strategic]
    origin: emergent
    origin_note: Raised by three head teachers
    archived: true

The trailer keys are :data:`TRAILER_KEYS`; ``id`` is always written, the others only when
they are not empty or not the default. The codebook's own name and description are kept
in a processing instruction inside the root element,
``<?qualcode {"name": "...", "description": "..."}?>``, which other tools ignore.

A codebook written by another tool (QualCoder, NVivo, ATLAS.ti) has no trailer: its codes
get an id made from the name (:func:`id_from_name`, numbered ``_2``, ``_3``... when two
names give the same id), no research question and the default origin.

This module only turns XML into raw field dicts and back. Checking the fields and building
the :class:`~qualcode.coding.codebook.Codebook` is left to
:mod:`qualcode.coding.codebook_validation`, so that every format is validated the same way.
"""

from __future__ import annotations

import codecs
import json
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from typing import Any, NamedTuple

import yaml

from qualcode.coding.codebook import Codebook, CodeSpec
from qualcode.coding.codebook_validation import Problem, RawCode, id_from_name, unique_id
from qualcode.errors import CodebookError

NAMESPACE = "urn:QDA-XML:codebook:1.0"
"""The REFI-QDA codebook namespace."""

TRAILER_MARK = "--- qualcode ---"
"""The line that starts the qualcode trailer in a code's Description."""

TRAILER_KEYS = (
    "id",
    "rq",
    "include",
    "exclude",
    "example",
    "keywords",
    "origin",
    "origin_note",
    "archived",
)
"""The keys a trailer may hold, in the order they are written."""

PI_TARGET = "qualcode"
"""Target of the processing instruction holding the codebook's name and description."""

MAX_DEPTH = 100
"""Deepest code nesting we read; deeper files are refused rather than recursed into."""

_Q_CODEBOOK = f"{{{NAMESPACE}}}CodeBook"
_Q_CODES = f"{{{NAMESPACE}}}Codes"
_Q_CODE = f"{{{NAMESPACE}}}Code"
_Q_DESCRIPTION = f"{{{NAMESPACE}}}Description"
_ENCODING_RE = re.compile(rb"""^<\?xml[^>]*?encoding\s*=\s*["']([A-Za-z0-9._-]+)["']""")
_DECLARATION_RE = re.compile(r"<!\s*(DOCTYPE|ENTITY)", re.IGNORECASE)
_TRAILER_RE = re.compile(r"(?:^|\n)" + re.escape(TRAILER_MARK) + r"[ \t]*(?:\n|$)")
_SHORT_COLOUR_RE = re.compile(r"^#([0-9A-Fa-f]{3})$")


class QdcContent(NamedTuple):
    """What :func:`parse_qdc` found: codebook name (None if the file has none),
    description, raw codes in tree order and the problems met on the way."""

    name: str | None
    description: str
    codes: list[RawCode]
    problems: list[Problem]


@dataclass
class _Entry:
    where: str
    fields: dict[str, Any]
    parent: int | None
    trailer_id: Any


def parse_qdc(data: str | bytes, label: str) -> QdcContent:
    """Parse a REFI-QDA codebook into raw codes (ids, parents and trailer fields filled in).

    ``label`` names the file in messages. Raises :class:`CodebookError` when the input is
    not a REFI-QDA codebook at all (not XML, a DOCTYPE or ENTITY declaration, wrong root
    or namespace, no ``Codes``); problems with single codes are returned instead.
    """
    text = _xml_text(data, label)
    if _DECLARATION_RE.search(text):
        raise CodebookError(
            f"{label} contains a <!DOCTYPE or <!ENTITY declaration, which qualcode refuses "
            "for safety (entity expansion); a REFI-QDA codebook never needs one: delete the "
            "declaration and import the file again"
        )
    parser = ET.XMLParser(target=ET.TreeBuilder(insert_pis=True))
    try:
        parser.feed(text)
        root = parser.close()
    except ET.ParseError as exc:
        raise CodebookError(
            f"{label} is not a valid XML file ({exc}); export the codebook again as a "
            "REFI-QDA codebook (.qdc)"
        ) from exc
    _check_root(root, label)
    problems: list[Problem] = []
    name, description = _read_instruction(root, problems)
    codes_element = root.find(_Q_CODES)
    if codes_element is None:
        raise CodebookError(
            f"{label}: the CodeBook element has no Codes element; a REFI-QDA codebook "
            "lists its codes inside <Codes>"
        )
    entries: list[_Entry] = []
    _collect(codes_element, "/CodeBook/Codes", None, 0, entries, problems)
    return QdcContent(name, description, _assign_ids(entries), problems)


def render_qdc(codebook: Codebook) -> bytes:
    """The codebook as a UTF-8 REFI-QDA ``.qdc`` document (with XML declaration).

    The codebook must already be valid (``codebook_io.write_codebook`` checks it).
    """
    root = ET.Element("CodeBook", {"xmlns": NAMESPACE, "origin": "qualcode"})
    meta = json.dumps(
        {"name": codebook.name, "description": codebook.description}, ensure_ascii=False
    )
    # ">" only occurs inside JSON strings, so escaping it keeps "?>" out of the instruction.
    root.append(ET.ProcessingInstruction(PI_TARGET, meta.replace(">", "\\u003e")))
    codes_element = ET.SubElement(root, "Codes")
    children: dict[str | None, list[CodeSpec]] = {}
    for code in codebook.codes:
        children.setdefault(code.parent_id, []).append(code)
    stack = [(codes_element, code) for code in reversed(children.get(None, []))]
    while stack:
        parent_element, code = stack.pop()
        attributes = {"guid": code.guid, "name": code.name}
        attributes["isCodable"] = "true" if code.codable else "false"
        if code.colour:
            attributes["color"] = code.colour
        element = ET.SubElement(parent_element, "Code", attributes)
        ET.SubElement(element, "Description").text = join_description(
            code.description, trailer_fields(code)
        )
        stack.extend((element, child) for child in reversed(children.get(code.id, [])))
    ET.indent(root, space="  ")
    body = ET.tostring(root, encoding="unicode")
    return ('<?xml version="1.0" encoding="UTF-8"?>\n' + body + "\n").encode("utf-8")


def trailer_fields(code: CodeSpec) -> dict[str, Any]:
    """The trailer keys and values written for a code (defaults and empty values left out)."""
    fields: dict[str, Any] = {"id": code.id}
    if code.rq is not None:
        fields["rq"] = code.rq
    for key in ("include", "exclude", "example"):
        if getattr(code, key):
            fields[key] = getattr(code, key)
    if code.keywords:
        fields["keywords"] = list(code.keywords)
    if code.origin != "a_priori":
        fields["origin"] = code.origin
    if code.origin_note:
        fields["origin_note"] = code.origin_note
    if code.archived:
        fields["archived"] = True
    return fields


def join_description(description: str, trailer: dict[str, Any]) -> str:
    """A Description text: the description, a blank line, the mark and the YAML trailer."""
    block = (
        TRAILER_MARK
        + "\n"
        + yaml.dump(
            trailer,
            Dumper=_TrailerDumper,
            allow_unicode=True,
            sort_keys=False,
            default_flow_style=False,
            width=float("inf"),
        )
    )
    return f"{description}\n\n{block}" if description else block


def split_description(text: str) -> tuple[str, str | None]:
    """Split a Description text into (description, trailer YAML or None when there is none).

    The last line that is exactly the trailer mark starts the trailer; the blank line that
    :func:`join_description` puts before it is removed again.
    """
    matches = list(_TRAILER_RE.finditer(text))
    if not matches:
        return text, None
    last = matches[-1]
    description = text[: last.start()]
    if last.start() > 0:
        description = description.removesuffix("\n")
    return description, text[last.end() :]


class _TrailerDumper(yaml.SafeDumper):
    """YAML for the trailer: one ``key: value`` a line, lists in flow style, multi-line text
    as literal blocks (indented, so no value line can look like the trailer mark)."""


def _represent_str(dumper: yaml.SafeDumper, data: str) -> yaml.ScalarNode:
    style = "|" if "\n" in data else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", data, style=style)


def _represent_list(dumper: yaml.SafeDumper, data: list[Any]) -> yaml.SequenceNode:
    return dumper.represent_sequence("tag:yaml.org,2002:seq", data, flow_style=True)


_TrailerDumper.add_representer(str, _represent_str)
_TrailerDumper.add_representer(list, _represent_list)


def _xml_text(data: str | bytes, label: str) -> str:
    """Decode XML bytes by their BOM or declared encoding (UTF-8 by default)."""
    if isinstance(data, str):
        return data.removeprefix("\ufeff")
    if data.startswith(codecs.BOM_UTF8):
        encoding = "utf-8-sig"
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encoding = "utf-16"
    else:
        match = _ENCODING_RE.match(data)
        encoding = match.group(1).decode("ascii") if match else "utf-8"
    try:
        return data.decode(encoding).removeprefix("\ufeff")
    except (LookupError, UnicodeDecodeError) as exc:
        raise CodebookError(
            f"{label} is not a readable XML file (it does not decode as {encoding}); "
            "export the codebook again as a REFI-QDA codebook (.qdc) in UTF-8"
        ) from exc


def _check_root(root: ET.Element, label: str) -> None:
    if root.tag == _Q_CODEBOOK:
        return
    namespace, local = "", root.tag
    if root.tag.startswith("{"):
        namespace, _, local = root.tag[1:].partition("}")
    if local == "CodeBook":
        raise CodebookError(
            f"{label}: the CodeBook element has the namespace {namespace or '(none)'!r}, not "
            f"{NAMESPACE!r}; a REFI-QDA codebook starts with "
            f'<CodeBook xmlns="{NAMESPACE}">'
        )
    if local == "Project":
        raise CodebookError(
            f"{label} is a REFI-QDA project (its root element is Project), not a codebook; "
            "export the codebook from your QDA tool as a .qdc file"
        )
    raise CodebookError(
        f"{label}: the root element is <{local}>"
        + (f" in namespace {namespace!r}" if namespace else "")
        + f', not a REFI-QDA <CodeBook xmlns="{NAMESPACE}">; choose a .qdc codebook file'
    )


def _read_instruction(root: ET.Element, problems: list[Problem]) -> tuple[str | None, str]:
    """The codebook name and description from ``<?qualcode {...}?>``, if present."""
    where = "the <?qualcode ...?> instruction"
    for child in root:
        if child.tag is not ET.ProcessingInstruction:
            continue
        target, _, data = (child.text or "").partition(" ")
        if target != PI_TARGET:
            continue
        try:
            meta = json.loads(data)
        except json.JSONDecodeError as exc:
            problems.append((where, f"is not valid JSON ({exc.msg}); fix it or delete it"))
            return None, ""
        if not isinstance(meta, dict):
            problems.append((where, "must hold a JSON object with name and description"))
            return None, ""
        name, description = meta.get("name"), meta.get("description", "")
        if not isinstance(name, str) or not isinstance(description, str):
            problems.append((where, "name and description must be JSON strings"))
            return None, ""
        return name, description
    return None, ""


def _collect(
    parent_element: ET.Element,
    path: str,
    parent: int | None,
    depth: int,
    entries: list[_Entry],
    problems: list[Problem],
) -> None:
    """Append the Code elements under ``parent_element`` (recursively) in tree order."""
    position = 0
    for element in parent_element:
        if element.tag != _Q_CODE:
            continue
        position += 1
        element_path = f"{path}/Code[{position}]"
        name = element.get("name")
        where = f"Code element {element_path}" + (f" (name {name!r})" if name else "")
        if depth >= MAX_DEPTH:
            problems.append(
                (where, f"codes are nested more than {MAX_DEPTH} levels deep; flatten them")
            )
            return
        guid = (element.get("guid") or "").strip()
        if not guid:
            message = (
                "has no guid attribute; every REFI-QDA Code needs one: export the "
                "codebook again from the tool that made it"
            )
            problems.append((where, message))
        description_element = element.find(_Q_DESCRIPTION)
        raw = "".join(description_element.itertext()) if description_element is not None else ""
        description, trailer_text = split_description(raw.replace("\r\n", "\n"))
        trailer = _parse_trailer(trailer_text, where, problems)
        fields: dict[str, Any] = {
            "name": name,
            "guid": guid,
            "colour": _expand_colour(element.get("color")),
            "codable": element.get("isCodable"),
            "description": description,
        }
        fields.update((key, value) for key, value in trailer.items() if key != "id")
        entries.append(_Entry(where, fields, parent, trailer.get("id")))
        _collect(element, element_path, len(entries) - 1, depth + 1, entries, problems)


def _parse_trailer(text: str | None, where: str, problems: list[Problem]) -> dict[str, Any]:
    if text is None:
        return {}
    fix = f"fix it or delete the Description from the '{TRAILER_MARK}' line down"
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        reason = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        problems.append(
            (where, f"the qualcode block in its Description is not valid ({reason}); {fix}")
        )
        return {}
    if data is None:
        return {}
    if not isinstance(data, dict):
        problems.append(
            (where, f"the qualcode block in its Description must be 'key: value' lines; {fix}")
        )
        return {}
    unknown = [str(key) for key in data if key not in TRAILER_KEYS]
    if unknown:
        message = (
            f"the qualcode block has unknown key(s) {', '.join(unknown)}; "
            f"the keys are {', '.join(TRAILER_KEYS)}"
        )
        problems.append((where, message))
    return {key: value for key, value in data.items() if key in TRAILER_KEYS}


def _expand_colour(value: str | None) -> str | None:
    """REFI-QDA allows ``#RGB``; we store ``#RRGGBB``."""
    if value is None:
        return None
    match = _SHORT_COLOUR_RE.match(value.strip())
    if match:
        return "#" + "".join(digit * 2 for digit in match.group(1))
    return value


def _assign_ids(entries: list[_Entry]) -> list[RawCode]:
    """Give every entry an id (trailer id, else made from the name) and its parent's id."""
    taken = {entry.trailer_id for entry in entries if isinstance(entry.trailer_id, str)}
    for entry in entries:
        if entry.trailer_id is not None:
            entry.fields["id"] = entry.trailer_id
        else:
            new_id = unique_id(id_from_name(entry.fields.get("name") or ""), taken)
            taken.add(new_id)
            entry.fields["id"] = new_id
    for entry in entries:
        parent_id = entries[entry.parent].fields["id"] if entry.parent is not None else None
        entry.fields["parent_id"] = parent_id if isinstance(parent_id, str) else None
    return [(entry.where, entry.fields) for entry in entries]
