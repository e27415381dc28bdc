"""Chart-ready frames and Altair charts for the analysis pages."""

from __future__ import annotations

import networkx as nx
import pandas as pd
import pytest

from qualcode.errors import QualcodeError
from qualcode.themes import charts
from qualcode.themes.builder import theme_network
from qualcode.themes.cooccurrence import cooccurrence_graph
from qualcode.themes.groups import breakdown, chi_square, valence_by_group
from qualcode.themes.matrix import overview_matrix
from tests.themes.helpers import CODEBOOK, codings_frame, respondents_frame


def two_clusters() -> pd.DataFrame:
    """funding+staffing together, training+transition together, one weak link, voice alone."""
    rows = []
    for doc in (10, 20, 30):
        rows += [(doc, 0, 10, "funding", "-"), (doc, 0, 10, "staffing", "-"),
                 (doc, 50, 60, "training", "+"), (doc, 50, 60, "transition", "+")]
    rows.append((50, 0, 10, "staffing", "-"))
    rows.append((50, 5, 15, "training", "+"))
    rows.append((30, 90, 99, "voice", "0"))
    return codings_frame(rows)


def layer_of(spec: dict, mark: str) -> dict:
    return next(layer for layer in spec["layer"] if layer["mark"]["type"] == mark)


def test_network_frames_place_every_node_the_same_way_every_time() -> None:
    graph = cooccurrence_graph(two_clusters(), codebook=CODEBOOK)
    nodes, edges = charts.network_frames(graph)
    again, _ = charts.network_frames(cooccurrence_graph(two_clusters(), codebook=CODEBOOK))

    pd.testing.assert_frame_equal(nodes, again)
    assert nodes["id"].tolist() == ["funding", "staffing", "training", "transition", "voice"]
    assert nodes["x"].between(-1, 1).all() and nodes["y"].between(-1, 1).all()
    staffing = nodes.set_index("id").loc["staffing"]
    assert staffing["name"] == "Staffing" and staffing["codings"] == 4
    assert staffing["degree"] == 2
    assert staffing["partners"] == "Funding (3); Training (1)"
    assert nodes.set_index("id").loc["voice", "partners"] == "none"
    assert len(edges) == graph.number_of_edges()


def test_edges_start_and_end_at_their_nodes() -> None:
    nodes, edges = charts.network_frames(cooccurrence_graph(two_clusters(), codebook=CODEBOOK))
    at = nodes.set_index("id")
    link = edges.set_index(["source", "target"]).loc[("funding", "staffing")]
    assert (link["x"], link["y"]) == (at.loc["funding", "x"], at.loc["funding", "y"])
    assert (link["x2"], link["y2"]) == (at.loc["staffing", "x"], at.loc["staffing", "y"])
    assert link["source_name"] == "Funding" and link["count"] == 3


def test_an_empty_graph_gives_empty_frames_and_a_drawable_chart() -> None:
    nodes, edges = charts.network_frames(nx.Graph())
    assert nodes.empty and edges.empty
    assert {"id", "x", "y"} <= set(nodes.columns)
    assert charts.code_network_chart(nodes, edges).to_dict()["layer"]


def test_code_network_chart_sizes_colours_and_explains_itself() -> None:
    nodes, edges = charts.network_frames(cooccurrence_graph(two_clusters(), codebook=CODEBOOK))
    spec = charts.code_network_chart(nodes, edges, level="document", measure="jaccard").to_dict()

    assert spec["title"]["text"] == "Code co-occurrence network (document level, jaccard)"
    circles = layer_of(spec, "circle")
    assert circles["encoding"]["size"]["field"] == "codings"
    assert circles["encoding"]["color"]["field"] == "community_label"
    assert {t["field"] for t in circles["encoding"]["tooltip"]} >= {"name", "codings",
                                                                    "partners"}
    assert layer_of(spec, "rule")["encoding"]["strokeWidth"]["field"] == "weight"
    assert layer_of(spec, "text")["encoding"]["text"]["field"] == "name"
    by_rq = charts.code_network_chart(nodes, edges, colour_by="rq", labels=False).to_dict()
    assert layer_of(by_rq, "circle")["encoding"]["color"]["title"] == "Research question"
    assert not any(layer["mark"]["type"] == "text" for layer in by_rq["layer"])
    with pytest.raises(QualcodeError, match="colour_by"):
        charts.code_network_chart(nodes, edges, colour_by="size")


def test_communities_become_candidate_themes() -> None:
    graph = cooccurrence_graph(two_clusters(), codebook=CODEBOOK)
    table = charts.community_table(graph)

    assert [sorted(c) for c in table["codes"]] == [["funding", "staffing"],
                                                   ["training", "transition"]]
    assert table["community"].tolist() == [1, 2]  # voice (alone) is left out
    first = table.iloc[0]
    assert first["rq"] == "RQ1" and first["codings"] == 7
    assert first["suggested_name"] == "Staffing & Funding"  # most coded first
    assert len(charts.community_table(graph, min_size=1)) == 3
    assert charts.community_table(cooccurrence_graph(two_clusters(), communities=False)).empty


def test_theme_network_chart_carries_the_analysts_notes() -> None:
    links = pd.DataFrame({"source": ["Money"], "target": ["Learning"],
                          "note": ["cuts end training"]})
    graph = theme_network(two_clusters(), {"Money": ["funding", "staffing"],
                                           "Learning": ["training", "transition"],
                                           "Voice": ["voice"]}, links)
    nodes, edges = charts.network_frames(graph)
    spec = charts.theme_network_chart(nodes, edges).to_dict()

    data = pd.DataFrame(spec["datasets"][layer_of(spec, "rule")["data"]["name"]])
    assert data["note"].tolist() == ["cuts end training"]
    assert data["kind"].tolist() == ["analyst's link"]
    assert "Note" in {t["title"] for t in layer_of(spec, "rule")["encoding"]["tooltip"]}


def test_breakdown_chart_states_the_denominators() -> None:
    frame = breakdown(two_clusters(), respondents=respondents_frame())
    spec = charts.breakdown_chart(frame, "group", codebook=CODEBOOK).to_dict()

    data = pd.DataFrame(spec["datasets"][spec["data"]["name"]])
    totals = charts.denominators(frame, "group").set_index("group")
    head = totals.loc["head_teacher"]
    assert f"head_teacher ({head['group_total']} codings, 2 respondents)" in set(
        data["group_label"])
    assert spec["encoding"]["x"]["field"] == "share_of_group"
    assert spec["encoding"]["y"]["title"] == "Code"
    assert "Funding" in set(data["code"])
    per_person = charts.breakdown_chart(frame, "group", "per_respondent", unit="segments",
                                        valence="-").to_dict()
    assert per_person["title"]["text"] == "Codings per respondent by group, per code"
    assert "negative coded segments" in per_person["title"]["subtitle"][0]
    with pytest.raises(QualcodeError, match="value"):
        charts.breakdown_chart(frame, "group", "n")


def test_denominators_one_row_per_group() -> None:
    frame = breakdown(two_clusters(), respondents=respondents_frame())
    table = charts.denominators(frame, "group")
    assert table["group"].tolist() == ["head_teacher", "teacher", "officer", "parent"]
    assert table.set_index("group").loc["head_teacher", "respondents"] == 2
    assert charts.denominators(frame.iloc[0:0], "group").empty


def test_valence_chart_and_residuals_chart_build() -> None:
    by_valence = valence_by_group(two_clusters())
    spec = charts.valence_chart(by_valence, "group").to_dict()
    data = pd.DataFrame(spec["datasets"][spec["data"]["name"]])
    assert set(data["valence"]) == {"positive", "negative", "neutral"}
    assert data["n"].sum() == by_valence["total"].sum()

    result = chi_square(two_clusters())
    heat = charts.residuals_chart(result.adjusted_residuals, result.table, CODEBOOK).to_dict()
    cells = pd.DataFrame(heat["datasets"][heat["data"]["name"]])
    assert len(cells) == result.table.size
    assert "Funding" in set(cells["code"])


def test_flatten_columns_of_the_overview_matrix() -> None:
    matrix = overview_matrix(two_clusters(), ["funding", "training"])
    flat = charts.flatten_columns(matrix)
    assert flat.columns.tolist()[:5] == ["respondent", "group", "setting_type", "funding +",
                                         "funding -"]
    assert "total 0" in flat.columns
    assert flat["respondent"].iloc[-1] == "total"
    named = charts.flatten_columns(matrix, CODEBOOK)
    assert "Funding -" in named.columns


def test_with_code_names_adds_a_name_column() -> None:
    frame = pd.DataFrame({"code_id": ["funding", "unknown"], "n": [1, 2]})
    out = charts.with_code_names(frame, CODEBOOK)
    assert out.columns.tolist() == ["code_id", "code", "n"]
    assert out["code"].tolist() == ["Funding", "unknown"]
