"""Text from transcripts is data: HTML and Markdown in it show as text, never run."""

from __future__ import annotations

from pathlib import Path

import qualcode
from app_pages.common import md
from tests.ui.conftest import app_test

HOSTILE = ("Interviewer: Question 1. Anything?\n"
           "Respondent: <script>alert('x')</script> and <img src=x onerror=alert(1)> and "
           "[click here](http://example.invalid) with **bold** and `code`.\n")


def test_md_escapes_html_links_and_markdown() -> None:
    out = md("<b>[a](http://x)</b> *y*")
    assert "<b>" not in out and "](" not in out and "*y*" not in out
    assert out.replace("\\", "") == "<b>[a](http://x)</b> *y*"


def test_a_hostile_transcript_shows_as_text_on_the_pages(demo_copy: Path, tmp_path: Path) -> None:
    source = tmp_path / "HT2_hostile.txt"
    source.write_text(HOSTILE, encoding="utf-8")
    with qualcode.open_project(demo_copy) as project:
        project.import_file(source)
        doc_id = int(project.documents().query("source == 'HT2_hostile.txt'").id.iloc[0])
        seg = project.segments(doc_id)
        answer = seg[~seg.is_interviewer].id.tolist()
        project.code(answer, "finance")
    at = app_test("app_pages/code.py", demo_copy)
    at.session_state["code_document"] = doc_id
    at.session_state["read_as_text"] = True
    at.run()
    assert not at.exception
    rendered = " ".join(m.value for m in at.markdown)
    assert "\\<script\\>" in rendered and "\\[click here\\]" in rendered
    assert "<script>" not in rendered.replace("\\<script\\>", "")
    ex = app_test("app_pages/extracts.py", demo_copy)
    ex.run()
    box = ex.selectbox(key="issues_code")
    box.select(next(o for o in box.options if "(finance)" in o)).run()
    quotes = " ".join(m.value for m in ex.markdown)
    assert "\\<img src\\=x onerror\\=alert\\(1\\)\\>" in quotes
