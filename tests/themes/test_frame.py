"""The codings-frame contract and filter_codings."""

from __future__ import annotations

import pandas as pd
import pytest

from qualcode.errors import QualcodeError
from qualcode.themes.cooccurrence import filter_codings as reexported
from qualcode.themes.frame import attribute_columns, filter_codings, prepare
from tests.themes.helpers import codings_frame

ROWS = [
    (10, 0, 10, "funding", "-", "ana"),
    (10, 0, 10, "training", "+", "ben"),
    (20, 5, 9, "funding", "-", "ana"),
    (30, 0, 4, "voice", "0", "ana"),
    (40, 0, 4, "staffing", "-", "ana"),  # O1: a trial interview
    (90, 0, 4, "funding", "+", "ana"),  # observation note, no respondent
]


@pytest.fixture
def df() -> pd.DataFrame:
    return codings_frame(ROWS)


def test_attribute_columns_are_the_respondent_attributes(df: pd.DataFrame) -> None:
    assert attribute_columns(df) == ["gender", "setting_type"]


def test_a_frame_can_declare_its_attribute_columns(df: pd.DataFrame) -> None:
    declared = df.assign(region="north")
    assert attribute_columns(declared) == ["gender", "setting_type", "region"]
    declared.attrs["attributes"] = ["setting_type"]
    assert attribute_columns(declared) == ["setting_type"]
    with pytest.raises(QualcodeError, match="Attributes in these codings: setting_type"):
        filter_codings(declared, attribute="gender", value="male")


def test_no_filter_returns_every_coding(df: pd.DataFrame) -> None:
    assert len(filter_codings(df)) == 6
    assert reexported is filter_codings


def test_filters_select_what_they_name(df: pd.DataFrame) -> None:
    assert filter_codings(df, rq="RQ1")["id"].tolist() == [1, 3, 5, 6]
    assert filter_codings(df, rq=["RQ2", "RQ4"])["id"].tolist() == [2, 4]
    assert filter_codings(df, group="head_teacher")["id"].tolist() == [1, 2, 3]
    assert filter_codings(df, group=["teacher", "officer"])["id"].tolist() == [4, 5]
    assert filter_codings(df, valence="-")["id"].tolist() == [1, 3, 5]
    assert filter_codings(df, valence=["+", "0"])["id"].tolist() == [2, 4, 6]
    assert filter_codings(df, coder="ben")["id"].tolist() == [2]
    assert filter_codings(df, include_trial=False)["id"].tolist() == [1, 2, 3, 4, 6]
    rural = filter_codings(df, attribute="setting_type", value="rural primary")
    assert rural["id"].tolist() == [1, 2, 4]
    both = filter_codings(df, group="head_teacher", valence="-", attribute="gender",
                          value="male")
    assert both["id"].tolist() == [3]


def test_filters_do_not_change_the_input(df: pd.DataFrame) -> None:
    before = df.copy()
    filter_codings(df, group="teacher", valence="0")
    pd.testing.assert_frame_equal(df, before)


def test_unknown_attribute_names_the_attributes_that_exist(df: pd.DataFrame) -> None:
    with pytest.raises(QualcodeError, match="age_band.*gender, setting_type"):
        filter_codings(df, attribute="age_band", value="30-39")


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"group": "headteacher"}, "'headteacher' is not one of head_teacher"),
        ({"valence": "positive"}, "'positive' is not one of"),
        ({"attribute": "gender"}, "both attribute and value"),
        ({"value": "female"}, "both attribute and value"),
    ],
)
def test_bad_filters_say_what_is_wrong(df: pd.DataFrame, kwargs: dict, message: str) -> None:
    with pytest.raises(QualcodeError, match=message):
        filter_codings(df, **kwargs)


def test_a_frame_without_needed_columns_is_refused_by_name() -> None:
    frame = pd.DataFrame({"id": [1], "code_id": ["funding"]})
    with pytest.raises(QualcodeError, match="lacks the column.*document_id"):
        prepare(frame)
    with pytest.raises(QualcodeError, match="pandas DataFrame"):
        prepare([1, 2, 3])  # type: ignore[arg-type]


def test_an_empty_frame_without_columns_gets_them() -> None:
    frame = prepare(pd.DataFrame())
    assert len(frame) == 0 and "code_id" in frame.columns
    assert len(filter_codings(pd.DataFrame(), valence="-")) == 0
