"""Word .docx files as plain text lines, with speaker labels known from formatting.

Paragraphs and tables are read in body order (the XML children of ``w:body``), so a
table between two paragraphs stays between them. Each paragraph is one line of the text.
A two-column speaker | words table becomes ``Speaker: words`` lines; any other table row
becomes its cells joined with `` | ``. A bold run ending in ``:`` at the start of a
paragraph (or a table's speaker cell) is a speaker label even when the name is unusual,
so it is handed to :mod:`qualcode.ingest.turns` as a *forced* label.

Damaged, password-protected and old-format Word files are refused with an IngestError
that says what to do.
"""

from __future__ import annotations

import io
import zipfile
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import docx
from docx.document import Document as DocxDocument
from docx.opc.exceptions import PackageNotFoundError
from docx.oxml.ns import qn
from lxml import etree

from qualcode.errors import IngestError
from qualcode.ingest.labels import LabelMatch, clean_speaker, is_known_speaker, speaker_key

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
"""The first bytes of an OLE compound file: an encrypted .docx or an old .doc."""

_MAX_LABEL_CHARS = 40
_MAX_LABEL_WORDS = 5
_HEADER_SPEAKER = frozenset({"speaker", "name", "who", "role", "person", "speaker name"})
_TEXT_TAGS = {qn("w:t"): None, qn("w:tab"): "\t", qn("w:br"): "\n", qn("w:cr"): "\n",
              qn("w:noBreakHyphen"): "-", qn("w:softHyphen"): ""}
_SKIP_TAGS = frozenset({qn("w:pPr"), qn("w:rPr"), qn("w:txbxContent"), qn("w:delText"),
                        qn("w:instrText"), qn("w:del"),
                        "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"})


@dataclass
class DocxText:
    """The text of a Word file: lines joined with ``\\n`` and the forced speaker labels."""

    text: str
    forced: dict[int, LabelMatch] = field(default_factory=dict)


def open_docx(data: bytes, name: str) -> DocxDocument:
    """Open .docx bytes with python-docx, turning every failure into an IngestError."""
    if data.startswith(OLE_MAGIC):
        raise IngestError(
            f"{name} is password-protected (encrypted), or an old Word 97-2003 file renamed "
            ".docx, so it cannot be read. Open it in Word, remove the password (File > Info "
            "> Protect Document > Encrypt with Password, clear it) and save it as a Word "
            "Document (.docx), then import again."
        )
    try:
        return docx.Document(io.BytesIO(data))
    except zipfile.BadZipFile as exc:
        raise IngestError(
            f"{name} is not a valid Word .docx file (it is not a zip package: damaged, or "
            "another kind of file renamed .docx). Open it in Word and save it again as a "
            "Word Document (.docx), or import it with its real suffix."
        ) from exc
    except (KeyError, PackageNotFoundError) as exc:
        raise IngestError(
            f"{name} is a damaged Word file: part of the package is missing ({exc}). Open it "
            "in Word (which can often repair it) and save it again as .docx."
        ) from exc
    except etree.LxmlError as exc:
        raise IngestError(
            f"{name} is a damaged Word file: its XML cannot be read ({exc}). Open it in Word "
            "(which can often repair it) and save it again as .docx."
        ) from exc
    except ValueError as exc:
        raise IngestError(
            f"{name} is not a Word document ({exc}). If it is another Office file, copy its "
            "text into a Word document or a .txt file and import that."
        ) from exc


def _is_bold(run: Any, styles: dict[str, bool]) -> bool:
    props = run.find(qn("w:rPr"))
    if props is not None:
        bold = props.find(qn("w:b"))
        if bold is not None:
            return bold.get(qn("w:val"), "true").lower() not in ("0", "false", "off")
        style = props.find(qn("w:rStyle"))
        if style is not None:
            return styles.get(style.get(qn("w:val"), ""), False)
    return False


def _pieces(element: Any, styles: dict[str, bool],
            bold: bool | None = None) -> list[tuple[str, bool]]:
    """``(text, bold)`` pieces of a paragraph in order, skipping deleted and field text."""
    pieces: list[tuple[str, bool]] = []
    for child in element:
        tag = child.tag
        if not isinstance(tag, str) or tag in _SKIP_TAGS:
            continue
        if tag == qn("w:r"):
            run_bold = _is_bold(child, styles)
            pieces.extend(_pieces(child, styles, run_bold))
        elif tag in _TEXT_TAGS:
            value = _TEXT_TAGS[tag]
            pieces.append(((child.text or "") if value is None else value, bool(bold)))
        else:
            pieces.extend(_pieces(child, styles, bold))
    return pieces


def _bold_label(pieces: list[tuple[str, bool]]) -> int | None:
    """End of a leading bold label ending in ``:`` (``Officer 3:`` in bold), or None.

    Every non-space character before the first colon must be bold; the colon itself may
    be bold or not. A paragraph bold from end to end is a heading, not a label.
    """
    text = "".join(piece for piece, _ in pieces)
    colon = text.find(":", 0, _MAX_LABEL_CHARS + 8)
    if colon < 0 or text[colon + 1:colon + 2] in ("/", "\\"):
        return None
    name = text[:colon].strip()
    if not name or len(name) > _MAX_LABEL_CHARS or len(name.split()) > _MAX_LABEL_WORDS:
        return None
    position = 0
    plain_after = False
    for piece, bold in pieces:
        if position < colon and not bold and piece[: colon - position].strip():
            return None
        if not bold and piece[max(0, colon + 1 - position):].strip():
            plain_after = True
        position += len(piece)
    if text[colon + 1:].strip() and not plain_after:
        return None
    end = colon + 1
    while end < len(text) and text[end] == ":":
        end += 1
    return end


class _Lines:
    """Collects output lines and the forced labels at their starts."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self.forced: dict[int, LabelMatch] = {}
        self.offset = 0

    def add(self, line: str, label_end: int | None = None) -> None:
        name = clean_speaker(line[:label_end].rstrip(":")) if label_end is not None else ""
        if name and name[0].isalpha() and label_end is not None:
            content = label_end
            while content < len(line) and line[content] in " \t":
                content += 1
            self.forced[self.offset] = LabelMatch(
                line_start=self.offset, content_start=self.offset + content,
                speaker=name, key=speaker_key(name), forced=True,
            )
        self.lines.append(line)
        self.offset += len(line) + 1


def _cell_text(cell: Any, styles: dict[str, bool]) -> str:
    paragraphs = cell.findall(f".//{qn('w:p')}")
    return "\n".join("".join(p for p, _ in _pieces(par, styles)) for par in paragraphs).strip()


def _rows(table: Any, styles: dict[str, bool]) -> list[list[str]]:
    rows = []
    for row in table.findall(qn("w:tr")):
        cells = [_cell_text(cell, styles) for cell in row.findall(qn("w:tc"))]
        rows.append(cells)
    return rows


def _label_like(value: str) -> bool:
    name = value.strip().rstrip(":").strip()
    return (bool(name) and "\n" not in name and len(name) <= _MAX_LABEL_CHARS
            and len(name.split()) <= _MAX_LABEL_WORDS)


def _speaker_table(rows: list[list[str]]) -> tuple[bool, bool]:
    """``(is a speaker | words table, first row is a header row)``."""
    if not rows or any(len(row) != 2 for row in rows):
        return False, False
    header = rows[0][0].strip().rstrip(":").lower() in _HEADER_SPEAKER
    body = rows[1:] if header else rows
    speakers = [row[0] for row in body if row[0].strip()]
    if not speakers or not all(_label_like(s) for s in speakers):
        return False, header
    keys = Counter(speaker_key(s.rstrip(":")) for s in speakers)
    repeated = any(count >= 2 for count in keys.values())
    known = any(is_known_speaker(s.rstrip(":")) for s in speakers)
    return header or repeated or known, header


def _add_table(lines: _Lines, table: Any, styles: dict[str, bool]) -> None:
    rows = _rows(table, styles)
    is_speakers, header = _speaker_table(rows)
    if is_speakers:
        for row in rows[1:] if header else rows:
            speaker = row[0].strip().rstrip(":").strip()
            words = row[1].strip()
            if speaker:
                lines.add(f"{speaker}: {words}", label_end=len(speaker) + 1)
            elif words:
                lines.add(words)
        return
    for row in rows:
        cells = [" ".join(cell.split("\n")).strip() for cell in row]
        if any(cells):
            lines.add(" | ".join(cells))


def _add_body(lines: _Lines, parent: Any, styles: dict[str, bool]) -> None:
    for child in parent:
        if child.tag == qn("w:p"):
            pieces = _pieces(child, styles)
            text = "".join(piece for piece, _ in pieces)
            lines.add(text, _bold_label(pieces))
        elif child.tag == qn("w:tbl"):
            _add_table(lines, child, styles)
        elif child.tag == qn("w:sdt"):
            content = child.find(qn("w:sdtContent"))
            if content is not None:
                _add_body(lines, content, styles)


def _bold_styles(document: DocxDocument) -> dict[str, bool]:
    """Character style ids that make text bold (``Strong`` and the like)."""
    bold: dict[str, bool] = {}
    for style in document.styles.element.findall(qn("w:style")):
        props = style.find(qn("w:rPr"))
        flag = props.find(qn("w:b")) if props is not None else None
        if flag is not None:
            bold[style.get(qn("w:styleId"), "")] = (
                flag.get(qn("w:val"), "true").lower() not in ("0", "false", "off")
            )
    return bold


def read_docx(data: bytes, name: str) -> DocxText:
    """The text of a .docx (paragraphs and tables in body order, one line each).

    Raises IngestError for encrypted, old-format, damaged or non-Word files.
    """
    document = open_docx(data, name)
    try:
        styles = _bold_styles(document)
    except (KeyError, etree.LxmlError):
        styles = {}
    lines = _Lines()
    _add_body(lines, document.element.body, styles)
    return DocxText(text="\n".join(lines.lines), forced=lines.forced)
