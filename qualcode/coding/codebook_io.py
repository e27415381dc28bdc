"""Read and write codebooks as YAML, CSV or REFI-QDA ``.qdc`` files.

:func:`read_codebook` and :func:`write_codebook` take a path or a file-like object. The
format comes from the suffix (``.yaml``/``.yml``, ``.csv``, ``.qdc``; a file-like object's
``name`` counts) unless ``format`` says ``"yaml"``, ``"csv"`` or ``"qdc"``.

File-like objects: for reading, text or binary both work (binary YAML and CSV must be
UTF-8, with or without a BOM). For writing, YAML and CSV are written as ``str`` and
``.qdc`` as ``bytes``, except that a binary stream (``io.BytesIO``, ``open(.., "wb")``)
gets UTF-8 bytes for YAML and CSV and a text stream (``io.StringIO``) gets ``str`` for
``.qdc``. Open a text file for CSV with ``newline=""``. CSV written to a path or to a
binary stream starts with a UTF-8 BOM so that Excel shows accented letters correctly.

YAML (our own format) nests codes under ``children``; ``rq`` is inherited from the parent
when a code does not give one (``rq: null`` says "none"), a missing ``guid`` becomes the
stable default of :func:`~qualcode.coding.codebook.guid_for`. Written YAML leaves out
empty and default fields (and a default guid) and is block style, with ``version: 1``.

CSV has one row per code with the columns :data:`CSV_COLUMNS` (keywords joined with
``"; "``, booleans as yes/no; true/false and 1/0 are read too). Rows before the header
whose first cell starts with ``#`` carry the codebook: ``#codebook,<name>`` and
``#description,<text>``. Rows may list children before their parents. Cells starting with
``= + - @`` or a tab are written with a leading ``'`` (spreadsheet formula injection) and
that ``'`` is removed again on reading. Each row says its own ``rq`` (no inheritance).

``.qdc`` is handled by :mod:`qualcode.coding.codebook_qdc` (see there for how our extra
fields survive in other tools).

Every format is checked by :mod:`qualcode.coding.codebook_validation`: all problems found
are reported in one :class:`~qualcode.errors.CodebookError`, one a line, each naming the
file and the row (CSV), the code (YAML) or the XML element (``.qdc``) and the fix.
``write_codebook`` runs the same checks first, so it never writes a file that
``read_codebook`` would refuse.
"""

from __future__ import annotations

import csv
import io
import os
import re
from pathlib import Path, PurePath
from typing import IO, Any

import yaml

from qualcode.coding.codebook import Codebook, CodeSpec, guid_for
from qualcode.coding.codebook_qdc import parse_qdc, render_qdc
from qualcode.coding.codebook_validation import (
    Problem,
    RawCode,
    build_codebook,
    checked_codebook,
    children_by_parent,
    value_kind,
)
from qualcode.errors import CodebookError

__all__ = ["CSV_COLUMNS", "FORMATS", "read_codebook", "write_codebook"]

FORMATS = ("yaml", "csv", "qdc")
"""Format names accepted by the ``format`` argument."""

SUFFIXES = {".yaml": "yaml", ".yml": "yaml", ".csv": "csv", ".qdc": "qdc"}
"""File suffixes and the format each one means."""

CSV_COLUMNS = (
    "id",
    "name",
    "parent_id",
    "guid",
    "rq",
    "description",
    "include",
    "exclude",
    "example",
    "keywords",
    "colour",
    "origin",
    "origin_note",
    "codable",
    "archived",
)
"""The CSV header, in the order it is written."""

YAML_VERSION = 1
MAX_BYTES = 20 * 1024 * 1024
"""Larger files are refused: a codebook is small, a huge file is the wrong file."""

Source = str | os.PathLike[str] | IO[Any]
"""A path, or a file-like object open for reading or writing."""

_YAML_TOP_KEYS = ("name", "description", "version", "codes")
_YAML_CODE_KEYS = (
    "id",
    "name",
    "guid",
    "rq",
    "codable",
    "colour",
    "description",
    "include",
    "exclude",
    "example",
    "keywords",
    "origin",
    "origin_note",
    "archived",
    "children",
)
_FORMULA_RE = re.compile(r"^'*[=+\-@\t]")


def read_codebook(source: Source, *, format: str | None = None) -> Codebook:
    """Read a codebook from a YAML, CSV or REFI-QDA ``.qdc`` file.

    ``source`` is a path or a file-like object (text or binary). ``format`` ("yaml",
    "csv" or "qdc") overrides the suffix. Codes come back in tree order (parents before
    children, siblings in file order) with ``parent_id`` set. Raises
    :class:`CodebookError` naming the file, the place and the fix for anything invalid.
    """
    label, name = _label(source)
    kind = _resolve_format(name, format, label)
    data = _read_source(source, label)
    if kind == "qdc":
        content = parse_qdc(data, label)
        book_name: Any = content.name
        description: Any = content.description
        raw, problems = content.codes, content.problems
    else:
        text = _decode_text(data, label)
        parse = _parse_yaml if kind == "yaml" else _parse_csv
        book_name, description, raw, problems = parse(text, label)
    if book_name is None:
        book_name = PurePath(name).stem if name else "Imported codebook"
    return build_codebook(book_name, description, raw, problems, label)


def write_codebook(codebook: Codebook, target: Source, *, format: str | None = None) -> None:
    """Write a codebook as YAML, CSV or REFI-QDA ``.qdc``.

    ``target`` is a path or a file-like object: YAML and CSV are written as text and
    ``.qdc`` as bytes (a binary stream gets UTF-8 bytes, a text stream gets text). The
    codebook is checked first; an invalid one raises :class:`CodebookError` and nothing
    is written. Codes are written in tree order.
    """
    label, name = _label(target)
    kind = _resolve_format(name, format, label)
    checked = checked_codebook(codebook, label)
    if kind == "yaml":
        _write_target(target, _render_yaml(checked), "utf-8", label)
    elif kind == "csv":
        _write_target(target, _render_csv(checked), "utf-8-sig", label)
    else:
        _write_target(target, render_qdc(checked), "utf-8", label)


# --- sources and targets -------------------------------------------------------------


def _resolve_format(name: str | None, format: str | None, label: str) -> str:
    if format is not None:
        kind = format.lower().lstrip(".")
        kind = "yaml" if kind == "yml" else kind
        if kind not in FORMATS:
            raise CodebookError(
                f"unknown codebook format {format!r} for {label}; use one of {', '.join(FORMATS)}"
            )
        return kind
    if name is None:
        raise CodebookError(
            f"cannot tell the format of {label} (a file object without a name); "
            "pass format='yaml', 'csv' or 'qdc'"
        )
    suffix = PurePath(name).suffix.lower()
    if suffix not in SUFFIXES:
        raise CodebookError(
            f"{label}: unknown codebook file type {suffix or '(no suffix)'!r}; use "
            f"{', '.join(SUFFIXES)} or pass format='yaml', 'csv' or 'qdc'"
        )
    return SUFFIXES[suffix]


def _label(source: Source) -> tuple[str, str | None]:
    """(label for messages, name whose suffix gives the format) of a path or file object."""
    if isinstance(source, str) and "\n" in source:
        raise CodebookError(
            "a codebook path was expected but text was given; pass a path, or wrap the text "
            "in io.StringIO and give format='yaml', 'csv' or 'qdc'"
        )
    if isinstance(source, (str, os.PathLike)):
        path = os.fspath(source)
        return path, path
    file_name = getattr(source, "name", None)
    name = file_name if isinstance(file_name, str) else None
    return name or "the codebook", name


def _read_source(source: Source, label: str) -> str | bytes:
    """The content of a path or file-like object (at most ``MAX_BYTES``)."""
    if isinstance(source, (str, os.PathLike)):
        try:
            with open(source, "rb") as handle:
                data: Any = handle.read(MAX_BYTES + 1)
        except FileNotFoundError as exc:
            raise CodebookError(f"codebook file {label} does not exist; check the path") from exc
        except IsADirectoryError as exc:
            raise CodebookError(f"{label} is a folder; choose a codebook file") from exc
        except OSError as exc:
            raise CodebookError(
                f"cannot read codebook file {label} ({exc.strerror or exc}); check the path "
                "and that you may read it"
            ) from exc
    else:
        read = getattr(source, "read", None)
        if read is None:
            raise TypeError(
                f"read_codebook needs a path or a file-like object, not {type(source).__name__}"
            )
        data = read(MAX_BYTES + 1)
    if isinstance(data, (bytearray, memoryview)):
        data = bytes(data)
    if len(data) > MAX_BYTES:
        raise CodebookError(
            f"{label} is larger than {MAX_BYTES // (1024 * 1024)} MB, too large for a codebook; "
            "check that this is the right file"
        )
    return data


def _decode_text(data: str | bytes, label: str) -> str:
    if isinstance(data, bytes):
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise CodebookError(
                f"{label} is not UTF-8 text (undecodable byte at position {exc.start}); save "
                "it as UTF-8 (in Excel: 'CSV UTF-8')"
            ) from exc
    else:
        text = data.removeprefix("\ufeff")
    if "\x00" in text:
        raise CodebookError(
            f"{label} is not a text file (it contains NUL characters); choose the YAML or "
            "CSV codebook itself"
        )
    return text


def _write_target(target: Source, payload: str | bytes, encoding: str, label: str) -> None:
    if isinstance(target, (str, os.PathLike)):
        data = payload.encode(encoding) if isinstance(payload, str) else payload
        try:
            Path(target).write_bytes(data)
        except OSError as exc:
            raise CodebookError(
                f"cannot write {label} ({exc.strerror or exc}); check that the folder exists "
                "and that you may write to it"
            ) from exc
        return
    binary = isinstance(target, (io.RawIOBase, io.BufferedIOBase)) or "b" in str(
        getattr(target, "mode", "")
    )
    if isinstance(payload, str):
        target.write(payload.encode(encoding) if binary else payload)
    elif isinstance(target, io.TextIOBase):
        target.write(payload.decode("utf-8"))
    else:
        target.write(payload)


# --- YAML ----------------------------------------------------------------------------


def _parse_yaml(text: str, label: str) -> tuple[Any, Any, list[RawCode], list[Problem]]:
    try:
        document = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        reason = getattr(exc, "problem", None) or "syntax error"
        raise CodebookError(
            f"{label} is not valid YAML ({reason}{where}); check the indentation and the "
            "quoting near that place"
        ) from exc
    except RecursionError as exc:
        raise CodebookError(f"{label} is nested too deeply to be a codebook") from exc
    if document is None:
        raise CodebookError(f"{label} is empty; a YAML codebook needs a name and a list of codes")
    if not isinstance(document, dict):
        raise CodebookError(
            f"{label} is not a qualcode YAML codebook: it should be a mapping with name, "
            f"description, version and codes, not {value_kind(document)}"
        )
    problems: list[Problem] = []
    unknown = [str(key) for key in document if key not in _YAML_TOP_KEYS]
    if unknown:
        message = (
            f"unknown top-level key(s) {', '.join(unknown)}; the keys are "
            f"{', '.join(_YAML_TOP_KEYS)}"
        )
        problems.append(("", message))
    version = document.get("version", YAML_VERSION)
    if isinstance(version, bool) or version != YAML_VERSION:
        message = (
            f"version {version!r} is not supported; this qualcode reads version "
            f"{YAML_VERSION} codebooks"
        )
        problems.append(("", message))
    codes = document.get("codes")
    raw: list[RawCode] = []
    if isinstance(codes, list):
        _walk_yaml(codes, raw, problems)
    elif codes is not None:
        problems.append(("", "codes must be a list of codes, each starting with '- id:'"))
    return document.get("name"), document.get("description"), raw, problems


def _walk_yaml(codes: list[Any], raw: list[RawCode], problems: list[Problem]) -> None:
    """Flatten nested YAML codes into raw codes in tree order, inheriting ``rq``."""
    seen: set[int] = set()
    stack: list[tuple[Any, str, str | None, Any]] = [
        (node, f"codes[{index}]", None, None) for index, node in reversed(list(enumerate(codes)))
    ]
    while stack:
        node, path, parent_id, parent_rq = stack.pop()
        if not isinstance(node, dict):
            problems.append((path, f"must be a code with id and name, not {value_kind(node)}"))
            continue
        if id(node) in seen:
            problems.append((path, "repeats another code through a YAML alias; write it out"))
            continue
        seen.add(id(node))
        code_id = node.get("id")
        where = f"code {code_id!r} ({path})" if isinstance(code_id, str) and code_id else path
        unknown = [str(key) for key in node if key not in _YAML_CODE_KEYS]
        if unknown:
            hint = (
                " (a code's parent is the code whose children list it)"
                if ("parent_id" in unknown)
                else ""
            )
            message = (
                f"unknown field(s) {', '.join(unknown)}; the fields are "
                f"{', '.join(_YAML_CODE_KEYS)}{hint}"
            )
            problems.append((where, message))
        fields = {key: node.get(key) for key in _YAML_CODE_KEYS if key != "children"}
        fields["rq"] = node.get("rq", parent_rq)
        fields["parent_id"] = parent_id
        raw.append((where, fields))
        children = node.get("children")
        if children is None:
            continue
        if not isinstance(children, list):
            problems.append((where, "children must be a list of codes"))
            continue
        own_id = code_id.strip() if isinstance(code_id, str) else None
        own_rq = fields["rq"] if isinstance(fields["rq"], str) else None
        for index, child in reversed(list(enumerate(children))):
            stack.append((child, f"{path}.children[{index}]", own_id, own_rq))


class _YamlDumper(yaml.SafeDumper):
    """Block style, indented lists, multi-line text as literal blocks."""

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        super().increase_indent(flow, False)


class _FlowList(list):  # type: ignore[type-arg]
    """A list written in flow style: ``keywords: [a, b]``."""


def _represent_str(dumper: yaml.SafeDumper, data: str) -> yaml.ScalarNode:
    style = "|" if "\n" in data else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", data, style=style)


def _represent_flow_list(dumper: yaml.SafeDumper, data: list[Any]) -> yaml.SequenceNode:
    return dumper.represent_sequence("tag:yaml.org,2002:seq", data, flow_style=True)


_YamlDumper.add_representer(str, _represent_str)
_YamlDumper.add_representer(_FlowList, _represent_flow_list)


def _render_yaml(codebook: Codebook) -> str:
    children = children_by_parent(codebook.codes)

    def node(code: CodeSpec, parent_rq: str | None) -> dict[str, Any]:
        entry: dict[str, Any] = {"id": code.id, "name": code.name}
        if code.guid != guid_for(code.id):
            entry["guid"] = code.guid
        if code.rq != parent_rq:
            entry["rq"] = code.rq
        if not code.codable:
            entry["codable"] = False
        if code.colour:
            entry["colour"] = code.colour
        for key in ("description", "include", "exclude", "example"):
            if getattr(code, key):
                entry[key] = getattr(code, key)
        if code.keywords:
            entry["keywords"] = _FlowList(code.keywords)
        if code.origin != "a_priori":
            entry["origin"] = code.origin
        if code.origin_note:
            entry["origin_note"] = code.origin_note
        if code.archived:
            entry["archived"] = True
        if children.get(code.id):
            entry["children"] = [node(child, code.rq) for child in children[code.id]]
        return entry

    document: dict[str, Any] = {"name": codebook.name}
    if codebook.description:
        document["description"] = codebook.description
    document["version"] = YAML_VERSION
    document["codes"] = [node(code, None) for code in children.get(None, [])]
    return yaml.dump(
        document,
        Dumper=_YamlDumper,
        allow_unicode=True,
        sort_keys=False,
        default_flow_style=False,
        width=88,
    )


# --- CSV -----------------------------------------------------------------------------


def _cell(value: str) -> str:
    """Neutralise a cell a spreadsheet would run as a formula (reversed by ``_uncell``)."""
    return "'" + value if _FORMULA_RE.match(value) else value


def _uncell(value: str) -> str:
    return value[1:] if value.startswith("'") and _FORMULA_RE.match(value) else value


def _parse_csv(text: str, label: str) -> tuple[Any, Any, list[RawCode], list[Problem]]:
    try:
        rows = list(csv.reader(io.StringIO(text, newline="")))
    except csv.Error as exc:
        raise CodebookError(
            f"{label} is not a readable CSV file ({exc}); save it again as CSV "
            "(comma-separated, UTF-8)"
        ) from exc
    meta: dict[str, str] = {}
    index = 0
    while index < len(rows):
        cells = rows[index]
        if any(cell.strip() for cell in cells) and not cells[0].strip().startswith("#"):
            break
        if cells and cells[0].strip().startswith("#"):
            key = cells[0].strip()[1:].strip().lower()
            meta.setdefault(key, _uncell(cells[1]) if len(cells) > 1 else "")
        index += 1
    name = meta.get("codebook", meta.get("name"))
    if index == len(rows):
        return name, meta.get("description"), [], []
    header_row = index + 1
    header = [cell.strip().lower() for cell in rows[index]]
    problems: list[Problem] = []
    columns: dict[str, int] = {}
    unknown: list[str] = []
    for position, column in enumerate(header):
        if column in columns:
            problems.append(
                (f"row {header_row}", f"the column {column} appears twice; delete one of them")
            )
        elif column in CSV_COLUMNS:
            columns[column] = position
        elif column:
            unknown.append(column)
    if "id" not in columns or "name" not in columns:
        found = ",".join(header)
        raise CodebookError(
            f"{label} row {header_row}: the header must name at least the columns id and "
            f"name (found {found[:120]!r}); a full header is {','.join(CSV_COLUMNS)}"
        )
    if unknown:
        message = f"unknown column(s) {', '.join(unknown)}; the columns are {','.join(CSV_COLUMNS)}"
        problems.append((f"row {header_row}", message))
    raw: list[RawCode] = []
    for number, cells in enumerate(rows[index + 1 :], start=header_row + 1):
        if not any(cell.strip() for cell in cells):
            continue
        where = f"row {number}"
        stray = [
            position + 1
            for position, cell in enumerate(cells)
            if cell.strip() and (position >= len(header) or not header[position])
        ]
        if stray:
            message = (
                f"has text in column {stray[0]}, which the header does not name; put "
                "text that contains commas in double quotes"
            )
            problems.append((where, message))
        fields: dict[str, Any] = {
            column: _uncell(cells[position]) if position < len(cells) else ""
            for column, position in columns.items()
        }
        fields["keywords"] = fields.get("keywords", "").split(";")
        raw.append((where, fields))
    return name, meta.get("description"), raw, problems


def _render_csv(codebook: Codebook) -> str:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer)
    writer.writerow(["#codebook", _cell(codebook.name)])
    if codebook.description:
        writer.writerow(["#description", _cell(codebook.description)])
    writer.writerow(CSV_COLUMNS)
    for code in codebook.codes:
        values = {key: getattr(code, key) for key in CSV_COLUMNS}
        values["keywords"] = "; ".join(code.keywords)
        values["codable"] = "yes" if code.codable else "no"
        values["archived"] = "yes" if code.archived else "no"
        writer.writerow(_cell(values[key] or "") for key in CSV_COLUMNS)
    return buffer.getvalue()
