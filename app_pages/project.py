"""Project page: open or create a project, choose the coder, import files, respondents."""

from __future__ import annotations

import io

import streamlit as st

from app_pages.common import attempt, chosen_project, coder, current_project, show_flash
from qualcode import settings
from qualcode.demo import build_demo

st.title("Project")
show_flash()


def _open_form() -> None:
    st.write("Open a project file (created if it does not exist) or a database URL, "
             "or start from the demo study.")
    recent = settings.recent_projects()
    if recent:
        pick = st.selectbox("Recent projects", [""] + recent, key="recent_pick")
        if pick and st.button("Open recent project"):
            st.session_state["project_path"] = pick
            st.rerun()
    path = st.text_input("Project file or database URL", key="project_input",
                         placeholder="study.qualcode or postgresql+psycopg://user@host/db")
    left, right = st.columns(2)
    if left.button("Open project", disabled=not path, type="primary"):
        st.session_state["project_path"] = path
        settings.remember_project(path)
        st.rerun()
    if right.button("Open the demo study"):
        with st.spinner("Building the demo study..."):
            demo = attempt(lambda: build_demo("demo_project"))
        if demo is not None:
            path = str(demo.engine.url.database)
            demo.close()
            st.session_state["project_path"] = path
            settings.remember_project(path)
            st.rerun()


project = current_project()
if project is None:
    _open_form()
    st.stop()

with st.sidebar:
    name = st.text_input("Coder", value=coder(), help="Your name as it goes on your codings.")
    if name.strip() and name.strip() != coder():
        st.session_state["coder"] = name.strip()
        settings.save(coder=name.strip())
        st.rerun()
    if st.button("Open another project"):
        st.session_state.pop("project_path", None)
        st.rerun()

st.caption(f"Open: {chosen_project()} · coding as **{coder()}**")
info = project.info()
cols = st.columns(5)
for col, (label, key) in zip(cols, [("Respondents", "respondents"), ("Documents", "documents"),
                                     ("Segments", "segments"), ("Codes", "codes"),
                                     ("Codings", "codings")]):
    col.metric(label, info[key])

st.subheader("Import")
with st.form("import_form", clear_on_submit=True):
    uploads = st.file_uploader(
        "Transcripts, running records and other documents (.txt .md .docx .vtt .srt)",
        type=["txt", "md", "docx", "vtt", "srt"], accept_multiple_files=True)
    c1, c2 = st.columns(2)
    respondent = c1.text_input("Respondent for all files (optional)",
                               help="Otherwise taken from the file name (HT3_...) or a "
                                    "'Respondent:' header line.")
    kind = c2.selectbox("Kind", ["detect from the file", "transcript", "running_record",
                                 "observation", "document"])
    submitted = st.form_submit_button("Import files")
if submitted and uploads:
    bar = st.progress(0.0, text="Importing...")

    def progress(done: int, total: int, name: str) -> None:
        bar.progress(done / max(total, 1), text=f"{done}/{total} {name}")

    sources = [(io.BytesIO(u.getvalue()), u.name) for u in uploads]
    result = attempt(lambda: project.import_files(
        sources, respondent=respondent.strip() or None,
        kind=None if kind.startswith("detect") else kind, progress=progress))
    bar.empty()
    if result is not None:
        for r in result:
            st.success(f"{r.source}: {r.kind.replace('_', ' ')}, {len(r.document_ids)} "
                       f"document(s), {r.segments} segments ({', '.join(r.respondents) or '-'})")
    else:
        st.info("Nothing was imported: the project is as it was. Fix the file and try again.")

with st.expander("Respondents file (respondents.csv)"):
    st.write("Columns id, label, group, trial, members, then any attributes. Importing again "
             "updates attributes and touches nothing else.")
    csv_file = st.file_uploader("respondents.csv", type=["csv"], key="respondents_csv")
    if csv_file is not None and st.button("Import respondents"):
        counts = attempt(lambda: project.import_respondents(io.BytesIO(csv_file.getvalue())))
        if counts:
            st.success(f"{counts['added']} added, {counts['updated']} updated.")

st.subheader("Respondents")
respondents = project.respondents()
if respondents.empty:
    st.info("No respondents yet: import a respondents.csv above.")
else:
    table = respondents.drop(columns=["attributes"])
    edited = st.data_editor(table, hide_index=True, disabled=["id"], key="respondent_editor",
                            num_rows="fixed")
    if not edited.equals(table) and st.button("Save respondent changes", type="primary"):
        buffer = io.StringIO()
        out = edited.copy()
        out["trial"] = out["trial"].map(lambda v: "yes" if bool(v) else "no")
        out.to_csv(buffer, index=False)
        counts = attempt(lambda: project.import_respondents(
            io.BytesIO(buffer.getvalue().encode("utf-8"))))
        if counts:
            st.success(f"Saved: {counts['updated']} respondent(s) updated.")
            st.rerun()

documents = project.document_list()
st.subheader("Documents")
if documents.empty:
    st.info("No documents yet: import transcripts above.")
else:
    st.dataframe(documents, hide_index=True, width="stretch")
