"""Code page: read a document as segments (or walk the suggested queue), select one or a
range, apply codes with marks, and accept or reject suggestions."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from app_pages.common import (
    attempt,
    code_options,
    coder,
    flash,
    md,
    require_project,
    show_flash,
    text,
)
from qualcode.coding.apply import DIMENSIONS, FLAGS

st.title("Code")
project = require_project()
show_flash()

documents = project.document_list()
if documents.empty:
    st.info("No documents yet: import transcripts on the Project page.")
    st.stop()

mode = st.radio("Mode", ["Read a document", "Next to code"], horizontal=True,
                key="code_mode", label_visibility="collapsed",
                help="Next to code walks the uncoded segments in the order that improves "
                     "suggestions fastest.")
top = st.columns([3, 1, 1, 1])
if top[2].button("Undo", help="Undo your last coding action"):
    done = attempt(project.undo)
    flash(f"Undone: {done}" if done else "Nothing to undo.")
    st.rerun()
if top[3].button("Redo", help="Redo what you last undid"):
    done = attempt(project.redo)
    flash(f"Redone: {done}" if done else "Nothing to redo.")
    st.rerun()

if mode == "Read a document":
    labels = {int(r.id): f"{text(r.label) or '-'} · {r.title} ({r.kind.replace('_', ' ')}, "
                         f"{r.codings} codings)" for r in documents.itertuples()}
    document_id = top[0].selectbox("Document", list(labels), format_func=labels.get,
                                   key="code_document")
    only_uncoded = top[1].toggle("Only uncoded", key="only_uncoded",
                                 help="Show only respondent segments no coding touches yet.")
    page_key = f"page_{document_id}_{only_uncoded}"
    view = project.document_page(int(document_id), page=st.session_state.get(page_key, 1),
                                 only_uncoded=only_uncoded)
    if view.pages > 1:
        st.number_input(f"Page (of {view.pages}, {view.total} segments)", min_value=1,
                        max_value=view.pages, key=page_key)
    segments = view.segments
    table_key = f"segments_{document_id}"
    if segments.empty:
        st.success("Every respondent segment of this document is coded." if only_uncoded
                   else "This document has no segments.")
        st.stop()
else:
    top[0].caption("Uncoded respondent segments, most useful to code first.")
    queue = attempt(lambda: project.next_to_code(30, wait=False))
    if queue is None or queue.empty:
        st.success("Nothing left to code: every respondent segment is coded.")
        st.stop()
    segments = pd.DataFrame({
        "id": queue["id"], "ordinal": range(len(queue)),
        "locator": queue["locator"], "speaker": queue["label"].fillna(""),
        "is_interviewer": False, "question": "", "text": queue["text"],
        "codes": [[] for _ in range(len(queue))], "code_names": [[] for _ in range(len(queue))],
        "colour": None})
    table_key = "segments_queue"

table = pd.DataFrame({
    "ref": segments["locator"],
    "speaker": segments["speaker"].fillna(""),
    "Q": segments["question"].fillna(""),
    "codes": segments["code_names"].map(lambda names: ", ".join(names)),
    "text": segments["text"],
})
if mode != "Read a document":  # the queue: uncoded segments from many documents
    table = table.drop(columns=["Q", "codes"]).rename(columns={"speaker": "respondent"})
colours = [text(c) for c in segments["colour"]]
interviewer = segments["is_interviewer"].tolist()


def _style(frame: pd.DataFrame) -> pd.DataFrame:
    styles = pd.DataFrame("", index=frame.index, columns=frame.columns)
    for i in range(len(frame)):
        if colours[i]:
            styles.iloc[i, frame.columns.get_loc("codes")] = (  # only in reading mode
                f"background-color: {colours[i]}33; border-left: 6px solid {colours[i]}")
        if interviewer[i]:
            styles.iloc[i, frame.columns.get_loc("text")] = "color: #666666; font-style: italic"
    return styles


if st.toggle("Read this page as text", key="read_as_text",
             help="The segments of this page as running text, with their references."):
    for row in segments.itertuples():
        who = f"**{md(row.speaker)}** " if text(row.speaker) else ""
        st.markdown(f"{md(row.locator)} · {who}{md(row.text)}")

left, right = st.columns([5, 2])
with left:
    event = st.dataframe(
        table.style.apply(_style, axis=None), hide_index=True, key=table_key,
        on_select="rerun", selection_mode="multi-row", height=600, width="stretch",
        row_height=56,
        column_config={"text": st.column_config.TextColumn("text", width=480),
                       "ref": st.column_config.TextColumn("ref", width="small"),
                       "speaker": st.column_config.TextColumn("speaker", width="small"),
                       "Q": st.column_config.TextColumn("Q", width=40),
                       "codes": st.column_config.TextColumn("codes", width="medium")})
rows = sorted(event.selection.rows) if event and event.selection else []

with right:
    if not rows:
        st.info("Select a segment (click its row) or several rows for a range.")
        st.stop()
    chosen = segments.iloc[rows]
    ids = [int(i) for i in chosen["id"]]
    if len(rows) > 1 and mode == "Read a document" and st.checkbox(
            "Code everything from the first to the last selected segment", value=True):
        ordinals = range(int(chosen["ordinal"].min()), int(chosen["ordinal"].max()) + 1)
        page_ordinals = dict(zip(segments["ordinal"], segments["id"]))
        ids = [int(page_ordinals[o]) for o in ordinals if o in page_ordinals]
    st.markdown(f"**{len(ids)} segment(s)** · {md(chosen['locator'].iloc[0])}")
    st.markdown(md(" ".join(chosen["text"].tolist())[:1200]))

    options = code_options(project)
    with st.form("apply_form", clear_on_submit=False):
        picked = st.multiselect("Codes (type to search)", list(options), key="pick_codes")
        valence = st.radio("Mark", ["+", "-", "0"], index=2, horizontal=True,
                           format_func={"+": "+ positive", "-": "- negative",
                                        "0": "0 neutral"}.get)
        flags = st.multiselect("Flags", list(FLAGS),
                               format_func=lambda f: f.replace("_", " "))
        dimension = st.selectbox("Dimension", ["(none)", *DIMENSIONS])
        memo = st.text_area("Memo", height=68)
        apply_clicked = st.form_submit_button("Apply codes", type="primary")
    if apply_clicked:
        if not picked:
            st.warning("Choose at least one code.")
        else:
            made = attempt(lambda: project.code(
                ids, [options[p] for p in picked], coder=coder(), valence=valence, flags=flags,
                dimension=None if dimension == "(none)" else dimension, memo=memo or None))
            if made is not None:
                flash(f"Applied {len(picked)} code(s): {len(made)} coding(s).")
                st.rerun()

    existing = project.codings_for_segments(ids)
    if not existing.empty:
        st.markdown("**Codings here**")
        for row in existing.itertuples():
            c1, c2 = st.columns([4, 1])
            flags_text = " ".join(f"[{f.replace('_', ' ')}]" for f in row.flags)
            c1.markdown(f"`{row.valence}` **{md(row.code_name)}** · {md(row.coder)} "
                        f"{md(flags_text)}")
            if c2.button("Remove", key=f"remove_{row.id}"):
                attempt(lambda cid=row.id: project.uncode(int(cid)))
                flash("Coding removed (Undo brings it back).")
                st.rerun()

    first = ids[0]
    suggestions = attempt(lambda: project.suggestions([first], wait=False))
    st.markdown("**Suggestions**")
    if suggestions is None or suggestions.empty:
        st.caption("No suggestion is confident enough for this segment.")
    else:
        stage = suggestions["stage"].iloc[0]
        st.caption("From your coding so far." if stage == "learned" else
                   "From the codebook's keywords and descriptions (suggestions learn from "
                   "your coding as it grows).")
        mark = project.suggest_valence([first])
        suggested_mark = mark["valence"].iloc[0] if not mark.empty else "0"
        for row in suggestions.itertuples():
            c1, c2, c3 = st.columns([4, 1, 1])
            c1.markdown(f"**{md(row.name)}** · {row.score:.0%}")
            c1.caption(md("; ".join(row.reasons)))
            if c2.button("Accept", key=f"accept_{first}_{row.code_id}",
                         help=f"Code it, marked {suggested_mark}"):
                done = attempt(lambda r=row: project.accept_suggestion(
                    first, r.code_id, valence=suggested_mark, score=r.score, coder=coder()))
                if done is not None:
                    flash(f"Accepted {row.name}.")
                    st.rerun()
            if c3.button("Reject", key=f"reject_{first}_{row.code_id}"):
                attempt(lambda r=row: project.reject_suggestion(first, r.code_id, r.score,
                                                                coder=coder()))
                flash(f"Rejected {row.name}: it will not be suggested here again.")
                st.rerun()
