"""Retrieval: coding queries with AND / OR / NOT at segment level, filters, coverage."""

from __future__ import annotations

import pytest

import qualcode
from qualcode.errors import CodingError
from tests.conftest import seg


@pytest.fixture
def coded(coding_project: qualcode.Project) -> qualcode.Project:
    p = coding_project
    run = [seg(p, "Funding, mostly."), seg(p, "The money stops after a year.")]
    p.code(run, "finance", valence="-")
    p.code(seg(p, "The money stops after a year."), "short_term_funding", valence="-",
           flags=["in_literature"])
    p.code(seg(p, "The jargon is awful."), "communications_understanding", valence="-")
    p.code(seg(p, "Nobody tells us what happened after a CAF."), ["caf",
           "communications_understanding"], valence="-")
    p.code(seg(p, "We never see the budget."), "finance", valence="-", coder="second")
    p.code(seg(p, "Joint training helped us a lot."), "training", valence="+")
    return p


def test_extracts_of_a_code_with_and_without_descendants(coded: qualcode.Project) -> None:
    with_desc = coded.extracts("finance")
    assert sorted(with_desc.code_id) == ["finance", "finance", "short_term_funding"]
    assert coded.extracts("finance", include_descendants=False).code_id.tolist() == [
        "finance", "finance"]
    assert set(with_desc.columns) >= {"text", "locator", "label", "group"}


def test_and_or_not_at_segment_level(coded: qualcode.Project) -> None:
    both = coded.extracts("communications_understanding AND caf")
    assert set(both.text) == {"Nobody tells us what happened after a CAF."}
    only = coded.extracts("communications_understanding AND NOT caf")
    assert only.text.tolist() == ["The jargon is awful."]
    either = coded.extracts(["caf", "training"])
    assert sorted(either.code_id) == ["caf", "training"]
    nested = coded.extracts("(finance OR training) AND NOT short_term_funding",
                            include_descendants=False)
    # The finance extract spanning two sentences has one sentence without
    # short_term_funding, so it answers the query; extracts stay whole coded spans.
    assert sorted(nested.text) == ["Funding, mostly. The money stops after a year.",
                                   "Joint training helped us a lot.", "We never see the budget."]
    strict = coded.extracts("short_term_funding AND NOT finance")
    assert strict.empty


def test_filters(coded: qualcode.Project) -> None:
    assert coded.extracts("finance", groups=["teacher"]).label.tolist() == ["T1"]
    assert coded.extracts(None, valence="+").code_id.tolist() == ["training"]
    assert coded.extracts(None, flags=["in_literature"]).code_id.tolist() == [
        "short_term_funding"]
    assert coded.extracts("finance", coder="second").text.tolist() == ["We never see the budget."]
    assert coded.extracts(None, attributes={"setting_type": "urban secondary"}).label.unique(
        ).tolist() == ["T1"]
    assert coded.extracts(None, trial=True).empty
    with pytest.raises(CodingError, match="Unknown code id"):
        coded.extracts("finance AND nonsense")
    with pytest.raises(CodingError, match="incomplete"):
        coded.extracts("finance AND")
    with pytest.raises(CodingError, match="attribute 'shoe_size'"):
        coded.extracts(None, attributes={"shoe_size": 9})


def test_coverage_counts_respondent_segments_and_queues_the_rest(coded: qualcode.Project) -> None:
    cov = coded.coverage().set_index("title")
    total = cov.loc["All documents"]
    # HT1: 5 respondent sentences, 4 coded; T1: 2 respondent sentences, both coded
    assert (total.segments, total.coded, total.uncoded) == (7, 6, 1)
    assert total.share_coded == pytest.approx(6 / 7)
    queue = coded.uncoded()
    assert queue.text.tolist() == ["Then we start again."]
    with_interviewer = coded.coverage(include_interviewer=True).set_index("title")
    assert with_interviewer.loc["All documents", "segments"] > 7
