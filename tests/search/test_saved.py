"""Saved searches: save, list, run again after an import, overwrite, delete."""

from __future__ import annotations

from pathlib import Path

import pytest

import qualcode
from qualcode.errors import CodingError
from qualcode.search.saved import (
    delete_saved_search,
    run_saved_search,
    save_search,
    saved_searches,
)


def test_a_saved_search_finds_hits_in_documents_imported_later(
        search_copy: qualcode.Project, tmp_path: Path) -> None:
    with search_copy.session() as s:
        save_search(s, "funding worries", "fund", "lemma", "ana",
                    groups=["teacher", "officer"], context=30)
        first = run_saved_search(s, "funding worries")
    assert first["label"].tolist() == ["T1", "O1", "O1"]
    new = tmp_path / "T1_second_interview.txt"
    new.write_text("Interviewer: Question 1.\nRespondent: The funding for the club ended.\n",
                   encoding="utf-8")
    search_copy.import_file(new)
    with search_copy.session() as s:
        again = run_saved_search(s, "funding worries")
        listed = saved_searches(s)
    assert again["label"].tolist() == ["T1", "O1", "O1", "T1"]
    assert again.attrs["saved_search"] == "funding worries"
    row = listed.iloc[0]
    assert (row["name"], row["query"], row["mode"], row["coder"]) == (
        "funding worries", "fund", "lemma", "ana")
    assert row["options"] == {"groups": ["teacher", "officer"], "context": 30}


def test_duplicate_names_are_refused_unless_overwritten(search_copy: qualcode.Project) -> None:
    with search_copy.session() as s:
        first = save_search(s, "money", "money | budget", coder="ana")
        with pytest.raises(CodingError, match="already called 'money'.*overwrite=True"):
            save_search(s, "money", "cash", coder="ana")
        assert save_search(s, "money", r"\bcash\b", "regex", "ben", overwrite=True) == first
        listed = saved_searches(s)
    assert listed[["name", "query", "mode", "coder"]].values.tolist() == [
        ["money", r"\bcash\b", "regex", "ben"]]
    actions = search_copy.audit().query("entity == 'saved_search'")["action"].tolist()
    assert actions == ["add", "update"]


def test_bad_saved_searches_are_refused_when_saving(search_copy: qualcode.Project) -> None:
    with search_copy.session() as s:
        with pytest.raises(CodingError, match="not valid"):
            save_search(s, "broken", "fund(", "regex")
        with pytest.raises(CodingError, match="needs a name"):
            save_search(s, "  ", "fund")
        with pytest.raises(CodingError, match="The search is empty"):
            save_search(s, "empty", "")
        with pytest.raises(CodingError, match="Unknown search option 'colour'"):
            save_search(s, "odd", "fund", colour="red")
        assert saved_searches(s).empty


def test_delete_and_unknown_names(search_copy: qualcode.Project) -> None:
    with search_copy.session() as s:
        save_search(s, "training", "joint training")
        delete_saved_search(s, "training", "ana")
        assert saved_searches(s).empty
        with pytest.raises(CodingError, match="no saved search called 'training'"):
            run_saved_search(s, "training")
        with pytest.raises(CodingError, match="no saved search called 'gone'"):
            delete_saved_search(s, "gone")
