"""Codebook page: the code tree with counts, edits with confirmations, files, audit log."""

from __future__ import annotations

import io

import streamlit as st

from app_pages.common import act, attempt, code_options, flash, require_project, show_flash, text
from qualcode.coding.codebook_io import write_codebook

st.title("Codebook")
project = require_project()
show_flash()

tree = project.codebook_tree()
if tree.empty:
    st.info("The codebook is empty: import a codebook file below or add codes.")
else:
    shown = tree.assign(code=tree["depth"].map(lambda d: "\u2003" * int(d)) + tree["name"])
    st.dataframe(
        shown[["code", "id", "rq", "codings", "codings_total", "origin", "archived", "codable"]],
        hide_index=True, width="stretch", height=min(600, 38 + 35 * len(shown)),
        column_config={"codings": st.column_config.NumberColumn("codings", help="own codings"),
                       "codings_total": st.column_config.NumberColumn(
                           "with sub-codes", help="codings of this code and all under it")})

all_codes = code_options(project, codable_only=False)
codable = code_options(project)
counts = dict(zip(tree["id"], tree["codings"])) if not tree.empty else {}
reason_help = "Optional: why (goes into the audit log)."


def _named(upload: object) -> io.BytesIO:
    buffer = io.BytesIO(upload.getvalue())  # type: ignore[attr-defined]
    buffer.name = upload.name  # type: ignore[attr-defined]
    return buffer


def confirm(key: str, message: str, action_label: str, action: object, success: str) -> None:
    """A confirmation panel for an edit chosen earlier (kept in session state)."""
    st.warning(message)
    c1, c2 = st.columns(2)
    if c1.button(action_label, type="primary", key=f"{key}_yes"):
        st.session_state.pop(key, None)
        if act(action, success):  # type: ignore[arg-type]
            st.rerun()
    if c2.button("Cancel", key=f"{key}_no"):
        st.session_state.pop(key, None)
        st.rerun()


tabs = st.tabs(["Add", "Edit", "Rename / move", "Merge", "Split", "Archive / delete",
                "Files", "Audit log"])

with tabs[0], st.form("add_code", clear_on_submit=True):
    c1, c2 = st.columns(2)
    new_id = c1.text_input("Id (lower case, e.g. joint_training)")
    new_name = c2.text_input("Name")
    parent = st.selectbox("Under", ["(top level)", *all_codes])
    origin = st.radio("Origin", ["emergent", "a_priori"], horizontal=True,
                      format_func=lambda o: o.replace("_", " "))
    note = st.text_input("Why was it created? (required for emergent codes)")
    description = st.text_area("Description", height=68)
    keywords = st.text_input("Keywords, separated by ;")
    colour = st.color_picker("Colour", "#888888")
    if st.form_submit_button("Add code", type="primary") and act(
            lambda: project.add_code(
                new_id.strip(), new_name.strip(),
                parent_id=None if parent == "(top level)" else all_codes[parent], origin=origin,
                origin_note=note, description=description, keywords=keywords, colour=colour),
            f"Added {new_id}."):
        st.rerun()

with tabs[1]:
    if all_codes:
        pick = st.selectbox("Code", list(all_codes), key="edit_pick")
        row = project.codebook().set_index("id").loc[all_codes[pick]]
        with st.form("edit_code"):
            description = st.text_area("Description", text(row["description"]))
            include = st.text_area("Include when", text(row["include"]))
            exclude = st.text_area("Exclude when", text(row["exclude"]))
            example = st.text_area("Example", text(row["example"]))
            keywords = st.text_input("Keywords, separated by ;", "; ".join(row["keywords"] or []))
            colour = st.color_picker("Colour", text(row["colour"]) or "#888888")
            reason = st.text_input("Reason", help=reason_help)
            if st.form_submit_button("Save", type="primary") and act(
                    lambda: project.update_code(
                        all_codes[pick], reason=reason or None, description=description,
                        include=include, exclude=exclude, example=example, keywords=keywords,
                        colour=colour), "Saved."):
                st.rerun()

with tabs[2]:
    if all_codes:
        pick = st.selectbox("Code", list(all_codes), key="rename_pick")
        c1, c2 = st.columns(2)
        with c1.form("rename"):
            name = st.text_input("New name")
            reason = st.text_input("Reason", help=reason_help, key="rename_reason")
            if st.form_submit_button("Rename") and name.strip() and act(
                    lambda: project.rename_code(all_codes[pick], name.strip(),
                                                reason=reason or None),
                    "Renamed: the id, GUID and codings stay."):
                st.rerun()
        with c2.form("move"):
            parent = st.selectbox("Move under", ["(top level)", *all_codes])
            reason = st.text_input("Reason", help=reason_help, key="move_reason")
            if st.form_submit_button("Move") and act(
                    lambda: project.move_code(
                        all_codes[pick], None if parent == "(top level)" else all_codes[parent],
                        reason=reason or None), "Moved."):
                st.rerun()

with tabs[3]:
    if len(codable) > 1:
        source = st.selectbox("Merge this code", list(all_codes), key="merge_source")
        target = st.selectbox("into", list(codable), key="merge_target")
        reason = st.text_input("Reason", help=reason_help, key="merge_reason")
        if st.button("Merge..."):
            st.session_state["pending_merge"] = (all_codes[source], codable[target], reason)
        if "pending_merge" in st.session_state:
            src, dst, why = st.session_state["pending_merge"]
            confirm("pending_merge",
                    f"{src} has {counts.get(src, 0)} coding(s). They all move to {dst}; a "
                    f"coding that duplicates one {dst} already has on the same span by the "
                    f"same coder collapses into it. Codes under {src} move under {dst}, and "
                    f"{src} is removed. Nothing is lost.",
                    "Merge", lambda: project.merge_codes(src, dst, reason=why or None),
                    f"Merged {src} into {dst}.")

with tabs[4]:
    if codable:
        pick = st.selectbox("Split this code", list(codable), key="split_pick")
        extracts = project.comments(codable[pick])
        if extracts.empty:
            st.info("This code has no codings to split off.")
        else:
            labels = {f"{r.locator} · {r.text[:90]} (coding {r.id})": int(r.id)
                      for r in extracts.itertuples()}
            chosen_labels = st.multiselect("Codings that move to the new code", list(labels))
            chosen = [labels[c] for c in chosen_labels]
            c1, c2 = st.columns(2)
            new_id = c1.text_input("New code id", key="split_id")
            new_name = c2.text_input("New code name", key="split_name")
            reason = st.text_input("Why split?", key="split_reason")
            if st.button("Split", disabled=not (chosen and new_id and new_name)):
                moved = attempt(lambda: project.split_code(codable[pick], new_id.strip(),
                                                           new_name.strip(), chosen,
                                                           reason=reason or None))
                if moved is not None:
                    flash(f"{moved} coding(s) moved to {new_id}.")
                    st.rerun()

with tabs[5]:
    if all_codes:
        pick = st.selectbox("Code", list(all_codes), key="archive_pick")
        code_id = all_codes[pick]
        reason = st.text_input("Reason", help=reason_help, key="archive_reason")
        archived = bool(project.codebook().set_index("id").loc[code_id, "archived"])
        c1, c2 = st.columns(2)
        if c1.button("Restore" if archived else "Archive") and act(
                lambda: project.archive_code(code_id, archived=not archived,
                                             reason=reason or None),
                "Restored." if archived else "Archived: its codings are kept, and it is no "
                "longer offered for coding."):
            st.rerun()
        if c2.button("Delete..."):
            st.session_state["pending_delete"] = (code_id, reason)
        if "pending_delete" in st.session_state:
            victim, why = st.session_state["pending_delete"]
            confirm("pending_delete",
                    f"Delete {victim}? This is only possible while it has no codings, Issues "
                    "or codes under it; otherwise merge or archive it instead.",
                    "Delete", lambda: project.delete_code(victim, reason=why or None),
                    f"Deleted {victim}.")

with tabs[6]:
    upload = st.file_uploader("Import a codebook (.yaml, .csv or .qdc): new codes are added, "
                              "codes with the same id updated, none removed",
                              type=["yaml", "yml", "csv", "qdc"])
    if upload is not None and st.button("Import codebook"):
        counts_in = attempt(lambda: project.load_codebook(_named(upload)))
        if counts_in:
            flash(f"Codebook: {counts_in['added']} added, {counts_in['updated']} updated, "
                  f"{counts_in['unchanged']} unchanged.")
            st.rerun()
    book = project.codebook_object()
    for fmt, mime in (("yaml", "text/yaml"), ("csv", "text/csv"), ("qdc", "application/xml")):
        buffer = io.BytesIO()
        write_codebook(book, buffer, format=fmt)
        st.download_button(f"Download .{fmt}", buffer.getvalue(), file_name=f"codebook.{fmt}",
                           mime=mime, key=f"dl_{fmt}")

with tabs[7]:
    log = project.audit()
    if log.empty:
        st.info("No changes yet.")
    else:
        st.dataframe(log.iloc[::-1][["at", "coder", "action", "entity", "entity_id", "reason",
                                     "before", "after"]].head(500), hide_index=True,
                     width="stretch")
