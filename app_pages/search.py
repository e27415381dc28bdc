"""Search page: find words in context, code the hits, saved searches, words by group."""

from __future__ import annotations

import altair as alt
import streamlit as st

from app_pages.common import act, attempt, code_options, coder, md, require_project, show_flash
from qualcode.ingest.document import KINDS
from qualcode.ingest.respondents import GROUPS

st.title("Search")
project = require_project()
show_flash()

find_tab, saved_tab, words_tab = st.tabs(["Find and code", "Saved searches", "Word frequencies"])

with find_tab:
    with st.form("search_form"):
        c1, c2 = st.columns([3, 1])
        query = c1.text_input("Search for", key="search_query",
                              placeholder="fund | money | \"joint training\"",
                              help="A word, a phrase, alternatives separated by | or OR, a "
                                   "trailing * for any ending, or a regular expression.")
        mode = c2.selectbox("Match", ["lemma", "exact", "regex"], key="search_mode",
                            help="lemma: 'fund' finds funding, funded, funds; exact: the "
                                 "word itself; regex: a regular expression.")
        f1, f2, f3 = st.columns(3)
        groups = f1.multiselect("Respondent groups", list(GROUPS))
        kinds = f2.multiselect("Document kinds", list(KINDS))
        case = f3.checkbox("Case-sensitive")
        interviewer = f3.checkbox("Include interviewer turns")
        codes = code_options(project, codable_only=False)
        g1, g2 = st.columns(2)
        inside = g1.selectbox("Only inside codings of", ["(anywhere)", *codes])
        outside = g2.selectbox("Only outside codings of", ["(nowhere)", *codes])
        run = st.form_submit_button("Search", type="primary")
    filters = {"groups": groups or None, "kinds": kinds or None, "case_sensitive": case,
               "include_interviewer": interviewer,
               "in_code": codes.get(inside), "not_in_code": codes.get(outside)}
    filters = {k: v for k, v in filters.items() if v}
    if run and query.strip():
        with st.spinner("Searching (the first search of a project builds its index)..."):
            hits = attempt(lambda: project.search(query, mode=mode, **filters))
        st.session_state["search_hits"] = hits
        st.session_state["search_args"] = (query, mode, filters)
    hits = st.session_state.get("search_hits")
    if hits is not None:
        st.caption(f"{len(hits)} hit(s) for {md(st.session_state['search_args'][0])}")
        if not hits.empty:
            event = st.dataframe(
                hits[["locator", "label", "group", "left", "hit", "right"]], hide_index=True,
                width="stretch", on_select="rerun", selection_mode="multi-row",
                key="search_table",
                column_config={"left": st.column_config.TextColumn(width="large"),
                               "right": st.column_config.TextColumn(width="large")})
            selected = list(event.selection.rows) if event and event.selection else []
            counts = project.search_counts(hits)
            with st.expander("Hits per group and per document"):
                st.dataframe(counts.by_group, hide_index=True)
                st.dataframe(counts.by_document, hide_index=True)
            st.subheader("Code the hits")
            codable = code_options(project)
            a1, a2 = st.columns([3, 1])
            code_label = a1.selectbox("Code", list(codable), key="autocode_code")
            level = a2.radio("Level", ["segment", "turn"], horizontal=True,
                             help="segment: the sentence with the hit; turn: the speaker's "
                                  "whole turn.")
            q, m, f = st.session_state["search_args"]
            preview = attempt(lambda: project.autocode_preview(q, codable[code_label],
                                                               coder=coder(), level=level,
                                                               mode=m, **f))
            if preview:
                st.caption(f"Coding all hits would make {preview['new']} coding(s); "
                           f"{preview['existing']} already exist. One Undo reverses it.")
            b1, b2, b3 = st.columns(3)
            if b1.button("Code all hits", type="primary") and act(
                    lambda: project.code_hits(hits, codable[code_label], coder=coder(),
                                              level=level), "Hits coded (Undo on the Code page "
                                                            "reverses it)."):
                st.rerun()
            if b2.button(f"Code {len(selected)} selected", disabled=not selected) and act(
                    lambda: project.code_hits(hits, codable[code_label], coder=coder(),
                                              level=level, select=selected),
                    "Selected hits coded."):
                st.rerun()
            with b3.popover("Save this search"):
                name = st.text_input("Name", key="save_name")
                if st.button("Save", disabled=not name.strip()) and act(
                        lambda: project.save_search(name.strip(), q, mode=m, overwrite=True, **f),
                        f"Saved search '{name.strip()}'."):
                    st.rerun()

with saved_tab:
    saved = project.saved_searches()
    if saved.empty:
        st.info("No saved searches yet: run a search and save it.")
    else:
        st.dataframe(saved, hide_index=True, width="stretch")
        name = st.selectbox("Saved search", saved["name"].tolist())
        c1, c2 = st.columns(2)
        if c1.button("Run it again"):
            hits = attempt(lambda: project.run_saved_search(name))
            if hits is not None:
                row = saved.set_index("name").loc[name]
                st.session_state["search_hits"] = hits
                st.session_state["search_args"] = (row["query"], row["mode"],
                                                   dict(row.get("options") or {}))
                st.success(f"{len(hits)} hit(s): see Find and code.")
        if c2.button("Delete") and act(lambda: project.delete_saved_search(name),
                                       f"Deleted '{name}'."):
            st.rerun()

with words_tab:
    attributes = [c for c in project.respondents().columns
                  if c not in ("id", "label", "trial", "members", "attributes")]
    c1, c2, c3 = st.columns(3)
    by = c1.selectbox("Compare by", ["(all respondents)", *attributes])
    n = c2.number_input("Words", 10, 200, 25)
    stop = c3.text_input("Also leave out (comma-separated)")
    extra = [w.strip().lower() for w in stop.split(",") if w.strip()]
    by_arg = None if by.startswith("(") else by
    freq = attempt(lambda: project.word_frequencies(by=by_arg, n=int(n), stop_words=extra))
    if freq is not None and not freq.empty:
        colour = alt.Color(f"{by_arg}:N", title=by_arg) if by_arg else alt.value("#4C78A8")
        chart = alt.Chart(freq).mark_bar().encode(
            x=alt.X("per_10k:Q", title="Uses per 10,000 words"),
            y=alt.Y("word:N", sort="-x", title=None),
            color=colour,
            tooltip=["word", "count", "per_10k", *( [by_arg] if by_arg else [])],
        ).properties(title=f"Most frequent content words{' by ' + by_arg if by_arg else ''}",
                     height=max(300, 14 * min(len(freq), 60)))
        if by_arg:
            chart = chart.encode(yOffset=f"{by_arg}:N")
        st.altair_chart(chart, width="stretch")
        st.dataframe(freq, hide_index=True, width="stretch")
        if by_arg:
            key = attempt(lambda: project.keyness(by=by_arg, n=10, stop_words=extra))
            if key is not None and not key.empty:
                st.subheader(f"Words characteristic of each {by_arg}")
                st.caption("Log-likelihood G2 against all other respondents; sign + means "
                           "used more than the rest, - less. Counts and rates per 10,000 words "
                           "show the size of the difference.")
                st.dataframe(key, hide_index=True, width="stretch")
    elif freq is not None:
        st.info("No words to count yet: import interviews first.")

