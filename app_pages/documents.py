"""Documents page: the imported documents and the segments of the one chosen."""

import streamlit as st

from app_pages.common import require_project

st.title("Documents")
project = require_project()

documents = project.documents(with_text=False)
if documents.empty:
    st.info("No documents yet: import transcripts on the Project page or with `qualcode import`.")
    st.stop()

st.dataframe(documents.drop(columns=["sha256", "metadata"]), hide_index=True)

titles = {f"{row.label or '-'} - {row.title} ({row.kind})": row.id
          for row in documents.itertuples()}
choice = st.selectbox("Document", list(titles))
segments = project.segments(titles[choice])
st.caption(f"{len(segments)} segments")
st.dataframe(
    segments[["locator", "speaker", "is_interviewer", "question", "page", "text"]],
    hide_index=True,
    column_config={"text": st.column_config.TextColumn("text", width="large")},
)
