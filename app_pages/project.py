"""Project page: which project is open, what it holds, its respondents."""

import streamlit as st

from app_pages.common import chosen_project, current_project
from qualcode import QualcodeError
from qualcode.demo import build_demo

st.title("Project")

project = current_project()
if project is None:
    st.write("Open a project file (or a database URL), or start from the demo study.")
    path = st.text_input("Project file or database URL", key="project_input")
    left, right = st.columns(2)
    if left.button("Open project", disabled=not path):
        st.session_state["project_path"] = path
        st.rerun()
    if right.button("Open the demo study"):
        try:
            with st.spinner("Building the demo study..."):
                demo = build_demo("demo_project")
            st.session_state["project_path"] = str(demo.engine.url.database)
            demo.close()
            st.rerun()
        except QualcodeError as exc:
            st.error(str(exc))
    st.stop()

st.caption(f"Open: {chosen_project()}")
info = project.info()
cols = st.columns(5)
for col, (label, key) in zip(
    cols,
    [("Respondents", "respondents"), ("Documents", "documents"), ("Segments", "segments"),
     ("Codes", "codes"), ("Codings", "codings")],
):
    col.metric(label, info[key])

st.subheader("Respondents")
st.dataframe(project.respondents().drop(columns=["attributes"]), hide_index=True)
