"""Validation of codebooks read from files: raw field values in, a valid ``Codebook`` out.

Every reader (YAML, CSV, REFI-QDA ``.qdc``) turns its file into a list of
:data:`RawCode` -- where the code is in the file ("row 7", "code 'x' (codes[0])",
"Code element /CodeBook/Codes/Code[2]") and its field values as found (text, booleans,
lists or None) -- and hands it to :func:`build_codebook`, so that all formats accept the
same values and report problems the same way. :func:`checked_codebook` runs the same
checks on a ``Codebook`` before it is written, so a writer never produces a file its
reader would refuse.

Values are normalised on the way in: line endings become ``\\n``; ids, names, guids, rq,
colours and keywords lose surrounding blanks; empty values take the ``CodeSpec`` default;
booleans may be yes/no, true/false or 1/0; origin may be written "a priori".

All problems found are collected (the first :data:`MAX_REPORTED` are reported) into one
:class:`~qualcode.errors.CodebookError`, one problem a line, each naming the file, the
place and the fix.
"""

from __future__ import annotations

import dataclasses
import re
import unicodedata
from collections.abc import Callable, Mapping
from typing import Any, NoReturn

from qualcode.coding.codebook import CODE_ID_RE, COLOUR_RE, ORIGINS, Codebook, CodeSpec
from qualcode.errors import CodebookError

__all__ = [
    "MAX_REPORTED",
    "Problem",
    "RawCode",
    "build_codebook",
    "checked_codebook",
    "children_by_parent",
    "id_from_name",
    "tree_order",
    "unique_id",
    "value_kind",
]

RawCode = tuple[str, dict[str, Any]]
"""A code as read from a file, before validation: (where in the file, field values)."""

Problem = tuple[str, str]
"""A problem found in a file: (where in the file or "", what is wrong and how to fix it)."""

MAX_REPORTED = 20
"""At most this many problems are listed in one error."""

_TEXT_FIELDS = ("description", "include", "exclude", "example", "origin_note")
_HEX = "[0-9a-fA-F]"
_GUID_BODY = f"{_HEX}{{8}}-(?:{_HEX}{{4}}-){{3}}{_HEX}{{12}}"
_GUID_RE = re.compile(f"^(?:{_GUID_BODY}|\\{{{_GUID_BODY}\\}})$")
# Characters XML 1.0 cannot carry, C1 controls (YAML treats U+0085 as a line break) and
# noncharacters: refused in every text so that each format can store what another read.
_BAD_CHAR_RE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
_TRUE = ("yes", "true", "1")
_FALSE = ("no", "false", "0")
_ID_MAX = 64
_FIELD_NAMES = tuple(field.name for field in dataclasses.fields(CodeSpec))


def build_codebook(
    name: Any, description: Any, raw: list[RawCode], problems: list[Problem], label: str
) -> Codebook:
    """Check raw codes from any format and build the codebook in tree order.

    ``problems`` already found by the reader are reported together with the ones found
    here; ``label`` (usually the file name) starts every message. Raises
    :class:`CodebookError` when there is any problem.
    """
    problems = list(problems)

    def add(where: str, message: str) -> None:
        problems.append((where, message))

    book_name = _text(name, "the codebook name", lambda message: add("", message))
    book_description = _text(
        description, "the codebook description", lambda message: add("", message)
    )
    raw_ids = {fields["id"].strip() for _, fields in raw if isinstance(fields.get("id"), str)}
    specs: list[tuple[str, CodeSpec]] = []
    for where, fields in raw:
        spec = _spec_from_fields(fields, where, problems)
        if spec is not None:
            specs.append((where, spec))
    if not raw and not problems:
        add("", "has no codes; add at least one code")
    id_where: dict[str, str] = {}
    guid_where: dict[str, str] = {}
    for where, spec in specs:
        guid_key = spec.guid.strip("{}").lower()
        if spec.id in id_where:
            add(
                where,
                f"id {spec.id!r} is already used by {id_where[spec.id]}; give each code its own id",
            )
        elif guid_key in guid_where:
            add(
                where,
                f"guid {spec.guid} is already used by {guid_where[guid_key]}; give "
                "each code its own guid, or leave it empty to get a stable one",
            )
        id_where.setdefault(spec.id, where)
        guid_where.setdefault(guid_key, where)
    for where, spec in specs:
        if spec.parent_id is not None and spec.parent_id not in raw_ids:
            add(
                where,
                f"parent_id {spec.parent_id!r} is not the id of any code; correct it, "
                "or leave it empty to make this a top-level code",
            )
    if not problems:
        codes = [spec for _, spec in specs]
        ordered = tree_order(codes)
        if len(ordered) == len(codes):
            return Codebook(name=book_name, codes=ordered, description=book_description)
        problems.extend(_cycles(specs, {code.id for code in ordered}))
    _raise(label, problems)


def _raise(label: str, problems: list[Problem]) -> NoReturn:
    lines = [
        " ".join(part for part in (label, where) if part) + ": " + message
        for where, message in problems[:MAX_REPORTED]
    ]
    if len(problems) > MAX_REPORTED:
        lines.append(f"{label}: ... and {len(problems) - MAX_REPORTED} more problems")
    raise CodebookError("\n".join(lines))


def _spec_from_fields(
    fields: Mapping[str, Any], where: str, problems: list[Problem]
) -> CodeSpec | None:
    """One CodeSpec from raw field values (str, bool, list or None), or None on problems."""
    start = len(problems)

    def bad(message: str) -> None:
        problems.append((where, message))

    code_id = _line(fields.get("id"), "id", bad)
    name = _line(fields.get("name"), "name", bad)
    if not code_id:
        bad(f"has no id; give every code an id such as {id_from_name(name or 'code')!r}")
    elif not CODE_ID_RE.match(code_id):
        bad(
            f"id {code_id!r} is not valid; use 1-64 characters a-z, 0-9 or _, starting with "
            f"a letter, such as {id_from_name(code_id)!r}"
        )
    if not name:
        bad("has no name; give every code a name")
    guid = _line(fields.get("guid"), "guid", bad)
    if guid and not _GUID_RE.match(guid):
        bad(
            f"guid {guid!r} is not a GUID like 0f8fad5b-d9cb-469f-a165-70867728950e; correct "
            "it, or leave it empty to get a stable one"
        )
    colour = _line(fields.get("colour"), "colour", bad) or None
    if colour is not None and not COLOUR_RE.match(colour):
        bad(f"colour {colour!r} is not a #RRGGBB hex colour such as #1F4E79")
    origin = _line(fields.get("origin"), "origin", bad).lower().replace(" ", "_")
    origin = origin.replace("-", "_") or "a_priori"
    if origin not in ORIGINS:
        bad(f"origin {fields.get('origin')!r} is not one of {', '.join(ORIGINS)}")
    parent = fields.get("parent_id")
    parent_id = (str(parent).strip() or None) if parent is not None else None
    texts = {key: _text(fields.get(key), key, bad) for key in _TEXT_FIELDS}
    spec = CodeSpec(
        id=code_id,
        name=name,
        parent_id=parent_id,
        guid=guid,
        rq=_line(fields.get("rq"), "rq", bad) or None,
        keywords=_keywords(fields.get("keywords"), bad),
        colour=colour,
        origin=origin,
        codable=_flag(fields.get("codable"), "codable", True, bad),
        archived=_flag(fields.get("archived"), "archived", False, bad),
        **texts,
    )
    return spec if len(problems) == start else None


def value_kind(value: Any) -> str:
    """How a value looks to a user, for messages: "a list", "true/false", "int"..."""
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    return type(value).__name__


def _text(value: Any, field: str, bad: Callable[[str], None]) -> str:
    if value is None:
        return ""
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        bad(f"{field} must be text, not {value_kind(value)}; put it in quotes")
        return ""
    text = str(value).replace("\r\n", "\n").replace("\r", "\n")
    match = _BAD_CHAR_RE.search(text)
    if match:
        bad(f"{field} contains the control character U+{ord(match.group()):04X}; remove it")
    return text


def _line(value: Any, field: str, bad: Callable[[str], None]) -> str:
    text = _text(value, field, bad).strip()
    if "\n" in text:
        bad(f"{field} {text!r} must be a single line")
    return text


def _flag(value: Any, field: str, default: bool, bad: Callable[[str], None]) -> bool:
    if value is None or value == "":
        return default
    if isinstance(value, bool):
        return value
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    if isinstance(value, str) and value.strip().lower() in _TRUE + _FALSE:
        return value.strip().lower() in _TRUE
    bad(f"{field} {value!r} is not a yes/no value; write yes or no (true/false, 1/0 also work)")
    return default


def _keywords(value: Any, bad: Callable[[str], None]) -> list[str]:
    if value is None:
        return []
    if not isinstance(value, list):
        kind = value_kind(value)
        bad(f"keywords must be a list such as [partnership board, strategic], not {kind}")
        return []
    keywords = []
    for item in value:
        keyword = _line(item, "keyword", bad)
        if ";" in keyword:
            bad(f"keyword {keyword!r} contains ';'; split it into separate keywords")
        elif keyword:
            keywords.append(keyword)
    return keywords


def children_by_parent(codes: list[CodeSpec]) -> dict[str | None, list[CodeSpec]]:
    """Codes grouped by ``parent_id`` (``None`` for the top level), in list order."""
    children: dict[str | None, list[CodeSpec]] = {}
    for code in codes:
        children.setdefault(code.parent_id, []).append(code)
    return children


def tree_order(codes: list[CodeSpec]) -> list[CodeSpec]:
    """Depth-first, parents first, siblings in list order; codes in cycles are left out."""
    children = children_by_parent(codes)
    ordered: list[CodeSpec] = []
    stack = list(reversed(children.get(None, [])))
    while stack:
        code = stack.pop()
        ordered.append(code)
        stack.extend(reversed(children.get(code.id, [])))
    return ordered


def _cycles(specs: list[tuple[str, CodeSpec]], reached: set[str]) -> list[Problem]:
    """One problem per parent cycle among the codes not reached from the top level."""
    parent_of = {spec.id: spec.parent_id for _, spec in specs}
    where_of = {spec.id: where for where, spec in specs}
    seen: set[str] = set(reached)
    problems: list[Problem] = []
    for _, spec in specs:
        path: list[str] = []
        current: str | None = spec.id
        while current is not None and current not in seen and current not in path:
            path.append(current)
            current = parent_of.get(current)
        if current is not None and current in path:
            cycle = path[path.index(current) :]
            first = min(cycle, key=list(parent_of).index)
            loop = cycle[cycle.index(first) :] + cycle[: cycle.index(first)] + [first]
            message = (
                f"the parent_id links {' -> '.join(loop)} form a cycle; give one of these "
                "codes another parent_id, or leave it empty"
            )
            problems.append((where_of[first], message))
        seen.update(path)
    return problems


def checked_codebook(codebook: Codebook, label: str) -> Codebook:
    """The codebook as read back would give it (normalised, tree order), or raise."""
    raw: list[RawCode] = []
    for number, code in enumerate(codebook.codes, start=1):
        where = f"code {code.id!r}" if isinstance(code.id, str) and code.id else f"code #{number}"
        fields = {key: getattr(code, key) for key in _FIELD_NAMES}
        fields["keywords"] = (
            list(code.keywords) if isinstance(code.keywords, list) else code.keywords
        )
        raw.append((where, fields))
    return build_codebook(codebook.name, codebook.description, raw, [], f"{label} (not written)")


def id_from_name(name: str) -> str:
    """A code id made from a name: ASCII lower case, runs of other characters as ``_``,
    starting with a letter (``code_`` is put in front otherwise), at most 64 characters."""
    folded = unicodedata.normalize("NFKD", name.casefold())
    ascii_text = folded.encode("ascii", "ignore").decode("ascii")
    slug = re.sub(r"[^a-z0-9]+", "_", ascii_text).strip("_") or "code"
    if not slug[0].isalpha():
        slug = "code_" + slug
    return slug[:_ID_MAX].rstrip("_")


def unique_id(base: str, taken: set[str]) -> str:
    """``base``, or ``base_2``, ``base_3``... whichever is not in ``taken`` (kept to 64)."""
    candidate, number = base, 2
    while candidate in taken:
        suffix = f"_{number}"
        candidate = base[: _ID_MAX - len(suffix)].rstrip("_") + suffix
        number += 1
    return candidate
