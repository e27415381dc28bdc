"""Extracts page: the coding query, Issues and Comments per code, downloads."""

from __future__ import annotations

import io

import streamlit as st

from app_pages.common import act, attempt, code_options, md, require_project, show_flash, text
from qualcode.coding.apply import DIMENSIONS, FLAGS, VALENCES
from qualcode.export.tables import write_csv, write_xlsx
from qualcode.ingest.document import KINDS
from qualcode.ingest.respondents import GROUPS

st.title("Extracts")
project = require_project()
show_flash()

codes = code_options(project, codable_only=False)
respondents = project.respondents()
attributes = [c for c in respondents.columns
              if c not in ("id", "label", "group", "trial", "members", "attributes")]

query_tab, issues_tab = st.tabs(["Coding query", "Issues and Comments"])

with query_tab:
    mode = st.radio("Query", ["Choose codes", "Write a query"], horizontal=True,
                    help="A query combines code ids with AND, OR, NOT and parentheses, e.g. "
                         "finance AND NOT caf. Codes combine at segment level.")
    if mode == "Choose codes":
        picked = st.multiselect("Codes (any of them)", list(codes), key="query_codes")
        query = [codes[p] for p in picked] or None
    else:
        query = st.text_input("Query", placeholder="communications_understanding AND NOT caf",
                              key="query_text") or None
    descendants = st.checkbox("Include codes under the chosen ones", value=True)
    with st.expander("Filters"):
        c1, c2, c3 = st.columns(3)
        groups = c1.multiselect("Respondent groups", list(GROUPS))
        valence = c2.multiselect("Marks", list(VALENCES))
        flags = c3.multiselect("Flags (all of)", list(FLAGS))
        c4, c5, c6 = st.columns(3)
        dimension = c4.selectbox("Dimension", ["(any)", *DIMENSIONS])
        kinds = c5.multiselect("Document kinds", list(KINDS))
        trial = c6.selectbox("Trial interviews", ["included", "left out", "only"])
        c7, c8 = st.columns(2)
        attribute = c7.selectbox("Attribute", ["(none)", *attributes])
        values = []
        if attribute != "(none)":
            options = sorted(respondents[attribute].dropna().astype(str).unique())
            values = c8.multiselect("Values", options)
        coder_filter = st.text_input("Coder (optional)")
    result = attempt(lambda: project.extracts(
        query, include_descendants=descendants, groups=groups or None, valence=valence or None,
        flags=flags or None, dimension=None if dimension == "(any)" else dimension,
        kinds=kinds or None, trial={"included": None, "left out": False, "only": True}[trial],
        attributes={attribute: values} if values else None,
        coder=coder_filter.strip() or None))
    if result is not None:
        st.caption(f"{len(result)} extract(s)"
                   + (f" from {result['label'].nunique()} respondent(s)" if len(result) else ""))
        shown = result[["locator", "label", "group", "code_id", "valence", "text", "coder",
                        "id"]]
        st.dataframe(shown, hide_index=True, width="stretch",
                     column_config={"text": st.column_config.TextColumn(width="large"),
                                    "id": st.column_config.NumberColumn("coding id")})
        if len(result):
            csv = io.BytesIO()
            write_csv(result, csv)
            xlsx = io.BytesIO()
            write_xlsx({"extracts": result}, xlsx)
            d1, d2, d3 = st.columns(3)
            d1.download_button("Download CSV", csv.getvalue(), "extracts.csv", "text/csv")
            d2.download_button("Download XLSX", xlsx.getvalue(), "extracts.xlsx",
                               "application/vnd.openxmlformats-officedocument."
                               "spreadsheetml.sheet")
            if d3.button("Build a Word report of these"):
                buffer = io.BytesIO()
                done = attempt(lambda: project.export_report(
                    buffer, query, include_descendants=descendants, groups=groups or None,
                    valence=valence or None, flags=flags or None,
                    dimension=None if dimension == "(any)" else dimension,
                    kinds=kinds or None,
                    trial={"included": None, "left out": False, "only": True}[trial],
                    attributes={attribute: values} if values else None,
                    coder=coder_filter.strip() or None))
                if done is not None:
                    st.session_state["extracts_report"] = buffer.getvalue()
            if "extracts_report" in st.session_state:
                d3.download_button("Download Word", st.session_state["extracts_report"],
                                   "extracts.docx", "application/vnd.openxmlformats-"
                                   "officedocument.wordprocessingml.document")

with issues_tab:
    codable = code_options(project)
    if not codable:
        st.info("The codebook has no codes yet.")
        st.stop()
    pick = st.selectbox("Code", list(codable), key="issues_code")
    code_id = codable[pick]
    comments = project.comments(code_id)
    issues = project.issues(code_id)
    left, right = st.columns(2)
    with left:
        st.subheader(f"Comments ({len(comments)})")
        if comments.empty:
            st.info("No coded extracts for this code yet.")
        for row in comments.itertuples():
            group = text(row.group).replace("_", " ") or "no respondent"
            st.markdown(f"> {md(row.text)}")
            st.caption(md(f"{group} {text(row.label)}, {row.locator} · mark {row.valence} · "
                          f"coding {row.id}"))
    with right:
        st.subheader(f"Issues ({len(issues)})")
        for row in issues.itertuples():
            st.markdown(f"**{md(row.text)}**")
            st.caption(md("Supported by: " + (", ".join(row.references) or "no extract yet")))
        with st.form("add_issue", clear_on_submit=True):
            text = st.text_area("New Issue: what do these extracts show?")
            labels = {f"{r.locator} · {r.text[:70]} (coding {r.id})": int(r.id)
                      for r in comments.itertuples()}
            support = st.multiselect("Supporting extracts", list(labels))
            if st.form_submit_button("Add Issue", type="primary") and act(
                    lambda: project.add_issue(code_id, text, [labels[s] for s in support]),
                    "Issue added."):
                st.rerun()
