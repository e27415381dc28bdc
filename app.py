"""qualcode workspace: Streamlit entry point. Navigation only; pages live in app_pages/.

Run: streamlit run app.py -- --project PATH_OR_URL   (or set QUALCODE_PROJECT)
"""

import streamlit as st

st.set_page_config(page_title="qualcode", page_icon=":material/format_quote:", layout="wide")

pages = [
    st.Page("app_pages/project.py", title="Project", icon=":material/folder_open:", default=True),
    st.Page("app_pages/code.py", title="Code", icon=":material/edit_note:"),
    st.Page("app_pages/codebook.py", title="Codebook", icon=":material/account_tree:"),
    st.Page("app_pages/extracts.py", title="Extracts", icon=":material/format_quote:"),
    st.Page("app_pages/review.py", title="Review", icon=":material/checklist:"),
]
st.navigation(pages).run()
