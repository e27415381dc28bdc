"""The Groups page: breakdowns with denominators, valence, chi-square, overview, ranking."""

from __future__ import annotations

from pathlib import Path

import pytest

import qualcode
from tests.ui.analysis_support import chart, coded_copy, copy_demo, open_page, table_with, texts


@pytest.fixture(scope="module")
def coded(demo_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo study with about 100 codings; the Groups page only reads it."""
    return coded_copy(demo_dir, tmp_path_factory.mktemp("groups"))


def test_breakdown_by_group_shows_chart_table_and_denominators(coded: Path) -> None:
    at = open_page("groups", coded)

    assert not at.exception
    table = table_with(at, "share_of_group", "group_total", "respondents")
    assert {"head_teacher", "officer"} <= set(table["group"])
    with qualcode.open_project(coded) as project:
        codings = project.codings()
    head_teachers = table.loc[table["group"] == "head_teacher"]
    assert set(head_teachers["group_total"]) == {int((codings["group"] == "head_teacher").sum())}
    assert set(head_teachers["respondents"]) == {4}  # every head teacher, coded or not
    assert "Finance and funding" in set(table["code"])

    spec, data = chart(at, "Share of the group's codings by group")
    bars = data[0]
    legend = set(bars["group_label"])
    assert f"head_teacher ({int(head_teachers['group_total'].iloc[0])} codings, " \
           "4 respondents)" in legend
    assert spec["encoding"]["x"]["title"] == "Share of the group's codings"
    assert "Denominators: head\\_teacher:" in texts(at)

    at.radio(key="groups_value").set_value("per_respondent").run()
    assert not at.exception
    chart(at, "Codings per respondent by group")


def test_breakdown_by_an_attribute_counting_negative_segments(coded: Path) -> None:
    at = open_page("groups", coded)
    at.selectbox(key="groups_by").set_value("setting_type")
    at.radio(key="groups_unit").set_value("segments")
    at.selectbox(key="groups_valence").set_value("-")
    at.run()

    assert not at.exception
    table = table_with(at, "setting_type", "share_of_group", "group_total")
    assert {"rural primary", "urban secondary"} <= set(table["setting_type"])
    spec, _ = chart(at, "Share of the group's codings by setting type")
    assert "Counting negative coded segments" in spec["title"]["subtitle"][0]
    # observation notes and officers have no setting type: the caption says so
    assert "without a value for setting\\_type are left out" in texts(at)


def test_positive_against_negative_per_group(coded: Path) -> None:
    at = open_page("groups", coded)

    assert not at.exception
    table = table_with(at, "positive", "negative", "neutral", "total")
    with qualcode.open_project(coded) as project:
        codings = project.codings()
    positive = int((codings["valence"] == "+").sum())
    negative = int((codings["valence"] == "-").sum())
    assert table["positive"].sum() == positive
    assert f"{positive} positive** codings against **{negative} concerns" in texts(at)
    chart(at, "Positive, negative and neutral codings per group")


def test_chi_square_shows_residuals_and_warns_about_small_counts(coded: Path) -> None:
    at = open_page("groups", coded)

    assert not at.exception
    assert "χ² = " in texts(at) and "degrees of freedom = 28" in texts(at)
    assert any("expected counts are below 5" in w.value for w in at.warning)
    residuals = table_with(at, "code", "head_teacher", "officer", "child")
    assert len(residuals) == 8
    chart(at, "Adjusted residuals: codes x group")

    picker = at.multiselect(key="chi_codes")
    picker.set_value([o for o in picker.options if o.endswith("(finance)")]).run()
    assert not at.exception
    assert any("at least two codes" in e.value for e in at.error)


def test_overview_matrix_is_flattened_readably(coded: Path) -> None:
    at = open_page("groups", coded)
    picker = at.multiselect(key="matrix_codes")
    picker.set_value([o for o in picker.options
                      if o.endswith(("(finance)", "(trust)"))]).run()

    assert not at.exception
    matrix = table_with(at, "respondent", "finance +", "finance -", "finance 0")
    assert {"trust +", "total -", "group"} <= set(matrix.columns)
    assert {"HT1", "O1", "total"} <= set(matrix["respondent"])
    with qualcode.open_project(coded) as project:
        codings = project.codings()
    finance_concerns = int(((codings["code_id"] == "finance")
                            & (codings["valence"] == "-")).sum())
    assert matrix.loc[matrix["respondent"] == "total", "finance -"].iloc[0] == finance_concerns


def test_top_five_per_research_question(coded: Path) -> None:
    at = open_page("groups", coded)

    assert not at.exception
    shown = texts(at)
    for rq in ("RQ1", "RQ2", "RQ3", "RQ4"):
        assert f"**{rq}**" in shown
    rankings = [t.value for t in at.table if list(t.value.columns) == ["rank", "name", "n",
                                                                       "share"]]
    with qualcode.open_project(coded) as project:
        top_concern = project.top_codes(rq="RQ2", valence="-").iloc[0]
    assert any(r["name"].iloc[0] == top_concern["name"] and r["n"].iloc[0] == top_concern["n"]
               for r in rankings)
    assert "none coded" in shown  # RQ4 has no codings in this study


def test_an_uncoded_project_says_what_to_do(demo_dir: Path, tmp_path: Path) -> None:
    at = open_page("groups", copy_demo(demo_dir, tmp_path))

    assert not at.exception
    assert any("No codings yet" in i.value for i in at.info)
    assert not at.get("vega_lite_chart")
