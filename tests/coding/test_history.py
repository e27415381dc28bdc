"""Undo and redo of the coder's last actions; they live in the project (survive a refresh)."""

from __future__ import annotations

import qualcode
from tests.conftest import seg


def test_undo_and_redo_coding_actions(coding_project: qualcode.Project) -> None:
    a = seg(coding_project, "Funding, mostly.")
    b = seg(coding_project, "The jargon is awful.")
    coding_project.code(a, "finance")
    coding_project.code(b, ["communications_understanding", "caf"])
    assert len(coding_project.codings()) == 3
    assert coding_project.undo() is not None  # removes both codes of the last action
    assert coding_project.codings().code_id.tolist() == ["finance"]
    coding_project.undo()
    assert coding_project.codings().empty
    assert coding_project.undo() is None
    coding_project.redo()
    assert coding_project.codings().code_id.tolist() == ["finance"]
    coding_project.redo()
    assert sorted(coding_project.codings().code_id) == ["caf", "communications_understanding",
                                                        "finance"]
    assert coding_project.redo() is None


def test_undo_of_uncode_restores_marks_and_issue_links(coding_project: qualcode.Project) -> None:
    (cid,) = coding_project.code(seg(coding_project, "Funding, mostly."), "finance",
                                 valence="-", flags=["surprising"], memo="note")
    issue = coding_project.add_issue("finance", "Money is short-term", [cid])
    coding_project.uncode(cid)
    assert coding_project.issues().coding_ids.iloc[0] == []
    coding_project.undo()
    row = coding_project.codings().iloc[0]
    assert (row.id, row.valence, row["flags"], row.memo) == (cid, "-", ["surprising"], "note")
    assert coding_project.issues().set_index("id").loc[issue, "coding_ids"] == [cid]


def test_undo_of_a_mark_change(coding_project: qualcode.Project) -> None:
    (cid,) = coding_project.code(seg(coding_project, "Funding, mostly."), "finance")
    coding_project.update_coding(cid, valence="+")
    coding_project.undo()
    assert coding_project.codings().valence.iloc[0] == "0"
    coding_project.redo()
    assert coding_project.codings().valence.iloc[0] == "+"


def test_a_new_action_clears_redo(coding_project: qualcode.Project) -> None:
    coding_project.code(seg(coding_project, "Funding, mostly."), "finance")
    coding_project.undo()
    coding_project.code(seg(coding_project, "The jargon is awful."), "caf")
    assert coding_project.redo() is None
    assert coding_project.codings().code_id.tolist() == ["caf"]


def test_history_survives_reopening_and_is_per_coder(coding_project: qualcode.Project) -> None:
    path = coding_project.engine.url.database
    coding_project.code(seg(coding_project, "Funding, mostly."), "finance")
    with qualcode.open_project(path, coder="someone else") as other:
        other.code(seg(other, "The jargon is awful."), "caf")
    with qualcode.open_project(path, coder="tester") as again:
        again.undo()  # undoes tester's coding, not the other coder's
        assert again.codings().code_id.tolist() == ["caf"]
