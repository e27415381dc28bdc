"""Breakdowns by group and attribute, valence by group, the chi-square test."""

from __future__ import annotations

import math

import pandas as pd
import pytest
from scipy import stats

from qualcode.errors import QualcodeError
from qualcode.themes.groups import breakdown, chi_square, valence_by_group
from tests.themes.helpers import codings_frame, respondents_frame

# HT1 (docs 10, 11): funding - x3 (two on one span by two coders), staffing - x1,
#   training + x1; HT2 (doc 20): funding - x1, training + x1; T1 (doc 30): funding - x1,
#   voice 0 x1; O1 (doc 40): nothing; P1 (doc 50): training + x1;
# observation (doc 90, no group): funding - x1.
ROWS = [
    (10, 0, 10, "funding", "-", "ana"),
    (10, 0, 10, "funding", "-", "ben"),
    (11, 5, 20, "funding", "-"),
    (10, 30, 40, "staffing", "-"),
    (10, 30, 40, "training", "+"),
    (20, 0, 10, "funding", "-"),
    (20, 20, 30, "training", "+"),
    (30, 0, 10, "funding", "-"),
    (30, 20, 30, "voice", "0"),
    (50, 0, 10, "training", "+"),
    (90, 0, 10, "funding", "-"),
]


@pytest.fixture
def df() -> pd.DataFrame:
    return codings_frame(ROWS)


def row(table: pd.DataFrame, by: str, group: str, code: str) -> pd.Series:
    hit = table[(table[by] == group) & (table["code_id"] == code)]
    assert len(hit) == 1
    return hit.iloc[0]


def test_breakdown_counts_codings_per_group_and_code(df: pd.DataFrame) -> None:
    t = breakdown(df)
    assert list(t.columns) == ["group", "code_id", "n", "share_of_group", "per_respondent",
                               "group_total", "respondents"]
    assert t["group"].unique().tolist() == ["head_teacher", "teacher", "parent"]
    ht = row(t, "group", "head_teacher", "funding")
    assert (ht["n"], ht["group_total"], ht["respondents"]) == (4, 7, 2)
    assert ht["share_of_group"] == 4 / 7
    assert ht["per_respondent"] == 4 / 2
    assert row(t, "group", "parent", "funding")["n"] == 0  # zeros are listed
    assert t.groupby("group")["share_of_group"].sum().tolist() == pytest.approx([1, 1, 1])
    assert t["n"].sum() == 10  # the observation note has no group
    assert t.attrs["left_out"] == 1 and t.attrs["respondent_basis"] == "coded"


def test_breakdown_of_concerns_keeps_respondents_who_raised_none(df: pd.DataFrame) -> None:
    t = breakdown(df, valence="-")
    assert sorted(t["code_id"].unique()) == ["funding", "staffing"]
    ht = row(t, "group", "head_teacher", "funding")
    assert (ht["n"], ht["group_total"], ht["share_of_group"]) == (4, 5, 0.8)
    parent = row(t, "group", "parent", "funding")
    # P1 said something, but no concern: the share is undefined, per respondent it is 0
    assert parent["group_total"] == 0 and math.isnan(parent["share_of_group"])
    assert (parent["respondents"], parent["per_respondent"]) == (1, 0.0)


def test_breakdown_by_segments_counts_distinct_spans(df: pd.DataFrame) -> None:
    t = breakdown(df, unit="segments")
    ht = row(t, "group", "head_teacher", "funding")
    # spans: doc 10 [0,10) (two coders), doc 11 [5,20), doc 20 [0,10)
    assert ht["n"] == 3
    # head-teacher spans: 10[0,10), 11[5,20), 10[30,40), 20[0,10), 20[20,30)
    assert ht["group_total"] == 5
    assert row(t, "group", "head_teacher", "training")["share_of_group"] == 2 / 5


def test_breakdown_with_all_respondents_as_denominator(df: pd.DataFrame) -> None:
    t = breakdown(df, respondents=respondents_frame())
    assert t["group"].unique().tolist() == ["head_teacher", "teacher", "officer", "parent"]
    officer = row(t, "group", "officer", "funding")
    assert (officer["n"], officer["respondents"], officer["per_respondent"]) == (0, 1, 0.0)
    assert math.isnan(officer["share_of_group"])  # no codings: no share, no crash
    assert t.attrs["respondent_basis"] == "all"
    without_trial = breakdown(df, respondents=respondents_frame(), include_trial=False)
    assert "officer" not in set(without_trial["group"])


def test_breakdown_by_an_attribute(df: pd.DataFrame) -> None:
    t = breakdown(df, by="setting_type")
    assert t.columns[0] == "setting_type"
    assert t["setting_type"].unique().tolist() == ["rural primary", "urban primary"]
    rural = row(t, "setting_type", "rural primary", "funding")
    # rural: HT1 (5 codings) and T1 (2 codings)
    assert (rural["n"], rural["group_total"], rural["respondents"]) == (4, 7, 2)


def test_breakdown_refuses_an_unknown_attribute_naming_the_real_ones(
    df: pd.DataFrame,
) -> None:
    with pytest.raises(QualcodeError, match="'age_band'.*gender, setting_type"):
        breakdown(df, by="age_band")
    with pytest.raises(QualcodeError, match="unit 'words'"):
        breakdown(df, unit="words")
    with pytest.raises(QualcodeError, match="'p' is not one of"):
        breakdown(df, valence="p")


def test_breakdown_of_nothing_is_an_empty_labelled_frame(df: pd.DataFrame) -> None:
    for frame in (pd.DataFrame(), df.iloc[0:0]):
        t = breakdown(frame)
        assert len(t) == 0 and list(t.columns)[:3] == ["group", "code_id", "n"]
    assert len(breakdown(df, group="officer")) == 0


def study_of_151_positive() -> pd.DataFrame:
    """151 positive comments: HT 78, T 29, O 25, P 12, C 7; and 232 concerns."""
    people: dict[int, tuple[str, str, dict]] = {
        1: ("HT1", "head_teacher", {}), 2: ("T1", "teacher", {}), 3: ("O1", "officer", {}),
        4: ("P1", "parent", {}), 5: ("C1", "child", {}),
    }
    docs = {i * 10: (i, "transcript") for i in people}
    positives = {1: 78, 2: 29, 3: 25, 4: 12, 5: 7}
    negatives = {1: 160, 2: 40, 3: 20, 4: 8, 5: 4}
    rows = []
    for rid in people:
        rows += [(rid * 10, k, k + 1, "funding", "+") for k in range(positives[rid])]
        rows += [(rid * 10, k, k + 1, "staffing", "-") for k in range(negatives[rid])]
    rows.append((10, 0, 1, "voice", "0"))
    return codings_frame(rows, respondents=people, documents=docs)


def test_valence_by_group_reads_as_the_study_does() -> None:
    t = valence_by_group(study_of_151_positive()).set_index("group")
    assert t.index.tolist() == ["head_teacher", "teacher", "officer", "parent", "child"]
    assert t["positive"].tolist() == [78, 29, 25, 12, 7]
    assert t["all_positive"].iloc[0] == 151 and t["all_negative"].iloc[0] == 232
    assert t.loc["head_teacher", "share_of_all_positive"] == 78 / 151
    assert round(t.loc["head_teacher", "share_of_all_positive"], 4) == 0.5166
    ht = t.loc["head_teacher"]
    assert (ht["negative"], ht["neutral"], ht["total"]) == (160, 1, 239)
    assert ht["share_positive"] == 78 / 239 and ht["share_negative"] == 160 / 239


def test_valence_by_group_refuses_bad_valences_and_handles_empty(df: pd.DataFrame) -> None:
    bad = df.copy()
    bad.loc[0, "valence"] = "x"
    with pytest.raises(QualcodeError, match="Coding.*1.*valence must be"):
        valence_by_group(bad)
    assert len(valence_by_group(pd.DataFrame())) == 0
    assert valence_by_group(df, group="parent")["positive"].tolist() == [1]


def chi_frame() -> pd.DataFrame:
    """funding: HT 30, T 10; staffing: HT 10, T 30 (expected 20 everywhere)."""
    rows = [(10, k, k + 1, "funding", "-") for k in range(30)]
    rows += [(30, k, k + 1, "funding", "-") for k in range(10)]
    rows += [(10, 100 + k, 101 + k, "staffing", "-") for k in range(10)]
    rows += [(30, 100 + k, 101 + k, "staffing", "-") for k in range(30)]
    return codings_frame(rows)


def test_chi_square_against_hand_computed_values() -> None:
    r = chi_square(chi_frame())
    assert r.table.loc["funding", "head_teacher"] == 30
    assert r.table.columns.tolist() == ["head_teacher", "teacher"]
    assert (r.expected.to_numpy() == 20).all()
    assert r.chi2 == pytest.approx(4 * 10**2 / 20)  # 20
    assert r.dof == 1 and r.n == 80
    assert r.p_value == pytest.approx(stats.chi2.sf(20, 1))
    assert r.residuals.loc["funding", "head_teacher"] == pytest.approx(10 / math.sqrt(20))
    assert r.adjusted_residuals.loc["funding", "teacher"] == pytest.approx(
        -10 / math.sqrt(20 * 0.5 * 0.5))
    assert r.warning is None


def test_chi_square_warns_on_small_expected_counts(df: pd.DataFrame) -> None:
    r = chi_square(df)
    assert r.warning is not None and "below 5" in r.warning
    assert "officer" not in r.table.columns  # all-zero columns dropped


def test_chi_square_refuses_too_little_data_and_unknown_codes(df: pd.DataFrame) -> None:
    with pytest.raises(QualcodeError, match="at least two codes"):
        chi_square(df, codes=["funding"])
    with pytest.raises(QualcodeError, match="at least two codes"):
        chi_square(df, group="teacher")
    with pytest.raises(QualcodeError, match="Unknown code id.*fundng"):
        chi_square(df, codes=["funding", "fundng"])
    with pytest.raises(QualcodeError):
        chi_square(pd.DataFrame())
