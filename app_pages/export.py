"""Export page: the Word report, tables, codebook files and REFI-QDA project exchange."""

from __future__ import annotations

import io

import streamlit as st

from app_pages.common import attempt, code_options, require_project, show_flash
from qualcode.coding.apply import VALENCES
from qualcode.coding.codebook_io import write_codebook
from qualcode.export.tables import write_csv, write_xlsx
from qualcode.ingest.respondents import GROUPS

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

st.title("Export")
project = require_project()
show_flash()

report_tab, tables_tab, exchange_tab = st.tabs(["Word report", "Tables", "Exchange"])

with report_tab:
    st.write("Coded extracts grouped by research question, theme and code, each quote with "
             "its respondent group and reference, ready for a findings chapter.")
    codes = code_options(project, codable_only=False)
    picked = st.multiselect("Codes (none: all)", list(codes), key="report_codes")
    c1, c2, c3 = st.columns(3)
    groups = c1.multiselect("Respondent groups", list(GROUPS), key="report_groups")
    valence = c2.multiselect("Marks", list(VALENCES), key="report_valence")
    sort = c3.radio("Order extracts by", ["document", "group"], horizontal=True)
    coders = st.multiselect("Coders (none: all)", project.coders(), key="report_coders")
    d1, d2, d3 = st.columns(3)
    interviewer = d1.checkbox("Include interviewer turns", value=False)
    by_theme = d2.checkbox("Group codes under themes", value=bool(len(project.themes())))
    figure_kind = d3.selectbox("Figure", ["code network", "theme network", "none"])
    tables_wanted = st.multiselect(
        "Tables", ["Codings per group", "Positive against negative per group",
                   "Top five concerns", "Top five areas of progress"],
        default=["Codings per group", "Positive against negative per group"])
    if st.button("Build the Word report", type="primary"):
        with st.spinner("Writing the report..."):
            def build() -> tuple[bytes, int]:
                tables = {}
                if "Codings per group" in tables_wanted:
                    tables["Codings per code and group"] = project.breakdown()
                if "Positive against negative per group" in tables_wanted:
                    tables["Positive against negative per group"] = project.valence_by_group()
                if "Top five concerns" in tables_wanted:
                    tables["Top five concerns"] = project.top_codes(valence="-", by="rq")
                if "Top five areas of progress" in tables_wanted:
                    tables["Top five areas of progress"] = project.top_codes(valence="+",
                                                                             by="rq")
                figure = None
                if figure_kind != "none":
                    figure = project.network_figure(
                        "themes" if figure_kind == "theme network" else "codes")
                buffer = io.BytesIO()
                n = project.export_report(
                    buffer, [codes[p] for p in picked] or None, groups=groups or None,
                    valence=valence or None, coder=coders or None, sort=sort,
                    interviewer=interviewer,
                    by_theme=by_theme, tables=tables, figure=figure,
                    figure_caption=f"The {figure_kind}")
                return buffer.getvalue(), n
            built = attempt(build)
        if built is not None:
            st.session_state["report"] = built
    if "report" in st.session_state:
        data, n = st.session_state["report"]
        st.success(f"The report holds {n} extract(s).")
        st.download_button("Download the Word report", data, "qualcode_report.docx", DOCX)

with tables_tab:
    st.write("Every table is UTF-8 with a header row; cells that start like a formula "
             "(=, +, -, @) are written as text so a spreadsheet never runs them.")
    sheets = {
        "Extracts": project.extracts(),
        "Codebook": project.codebook(),
        "Respondents": project.respondents().drop(columns=["attributes"]),
    }
    extra = attempt(lambda: {"Breakdown by group": project.breakdown(),
                             "Valence by group": project.valence_by_group()})
    if extra and not sheets["Extracts"].empty:
        sheets.update(extra)
    workbook = io.BytesIO()
    write_xlsx(sheets, workbook)
    st.download_button("Download all tables (XLSX)", workbook.getvalue(),
                       "qualcode_tables.xlsx", XLSX)
    cols = st.columns(len(sheets))
    for col, (name, frame) in zip(cols, sheets.items()):
        buffer = io.BytesIO()
        write_csv(frame, buffer)
        col.download_button(f"{name} (CSV)", buffer.getvalue(),
                            f"{name.lower().replace(' ', '_')}.csv", "text/csv")

with exchange_tab:
    st.subheader("Codebook")
    book = project.codebook_object()
    cols = st.columns(3)
    for col, fmt in zip(cols, ("yaml", "csv", "qdc")):
        buffer = io.BytesIO()
        write_codebook(book, buffer, format=fmt)
        col.download_button(f"Codebook .{fmt}", buffer.getvalue(), f"codebook.{fmt}")
    st.subheader("REFI-QDA project (.qdpx)")
    st.caption("For NVivo, ATLAS.ti, MAXQDA and QualCoder: every document, respondent, code, "
               "coding, memo and Issue.")
    if st.button("Build the .qdpx file"):
        buffer = io.BytesIO()
        counts = attempt(lambda: project.export_qdpx(buffer))
        if counts is not None:
            st.session_state["qdpx"] = buffer.getvalue()
    if "qdpx" in st.session_state:
        st.download_button("Download the .qdpx file", st.session_state["qdpx"],
                           f"{project.name}.qdpx", "application/zip")
    upload = st.file_uploader("Import a .qdpx project into this one", type=["qdpx"])
    if upload is not None and st.button("Import it"):
        counts = attempt(lambda: project.import_qdpx(io.BytesIO(upload.getvalue())))
        if counts is not None:
            st.success("Imported: " + ", ".join(f"{v} {k}" for k, v in counts.items()))
