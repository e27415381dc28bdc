"""Coding segments and spans with the study's marks; Issues and Comments."""

from __future__ import annotations

import pytest

import qualcode
from qualcode.errors import CodingError
from tests.conftest import count_rows, seg


def test_a_range_of_consecutive_segments_becomes_one_coded_extract(
        coding_project: qualcode.Project) -> None:
    first = seg(coding_project, "Funding, mostly.")
    last = seg(coding_project, "Then we start again.")
    middle = seg(coding_project, "The money stops after a year.")
    ids = coding_project.code([first, middle, last], "finance", valence="-",
                              flags=["in_literature"], dimension="policy", memo="annual cycle")
    assert len(ids) == 1
    row = coding_project.codings().set_index("id").loc[ids[0]]
    assert row.text == "Funding, mostly. The money stops after a year. Then we start again."
    assert row.locator == "HT1/T2"
    assert (row.valence, row["flags"], row.dimension, row.memo) == ("-", ["in_literature"],
                                                                 "policy", "annual cycle")
    assert (row.label, row.group, row.coder, row.source) == ("HT1", "head_teacher", "tester",
                                                             "manual")
    assert row.rq == "RQ2" and row.document_kind == "transcript"


def test_several_codes_and_separate_runs(coding_project: qualcode.Project) -> None:
    a = seg(coding_project, "Funding, mostly.")
    b = seg(coding_project, "The jargon is awful.")
    ids = coding_project.code([a, b], ["finance", "communications_understanding"])
    assert len(ids) == 4  # two codes x two runs (the segments are not consecutive)
    assert len(coding_project.codings()) == 4


def test_same_code_same_span_same_coder_is_one_coding(coding_project: qualcode.Project) -> None:
    a = seg(coding_project, "Funding, mostly.")
    first = coding_project.code(a, "finance", valence="0")
    again = coding_project.code(a, "finance", valence="-")
    assert first == again
    codings = coding_project.codings()
    assert len(codings) == 1 and codings.valence.iloc[0] == "-"
    other = coding_project.code(a, "finance", coder="second coder")
    assert other != first and len(coding_project.codings()) == 2


def test_any_span_through_the_api(coding_project: qualcode.Project) -> None:
    doc = coding_project.documents().iloc[0]
    start = doc.text.index("money stops")
    cid = coding_project.code_span(int(doc.id), start, start + len("money stops"), "finance")
    row = coding_project.codings().set_index("id").loc[cid]
    assert row.text == "money stops" and row.locator == "HT1/T2"


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"code_id": "nope"}, "no code 'nope'"),
        ({"code_id": "rq2"}, "category"),
        ({"valence": "++"}, "Valence '\\+\\+' is not one of"),
        ({"flags": ["interesting"]}, "Flag 'interesting' is not one of"),
        ({"dimension": "politics"}, "Dimension 'politics'"),
        ({"segment_ids": [99999]}, "Segment id\\(s\\) 99999 do not exist"),
    ],
)
def test_bad_codings_are_refused_and_nothing_changes(coding_project: qualcode.Project,
                                                      kwargs: dict, message: str) -> None:
    args = {"segment_ids": [seg(coding_project, "Funding, mostly.")], "code_id": "finance"}
    args.update(kwargs)
    before = count_rows(coding_project)
    with pytest.raises(CodingError, match=message):
        coding_project.code(**args)
    assert count_rows(coding_project) == before


def test_archived_codes_cannot_be_applied_but_keep_codings(
        coding_project: qualcode.Project) -> None:
    a = seg(coding_project, "Funding, mostly.")
    coding_project.code(a, "training")
    coding_project.archive_code("training")
    with pytest.raises(CodingError, match="archived"):
        coding_project.code(seg(coding_project, "The jargon is awful."), "training")
    assert coding_project.codings().code_id.tolist() == ["training"]


def test_update_and_uncode(coding_project: qualcode.Project) -> None:
    (cid,) = coding_project.code(seg(coding_project, "Funding, mostly."), "finance")
    coding_project.update_coding(cid, valence="+", flags=["surprising", "follow_up"])
    row = coding_project.codings().iloc[0]
    assert row.valence == "+" and row["flags"] == ["follow_up", "surprising"]
    with pytest.raises(CodingError, match="only valence, flags, dimension, memo"):
        coding_project.update_coding(cid, code_id="caf")
    coding_project.uncode(cid)
    assert coding_project.codings().empty
    with pytest.raises(CodingError, match="no coding"):
        coding_project.uncode(cid)


def test_issues_and_comments_per_code(coding_project: qualcode.Project) -> None:
    c1 = coding_project.code(seg(coding_project, "Funding, mostly."), "finance", valence="-")
    c2 = coding_project.code(seg(coding_project, "We never see the budget."), "finance",
                             valence="-")
    issue = coding_project.add_issue("finance", "Short-term money undermines planning", c1 + c2)
    comments = coding_project.comments("finance")
    assert comments.locator.tolist() == ["HT1/T2", "T1/T2"]
    issues = coding_project.issues("finance")
    assert issues.set_index("id").loc[issue, "references"] == ["HT1/T2", "T1/T2"]
    with pytest.raises(CodingError, match="do not exist"):
        coding_project.add_issue("finance", "x", [424242])
    with pytest.raises(CodingError, match="needs a statement"):
        coding_project.add_issue("finance", "  ", c1)


def test_audit_log_records_who_what_before_and_after(coding_project: qualcode.Project) -> None:
    (cid,) = coding_project.code(seg(coding_project, "Funding, mostly."), "finance")
    coding_project.update_coding(cid, valence="-")
    log = coding_project.audit()
    last = log.iloc[-1]
    assert (last.coder, last.action, last.entity, last.entity_id) == (
        "tester", "update", "coding", str(cid))
    assert last.before["valence"] == "0" and last.after["valence"] == "-"


def test_codings_reflect_every_change_including_respondent_attributes(
        coding_project: qualcode.Project, tmp_path) -> None:
    coding_project.code(seg(coding_project, "Funding, mostly."), "finance")
    first = coding_project.codings()
    assert first.setting_type.iloc[0] == "rural primary"
    first.loc[0, "code_id"] = "changed by the caller"  # a caller's change does not leak
    assert coding_project.codings().code_id.iloc[0] == "finance"
    csv = tmp_path / "again.csv"
    csv.write_text("id,label,group,setting_type\n1,HT1,head_teacher,infant school\n",
                   encoding="utf-8")
    coding_project.import_respondents(csv)
    assert coding_project.codings().setting_type.iloc[0] == "infant school"
    coding_project.code(seg(coding_project, "We never see the budget."), "finance")
    assert len(coding_project.codings()) == 2
