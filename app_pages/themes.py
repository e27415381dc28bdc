"""Themes page: the code network, candidate themes, the theme builder, links, the theme map."""

from __future__ import annotations

import io
from functools import partial
from typing import Any

import networkx as nx
import streamlit as st

from app_pages.common import attempt, code_options, flash, md, require_project, show_flash
from qualcode.ingest.respondents import GROUPS
from qualcode.themes import charts
from qualcode.themes.cooccurrence import LEVELS, MEASURES, write_graph
from qualcode.themes.frame import VALENCE_NAMES, code_names

st.title("Themes")
project = require_project()
show_flash()
st.caption("Which codes go together, which of them make a theme, and how the themes link. "
           "Nothing here changes a coding.")

book = project.codebook()
names = code_names(book)
research_questions = sorted(str(r) for r in book["rq"].dropna().unique() if str(r))
has_codings = bool(project.info()["codings"])


def _delete_theme(theme_id: int) -> bool:
    """Delete a theme; True once done (so attempt() tells success from an error)."""
    project.delete_theme(theme_id)
    return True


def _graph_file(graph: nx.Graph, fmt: str) -> bytes:
    """The graph as GraphML or GEXF bytes, for a download button."""
    buffer = io.BytesIO()
    write_graph(graph, buffer, format=fmt)
    return buffer.getvalue()


# -- the code co-occurrence network ---------------------------------------------------------
st.subheader("Code network")
level = "segment"
graph: nx.Graph | None = None
if not has_codings:
    st.info("No codings yet: code some segments on the Code page, then come back to see "
            "which codes go together. You can already build themes from the codebook below.")
else:
    row = st.columns(4)
    rq = row[0].selectbox("Research question", ["All", *research_questions], key="net_rq")
    groups = row[1].multiselect("Respondent groups", list(GROUPS), key="net_groups",
                                format_func=lambda g: g.replace("_", " "),
                                placeholder="All groups")
    valences = row[2].multiselect("Valence", list(VALENCE_NAMES), key="net_valence",
                                  format_func=lambda v: f"{v} {VALENCE_NAMES[v]}",
                                  placeholder="All valences")
    min_count = row[3].number_input("Minimum count", min_value=1, value=1, step=1,
                                    key="net_min_count",
                                    help="Links with fewer co-occurrences are hidden.")
    row = st.columns(4)
    level = row[0].selectbox(
        "Level", list(LEVELS), key="net_level",
        help="segment: overlapping coded spans; document: codes in the same document; "
             "respondent: codes used by the same respondent.")
    measure = row[1].selectbox(
        "Measure", list(MEASURES), key="net_measure",
        help="count: co-occurrences; jaccard / c: count relative to both codes' units "
             "(0 to 1 at document and respondent level).")
    colour_by = row[2].radio("Colour by", ["community", "rq"], horizontal=True,
                             key="net_colour",
                             format_func={"community": "community",
                                          "rq": "research question"}.get)
    include_trial = row[3].toggle("Include trial interviews", value=True, key="net_trial")
    labels = row[3].toggle("Show code names", value=True, key="net_labels")

    filters: dict[str, Any] = {"rq": None if rq == "All" else rq, "group": groups or None,
                               "valence": valences or None, "include_trial": include_trial}
    graph = attempt(lambda: project.cooccurrence_graph(
        level=level, measure=measure, min_count=int(min_count), **filters))
    if graph is not None and graph.number_of_nodes() == 0:
        st.info("No codings match these filters: widen the selection.")
        graph = None
    if graph is not None:
        nodes, edges = charts.network_frames(graph)
        st.altair_chart(charts.code_network_chart(nodes, edges, colour_by=colour_by,
                                                  labels=labels, level=level,
                                                  measure=measure),
                        width="stretch", key="code_network")
        if edges.empty:
            st.caption(f"No two codes co-occur at least {int(min_count)} time(s) at the "
                       f"{level} level: lower the minimum count or widen the filters.")

        left, right = st.columns([3, 1])
        with left:
            st.markdown("**Candidate themes** (Louvain communities of the network)")
            candidates = charts.community_table(graph)
            if candidates.empty:
                st.caption("No community has two or more codes yet: code more, or lower the "
                           "minimum count.")
            for candidate in candidates.itertuples():
                codes_key = "|".join(candidate.codes)
                with st.container(border=True):
                    rq_text = f" · {candidate.rq}" if candidate.rq else ""
                    st.markdown(f"**Community {candidate.community}**{md(rq_text)} · "
                                f"{candidate.codings} codings")
                    st.markdown(md(candidate.names))
                    c1, c2 = st.columns([3, 1], vertical_alignment="bottom")
                    theme_name = c1.text_input("Theme name", value=candidate.suggested_name,
                                               key=f"community_name_{codes_key}")
                    if c2.button("Save as theme", key=f"save_community_{codes_key}"):
                        saved = attempt(partial(
                            project.save_theme, theme_name, list(candidate.codes),
                            rq=candidate.rq or None,
                            description=f"From co-occurrence community {candidate.community} "
                                        f"({level} level)."))
                        if saved is not None:
                            flash(f"Saved theme '{md(theme_name.strip())}' "
                                  f"({len(candidate.codes)} codes).")
                            st.rerun()
        with right:
            st.markdown("**Download the code network**")
            st.caption("For Gephi, Cytoscape or yEd; node attributes name, rq, codings, "
                       "community; edge attributes weight, count.")
            for fmt, label in (("graphml", "GraphML"), ("gexf", "GEXF")):
                data = attempt(partial(_graph_file, graph, fmt))
                if data is not None:
                    st.download_button(f"Download {label}", data=data,
                                       file_name=f"code_network_{level}.{fmt}",
                                       mime="application/xml", key=f"download_{fmt}",
                                       on_click="ignore")

# -- the theme builder --------------------------------------------------------------------
st.subheader("Theme builder")
themes = project.themes()
left, right = st.columns([2, 3])
with left:
    options = code_options(project)
    with st.form("theme_form", clear_on_submit=True):
        name = st.text_input("Theme name", key="theme_name",
                             help="Saving under an existing name replaces that theme's codes "
                                  "and notes.")
        theme_rq = st.selectbox("Research question", ["(none)", *research_questions],
                                key="theme_rq")
        description = st.text_area("Description", height=80, key="theme_description")
        picked = st.multiselect("Codes (type to search)", list(options), key="theme_codes")
        save_clicked = st.form_submit_button("Save theme", type="primary")
    if save_clicked:
        if not name.strip():
            st.warning("Give the theme a name.")
        elif not picked:
            st.warning("Choose at least one code for the theme.")
        else:
            saved = attempt(lambda: project.save_theme(
                name, [options[p] for p in picked],
                rq=None if theme_rq == "(none)" else theme_rq, description=description))
            if saved is not None:
                flash(f"Saved theme '{md(name.strip())}' ({len(picked)} codes).")
                st.rerun()
with right:
    if themes.empty:
        st.info("No themes yet: save a candidate theme above or build one here.")
    for theme in themes.itertuples():
        with st.container(border=True):
            c1, c2 = st.columns([5, 1])
            rq_text = f" · {theme.rq}" if isinstance(theme.rq, str) and theme.rq else ""
            c1.markdown(f"**{md(theme.name)}**{md(rq_text)} · {len(theme.codes)} code(s)")
            if isinstance(theme.description, str) and theme.description:
                c1.caption(md(theme.description))
            c1.markdown(md(", ".join(names.get(c, c) for c in theme.codes)) or "(no codes)")
            if st.session_state.get("confirm_delete_theme") == theme.id:
                st.warning(f"Delete the theme '{md(theme.name)}' and its links? Its codes "
                           "and codings stay.")
                d1, d2 = st.columns(2)
                if d1.button("Yes, delete", key=f"confirm_delete_{theme.id}", type="primary"):
                    st.session_state.pop("confirm_delete_theme", None)
                    if attempt(partial(_delete_theme, int(theme.id))):
                        flash(f"Deleted theme '{md(theme.name)}'.")
                        st.rerun()
                if d2.button("Cancel", key=f"cancel_delete_{theme.id}"):
                    st.session_state.pop("confirm_delete_theme", None)
                    st.rerun()
            elif c2.button("Delete", key=f"delete_theme_{theme.id}"):
                st.session_state["confirm_delete_theme"] = theme.id
                st.rerun()

# -- links between themes -----------------------------------------------------------------
st.subheader("Links between themes")
links = project.theme_links()
left, right = st.columns([2, 3])
with left:
    if len(themes) < 2:
        st.info("Save two themes to link them.")
    else:
        theme_names = themes["name"].tolist()
        with st.form("link_form", clear_on_submit=True):
            first = st.selectbox("Theme", theme_names, key="link_first")
            second = st.selectbox("linked with", theme_names, index=1, key="link_second")
            note = st.text_area("Note: what links them", height=80, key="link_note")
            link_clicked = st.form_submit_button("Save link", type="primary")
        if link_clicked:
            linked = attempt(lambda: project.link_themes(first, second, note.strip()))
            if linked is not None:
                flash(f"Linked '{md(first)}' and '{md(second)}'.")
                st.rerun()
with right:
    if links.empty:
        st.caption("No links yet. Linking the same two themes again replaces the note.")
    else:
        st.dataframe(links, hide_index=True, width="stretch", key="links_table",
                     column_config={"source": "Theme", "target": "linked with",
                                    "note": st.column_config.TextColumn("Note", width="large")})

# -- the theme network --------------------------------------------------------------------
st.subheader("Theme network")
if themes.empty:
    st.info("The theme network appears once there is a theme.")
else:
    theme_graph = attempt(lambda: project.theme_network(level=level))
    if theme_graph is not None:
        theme_nodes, theme_edges = charts.network_frames(theme_graph)
        st.altair_chart(charts.theme_network_chart(theme_nodes, theme_edges),
                        width="stretch", key="theme_network")
        st.caption(f"Co-occurrence of the themes' codes at the {level} level, summed over "
                   "pairs of codes; the analyst's links carry their notes.")
