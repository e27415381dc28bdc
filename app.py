"""qualcode workspace: Streamlit entry point. Navigation only; pages live in app_pages/.

Run: streamlit run app.py -- --project PATH_OR_URL   (or set QUALCODE_PROJECT)
"""

import streamlit as st

st.set_page_config(page_title="qualcode", layout="wide")

pages = [
    st.Page("app_pages/project.py", title="Project", icon=":material/folder_open:", default=True),
    st.Page("app_pages/documents.py", title="Documents", icon=":material/description:"),
]
st.navigation(pages).run()
