"""AppTest of the Search page: find, auto-code the hits, save a search, word frequencies."""

from __future__ import annotations

from pathlib import Path

import qualcode
from tests.ui.conftest import app_test


def test_search_code_all_hits_and_save(demo_copy: Path) -> None:
    at = app_test("app_pages/search.py", demo_copy).run()
    assert not at.exception
    at.text_input(key="search_query").input("CAF")
    next(b for b in at.button if b.label == "Search").click().run()
    assert not at.exception
    hits = at.dataframe[0].value
    assert len(hits) > 5 and set(hits.hit.str.lower()) == {"caf"}
    box = at.selectbox(key="autocode_code")
    box.select(next(o for o in box.options if "(caf)" in o)).run()
    assert any("would make" in c.value for c in at.caption)
    next(b for b in at.button if b.label == "Code all hits").click().run()
    assert not at.exception
    with qualcode.open_project(demo_copy) as project:
        codings = project.codings()
    assert len(codings) > 5 and set(codings.code_id) == {"caf"}
    assert set(codings.source) == {"autocode"}


def test_word_frequencies_by_group(demo_copy: Path) -> None:
    at = app_test("app_pages/search.py", demo_copy).run()
    compare = next(s for s in at.selectbox if s.label == "Compare by")
    compare.select("group").run()
    assert not at.exception
    tables = [d.value for d in at.dataframe]
    assert any("word" in t.columns and "group" in t.columns for t in tables)
    assert any("g2" in t.columns for t in tables)
