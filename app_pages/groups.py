"""Groups page: codings by respondent group or attribute, valence, chi-square, overview, ranking."""

from __future__ import annotations

from functools import partial
from typing import Any

import streamlit as st

from app_pages.common import attempt, code_options, frame_height, md, require_project
from qualcode.themes import charts
from qualcode.themes.frame import VALENCE_NAMES, respondent_attribute_columns
from qualcode.themes.groups import UNITS

st.title("Groups")
project = require_project()
st.caption("Who said what: codings by respondent group or attribute, read as shares of "
           "stated denominators.")

if not project.info()["codings"]:
    st.info("No codings yet: code some segments on the Code page, then come back for the "
            "breakdowns by group, the chi-square test, the overview matrix and the rankings.")
    st.stop()

book = project.codebook()
research_questions = sorted(str(r) for r in book["rq"].dropna().unique() if str(r))
attributes = respondent_attribute_columns(project.respondents())

row = st.columns(5)
by = row[0].selectbox("Break down by", ["group", *attributes], key="groups_by",
                      format_func=lambda c: c.replace("_", " "),
                      help="The respondent group, or any attribute in respondents.csv.")
unit = row[1].radio("Count", list(UNITS), horizontal=True, key="groups_unit",
                    help="codings: every coding; segments: distinct coded spans (a span "
                         "two coders coded counts once).")
valence_choice = row[2].selectbox(
    "Valence", ["all", *VALENCE_NAMES], key="groups_valence",
    format_func=lambda v: "all codings" if v == "all" else f"{v} {VALENCE_NAMES[v]}")
rq_choice = row[3].selectbox("Research question", ["All", *research_questions],
                             key="groups_rq")
include_trial = row[4].toggle("Include trials", value=True, key="groups_trial",
                              help="Include the trial (pilot) interviews.")
valence = None if valence_choice == "all" else valence_choice
filters: dict[str, Any] = {"rq": None if rq_choice == "All" else rq_choice,
                           "include_trial": include_trial}

# -- breakdown -------------------------------------------------------------------------------
st.subheader("Breakdown by " + md(by.replace("_", " ")))
value = st.radio("Show", list(charts.BREAKDOWN_VALUES), horizontal=True, key="groups_value",
                 format_func=charts.BREAKDOWN_VALUES.get)
table = attempt(lambda: project.breakdown(by=by, valence=valence, unit=unit, **filters))
if table is not None and table.empty:
    st.info(f"No {unit} match this selection by {md(by.replace('_', ' '))}: widen it.")
elif table is not None:
    st.altair_chart(charts.breakdown_chart(table, by, value, codebook=book, unit=unit,
                                           valence=valence),
                    width="stretch", key="breakdown_chart")
    totals = charts.denominators(table, by)
    st.caption("Denominators: " + "; ".join(
        f"{md(g)}: {t} {unit}, {r} respondents" for g, t, r in totals.itertuples(index=False))
        + (f". {table.attrs['left_out']} {unit} without a value for {md(by)} are left out."
           if table.attrs.get("left_out") else "."))
    with st.expander("Table with denominators", expanded=False):
        st.dataframe(
            charts.with_code_names(table, book), hide_index=True, width="stretch",
            key="breakdown_table", height=frame_height(len(table)),
            column_config={
                "share_of_group": st.column_config.NumberColumn("share of group",
                                                                format="percent"),
                "per_respondent": st.column_config.NumberColumn("per respondent",
                                                                format="%.2f"),
                "group_total": st.column_config.NumberColumn(
                    "group total", help=f"The group's {unit} (denominator of the share)"),
                "respondents": st.column_config.NumberColumn(
                    "respondents", help="Respondents in the group (denominator of the rate)")})

# -- positive against negative ------------------------------------------------------------------
st.subheader("Positive against negative")
by_valence = attempt(lambda: project.valence_by_group(by=by, unit=unit, **filters))
if by_valence is not None and by_valence.empty:
    st.info("No codings with a value for this split.")
elif by_valence is not None:
    st.altair_chart(charts.valence_chart(by_valence, by, unit=unit), width="stretch",
                    key="valence_chart")
    first = by_valence.iloc[0]
    st.markdown(f"**{int(first['all_positive'])} positive** {unit} against "
                f"**{int(first['all_negative'])} concerns** and "
                f"{int(first['all_neutral'])} neutral. Shares within a group are of the "
                "group's total; shares of all are of the study-wide total of that valence.")
    st.dataframe(
        by_valence[[by, "positive", "negative", "neutral", "total", "share_positive",
                    "share_negative", "share_of_all_positive", "share_of_all_negative"]],
        hide_index=True, width="stretch", key="valence_table",
        column_config={c: st.column_config.NumberColumn(c.replace("_", " "), format="percent")
                       for c in ("share_positive", "share_negative", "share_of_all_positive",
                                 "share_of_all_negative")})

# -- chi-square -----------------------------------------------------------------------------
st.subheader("Chi-square test: do the groups use the codes differently?")
options = code_options(project)
chosen = st.multiselect("Codes to test (none chosen: every code with codings)", list(options),
                        key="chi_codes")
result = attempt(lambda: project.chi_square(
    by=by, codes=[options[c] for c in chosen] or None,
    **filters, **({"valence": valence} if valence else {})))
if result is not None:
    st.markdown(f"χ² = {result.chi2:.2f}, degrees of freedom = {result.dof}, "
                f"p = {result.p_value:.3f}, n = {result.n} codings")
    if result.warning:
        st.warning(result.warning)
    st.altair_chart(charts.residuals_chart(result.adjusted_residuals, result.table, book,
                                           kind="Adjusted residual"),
                    width="content", key="residuals_chart")
    shown = ["code", *[str(c) for c in result.residuals.columns]]
    st.markdown("**Standardised residuals** (O - E) / √E: positive where a group has more "
                "codings of the code than independence predicts.")
    st.dataframe(charts.with_code_names(result.residuals.reset_index(), book),
                 hide_index=True, width="stretch", key="residuals_table", column_order=shown,
                 column_config={str(c): st.column_config.NumberColumn(format="%+.2f")
                                for c in result.residuals.columns})
    with st.expander("Observed codings (code x " + md(by.replace("_", " ")) + ")"):
        st.dataframe(charts.with_code_names(result.table.reset_index(), book),
                     hide_index=True, width="stretch", key="observed_table",
                     column_order=shown)

# -- overview matrix --------------------------------------------------------------------------
st.subheader("Overview matrix")
st.caption("One row per respondent, one block per issue: positive (+), negative (-) and "
           "neutral (0) codings.")
# valence=None ranks every coding (ranking.top_codes allows it; Project's hint says str)
usual = project.top_codes(valence=None, n=4, **filters)
labels = {code: label for label, code in options.items()}
issues = st.multiselect("Issue codes", list(options), key="matrix_codes",
                        default=[labels[c] for c in usual["code_id"] if c in labels])
if not issues:
    st.info("Choose one or more issue codes.")
else:
    matrix = attempt(lambda: project.overview_matrix([options[i] for i in issues], **filters))
    if matrix is not None:
        flat = charts.flatten_columns(matrix)
        st.dataframe(flat, hide_index=True, width="stretch", key="overview_matrix",
                     height=frame_height(len(flat)))

# -- rankings ---------------------------------------------------------------------------------
st.subheader("Top five per research question")
st.caption("Ranked by number of codings (ties by code id); share = n / the research "
           "question's codings of that valence.")
columns = st.columns(max(len(research_questions), 1))
for column, rq in zip(columns, research_questions):
    with column:
        st.markdown(f"**{md(rq)}**")
        for mark, heading in (("-", "Concerns (-)"), ("+", "Progress (+)")):
            top = attempt(partial(project.top_codes, rq=rq, valence=mark, n=5,
                                  include_trial=include_trial))
            if top is None:
                continue
            if top.empty:
                st.markdown(heading)
                st.caption("none coded")
            else:
                st.markdown(f"{heading} · of {int(top['total'].iloc[0])} codings")
                st.table(top[["rank", "name", "n", "share"]].style
                         .format({"share": "{:.0%}"}).hide(axis="index"))
