"""Auto-coding from a search: levels, selection, preview, one undoable batch, bad input."""

from __future__ import annotations

import pytest

import qualcode
from qualcode.errors import CodingError
from qualcode.search.autocode import (
    autocode,
    code_hits,
    format_autocode,
    plan_autocode,
    preview_autocode,
)
from qualcode.search.search import search
from tests.conftest import count_rows


def codings_of(project: qualcode.Project, code_id: str = "finance") -> list[tuple[str, str]]:
    frame = project.codings()
    frame = frame[frame["code_id"] == code_id].sort_values(["document_id", "start"])
    return list(zip(frame["text"], frame["locator"]))


def test_segment_level_codes_each_sentence_with_a_hit(search_copy: qualcode.Project) -> None:
    with search_copy.session() as s:
        result = autocode(s, "fund", "finance", "ana")
    assert (result.hits, result.selected, result.created, result.existing) == (8, 8, 8, 0)
    assert codings_of(search_copy)[:3] == [
        ("Funding is the problem.", "HT1/T2"), ("The project was funded for a year.", "HT1/T2"),
        ("Now the funds have gone.", "HT1/T2")]
    frame = search_copy.codings()
    assert set(frame["source"]) == {"autocode"} and set(frame["coder"]) == {"ana"}
    assert sorted(frame["id"]) == sorted(result.coding_ids)


def test_turn_level_codes_the_whole_turn_once(search_copy: qualcode.Project) -> None:
    with search_copy.session() as s:
        result = autocode(s, "fund", "finance", "ana", level="turn")
    assert result.created == 5  # HT1/T2 (3 hits), T1/T4, O1/T2 (2 hits), C1/T2, the note
    texts = dict(codings_of(search_copy))
    assert ("Funding is the problem. The project was funded for a year. Now the funds "
            "have gone.") in texts
    assert texts["My key worker helps. She is funded by the council."] == "C1/T2"


def test_selected_hits_by_number_or_segment(search_copy: qualcode.Project) -> None:
    with search_copy.session() as s:
        hits = search(s, "fund")
        picked = code_hits(s, hits, "finance", "ana", select=[0, 4])
        assert (picked.selected, picked.created) == (2, 2)
        by_segment = code_hits(s, hits, "training", "ana",
                               segment_ids=[int(hits["segment_id"].iloc[1])])
        assert by_segment.created == 1
        with pytest.raises(CodingError, match="Hit 99 does not exist: the search found 8"):
            code_hits(s, hits, "finance", "ana", select=[99])
        with pytest.raises(CodingError, match="hold no hit of this search"):
            code_hits(s, hits, "finance", "ana", segment_ids=[1])
    assert [t for t, _ in codings_of(search_copy)] == [
        "Funding is the problem.", "Short-term funding again."]


def test_preview_counts_new_and_existing_codings(search_copy: qualcode.Project) -> None:
    with search_copy.session() as s:
        preview = preview_autocode(s, "fund", "finance", "ana")
    assert (preview["hits"], preview["codings"], preview["new"], preview["existing"]) == (
        8, 8, 8, 0)
    assert count_rows(search_copy)["codings"] == 0  # a preview changes nothing
    with search_copy.session() as s:
        autocode(s, "fund", "finance", "ana", groups="officer")
        preview = preview_autocode(s, "fund", "finance", "ana")
        again = autocode(s, "fund", "finance", "ana")
    assert (preview["new"], preview["existing"]) == (6, 2)
    assert (again.created, again.existing) == (6, 2)
    assert "would make 6 coding(s); 2 already exist for ana" in format_autocode(
        preview, preview=True)
    assert "6 new coding(s), 2 already existed. One undo reverses it." in format_autocode(again)


def test_one_undo_reverses_the_whole_autocoding(search_copy: qualcode.Project) -> None:
    search_copy.coder = "ana"
    search_copy.code(int(search_copy.segments()["id"].iloc[2]), "training", coder="ana")
    with search_copy.session() as s:
        result = autocode(s, "fund | training", "finance", "ana")
    assert result.created == 13  # 8 sentences with "fund", 5 with "train"
    assert count_rows(search_copy)["codings"] == 14
    assert "13 change(s)" in (search_copy.undo() or "")
    assert codings_of(search_copy) == [] and count_rows(search_copy)["codings"] == 1
    search_copy.redo()
    assert len(codings_of(search_copy)) == 13
    audit = search_copy.audit()
    assert audit[audit["batch"] == result.batch]["action"].tolist() == ["add"] * 13


@pytest.mark.parametrize("code_id, message", [
    ("no_such_code", "There is no code 'no_such_code'"),
    ("rq2", "is a category that groups codes"),
    ("retired", "is archived"),
])
def test_autocoding_with_a_code_that_cannot_be_used_changes_nothing(
        search_copy: qualcode.Project, code_id: str, message: str) -> None:
    before = count_rows(search_copy)
    audit_before = len(search_copy.audit())
    with pytest.raises(CodingError, match=message), search_copy.session() as s:
        autocode(s, "fund", code_id, "ana")
    assert count_rows(search_copy) == before and len(search_copy.audit()) == audit_before


def test_bad_level_coder_and_hits_frame(search_copy: qualcode.Project) -> None:
    with search_copy.session() as s:
        with pytest.raises(CodingError, match="level 'paragraph' is not one of segment, turn"):
            autocode(s, "fund", "finance", "ana", level="paragraph")
        with pytest.raises(CodingError, match="coder name is needed"):
            autocode(s, "fund", "finance", " ")
        hits = search(s, "fund")
        with pytest.raises(CodingError, match="no segment_id column"):
            plan_autocode(s, hits.drop(columns="segment_id"), "finance", "ana")
        nothing = autocode(s, "zebra", "finance", "ana")
    assert (nothing.hits, nothing.created, nothing.batch) == (0, 0, None)
    assert "Nothing to code" in format_autocode(nothing)
