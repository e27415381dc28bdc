"""AppTest of the Project, Code and Codebook pages: the main flows a researcher uses."""

from __future__ import annotations

from pathlib import Path

import qualcode
from tests.ui.conftest import app_test


def test_project_page_shows_counts_and_respondents(demo_copy: Path) -> None:
    at = app_test("app_pages/project.py", demo_copy).run()
    assert not at.exception
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Respondents"] == "16" and int(metrics["Segments"]) > 1000
    assert any("HT1" in df.value.to_string() for df in at.dataframe)


def test_project_page_without_a_project_offers_the_demo(tmp_path: Path, monkeypatch) -> None:
    from streamlit.testing.v1 import AppTest

    monkeypatch.setenv("QUALCODE_CONFIG_DIR", str(tmp_path / "config"))
    monkeypatch.delenv("QUALCODE_PROJECT", raising=False)
    page = Path(__file__).resolve().parents[2] / "app_pages" / "project.py"
    at = AppTest.from_file(str(page), default_timeout=30).run()
    assert not at.exception
    assert any(b.label == "Open the demo study" for b in at.button)


def test_code_page_applies_a_code_to_a_selected_segment(demo_copy: Path) -> None:
    at = app_test("app_pages/code.py", demo_copy).run()
    assert not at.exception
    # select the second row of the first document through the dataframe's selection state
    at.session_state["segments_1"] = {"selection": {"rows": [3], "columns": [], "cells": []}}
    at.run()
    assert not at.exception
    at.multiselect(key="pick_codes").select(at.multiselect(key="pick_codes").options[4])
    submit = next(b for b in at.button if b.label == "Apply codes")
    submit.click().run()
    assert not at.exception
    with qualcode.open_project(demo_copy) as project:
        codings = project.codings()
    assert len(codings) == 1 and codings.coder.iloc[0] == "ui tester"


def test_codebook_page_adds_and_merges_codes(demo_copy: Path) -> None:
    at = app_test("app_pages/codebook.py", demo_copy).run()
    assert not at.exception
    at.text_input[0].input("joint_visits")
    at.text_input[1].input("Joint home visits")
    at.text_input[2].input("officers describe visiting families together")
    next(b for b in at.button if b.label == "Add code").click().run()
    assert not at.exception
    with qualcode.open_project(demo_copy) as project:
        book = project.codebook().set_index("id")
    assert book.loc["joint_visits", "origin"] == "emergent"
    assert any("Added joint_visits" in s.value for s in at.success)


def test_code_page_accepts_and_rejects_suggestions(demo_copy: Path) -> None:
    with qualcode.open_project(demo_copy) as project:
        for document_id in project.document_list().id:  # a CAF answer on a first page
            page = project.document_page(int(document_id)).segments
            hits = page.index[page.text.str.contains("CAF") & ~page.is_interviewer.astype(bool)]
            if len(hits):
                document_id, position = int(document_id), int(hits[0])
                break
    at = app_test("app_pages/code.py", demo_copy)
    at.session_state["code_document"] = document_id
    at.session_state[f"segments_{document_id}"] = {
        "selection": {"rows": [position], "columns": [], "cells": []}}
    at.run()
    assert not at.exception
    accept = [b for b in at.button if b.label == "Accept"]
    assert accept, "a CAF sentence gets at least one suggestion"
    accept[0].click().run()
    assert not at.exception
    with qualcode.open_project(demo_copy) as project:
        codings = project.codings()
    assert len(codings) == 1 and codings.source.iloc[0] == "suggestion"
    reject = [b for b in at.button if b.label == "Reject"]
    if reject:
        reject[0].click().run()
        assert any("will not be suggested here again" in s.value for s in at.success)


def test_next_to_code_mode_lists_uncoded_segments(demo_copy: Path) -> None:
    at = app_test("app_pages/code.py", demo_copy)
    at.session_state["code_mode"] = "Next to code"
    at.run()
    assert not at.exception
    assert len(at.dataframe[0].value) == 30


GOOD = (b"Interviewer: Question 5. What gets in the way?\n"
        b"Respondent: Funding, mostly. The money stops after a year.\n")


def test_project_page_imports_uploads_and_reports_errors(demo_copy: Path) -> None:
    with qualcode.open_project(demo_copy) as project:
        before = project.info()["documents"]
    at = app_test("app_pages/project.py", demo_copy).run()
    uploader = at.get("file_uploader")[0]
    uploader.set_value([("HT2_second.txt", GOOD, "text/plain"),
                        ("HT3_broken.txt", b"\x00\x01\x02PK" * 50, "text/plain")])
    next(b for b in at.button if b.label == "Import files").click().run()
    assert not at.exception
    assert any("HT3_broken.txt" in e.value and "binary" in e.value for e in at.error)
    assert any("Nothing was imported" in i.value for i in at.info)
    with qualcode.open_project(demo_copy) as project:
        assert project.info()["documents"] == before
    at.get("file_uploader")[0].set_value([("HT2_second.txt", GOOD, "text/plain")])
    next(b for b in at.button if b.label == "Import files").click().run()
    assert any("HT2_second.txt: transcript" in s.value for s in at.success)
    with qualcode.open_project(demo_copy) as project:
        assert project.info()["documents"] == before + 1


def test_codebook_page_merge_goes_through_a_confirmation(demo_copy: Path) -> None:
    with qualcode.open_project(demo_copy) as project:
        segs = project.segments()
        sid = int(segs[~segs.is_interviewer].id.iloc[0])
        project.code(sid, "interagency_tensions")
    at = app_test("app_pages/codebook.py", demo_copy).run()
    source = at.selectbox(key="merge_source")
    source.select(next(o for o in source.options if "(interagency_tensions)" in o))
    target = at.selectbox(key="merge_target")
    target.select(next(o for o in target.options if "(interagency_issues)" in o)).run()
    next(b for b in at.button if b.label == "Merge...").click().run()
    assert any("has 1 coding(s)" in w.value for w in at.warning)  # it says what will happen
    next(b for b in at.button if b.label == "Merge").click().run()
    assert not at.exception
    with qualcode.open_project(demo_copy) as project:
        assert project.codings().code_id.tolist() == ["interagency_issues"]
        assert "interagency_tensions" not in set(project.codebook().id)
