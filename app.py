"""qualcode workspace: Streamlit entry point. Navigation only; pages live in app_pages/.

Run: streamlit run app.py -- --project PATH_OR_URL   (or set QUALCODE_PROJECT)
"""

import streamlit as st

st.set_page_config(page_title="qualcode", layout="wide")

pages = [
    st.Page("app_pages/project.py", title="Project", default=True),
    st.Page("app_pages/code.py", title="Code"),
    st.Page("app_pages/codebook.py", title="Codebook"),
    st.Page("app_pages/extracts.py", title="Extracts"),
    st.Page("app_pages/themes.py", title="Themes"),
    st.Page("app_pages/groups.py", title="Groups"),
    st.Page("app_pages/search.py", title="Search"),
    st.Page("app_pages/review.py", title="Review"),
    st.Page("app_pages/export.py", title="Export"),
]
st.navigation(pages).run()
