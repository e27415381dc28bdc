"""AppTest of the Extracts and Review pages."""

from __future__ import annotations

from pathlib import Path

import qualcode
from tests.ui.conftest import app_test


def _code_some(path: Path) -> list[int]:
    with qualcode.open_project(path, coder="seed") as project:
        segs = project.segments()
        answers = segs[~segs.is_interviewer]
        first = answers[answers.label == "HT1"].id.tolist()[:3]
        other = answers[answers.label == "O1"].id.tolist()[:2]
        ids = project.code(first[:1], "finance", valence="-")
        ids += project.code(first[1:2], ["finance", "caf"], valence="-")
        ids += project.code(other, "training", valence="+")
        return ids


def test_extracts_query_issue_and_downloads(demo_copy: Path) -> None:
    _code_some(demo_copy)
    at = app_test("app_pages/extracts.py", demo_copy).run()
    assert not at.exception
    at.radio[0].set_value("Write a query").run()
    at.text_input(key="query_text").input("finance AND NOT caf").run()
    assert not at.exception
    table = at.dataframe[0].value
    assert len(table) == 1 and set(table.code_id) == {"finance"}
    assert table.locator.iloc[0].startswith("HT1/")
    assert any(b.label == "Download CSV" for b in at.get("download_button"))
    at.text_input(key="query_text").input("finance AND (").run()
    assert at.error and "incomplete" in at.error[0].value


def test_issue_is_added_with_its_supporting_extract(demo_copy: Path) -> None:
    ids = _code_some(demo_copy)
    at = app_test("app_pages/extracts.py", demo_copy).run()
    code_box = at.selectbox(key="issues_code")
    code_box.select(next(o for o in code_box.options if "(finance)" in o)).run()
    at.text_area[0].input("Money comes and goes with the grant year")
    at.multiselect[-1].select(at.multiselect[-1].options[0])
    next(b for b in at.button if b.label == "Add Issue").click().run()
    assert not at.exception
    with qualcode.open_project(demo_copy) as project:
        issues = project.issues("finance")
    assert issues.text.tolist() == ["Money comes and goes with the grant year"]
    assert issues.coding_ids.iloc[0][0] in ids


def test_review_page_shows_coverage_and_queue(demo_copy: Path) -> None:
    _code_some(demo_copy)
    at = app_test("app_pages/review.py", demo_copy).run()
    assert not at.exception
    assert "of" in at.metric[0].value
    assert len(at.dataframe[1].value) == 200  # the revisit queue
    assert "seed" in at.dataframe[2].value.coder.tolist()


def test_review_page_measures_suggestion_accuracy(demo_copy: Path) -> None:
    from qualcode.demo import apply_coded_extracts, coded_extracts_path

    with qualcode.open_project(demo_copy) as project:
        apply_coded_extracts(project, coded_extracts_path())
    at = app_test("app_pages/review.py", demo_copy, timeout=90).run()
    next(b for b in at.button if b.label == "Measure suggestion accuracy").click().run()
    assert not at.exception
    figures = at.session_state["accuracy"]
    assert figures["learned"]["top3"] > 0.6


def test_extracts_page_builds_a_word_report_of_the_query(demo_copy: Path) -> None:
    import io

    import docx

    _code_some(demo_copy)
    at = app_test("app_pages/extracts.py", demo_copy).run()
    at.radio[0].set_value("Write a query").run()
    at.text_input(key="query_text").input("training").run()
    next(b for b in at.button if b.label == "Build a Word report of these").click().run()
    assert not at.exception
    document = docx.Document(io.BytesIO(at.session_state["extracts_report"]))
    text = "\n".join(p.text for p in document.paragraphs)
    assert "(Officer, O1," in text and "(Head teacher" not in text
