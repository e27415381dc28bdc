"""Exports reached from the Project and the CLI, opened back as a user would."""

from __future__ import annotations

from pathlib import Path

import docx
import openpyxl
import pytest

import qualcode
from qualcode.cli import main
from tests.conftest import seg


@pytest.fixture
def coded(coding_project: qualcode.Project) -> qualcode.Project:
    p = coding_project
    (c1,) = p.code([seg(p, "Funding, mostly."), seg(p, "The money stops after a year.")],
                   "finance", valence="-", flags=["in_literature"])
    p.code(seg(p, "We never see the budget."), "finance", valence="-")
    p.code(seg(p, "Joint training helped us a lot."), "training", valence="+")
    p.add_issue("finance", "Money is short-term and invisible to schools", [c1])
    return p


def test_word_report_from_the_project(coded: qualcode.Project, tmp_path: Path) -> None:
    target = tmp_path / "report.docx"
    assert coded.export_report(target, "finance") == 2
    document = docx.Document(str(target))
    text = "\n".join(p.text for p in document.paragraphs)
    headings = [p.text for p in document.paragraphs if p.style.name.startswith("Heading")]
    assert any("Finance" in h for h in headings)
    assert "Funding, mostly. The money stops after a year." in text
    assert "(Head teacher, HT1, HT1/T2)" in text and "(Teacher, T1, T1/T2)" in text
    assert "Money is short-term and invisible to schools" in text
    assert "Joint training" not in text  # the query chose finance only


def test_cli_exports_every_format_and_reimports_the_qdpx(coded: qualcode.Project,
                                                         tmp_path: Path) -> None:
    db = coded.engine.url.database
    assert main(["export", db, "-o", str(tmp_path / "r.docx"), "--valence", "+"]) == 0
    assert "Joint training" in "\n".join(
        p.text for p in docx.Document(str(tmp_path / "r.docx")).paragraphs)
    assert main(["export", db, "finance", "-o", str(tmp_path / "x.xlsx")]) == 0
    sheet = openpyxl.load_workbook(tmp_path / "x.xlsx")["Extracts"]
    header = [c.value for c in sheet[1]]
    assert "locator" in header and sheet.max_row == 3
    assert main(["export", db, "-o", str(tmp_path / "p.qdpx")]) == 0
    assert main(["export", db, "-o", str(tmp_path / "c.qdc")]) == 0
    assert main(["export", db, "finance", "-o", str(tmp_path / "p2.qdpx")]) == 2
    assert main(["import-qdpx", str(tmp_path / "p.qdpx"), str(tmp_path / "new.qualcode")]) == 0
    with qualcode.open_project(tmp_path / "new.qualcode") as again:
        left = coded.codings().sort_values(["document_id", "start", "code_id"])
        right = again.codings().sort_values(["document_id", "start", "code_id"])
        assert left[["text", "code_id", "valence", "coder", "locator"]].values.tolist() == \
            right[["text", "code_id", "valence", "coder", "locator"]].values.tolist()
    assert main(["import-qdpx", str(tmp_path / "r.docx"), str(tmp_path / "bad.qualcode")]) == 2


def test_network_figure_goes_into_the_report(coded: qualcode.Project, tmp_path: Path) -> None:
    from PIL import Image

    coded.save_theme("Money", ["finance"])
    coded.save_theme("Learning", ["training"])
    coded.link_themes("Money", "Learning", "training budgets")
    for kind in ("codes", "themes"):
        png = coded.network_figure(kind)
        picture = Image.open(__import__("io").BytesIO(png))
        assert picture.size == (1800, 1300)
        assert len(picture.convert("RGB").getcolors(maxcolors=1_000_000)) > 10  # drawn
    target = tmp_path / "with_figure.docx"
    coded.export_report(target, figure=coded.network_figure("themes"))
    document = docx.Document(str(target))
    assert len(document.inline_shapes) == 1
