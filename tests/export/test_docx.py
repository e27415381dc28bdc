"""The Word report: headings, quotations with references and marks, Issues, tables, figure."""

from __future__ import annotations

import io
import struct
import zlib
from datetime import date, datetime
from pathlib import Path

import docx
import pandas as pd
import pytest

import qualcode
from qualcode.errors import QualcodeError
from qualcode.export.docx import (
    build_report,
    clean_text,
    mark_interviewer,
    marks_text,
    reference,
    write_report,
)


def tiny_png() -> bytes:
    """A valid 2x2 red PNG made by hand (no imaging library needed)."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))
    raw = b"".join(b"\x00" + b"\xff\x00\x00" * 2 for _ in range(2))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 2, 2, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


CODEBOOK = pd.DataFrame([
    {"id": "rq2", "guid": "g1", "name": "RQ2 Inhibiting factors", "parent_id": None,
     "rq": "RQ2", "description": "", "codable": False},
    {"id": "finance", "guid": "g2", "name": "Finance and funding", "parent_id": "rq2",
     "rq": "RQ2", "description": "Money, budgets and funding streams.", "codable": True},
    {"id": "short_term", "guid": "g3", "name": "Short-term funding", "parent_id": "finance",
     "rq": "RQ2", "description": "", "codable": True},
    {"id": "rq3", "guid": "g4", "name": "Good practice", "parent_id": None, "rq": "RQ3",
     "description": "", "codable": False},
    {"id": "training", "guid": "g5", "name": "Joint training", "parent_id": "rq3", "rq": "RQ3",
     "description": "", "codable": True},
    {"id": "trust", "guid": "g6", "name": "Trust", "parent_id": None, "rq": None,
     "description": "", "codable": True},
])


def coding(i: int, code_id: str, text: str, *, document_id: int = 1, start: int = 0,
           label: str | None = "HT3", group: str | None = "head_teacher",
           locator: str = "3/15/5", valence: str = "0", flags: list[str] | None = None,
           dimension: str | None = None, memo: str | None = None, kind: str = "transcript",
           rq: str | None = "RQ2", coder: str = "ana") -> dict[str, object]:
    return {"id": i, "document_id": document_id, "start": start, "end": start + len(text),
            "code_id": code_id, "coder": coder, "valence": valence, "flags": flags or [],
            "dimension": dimension, "memo": memo, "source": "manual", "text": text,
            "locator": locator, "respondent": 3 if label else None, "label": label,
            "group": group, "created_at": datetime(2024, 1, 1), "document_kind": kind,
            "trial": False, "rq": rq}


@pytest.fixture
def codings() -> pd.DataFrame:
    return pd.DataFrame([
        coding(1, "finance", "The money stops after a year.", valence="-",
               flags=["in_literature"], dimension="policy"),
        coding(2, "finance", "We never see the budget.", document_id=2, label="T2",
               group="teacher", locator="T2/T4", valence="-", memo="Compare with HT1."),
        coding(3, "short_term", "Then we start again.", start=40, valence="-",
               flags=["surprising", "follow_up"]),
        coding(4, "training", "Joint training helped us a lot.", document_id=2, label="T2",
               group="teacher", locator="T2/T6", valence="+", rq="RQ3"),
        coding(5, "trust", "The chair knew everyone by name.", document_id=3, label=None,
               group=None, locator="observation_notes/P4", kind="observation", rq=None,
               coder="ben"),
        coding(6, "finance", "Funding is patchy here.", document_id=4, label="C1",
               group="child", locator="C1/T3", valence="0"),
    ])


@pytest.fixture
def issues() -> pd.DataFrame:
    return pd.DataFrame([{"id": 1, "code_id": "finance", "text": "Funding ends too soon.",
                          "coder": "ana", "created_at": datetime(2024, 1, 2),
                          "coding_ids": [1, 2, 99], "references": ["3/15/5", "T2/T4", "O1/T9"]}])


def reopen(document: docx.document.Document) -> docx.document.Document:
    buffer = io.BytesIO()
    document.save(buffer)
    buffer.seek(0)
    return docx.Document(buffer)


def styled(document: docx.document.Document, style: str) -> list[str]:
    return [p.text for p in document.paragraphs if p.style.name == style]


def test_marks_and_references() -> None:
    assert marks_text("-", ["follow_up", "in_literature"], "policy") == "[−] lit ? policy"
    assert marks_text("+", [], None) == "[+]"
    assert marks_text("0", ["surprising"], float("nan")) == "[0] !"
    row = {"group": "head_teacher", "label": "HT3", "locator": "3/15/5"}
    assert reference(row) == "(Head teacher, HT3, 3/15/5)"
    obs = {"group": None, "label": None, "locator": "obs/P4", "document_kind": "observation"}
    assert reference(obs) == "(Observation, obs/P4)"
    assert reference({"label": float("nan"), "group": float("nan"), "locator": "d/P1",
                      "document_kind": "document"}, brackets=False) == "Document, d/P1"


def test_clean_text_removes_what_word_cannot_store() -> None:
    assert clean_text("a\x00b\x0bc\x0cd\x1fe\ud800f\ufffeg") == "abcdefg"
    assert clean_text("tab\tand\nnewline") == "tab\tand\nnewline"
    assert clean_text(None) == "" and clean_text(float("nan")) == ""


def test_report_headings_quotes_references_and_marks(codings: pd.DataFrame,
                                                     issues: pd.DataFrame) -> None:
    document = reopen(build_report(codings, CODEBOOK, issues=issues, project_name="MAW study",
                                   filters_text="groups: head_teacher, teacher",
                                   when=date(2024, 5, 1)))
    assert styled(document, "Title") == ["Coded extracts"]
    body = "\n".join(p.text for p in document.paragraphs)
    assert "Project: MAW study" in body and "Date: 2024-05-01" in body
    assert "Coders: ana, ben" in body and "Filters: groups: head_teacher, teacher" in body
    assert "lit already reported in the literature" in body  # the legend
    assert styled(document, "Heading 1") == ["RQ2 Inhibiting factors", "RQ3: Good practice",
                                             "Codes without a research question"]
    assert styled(document, "Heading 2") == ["Finance and funding", "Joint training", "Trust"]
    assert styled(document, "Heading 3") == ["Short-term funding"]  # a sub-code
    quotes = styled(document, "Quote")
    assert ("The money stops after a year. (Head teacher, HT3, 3/15/5) [−] lit policy"
            in quotes)
    assert "Then we start again. (Head teacher, HT3, 3/15/5) [−] ! ?" in quotes
    assert "The chair knew everyone by name. (Observation, observation_notes/P4) [0]" in quotes
    assert "Memo: Compare with HT1." in quotes
    assert "Money, budgets and funding streams." in body
    bullets = styled(document, "List Bullet")
    assert ("Funding ends too soon. (Head teacher, HT3, 3/15/5; Teacher, T2, T2/T4; O1/T9)"
            in bullets)
    # the quote's text, reference and marks are separate runs; marks are small
    finance_quote = next(p for p in document.paragraphs
                         if p.text.startswith("The money stops"))
    assert finance_quote.runs[-1].font.size is not None
    assert finance_quote.runs[-1].font.size.pt == 8


def test_extracts_sorted_by_document_or_by_group(codings: pd.DataFrame) -> None:
    by_doc = styled(reopen(build_report(codings, CODEBOOK)), "Quote")
    by_group = styled(reopen(build_report(codings, CODEBOOK, sort="group")), "Quote")
    finance_doc = [q for q in by_doc if "Funding is patchy" in q or "money" in q
                   or "budget" in q]
    finance_group = [q for q in by_group if "Funding is patchy" in q or "money" in q
                     or "budget" in q]
    assert [q.split(" (")[0] for q in finance_doc] == [
        "The money stops after a year.", "We never see the budget.", "Funding is patchy here."]
    # head teacher, teacher, ..., child: the study's group order
    assert [q.split(" (")[0] for q in finance_group] == [
        "The money stops after a year.", "We never see the budget.", "Funding is patchy here."]
    shuffled = codings.copy()
    shuffled.loc[shuffled.id == 6, "document_id"] = 0  # the child's document first
    assert styled(reopen(build_report(shuffled, CODEBOOK)), "Quote")[0].startswith("Funding is")
    assert styled(reopen(build_report(shuffled, CODEBOOK, sort="group")),
                  "Quote")[0].startswith("The money")
    with pytest.raises(QualcodeError, match="Sort 'label'"):
        build_report(codings, CODEBOOK, sort="label")


def test_interviewer_turns_in_or_out(codings: pd.DataFrame) -> None:
    flagged = codings.assign(is_interviewer=[False, False, False, False, False, True])
    with_all = styled(reopen(build_report(flagged, CODEBOOK)), "Quote")
    without = styled(reopen(build_report(flagged, CODEBOOK, interviewer=False)), "Quote")
    assert any(q.startswith("Funding is patchy") for q in with_all)
    assert not any(q.startswith("Funding is patchy") for q in without)
    # without the column, every extract counts as the respondent's
    assert len(styled(reopen(build_report(codings, CODEBOOK, interviewer=False)), "Quote")) \
        == len(with_all)


def test_themes_group_codes_under_research_questions(codings: pd.DataFrame) -> None:
    document = reopen(build_report(codings, CODEBOOK, themes={
        "Money": ["finance", "short_term"], "People": ["training", "trust"]}))
    headings = [(p.style.name, p.text) for p in document.paragraphs
                if p.style.name.startswith("Heading")]
    assert headings == [
        ("Heading 1", "RQ2 Inhibiting factors"), ("Heading 2", "Money"),
        ("Heading 3", "Finance and funding"), ("Heading 3", "Short-term funding"),
        ("Heading 1", "RQ3: Good practice"), ("Heading 2", "People"),
        ("Heading 3", "Joint training"),
        ("Heading 1", "Codes without a research question"), ("Heading 2", "People"),
        ("Heading 3", "Trust"),
    ]


def test_tables_with_header_rows_and_multiindex(codings: pd.DataFrame) -> None:
    counts = pd.DataFrame({"group": ["head_teacher", "teacher"], "n": [44, 29],
                           "share": [0.5123, 0.25]})
    matrix = pd.DataFrame([[1, 0, 2, 0], [0, 3, 0, 1]], index=pd.Index(["HT3", "T2"],
                          name="label"), columns=pd.MultiIndex.from_product(
                              [["finance", "trust"], ["+", "-"]]))
    document = reopen(build_report(codings, CODEBOOK, tables={
        "Concerns per group": counts, "Overview matrix": matrix}))
    assert len(document.tables) == 2
    first, second = document.tables
    assert [c.text for c in first.rows[0].cells] == ["group", "n", "share"]
    assert [c.text for c in first.rows[1].cells] == ["head_teacher", "44", "0.51"]
    assert first.rows[0]._tr.trPr is not None  # a header row, repeated on each page
    assert [c.text for c in second.rows[0].cells] == ["label", "finance", "", "trust", ""]
    assert [c.text for c in second.rows[1].cells] == ["", "+", "-", "+", "-"]
    assert [c.text for c in second.rows[2].cells] == ["HT3", "1", "0", "2", "0"]
    captions = styled(document, "Caption")
    assert captions == ["Table 1. Concerns per group", "Table 2. Overview matrix"]


def test_figure_bytes_path_and_bad_image(codings: pd.DataFrame, tmp_path: Path) -> None:
    png = tiny_png()
    document = reopen(build_report(codings, CODEBOOK, figure_png=png,
                                   figure_caption="Themes and their links"))
    assert len(document.inline_shapes) == 1
    assert "Figure 1. Themes and their links" in styled(document, "Caption")
    path = tmp_path / "fig.png"
    path.write_bytes(png)
    assert len(reopen(build_report(codings, CODEBOOK, figure_png=path)).inline_shapes) == 1
    with pytest.raises(QualcodeError, match="not an image"):
        build_report(codings, CODEBOOK, figure_png=b"not a picture")


def test_text_word_cannot_store_is_removed(codings: pd.DataFrame, tmp_path: Path) -> None:
    dirty = codings.astype({"text": object, "memo": object})
    dirty.loc[0, "text"] = "Bad\x00 bytes\x0b and\x1f a lone \ud83d surrogate."
    dirty.loc[0, "memo"] = "memo\x0c here"
    book = CODEBOOK.astype({"name": object})
    book.loc[1, "name"] = "Finance\x08 and funding"
    target = tmp_path / "report.docx"
    write_report(target, dirty, book, title="Report\x01", project_name="p\x02",
                 tables={"t\x03": pd.DataFrame({"a\x04": ["x\x05y"]})})
    document = docx.Document(str(target))
    assert "Bad bytes and a lone  surrogate. (Head teacher, HT3, 3/15/5) [−] lit policy" in \
        styled(document, "Quote")
    assert "Memo: memo here" in styled(document, "Quote")
    assert "Finance and funding" in styled(document, "Heading 2")
    assert styled(document, "Title") == ["Report"]
    assert document.tables[0].rows[1].cells[0].text == "xy"


def test_write_report_to_a_file_object(codings: pd.DataFrame) -> None:
    buffer = io.BytesIO()
    write_report(buffer, codings, CODEBOOK)
    buffer.seek(0)
    assert styled(docx.Document(buffer), "Heading 1")[0] == "RQ2 Inhibiting factors"


def test_codings_frame_must_have_its_columns() -> None:
    with pytest.raises(QualcodeError, match="lacks the column"):
        build_report(pd.DataFrame({"id": [1]}), CODEBOOK)


def test_mark_interviewer_uses_segments() -> None:
    segments = pd.DataFrame({"document_id": [1, 1, 1, 2], "start": [0, 10, 20, 0],
                             "end": [9, 19, 29, 9],
                             "is_interviewer": [True, False, True, False]})
    codings = pd.DataFrame({"document_id": [1, 1, 1, 2, 3], "start": [0, 5, 20, 0, 0],
                            "end": [9, 15, 25, 5, 4]})
    assert mark_interviewer(codings, segments)["is_interviewer"].tolist() == [
        True, False, True, False, False]


def test_report_of_the_coded_demo_study(coded_demo: qualcode.Project, tmp_path: Path) -> None:
    codings = mark_interviewer(coded_demo.codings(), coded_demo.segments())
    assert codings["is_interviewer"].sum() == 1
    tables = {"Codings per group": codings.groupby("group").size().rename("n").to_frame()}
    target = tmp_path / "demo.docx"
    write_report(target, codings, coded_demo.codebook(), issues=coded_demo.issues(),
                 respondents=coded_demo.respondents(), tables=tables, project_name="demo",
                 interviewer=False, sort="group")
    document = docx.Document(str(target))
    headings = styled(document, "Heading 1")
    assert headings[:2] == ["RQ1 Strategic management and MAW", "RQ2 Inhibiting factors"]
    assert "Codes without a research question" in headings and "Tables" in headings
    assert "Finance and funding" in styled(document, "Heading 2")
    quotes = [q for q in styled(document, "Quote") if not q.startswith("Memo:")]
    assert len(quotes) == len(codings) - 1  # the interviewer's turn is left out
    assert any("(Observation, observation_cluster_meeting/P" in q for q in quotes)
    assert any("(Head teacher, HT4, 4/14/" in q for q in quotes)  # a running record
    for row in codings[~codings.is_interviewer].head(5).itertuples():
        assert any(q.startswith(" ".join(row.text.split())) and f", {row.locator})" in q
                   for q in quotes)
    body = "\n".join(p.text for p in document.paragraphs)
    assert "Short-term funding undermines joint work." in body
    assert "Respondents: Head teacher 4, Teacher 3, Officer 5, Parent 2, Child 2" in body
    assert len(document.tables) == 1
