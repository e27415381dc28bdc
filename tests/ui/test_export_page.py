"""AppTest of the Export page: a Word report that opens, tables, the .qdpx file."""

from __future__ import annotations

import io
from pathlib import Path

import docx

import qualcode
from qualcode.demo import apply_coded_extracts, coded_extracts_path
from tests.ui.conftest import app_test


def test_word_report_and_qdpx_downloads(demo_copy: Path) -> None:
    with qualcode.open_project(demo_copy) as project:
        apply_coded_extracts(project, coded_extracts_path())
    at = app_test("app_pages/export.py", demo_copy, timeout=60).run()
    assert not at.exception
    next(b for b in at.button if b.label == "Build the Word report").click().run()
    assert not at.exception
    assert any("The report holds" in s.value for s in at.success)
    data, n = at.session_state["report"]
    document = docx.Document(io.BytesIO(data))
    assert n > 250
    assert any(p.style.name == "Heading 1" for p in document.paragraphs)
    assert len(document.tables) >= 2 and len(document.inline_shapes) == 1
    assert any("(Head teacher, HT1," in p.text for p in document.paragraphs)
    next(b for b in at.button if b.label == "Build the .qdpx file").click().run()
    assert at.session_state["qdpx"][:2] == b"PK"
