"""The overview matrix: respondent x code x valence."""

from __future__ import annotations

import pandas as pd
import pytest

from qualcode.errors import QualcodeError
from qualcode.themes.matrix import overview_matrix
from tests.themes.helpers import CODEBOOK, codings_frame, respondents_frame

ROWS = [
    (10, 0, 10, "funding", "-"),
    (11, 0, 10, "funding", "-"),
    (10, 20, 30, "funding", "+"),
    (10, 40, 50, "staffing", "-"),
    (20, 0, 10, "funding", "0"),
    (30, 0, 10, "staffing", "+"),
    (30, 20, 30, "voice", "-"),  # T1 has only codes outside the chosen ones too
    (50, 0, 10, "voice", "+"),  # P1 has none of the chosen codes
    (90, 0, 10, "funding", "-"),  # observation: no respondent row
]


@pytest.fixture
def df() -> pd.DataFrame:
    return codings_frame(ROWS)


def test_matrix_counts_each_respondents_valences_per_code(df: pd.DataFrame) -> None:
    m = overview_matrix(df, ["funding", "staffing"])
    assert m.index.tolist() == ["HT1", "HT2", "T1", "P1", "total"]
    assert m.columns[:2].tolist() == [("group", ""), ("setting_type", "")]
    assert m.columns[2:].tolist() == [
        ("funding", "+"), ("funding", "-"), ("funding", "0"),
        ("staffing", "+"), ("staffing", "-"), ("staffing", "0"),
        ("total", "+"), ("total", "-"), ("total", "0"),
    ]
    assert m.loc["HT1", ("group", "")] == "head_teacher"
    assert m.loc["HT1", ("setting_type", "")] == "rural primary"
    assert m.loc["HT1", "funding"].tolist() == [1, 2, 0]
    assert m.loc["HT1", "staffing"].tolist() == [0, 1, 0]
    assert m.loc["HT1", "total"].tolist() == [1, 3, 0]
    assert m.loc["HT2", "funding"].tolist() == [0, 0, 1]
    assert m.loc["P1", "total"].tolist() == [0, 0, 0]
    assert m.loc["total", "funding"].tolist() == [1, 2, 1]  # observation note left out
    assert m.loc["total", "total"].tolist() == [2, 3, 1]
    assert m[("funding", "-")].dtype == "int64"


def test_matrix_with_respondents_lists_everyone(df: pd.DataFrame) -> None:
    m = overview_matrix(df, ["staffing"], respondents=respondents_frame())
    assert m.index.tolist() == ["HT1", "HT2", "T1", "O1", "P1", "total"]
    assert m.loc["O1", "staffing"].tolist() == [0, 0, 0]
    assert m.loc["T1", "staffing"].tolist() == [1, 0, 0]
    no_trial = overview_matrix(df, ["staffing"], respondents=respondents_frame(),
                               include_trial=False)
    assert "O1" not in no_trial.index


def test_matrix_rows_sort_by_group_then_number() -> None:
    people: dict[int, tuple[str, str, dict]] = {
        1: ("HT10", "head_teacher", {}), 2: ("HT2", "head_teacher", {}),
        3: ("C1", "child", {}), 4: ("T3", "teacher", {}),
    }
    docs = {i: (i, "transcript") for i in people}
    frame = codings_frame([(i, 0, 5, "funding", "-") for i in people], people, docs)
    m = overview_matrix(frame, ["funding"])
    assert m.index.tolist() == ["HT2", "HT10", "T3", "C1", "total"]
    assert ("setting_type", "") not in m.columns  # no such attribute here


def test_matrix_refuses_unknown_codes_but_shows_codebook_codes_without_codings(
    df: pd.DataFrame,
) -> None:
    with pytest.raises(QualcodeError, match="Unknown code id.*fundin"):
        overview_matrix(df, ["fundin"])
    with pytest.raises(QualcodeError, match="No codes given"):
        overview_matrix(df, [])
    m = overview_matrix(df, ["transition"], codebook=CODEBOOK)
    assert m.loc["total", "transition"].tolist() == [0, 0, 0]


def test_matrix_of_no_codings(df: pd.DataFrame) -> None:
    m = overview_matrix(df.iloc[0:0], ["funding"], codebook=CODEBOOK)
    assert m.index.tolist() == ["total"]
    assert m.loc["total", "funding"].tolist() == [0, 0, 0]
    m = overview_matrix(df.iloc[0:0], ["funding"], respondents=respondents_frame(),
                        codebook=CODEBOOK)
    assert len(m) == 6 and m["total"].to_numpy().sum() == 0
