"""Review page: coverage, the revisit queue, suggestion accuracy and coder activity."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from app_pages.common import attempt, require_project

st.title("Review")
project = require_project()

coverage = project.coverage()
total = coverage.iloc[-1]
st.metric("Respondent segments coded", f"{int(total.coded)} of {int(total.segments)}",
          f"{total.share_coded:.0%}", delta_color="off")
st.progress(float(total.share_coded))

st.subheader("Coverage per document")
st.caption("Interviewer turns are left out; share = coded respondent segments / all "
           "respondent segments of the document.")
st.dataframe(coverage.iloc[:-1][["label", "title", "kind", "segments", "coded", "uncoded",
                                 "share_coded"]],
             hide_index=True, width="stretch",
             column_config={"share_coded": st.column_config.ProgressColumn(
                 "coded", min_value=0.0, max_value=1.0, format="percent")})

st.subheader("To revisit")
queue = project.uncoded(limit=200)
if queue.empty:
    st.success("Every respondent segment has been coded at least once.")
else:
    st.caption("Uncoded respondent segments in document order (the first 200). Re-reading "
               "often leads to more coding.")
    st.dataframe(queue[["locator", "speaker", "text"]], hide_index=True, width="stretch",
                 column_config={"text": st.column_config.TextColumn(width="large")})
    first_doc = int(queue["document_id"].iloc[0])
    if st.button("Code the first uncoded segments"):
        st.session_state["code_document"] = first_doc
        st.session_state["only_uncoded"] = True
        st.switch_page("app_pages/code.py")

st.subheader("How far to trust suggestions")
st.caption("Cross-validated on this project's own coding: the suggester is trained on part "
           "of your coded segments and tested on the rest, five times over. top-1: its first "
           "suggestion is one of your codes; top-3: one of its first three is.")
if st.button("Measure suggestion accuracy"):
    with st.spinner("Cross-validating (a few seconds)..."):
        figures = attempt(project.suggestion_accuracy)
    if figures is not None:
        st.session_state["accuracy"] = figures
if "accuracy" in st.session_state:
    figures = st.session_state["accuracy"]
    st.caption(f"{figures['n']} coded segments, {figures['codes']} codes")
    st.dataframe(
        pd.DataFrame({stage: {k: figures[key].get(k) for k in
                              ("top1", "top3", "macro_f1", "valence_accuracy")}
                      for stage, key in (("codebook only", "codebook_only"),
                                         ("learned from your coding", "learned"))}),
        width="content")

st.subheader("Coder activity")
activity = project.coder_activity()
if activity.empty:
    st.info("No coding yet.")
else:
    st.dataframe(activity, hide_index=True, width="stretch")
