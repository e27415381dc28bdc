"""Word report of coded extracts (python-docx): the raw material of a findings chapter.

:func:`build_report` works on the frames the Project returns (``codings()`` or
``extracts(...)``, ``codebook()``, ``issues()``, ``respondents()``) and never touches a
database, so the workspace, the CLI and notebooks share it. :func:`write_report` saves the
same document to a path or a binary file object.

The report has a title page (project, date, coders, the filters used, how extracts are
sorted and a legend of the marks), then one section per research question (RQ1..RQ4,
other research questions, then codes without one). Inside a research question come the
themes (when ``themes`` is given) and the codes, each under a real Word heading
(``Heading 1`` research question, ``Heading 2`` theme or code, ``Heading 3`` code inside a
theme or a sub-code), so Word's navigation pane shows the tree. Under each code: its
description, its Issues (the analyst's statements, each with the references of the
extracts that support it) and its Comments (the coded extracts, in the ``Quote`` style),
each extract followed by its reference in the study's form and its marks::

    The money stops after a year. (Head teacher, HT1, HT1/T4) [−] lit

The reference is ``(group, label, locator)`` for a respondent's document and
``(Observation, locator)`` -- the document kind -- for a document without a respondent.
Marks: ``[+]`` positive, ``[−]`` negative, ``[0]`` neutral; ``lit`` in the literature,
``!`` surprising (explore), ``?`` issue (follow up); the dimension (policy, process,
practice) is written out. Optional tables (``title -> DataFrame``, MultiIndex columns
become stacked header rows) and one figure (PNG or JPEG) follow under their own headings.

Text is data: characters that Word's XML cannot hold (C0 control characters other than
tab and newline, lone surrogates, U+FFFE/U+FFFF) are removed rather than failing the
export, and line breaks inside an extract are joined with a space so a quotation reads as
one passage.
"""

from __future__ import annotations

import io
import math
import os
import re
from collections.abc import Mapping, Sequence
from datetime import date
from typing import IO, Any

import numpy as np
import pandas as pd
from docx import Document as new_document
from docx.document import Document
from docx.enum.text import WD_BREAK
from docx.image.exceptions import UnrecognizedImageError
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Inches, Pt, RGBColor

from qualcode.errors import QualcodeError
from qualcode.ingest.respondents import GROUP_NAMES, GROUPS

__all__ = [
    "FLAG_MARKS",
    "SORTS",
    "VALENCE_MARKS",
    "build_report",
    "clean_text",
    "mark_interviewer",
    "marks_text",
    "reference",
    "write_report",
]

VALENCE_MARKS = {"+": "[+]", "-": "[−]", "0": "[0]"}
"""How a valence is shown after an extract."""

FLAG_MARKS = {"in_literature": "lit", "surprising": "!", "follow_up": "?"}
"""How each flag is shown after an extract."""

LEGEND = (
    ("[+]", "positive"),
    ("[−]", "negative (a concern)"),
    ("[0]", "neutral"),
    ("lit", "already reported in the literature"),
    ("!", "surprising: explore"),
    ("?", "issue: follow up"),
    ("policy / process / practice", "the dimension of the extract, when coded"),
)
"""The legend of marks printed on the title page."""

SORTS = ("document", "group")
"""Extract orders: document order, or respondent group (head teachers first) then label."""

KIND_NAMES = {
    "transcript": "Transcript",
    "running_record": "Running record",
    "observation": "Observation",
    "document": "Document",
}
"""Display names of document kinds, used in references of documents without a respondent."""

NO_RQ = "Codes without a research question"
OTHER_CODES = "Other codes"
REQUIRED_COLUMNS = ("id", "document_id", "start", "code_id", "text", "locator", "label",
                    "group", "valence", "flags", "dimension")

_INVALID_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_LINE_BREAKS = re.compile(r"[ \t]*[\r\n]+[ \t]*")
_NATURAL = re.compile(r"(\d+)")
_MARK_SIZE = Pt(8)
_MARK_COLOUR = RGBColor(0x59, 0x59, 0x59)
_FIGURE_WIDTH = Inches(6)


# --- small pure helpers -------------------------------------------------------------------

def clean_text(value: Any) -> str:
    """Text Word can store: ``None``/NaN become ``""``, XML-invalid characters are removed."""
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA:
        return ""
    return _INVALID_XML.sub("", str(value))


def _one_line(value: Any) -> str:
    """Clean text with line breaks (and the blanks around them) joined by one space."""
    return _LINE_BREAKS.sub(" ", clean_text(value)).strip()


def _natural(value: Any) -> tuple[Any, ...]:
    """Sort key putting HT2 before HT10 and RQ2 before RQ10."""
    return tuple((0, int(p)) if p.isdigit() else (1, p.lower())
                 for p in _NATURAL.split(str(value)) if p)


def _missing(value: Any) -> bool:
    if value is None or value is pd.NA:
        return True
    return isinstance(value, float) and math.isnan(value)


def _flags(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value] if value else []
    if isinstance(value, (list, tuple, set, np.ndarray)):
        return [str(v) for v in value]
    return []


def marks_text(valence: Any, flags: Any = (), dimension: Any = None) -> str:
    """The marks of an extract: ``"[−] lit ! policy"`` (valence, flags, dimension)."""
    parts = []
    if not _missing(valence) and str(valence) in VALENCE_MARKS:
        parts.append(VALENCE_MARKS[str(valence)])
    parts += [FLAG_MARKS.get(f, clean_text(f)) for f in _ordered_flags(_flags(flags))]
    if not _missing(dimension) and str(dimension):
        parts.append(clean_text(dimension))
    return " ".join(parts)


def _ordered_flags(flags: list[str]) -> list[str]:
    order = list(FLAG_MARKS)
    return sorted(set(flags), key=lambda f: (order.index(f) if f in order else len(order), f))


def _group_name(group: Any) -> str:
    return GROUP_NAMES.get(str(group), str(group).replace("_", " ").capitalize())


def reference(row: Mapping[str, Any], *, brackets: bool = True) -> str:
    """An extract's reference in the study's form.

    ``(Head teacher, HT3, 3/15/5)`` for a respondent's document (group display name,
    respondent label, locator); ``(Observation, observation_notes/P4)`` for a document
    without a respondent (its kind). ``row`` is a row of the codings frame (a mapping
    with ``group``, ``label``, ``locator`` and ``document_kind``).
    """
    locator = clean_text(row.get("locator"))
    label = row.get("label")
    if _missing(label) or not str(label):
        kind = row.get("document_kind")
        kind_name = "Document" if _missing(kind) else KIND_NAMES.get(
            str(kind), str(kind).replace("_", " ").capitalize())
        parts = [kind_name, locator]
    else:
        group = row.get("group")
        parts = ([] if _missing(group) else [_group_name(group)]) + [clean_text(label), locator]
    text = ", ".join(p for p in parts if p)
    return f"({text})" if brackets else text


def mark_interviewer(codings: pd.DataFrame, segments: pd.DataFrame) -> pd.DataFrame:
    """The codings frame with a boolean ``is_interviewer`` column.

    A coding counts as the interviewer's when every segment it overlaps is an interviewer
    turn (``segments`` is the frame ``Project.segments()`` returns); a coding that touches
    no segment counts as the respondent's.
    """
    out = codings.copy()
    flag = np.zeros(len(out), dtype=bool)
    if len(out) and len(segments):
        segs = segments.sort_values(["document_id", "start"])
        base = segs["document_id"].to_numpy(np.int64) << np.int64(32)
        key_start = base + segs["start"].to_numpy(np.int64)
        key_end = base + segs["end"].to_numpy(np.int64)
        inter = segs["is_interviewer"].fillna(False).astype(bool).to_numpy()
        respondent_before = np.concatenate(([0], np.cumsum(~inter)))
        span_base = out["document_id"].to_numpy(np.int64) << np.int64(32)
        lo = np.searchsorted(key_end, span_base + out["start"].to_numpy(np.int64), "right")
        hi = np.searchsorted(key_start, span_base + out["end"].to_numpy(np.int64), "left")
        hi = np.maximum(hi, lo)
        flag = (hi > lo) & (respondent_before[hi] - respondent_before[lo] == 0)
    out["is_interviewer"] = flag
    return out


# --- the report ---------------------------------------------------------------------------

def _check_codings(codings: pd.DataFrame) -> None:
    missing = [c for c in REQUIRED_COLUMNS if c not in codings.columns]
    if missing:
        raise QualcodeError(
            f"The codings frame lacks the column(s) {', '.join(missing)}: pass the frame "
            "Project.codings() or Project.extracts(...) returns.")


def _sorted_extracts(frame: pd.DataFrame, sort: str) -> pd.DataFrame:
    if frame.empty:
        return frame
    if sort == "document":
        return frame.sort_values(["document_id", "start", "id"], kind="stable")
    order = {g: i for i, g in enumerate(GROUPS)}
    keys = pd.DataFrame({
        "g": frame["group"].map(lambda g: order.get(g, len(order)) if not _missing(g)
                                else len(order) + 1),
        "gname": frame["group"].map(lambda g: "" if _missing(g) else str(g)),
        "label": frame["label"].map(lambda x: _natural("" if _missing(x) else x)),
        "document_id": frame["document_id"], "start": frame["start"], "id": frame["id"],
    }, index=frame.index)
    keys = keys.sort_values(["g", "gname", "label", "document_id", "start", "id"],
                            kind="stable")
    return frame.loc[keys.index]


def _codebook_rows(codebook: pd.DataFrame | None) -> dict[str, dict[str, Any]]:
    if codebook is None or codebook.empty:
        return {}
    return {str(r["id"]): r for r in codebook.to_dict("records")}


def _rq_key(rq: str | None) -> tuple[Any, ...]:
    return (1,) if rq is None else (0, _natural(rq))


def _rq_title(rq: str | None, codes: dict[str, dict[str, Any]]) -> str:
    if rq is None:
        return NO_RQ
    for row in codes.values():
        parent = row.get("parent_id")
        if row.get("rq") == rq and _missing(parent) and not row.get("codable", True):
            name = clean_text(row.get("name"))
            return name if name.lower().startswith(rq.lower()) else f"{rq}: {name}"
    return rq


_PLAIN, _BOLD, _SMALL, _SMALL_ITALIC = 0, 1, 2, 3
_W_P, _W_PPR, _W_PSTYLE = qn("w:p"), qn("w:pPr"), qn("w:pStyle")
_W_R, _W_RPR, _W_T, _W_VAL = qn("w:r"), qn("w:rPr"), qn("w:t"), qn("w:val")
_XML_SPACE = qn("xml:space")


def SubElement(parent: Any, tag: str) -> Any:
    """A new child element (through the element's own factory, so no lxml import)."""
    child = parent.makeelement(tag, {})
    parent.append(child)
    return child


class _Writer:
    """Builds the body of the report: one instance per report.

    Paragraphs of the (possibly thousands of) extracts are written as WordprocessingML
    directly: python-docx looks a style up by scanning every style on each call, which
    would make a 5,000-extract report take many seconds.
    """

    def __init__(self, doc: Document, records: list[dict[str, Any]]) -> None:
        self.doc = doc
        self.by_id = {int(r["id"]): r for r in records}
        self.body = doc.element.body
        self.style_ids: dict[str, str] = {}

    def style_id(self, name: str) -> str:
        if name not in self.style_ids:
            self.style_ids[name] = self.doc.styles[name].style_id
        return self.style_ids[name]

    def para(self, style: str | None, runs: Sequence[tuple[str, int]]) -> None:
        """Append a paragraph of runs (text, _PLAIN/_BOLD/_SMALL/_SMALL_ITALIC); text is
        already clean and on one line."""
        p = OxmlElement("w:p")
        if style is not None:
            ppr = SubElement(p, _W_PPR)
            SubElement(ppr, _W_PSTYLE).set(_W_VAL, self.style_id(style))
        for text, kind in runs:
            if not text:
                continue
            r = SubElement(p, _W_R)
            if kind:
                rpr = SubElement(r, _W_RPR)
                if kind == _BOLD:
                    SubElement(rpr, qn("w:b"))
                else:
                    if kind == _SMALL_ITALIC:
                        SubElement(rpr, qn("w:i"))
                    SubElement(rpr, qn("w:color")).set(_W_VAL, str(_MARK_COLOUR))
                    SubElement(rpr, qn("w:sz")).set(_W_VAL, str(int(_MARK_SIZE.pt * 2)))
            t = SubElement(r, _W_T)
            t.text = text
            if text != text.strip():
                t.set(_XML_SPACE, "preserve")
        end = self.body.sectPr
        if end is not None:
            end.addprevious(p)
        else:
            self.body.append(p)

    def heading(self, text: str, level: int) -> None:
        self.para(f"Heading {min(max(level, 1), 9)}", [(_one_line(text), _PLAIN)])

    def label(self, text: str) -> None:
        self.para(None, [(_one_line(text), _BOLD)])

    def extract(self, row: Mapping[str, Any]) -> None:
        marks = marks_text(row.get("valence"), row.get("flags"), row.get("dimension"))
        self.para("Quote", [(_one_line(row.get("text")), _PLAIN),
                            (" " + reference(row), _PLAIN),
                            (" " + marks if marks else "", _SMALL)])
        memo = row.get("memo")
        if not _missing(memo) and str(memo).strip():
            self.para("Quote", [("Memo: " + _one_line(memo), _SMALL_ITALIC)])

    def issue_refs(self, issue: Mapping[str, Any]) -> list[str]:
        ids = list(issue.get("coding_ids") or [])
        locators = list(issue.get("references") or [])
        refs = []
        for position, coding_id in enumerate(ids):
            row = self.by_id.get(int(coding_id))
            if row is not None:
                refs.append(reference(row, brackets=False))
            elif position < len(locators):
                refs.append(clean_text(locators[position]))
        return refs

    def issues(self, rows: list[Mapping[str, Any]]) -> None:
        if not rows:
            return
        self.label("Issues")
        for issue in rows:
            refs = self.issue_refs(issue)
            self.para("List Bullet", [(_one_line(issue.get("text")), _PLAIN),
                                      (" (" + "; ".join(refs) + ")" if refs else "", _SMALL)])

    def code_section(self, code_id: str, name: str, level: int, description: str,
                     extracts: list[dict[str, Any]], issues: list[Mapping[str, Any]]) -> None:
        self.heading(name, level)
        n = len(extracts)
        summary = f"{n} extract{'s' if n != 1 else ''}"
        if n:
            summary += ": " + ", ".join(f"{k} {v}" for k, v in _source_counts(extracts))
        self.para(None, [(clean_text(summary + f" · code {code_id}"), _SMALL_ITALIC)])
        if description.strip():
            self.doc.add_paragraph(clean_text(description.strip()))
        self.issues(issues)
        if n:
            self.label("Comments")
            for row in extracts:
                self.extract(row)


def _source_counts(extracts: list[dict[str, Any]]) -> list[tuple[str, int]]:
    order = {g: i for i, g in enumerate(GROUPS)}
    names: dict[str, int] = {}
    for row in extracts:
        group, label, kind = row.get("group"), row.get("label"), row.get("document_kind")
        if _missing(label) or _missing(group):
            key = KIND_NAMES.get(str(kind), "Document") if not _missing(kind) else "Document"
        else:
            key = str(group)
        names[key] = names.get(key, 0) + 1
    ordered = sorted(names.items(), key=lambda kv: (order.get(kv[0], len(order)), kv[0]))
    return [(_group_name(k) if k in order else k, v) for k, v in ordered]


def _title_page(doc: Document, *, title: str, project_name: str, coders: Sequence[str],
                filters_text: str, n_extracts: int, sort: str, interviewer: bool,
                respondents: pd.DataFrame | None, when: str) -> None:
    doc.add_paragraph(clean_text(title), style="Title")
    lines = [
        ("Project", project_name or "(unnamed)"),
        ("Date", when),
        ("Coder" + ("s" if len(coders) != 1 else ""), ", ".join(coders) or "(none)"),
        ("Filters", filters_text or "none (every coded extract)"),
        ("Extracts", f"{n_extracts}, sorted by "
         + ("document order" if sort == "document" else "respondent group, then respondent")
         + ("" if interviewer else "; interviewer turns left out")),
    ]
    if respondents is not None and not respondents.empty and "group" in respondents:
        counts = respondents["group"].value_counts()
        order = [g for g in GROUPS if g in counts.index] + sorted(
            g for g in counts.index if g not in GROUPS)
        lines.append(("Respondents", ", ".join(f"{_group_name(g)} {int(counts[g])}"
                                                for g in order)))
    for key, value in lines:
        paragraph = doc.add_paragraph()
        paragraph.add_run(f"{key}: ").bold = True
        paragraph.add_run(clean_text(value))
    paragraph = doc.add_paragraph()
    paragraph.add_run("Marks after each extract").bold = True
    for mark, meaning in LEGEND:
        item = doc.add_paragraph(style="List Bullet")
        item.add_run(mark).bold = True
        item.add_run(f" {meaning}")
    doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)


def _cell_text(value: Any) -> str:
    if isinstance(value, (list, tuple, set, np.ndarray)):
        return "; ".join(clean_text(v) for v in value)
    if isinstance(value, dict):
        return "; ".join(f"{k}={clean_text(v)}" for k, v in value.items())
    if _missing(value):
        return ""
    if isinstance(value, (bool, np.bool_)):
        return "yes" if value else "no"
    if isinstance(value, (float, np.floating)):
        number = float(value)
        return str(int(number)) if number.is_integer() else f"{number:.2f}"
    return clean_text(value)


def _header_rows(frame: pd.DataFrame) -> list[list[str]]:
    columns = frame.columns
    if isinstance(columns, pd.MultiIndex):
        return [[_cell_text(v) for v in columns.get_level_values(level)]
                for level in range(columns.nlevels)]
    return [[_cell_text(c) for c in columns]]


def _cell(tr: Any, text: str, bold: bool) -> None:
    tc = SubElement(tr, qn("w:tc"))
    p = SubElement(tc, _W_P)
    if text:
        r = SubElement(p, _W_R)
        if bold:
            SubElement(SubElement(r, _W_RPR), qn("w:b"))
        t = SubElement(r, _W_T)
        t.text = text
        if text != text.strip():
            t.set(_XML_SPACE, "preserve")


def _add_table(doc: Document, number: int, title: str, frame: pd.DataFrame) -> None:
    """A Word table (style Table Grid) with one header row per column level, repeated on
    every page; rows are written as WordprocessingML directly (python-docx's add_row is
    slow for the overview matrix)."""
    if not isinstance(frame, pd.DataFrame):
        raise QualcodeError(f"Table {title!r} is a {type(frame).__name__}, not a DataFrame.")
    data = frame
    if not isinstance(data.index, pd.RangeIndex) or any(n is not None for n in data.index.names):
        data = data.reset_index()
    doc.add_paragraph(clean_text(f"Table {number}. {title}"), style="Caption")
    headers = _header_rows(data)
    table = doc.add_table(rows=0, cols=max(len(data.columns), 1))
    table.style = "Table Grid"
    tbl = table._tbl
    for level, texts in enumerate(headers):
        tr = SubElement(tbl, qn("w:tr"))
        SubElement(SubElement(tr, qn("w:trPr")), qn("w:tblHeader"))
        previous = None
        for text in texts:
            # a repeated upper-level label (a MultiIndex block) is written once
            _cell(tr, text if level == len(headers) - 1 or text != previous else "", True)
            previous = text
    for values in data.itertuples(index=False, name=None):
        tr = SubElement(tbl, qn("w:tr"))
        for value in values:
            _cell(tr, _cell_text(value), False)
    doc.add_paragraph()


def _add_figure(doc: Document, figure: bytes | str | os.PathLike[str] | IO[bytes],
                caption: str) -> None:
    stream: Any = figure
    if isinstance(figure, (bytes, bytearray)):
        stream = io.BytesIO(figure)
    elif isinstance(figure, os.PathLike):
        stream = os.fspath(figure)
    try:
        doc.add_picture(stream, width=_FIGURE_WIDTH)
    except UnrecognizedImageError as exc:
        raise QualcodeError(
            "The figure is not an image Word can show: give PNG (or JPEG) bytes or the path "
            "of a .png file.") from exc
    except FileNotFoundError as exc:
        raise QualcodeError(f"The figure file {figure!s} does not exist: check the path.") \
            from exc
    doc.add_paragraph(clean_text(f"Figure 1. {caption}"), style="Caption")


def _theme_map(themes: Mapping[str, Sequence[str]] | None) -> dict[str, list[str]]:
    if themes is None:
        return {}
    if not isinstance(themes, Mapping):
        raise QualcodeError("themes must map a theme name to a list of code ids.")
    out: dict[str, list[str]] = {}
    for name, ids in themes.items():
        if isinstance(ids, str):
            ids = [ids]
        out[str(name)] = [str(i) for i in ids]
    return out


def build_report(
    codings: pd.DataFrame,
    codebook: pd.DataFrame | None,
    *,
    issues: pd.DataFrame | None = None,
    respondents: pd.DataFrame | None = None,
    themes: Mapping[str, Sequence[str]] | None = None,
    tables: Mapping[str, pd.DataFrame] | None = None,
    figure_png: bytes | str | os.PathLike[str] | IO[bytes] | None = None,
    figure_caption: str = "Linked themes",
    title: str = "Coded extracts",
    project_name: str = "",
    coders: Sequence[str] | None = None,
    filters_text: str = "",
    sort: str = "document",
    interviewer: bool = True,
    when: date | str | None = None,
) -> Document:
    """Build the Word report of coded extracts (see the module docstring for its layout).

    Args:
        codings: the frame ``Project.codings()`` or ``Project.extracts(...)`` returns; an
            optional boolean ``is_interviewer`` column (see :func:`mark_interviewer`) lets
            ``interviewer=False`` leave interviewer turns out.
        codebook: the frame ``Project.codebook()`` returns (names, descriptions, tree
            order, research questions); codes missing from it are shown by id.
        issues: the frame ``Project.issues()`` returns; Issues are listed under their code.
        respondents: the frame ``Project.respondents()`` returns, for the title page.
        themes: theme name -> code ids; then each research question is split into
            themes (``Heading 2``) holding their codes (``Heading 3``).
        tables: title -> DataFrame, written as Word tables with header rows.
        figure_png: PNG/JPEG bytes, a path or a binary file, inserted with a caption.
        title, project_name, coders, filters_text: the title page (coders default to
            those in ``codings``; ``filters_text`` says which filters made the selection).
        sort: ``"document"`` (document order) or ``"group"`` (head teachers first, then
            teachers, officers, parents, children, then documents without a respondent).
        interviewer: False leaves out codings whose ``is_interviewer`` is true.
        when: the date on the title page (default today).

    Returns:
        A ``docx.Document``; save it with ``.save(path_or_file)`` or use :func:`write_report`.

    Raises:
        QualcodeError: an unknown ``sort``, a codings frame without the needed columns, a
            table that is not a DataFrame or a figure that is not an image.
    """
    if sort not in SORTS:
        raise QualcodeError(f"Sort {sort!r} is not one of {', '.join(SORTS)}.")
    _check_codings(codings)
    theme_map = _theme_map(themes)
    frame = codings
    if not interviewer and "is_interviewer" in frame.columns:
        frame = frame[~frame["is_interviewer"].fillna(False).astype(bool)]
    frame = _sorted_extracts(frame, sort)
    codes = _codebook_rows(codebook)
    if coders is None:
        coders = sorted({str(c) for c in frame.get("coder", pd.Series(dtype=object)).dropna()})
    when_text = when.isoformat() if isinstance(when, date) else (when or date.today().isoformat())

    doc = new_document()
    _title_page(doc, title=title, project_name=project_name, coders=list(coders),
                filters_text=filters_text, n_extracts=len(frame), sort=sort,
                interviewer=interviewer, respondents=respondents, when=when_text)
    records = frame.to_dict("records")
    writer = _Writer(doc, records)

    extracts_by_code: dict[str, list[dict[str, Any]]] = {}
    for record in records:
        extracts_by_code.setdefault(str(record["code_id"]), []).append(record)
    issues_by_code: dict[str, list[Mapping[str, Any]]] = {}
    if issues is not None and not issues.empty:
        for issue in issues.to_dict("records"):
            issues_by_code.setdefault(str(issue["code_id"]), []).append(issue)

    shown = [c for c in codes if c in extracts_by_code or c in issues_by_code]
    shown += sorted(c for c in set(extracts_by_code) | set(issues_by_code) if c not in codes)
    rq_of: dict[str, str | None] = {}
    for code_id in shown:
        rq = codes.get(code_id, {}).get("rq")
        if _missing(rq) and code_id in extracts_by_code:
            rq = extracts_by_code[code_id][0].get("rq")
        rq_of[code_id] = None if _missing(rq) or not str(rq) else str(rq)

    def name_of(code_id: str) -> str:
        row = codes.get(code_id)
        return clean_text(row.get("name")) if row else code_id

    def description_of(code_id: str) -> str:
        row = codes.get(code_id)
        return "" if row is None or _missing(row.get("description")) else str(
            row.get("description"))

    def section(code_id: str, level: int) -> None:
        writer.code_section(code_id, name_of(code_id), level, description_of(code_id),
                            extracts_by_code.get(code_id, []), issues_by_code.get(code_id, []))

    for rq in sorted(set(rq_of.values()), key=_rq_key):
        members = [c for c in shown if rq_of[c] == rq]
        writer.heading(_rq_title(rq, codes), 1)
        if theme_map:
            placed: set[str] = set()
            for theme, theme_codes in theme_map.items():
                inside = [c for c in theme_codes if c in members]
                if not inside:
                    continue
                writer.heading(theme, 2)
                for code_id in inside:
                    section(code_id, 3)
                placed.update(inside)
            rest = [c for c in members if c not in placed]
            if rest:
                writer.heading(OTHER_CODES, 2)
                for code_id in rest:
                    section(code_id, 3)
        else:
            level_of: dict[str, int] = {}
            member_set = set(members)
            for code_id in members:
                parent = codes.get(code_id, {}).get("parent_id")
                level = 2
                while not _missing(parent) and parent is not None:
                    if parent in member_set and parent in level_of:
                        level = level_of[parent] + 1
                        break
                    parent = codes.get(str(parent), {}).get("parent_id")
                level_of[code_id] = level
                section(code_id, level)

    if tables:
        writer.heading("Tables", 1)
        for number, (table_title, table) in enumerate(tables.items(), start=1):
            _add_table(doc, number, str(table_title), table)
    if figure_png is not None:
        writer.heading("Figure", 1)
        _add_figure(doc, figure_png, figure_caption)
    return doc


def write_report(target: str | os.PathLike[str] | IO[bytes], codings: pd.DataFrame,
                 codebook: pd.DataFrame | None, **options: Any) -> None:
    """Build the report (:func:`build_report`, same options) and save it as ``.docx``.

    ``target`` is a path or a binary file object (an upload/download buffer).
    """
    doc = build_report(codings, codebook, **options)
    if isinstance(target, (str, os.PathLike)):
        try:
            doc.save(os.fspath(target))
        except OSError as exc:
            raise QualcodeError(f"Cannot write the report to {os.fspath(target)}: "
                                f"{exc.strerror or exc}. Check the folder exists and the file "
                                "is not open in Word.") from exc
    else:
        doc.save(target)

