"""Codebook edits: add, rename, move, merge, split, archive, delete - never losing a coding."""

from __future__ import annotations

import pytest

import qualcode
from qualcode.errors import CodebookError
from tests.conftest import count_rows, seg


def test_add_an_emergent_code_with_its_reason(coding_project: qualcode.Project) -> None:
    coding_project.add_code("work_shadowing", "Work shadowing", parent_id="rq3",
                            origin_note="officers kept mentioning shadowing days",
                            keywords="shadow; shadowing", colour="#AA5500")
    book = coding_project.codebook().set_index("id")
    assert book.loc["work_shadowing", "rq"] == "RQ3"  # inherited from the parent
    assert book.loc["work_shadowing", "origin"] == "emergent"
    assert book.loc["work_shadowing", "keywords"] == ["shadow", "shadowing"]
    entry = coding_project.audit().iloc[-1]
    assert (entry.action, entry.entity_id) == ("add", "work_shadowing")
    with pytest.raises(CodebookError, match="Say why the emergent code"):
        coding_project.add_code("trust", "Trust")
    with pytest.raises(CodebookError, match="exists already"):
        coding_project.add_code("caf", "CAF again", origin="a_priori")
    with pytest.raises(CodebookError, match="must be lower case"):
        coding_project.add_code("Bad Id", "x", origin="a_priori")
    with pytest.raises(CodebookError, match="#RRGGBB"):
        coding_project.add_code("ok_id", "x", origin="a_priori", colour="red")


def test_rename_keeps_id_guid_and_codings(coding_project: qualcode.Project) -> None:
    coding_project.code(seg(coding_project, "Funding, mostly."), "finance")
    guid = coding_project.codebook().set_index("id").loc["finance", "guid"]
    coding_project.rename_code("finance", "Money", reason="shorter")
    book = coding_project.codebook().set_index("id")
    assert book.loc["finance", "name"] == "Money" and book.loc["finance", "guid"] == guid
    assert coding_project.codings().code_id.tolist() == ["finance"]
    assert coding_project.audit().iloc[-1].reason == "shorter"


def test_move_refuses_cycles(coding_project: qualcode.Project) -> None:
    coding_project.move_code("training", "rq2")
    assert coding_project.codebook().set_index("id").loc["training", "parent_id"] == "rq2"
    with pytest.raises(CodebookError, match="inside it"):
        coding_project.move_code("finance", "short_term_funding")
    with pytest.raises(CodebookError, match="the code itself"):
        coding_project.move_code("finance", "finance")


def test_merge_moves_codings_and_collapses_duplicates(coding_project: qualcode.Project) -> None:
    a = seg(coding_project, "Funding, mostly.")
    b = seg(coding_project, "We never see the budget.")
    (dup_src,) = coding_project.code(a, "short_term_funding", valence="-")
    coding_project.code(b, "short_term_funding")
    (keep,) = coding_project.code(a, "finance")
    issue = coding_project.add_issue("short_term_funding", "Annual money", [dup_src])
    counts = coding_project.merge_codes("short_term_funding", "finance", reason="too fine")
    assert counts == {"moved": 1, "collapsed": 1, "children": 0}
    codings = coding_project.codings()
    assert codings.code_id.tolist() == ["finance", "finance"]
    assert "short_term_funding" not in set(coding_project.codebook().id)
    issues = coding_project.issues().set_index("id")
    assert issues.loc[issue, "code_id"] == "finance" and keep in issues.loc[issue, "coding_ids"]


def test_merge_into_own_descendant_is_refused(coding_project: qualcode.Project) -> None:
    before = count_rows(coding_project)
    with pytest.raises(CodebookError, match="inside it"):
        coding_project.merge_codes("finance", "short_term_funding")
    assert count_rows(coding_project) == before


def test_split_moves_chosen_codings_to_a_new_code(coding_project: qualcode.Project) -> None:
    (c1,) = coding_project.code(seg(coding_project, "Funding, mostly."), "finance")
    (c2,) = coding_project.code(seg(coding_project, "We never see the budget."), "finance")
    moved = coding_project.split_code("finance", "budget_visibility", "Budget visibility", [c2],
                                      reason="schools cannot see budgets")
    assert moved == 1
    codings = coding_project.codings().set_index("id")
    assert codings.loc[c1, "code_id"] == "finance"
    assert codings.loc[c2, "code_id"] == "budget_visibility"
    assert coding_project.codebook().set_index("id").loc["budget_visibility", "rq"] == "RQ2"


def test_delete_is_refused_while_codings_exist_and_offers_merge_or_archive(
        coding_project: qualcode.Project) -> None:
    coding_project.code(seg(coding_project, "Funding, mostly."), "training")
    with pytest.raises(CodebookError, match="Merge it into another code.*or archive it"):
        coding_project.delete_code("training")
    assert "training" in set(coding_project.codebook().id)
    coding_project.delete_code("caf")
    assert "caf" not in set(coding_project.codebook().id)


def test_archive_and_restore(coding_project: qualcode.Project) -> None:
    coding_project.archive_code("caf")
    assert coding_project.codebook().set_index("id").loc["caf", "archived"]
    coding_project.archive_code("caf", archived=False)
    assert not coding_project.codebook().set_index("id").loc["caf", "archived"]


def test_codebook_edits_cannot_be_undone_as_codings(coding_project: qualcode.Project) -> None:
    coding_project.rename_code("caf", "CAF")
    with pytest.raises(qualcode.QualcodeError, match="cannot be undone here"):
        coding_project.undo()


def test_codebook_round_trips_through_the_project(coding_project: qualcode.Project,
                                                  tmp_path) -> None:
    for suffix in ("yaml", "csv", "qdc"):
        target = tmp_path / f"out.{suffix}"
        coding_project.export_codebook(target)
        with qualcode.open_project(tmp_path / f"{suffix}.qualcode") as other:
            other.load_codebook(target)
            left = coding_project.codebook().drop(columns=[]).to_dict("records")
            right = other.codebook().to_dict("records")
            assert [(r["id"], r["guid"], r["parent_id"], r["rq"]) for r in left] == \
                   [(r["id"], r["guid"], r["parent_id"], r["rq"]) for r in right]
