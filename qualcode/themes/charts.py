"""Chart-ready frames and Altair charts for the analysis results (no rendering here).

The workspace pages draw what these functions return; nothing here imports streamlit,
and nothing fetches fonts, scripts or styles: an Altair chart is a Vega-Lite spec with
its data inline, drawn by the Vega bundled with the workspace.

- Networks (the code co-occurrence network, the theme network): :func:`network_frames`
  places the nodes with ``networkx.spring_layout`` and a fixed seed (the same picture on
  every run) and returns a node frame and an edge frame; :func:`code_network_chart` and
  :func:`theme_network_chart` draw them with hover tooltips; :func:`community_table`
  lists the Louvain communities as candidate themes.
- Group tables: :func:`breakdown_chart` (share of the group's codings or codings per
  respondent, with the denominators in the legend and the tooltips),
  :func:`denominators`, :func:`valence_chart`, :func:`residuals_chart`.
- Display frames: :func:`with_code_names` and :func:`flatten_columns` (the overview
  matrix's ``(code, valence)`` columns as ``"finance +"``).
"""

from __future__ import annotations

from typing import Any, Literal

import altair as alt
import networkx as nx
import numpy as np
import pandas as pd

from qualcode.errors import QualcodeError
from qualcode.themes.frame import VALENCE_NAMES, code_names, ordered

__all__ = [
    "BREAKDOWN_VALUES",
    "breakdown_chart",
    "code_network_chart",
    "community_table",
    "denominators",
    "flatten_columns",
    "network_frames",
    "residuals_chart",
    "theme_network_chart",
    "valence_chart",
    "with_code_names",
]

SEED = 42
"""Seed of the spring layout: the same network is drawn the same way every time."""

NODE_COLUMNS: tuple[str, ...] = ("id", "name", "x", "y", "degree", "partners")
EDGE_COLUMNS: tuple[str, ...] = ("source", "target", "source_name", "target_name",
                                 "x", "y", "x2", "y2")

BREAKDOWN_VALUES: dict[str, str] = {
    "share_of_group": "Share of the group's codings",
    "per_respondent": "Codings per respondent",
}
"""Columns of :func:`~qualcode.themes.groups.breakdown` a bar chart can show -> axis title."""

VALENCE_COLOURS: dict[str, str] = {"positive": "#2e7d32", "negative": "#c62828",
                                   "neutral": "#9e9e9e"}
UNIT_WORDS: dict[str, tuple[str, str]] = {"codings": ("coding", "codings"),
                                          "segments": ("coded segment", "coded segments")}


def _plain(value: Any) -> Any:
    """A node or edge attribute as a value a chart can carry (lists become text)."""
    if isinstance(value, (list, tuple, set, frozenset)):
        return ", ".join(str(v) for v in value)
    if isinstance(value, np.generic):
        return value.item()
    return value


def network_frames(graph: nx.Graph, seed: int = SEED,
                   partners: int = 3) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Nodes and edges of ``graph`` placed for drawing.

    Positions come from ``nx.spring_layout(graph, weight="weight", seed=seed)`` (scaled
    to -1..1, so one graph is always drawn the same way).

    Returns:
        ``(nodes, edges)``. ``nodes``: ``id``, ``name`` (the ``name`` attribute, else the
        id), ``x``, ``y``, ``degree`` (number of neighbours), ``partners`` (the
        ``partners`` strongest neighbours as ``"Name (count)"`` text, by ``count`` then
        ``weight``), then every node attribute. ``edges``: ``source``, ``target``,
        ``source_name``, ``target_name``, ``x``, ``y`` (source position), ``x2``, ``y2``
        (target position), then every edge attribute. Empty frames with these columns
        for an empty graph.
    """
    if graph.number_of_nodes() == 0:
        return (pd.DataFrame({c: pd.Series([], dtype=object) for c in NODE_COLUMNS}),
                pd.DataFrame({c: pd.Series([], dtype=object) for c in EDGE_COLUMNS}))
    nodes_in_order = sorted(graph.nodes, key=str)
    ordered_graph = nx.Graph()
    ordered_graph.add_nodes_from(nodes_in_order)
    ordered_graph.add_edges_from(
        sorted(((a, b, d) for a, b, d in graph.edges(data=True)),
               key=lambda e: (str(e[0]), str(e[1]))))
    positions = nx.spring_layout(ordered_graph, weight="weight", seed=seed)
    names = {n: str(graph.nodes[n].get("name", n)) for n in graph.nodes}

    def strength(node: Any, other: Any) -> tuple[float, float]:
        data = graph.edges[node, other]
        return (float(data.get("count", data.get("weight", 1)) or 0),
                float(data.get("weight", 1) or 0))

    node_rows = []
    for node in nodes_in_order:
        neighbours = sorted(graph.neighbors(node),
                            key=lambda o: (-strength(node, o)[0], -strength(node, o)[1],
                                           str(o)))
        strongest = [f"{names[o]} ({strength(node, o)[0]:g})" for o in neighbours[:partners]]
        row = {"id": str(node), "name": names[node],
               "x": float(positions[node][0]), "y": float(positions[node][1]),
               "degree": len(neighbours), "partners": "; ".join(strongest) or "none"}
        row.update({k: _plain(v) for k, v in graph.nodes[node].items() if k not in row})
        node_rows.append(row)
    edge_rows = []
    for a, b, data in graph.edges(data=True):
        source, target = sorted((a, b), key=str)
        row = {"source": str(source), "target": str(target),
               "source_name": names[source], "target_name": names[target],
               "x": float(positions[source][0]), "y": float(positions[source][1]),
               "x2": float(positions[target][0]), "y2": float(positions[target][1])}
        row.update({k: _plain(v) for k, v in data.items() if k not in row})
        edge_rows.append(row)
    edges = pd.DataFrame(edge_rows, columns=None if edge_rows else list(EDGE_COLUMNS))
    if len(edges):
        edges = edges.sort_values(["source", "target"], kind="mergesort").reset_index(
            drop=True)
    return pd.DataFrame(node_rows), edges


def _axis_scale(nodes: pd.DataFrame, column: str) -> alt.Scale:
    """A padded, fixed scale for a layout coordinate (room for the labels)."""
    low, high = (float(nodes[column].min()), float(nodes[column].max())) if len(nodes) \
        else (-1.0, 1.0)
    pad = max((high - low) * 0.15, 0.25)
    return alt.Scale(domain=[low - pad, high + pad], nice=False, zero=False)


def _labels(nodes: pd.DataFrame, x_scale: alt.Scale, y_scale: alt.Scale, offset: int,
            **text: Any) -> list[alt.Chart]:
    """Node names beside their circles: to the right of nodes on the left half of the
    picture and to the left of nodes on the right half, so no name runs off the edge."""
    middle = float(nodes["x"].median()) if len(nodes) else 0.0
    layers = []
    sides: tuple[tuple[Literal["left", "right"], int], ...] = (("left", offset),
                                                               ("right", -offset))
    for align, dx in sides:
        keep = alt.datum.x <= middle if align == "left" else alt.datum.x > middle
        layers.append(alt.Chart(nodes).transform_filter(keep).mark_text(
            align=align, dx=dx, dy=-4, color="#222222", **text).encode(
            x=alt.X("x:Q", scale=x_scale, axis=None),
            y=alt.Y("y:Q", scale=y_scale, axis=None),
            text="name:N"))
    return layers


_FIT_WIDTH = alt.AutoSizeParams(type="fit-x", contains="padding")
_PAIR_TITLES = {"segment": "Overlapping span pairs", "document": "Documents with both",
                "respondent": "Respondents with both"}
_UNIT_NAMES = {"segment": "coded spans", "document": "documents", "respondent": "respondents"}


def code_network_chart(nodes: pd.DataFrame, edges: pd.DataFrame, *,
                       colour_by: str = "community", labels: bool = True,
                       level: str = "segment", measure: str = "count",
                       height: int = 560) -> alt.LayerChart:
    """The code co-occurrence network from :func:`network_frames` of a code graph.

    Nodes are circles sized by ``codings`` and coloured by ``colour_by``
    (``"community"``, numbered from 1 in the legend, or ``"rq"``); edges are lines whose
    width follows ``weight`` (the measure). Hovering a node shows its name, id, research
    question, codings, community and strongest partners, and highlights its edges;
    hovering an edge shows the two codes, the count and the measure. Pan and zoom with
    the mouse; ``labels`` writes the code names beside the nodes.
    """
    if colour_by not in ("community", "rq"):
        raise QualcodeError(f"colour_by {colour_by!r} is not one of community, rq.")
    nodes = nodes.copy()
    if "community" in nodes:
        nodes["community_label"] = [
            f"Community {int(c) + 1}" if pd.notna(c) else "none" for c in nodes["community"]]
    else:
        nodes["community_label"] = "none"
    nodes["rq_label"] = [str(r) if isinstance(r, str) and r else "no RQ"
                         for r in nodes.get("rq", pd.Series([""] * len(nodes)))]
    if "units" not in nodes:
        nodes["units"] = 0
    colour_field = "community_label" if colour_by == "community" else "rq_label"
    colour_title = "Community (candidate theme)" if colour_by == "community" \
        else "Research question"
    x_scale, y_scale = _axis_scale(nodes, "x"), _axis_scale(nodes, "y")
    unit_name = _UNIT_NAMES.get(level, level)
    hover = alt.selection_point(name="hover", fields=["id"], on="pointerover",
                                clear="pointerout", empty=False)

    edge_layer = alt.Chart(edges).mark_rule(color="#7a7a7a").encode(
        x=alt.X("x:Q", scale=x_scale, axis=None),
        y=alt.Y("y:Q", scale=y_scale, axis=None),
        x2="x2:Q", y2="y2:Q",
        strokeWidth=alt.StrokeWidth("weight:Q", scale=alt.Scale(range=[1, 9]),
                                    title=f"Co-occurrence ({measure})",
                                    legend=alt.Legend(format=".4~r")),
        opacity=alt.condition(
            "isArray(hover.id) && (indexof(hover.id, datum.source) >= 0 || "
            "indexof(hover.id, datum.target) >= 0)", alt.value(0.95), alt.value(0.45)),
        tooltip=[alt.Tooltip("source_name:N", title="Code"),
                 alt.Tooltip("target_name:N", title="with"),
                 alt.Tooltip("count:Q", title=_PAIR_TITLES.get(level, "Count")),
                 alt.Tooltip("weight:Q", title=f"Measure ({measure})", format=".3~f")],
    )
    node_layer = alt.Chart(nodes).mark_circle(opacity=1, stroke="white").encode(
        x=alt.X("x:Q", scale=x_scale, axis=None),
        y=alt.Y("y:Q", scale=y_scale, axis=None),
        size=alt.Size("codings:Q", scale=alt.Scale(range=[120, 1600]), title="Codings"),
        color=alt.Color(f"{colour_field}:N", title=colour_title,
                        scale=alt.Scale(scheme="tableau10")),
        strokeWidth=alt.condition(hover, alt.value(3), alt.value(1)),
        tooltip=[alt.Tooltip("name:N", title="Code"), alt.Tooltip("id:N", title="Id"),
                 alt.Tooltip("rq_label:N", title="Research question"),
                 alt.Tooltip("codings:Q", title="Codings"),
                 alt.Tooltip("units:Q", title=f"Units ({unit_name})"),
                 alt.Tooltip("community_label:N", title="Community"),
                 alt.Tooltip("degree:Q", title="Linked codes"),
                 alt.Tooltip("partners:N", title="Strongest links")],
    ).add_params(hover)
    layers: list[alt.Chart] = [edge_layer, node_layer]
    if labels:
        layers += _labels(nodes, x_scale, y_scale, 24, fontSize=12)
    title = alt.TitleParams(
        f"Code co-occurrence network ({level} level, {measure})",
        subtitle=[(f"{len(nodes)} codes, {len(edges)} links. Circle size: codings; line "
                   "width: co-occurrence. Hover for names and counts; drag to pan, "
                   "scroll to zoom.")],
        anchor="start")
    return alt.layer(*layers).properties(title=title, height=height).configure_view(
        strokeWidth=0).interactive()


def theme_network_chart(nodes: pd.DataFrame, edges: pd.DataFrame, *,
                        height: int = 460) -> alt.LayerChart:
    """The theme network from :func:`network_frames` of ``Project.theme_network()``.

    Themes are circles sized by their codings; a line joins two themes whose codes
    co-occur (width: summed co-occurrence) or that the analyst linked (dashed and dark
    when linked); the tooltips give the codes of a theme and the analyst's note.
    """
    edges = edges.copy()
    if "linked" not in edges:
        edges["linked"] = False
    if "note" not in edges:
        edges["note"] = ""
    edges["kind"] = ["analyst's link" if bool(v) else "co-occurrence only"
                     for v in edges["linked"]]
    edges["note"] = edges["note"].fillna("").astype(str)
    x_scale, y_scale = _axis_scale(nodes, "x"), _axis_scale(nodes, "y")
    edge_layer = alt.Chart(edges).mark_rule().encode(
        x=alt.X("x:Q", scale=x_scale, axis=None),
        y=alt.Y("y:Q", scale=y_scale, axis=None),
        x2="x2:Q", y2="y2:Q",
        strokeWidth=alt.StrokeWidth("weight:Q", scale=alt.Scale(range=[1.5, 9]),
                                    title="Co-occurrence of their codes",
                                    legend=alt.Legend(format=".4~r")),
        strokeDash=alt.StrokeDash(
            "kind:N", title="Link",
            scale=alt.Scale(domain=["analyst's link", "co-occurrence only"],
                            range=[[6, 3], [1, 0]])),
        color=alt.Color("kind:N", title="Link",
                        scale=alt.Scale(domain=["analyst's link", "co-occurrence only"],
                                        range=["#5e35b1", "#9e9e9e"])),
        tooltip=[alt.Tooltip("source_name:N", title="Theme"),
                 alt.Tooltip("target_name:N", title="with"),
                 alt.Tooltip("cooccurrence:Q", title="Co-occurrence of codes"),
                 alt.Tooltip("kind:N", title="Link"),
                 alt.Tooltip("note:N", title="Note")],
    )
    node_layer = alt.Chart(nodes).mark_circle(opacity=1, color="#1f77b4",
                                              stroke="white").encode(
        x=alt.X("x:Q", scale=x_scale, axis=None),
        y=alt.Y("y:Q", scale=y_scale, axis=None),
        size=alt.Size("codings:Q", scale=alt.Scale(range=[200, 2200]),
                      title="Codings of its codes"),
        tooltip=[alt.Tooltip("name:N", title="Theme"),
                 alt.Tooltip("codings:Q", title="Codings of its codes"),
                 alt.Tooltip("codes:N", title="Codes"),
                 alt.Tooltip("degree:Q", title="Linked themes")],
    )
    title = alt.TitleParams(
        "Theme network",
        subtitle=[(f"{len(nodes)} themes, {len(edges)} links. Circle size: codings of the "
                   "theme's codes; dashed purple: the analyst's links (hover for the note).")],
        anchor="start")
    return alt.layer(edge_layer, node_layer,
                     *_labels(nodes, x_scale, y_scale, 30, fontSize=13,
                              fontWeight="bold")).properties(
        title=title, height=height).configure_view(strokeWidth=0).interactive()


def community_table(graph: nx.Graph, min_size: int = 2) -> pd.DataFrame:
    """The Louvain communities of a code graph as candidate themes.

    One row per community of at least ``min_size`` codes (in the graph's numbering,
    largest first): ``community`` (numbered from 1, as in the chart legend), ``codes``
    (list of code ids, most coded first), ``names`` (their names joined), ``rq`` (the
    research question when every code has the same one, else ``""``), ``codings`` (sum)
    and ``suggested_name`` (the two most coded codes' names). Graphs built without
    communities give an empty frame.
    """
    columns = ["community", "codes", "names", "rq", "codings", "suggested_name"]
    members: dict[int, list[Any]] = {}
    for node, community in graph.nodes(data="community"):
        if community is not None:
            members.setdefault(int(community), []).append(node)
    rows = []
    for community in sorted(members):
        codes = sorted(members[community],
                       key=lambda c: (-int(graph.nodes[c].get("codings", 0)), str(c)))
        if len(codes) < min_size:
            continue
        names = [str(graph.nodes[c].get("name", c)) for c in codes]
        rqs = {str(graph.nodes[c].get("rq") or "") for c in codes}
        rows.append({
            "community": community + 1,
            "codes": [str(c) for c in codes],
            "names": ", ".join(names),
            "rq": rqs.pop() if len(rqs) == 1 else "",
            "codings": int(sum(int(graph.nodes[c].get("codings", 0)) for c in codes)),
            "suggested_name": " & ".join(names[:2]),
        })
    return pd.DataFrame(rows, columns=columns)


def with_code_names(frame: pd.DataFrame, codebook: pd.DataFrame | None,
                    column: str = "code_id") -> pd.DataFrame:
    """``frame`` with a ``code`` column (the code's name) just after ``column``."""
    names = code_names(codebook)
    out = frame.copy()
    position = list(out.columns).index(column) + 1 if column in out.columns else 0
    values = [names.get(str(c), str(c)) for c in out[column]] if column in out else []
    out.insert(position, "code", pd.Series(values, index=out.index, dtype=object))
    return out


def denominators(frame: pd.DataFrame, by: str) -> pd.DataFrame:
    """The denominators of a :func:`~qualcode.themes.groups.breakdown` frame.

    One row per group (table order): ``<by>``, ``group_total`` (the group's codings or
    coded segments of the valence counted) and ``respondents``.
    """
    if frame.empty:
        return pd.DataFrame({c: pd.Series([], dtype=object)
                             for c in (by, "group_total", "respondents")})
    out = frame[[by, "group_total", "respondents"]].drop_duplicates(subset=[by])
    return out.reset_index(drop=True)


def _group_label(value: Any, total: Any, people: Any, unit: str) -> str:
    one, many = UNIT_WORDS.get(unit, (unit, unit))
    return (f"{value} ({int(total)} {one if int(total) == 1 else many}, "
            f"{int(people)} respondent{'' if int(people) == 1 else 's'})")


def breakdown_chart(frame: pd.DataFrame, by: str, value: str = "share_of_group", *,
                    codebook: pd.DataFrame | None = None, unit: str = "codings",
                    valence: str | None = None) -> alt.Chart:
    """Grouped horizontal bars of a breakdown: one bar per group for each code.

    ``value`` is ``"share_of_group"`` or ``"per_respondent"``. The legend names each
    group with its denominators ("head_teacher (34 codings, 4 respondents)"), the
    tooltip gives the count, the denominator and both figures, and the title says which
    codings were counted.
    """
    if value not in BREAKDOWN_VALUES:
        raise QualcodeError(f"value {value!r} is not one of {', '.join(BREAKDOWN_VALUES)}.")
    data = with_code_names(frame, codebook)
    data = data.assign(
        group_label=[_group_label(v, t, p, unit) for v, t, p in
                     zip(data[by], data["group_total"], data["respondents"], strict=True)],
        group_value=data[by].astype(str))
    order = [str(v) for v in ordered(frame[by], by)]
    label_order = list(dict.fromkeys(data.sort_values(
        by="group_value", key=lambda s: s.map({g: i for i, g in enumerate(order)}),
        kind="mergesort")["group_label"]))
    totals = data.groupby("code", sort=False)["n"].sum().sort_values(ascending=False,
                                                                      kind="mergesort")
    code_order = totals.index.tolist()
    which = {None: "all", "+": "positive", "-": "negative", "0": "neutral"}.get(valence, valence)
    _, many = UNIT_WORDS.get(unit, (unit, unit))
    title = alt.TitleParams(
        f"{BREAKDOWN_VALUES[value]} by {by.replace('_', ' ')}, per code",
        subtitle=[(f"Counting {which} {many}. Denominators in the legend: the group's "
                   f"{many} of that kind and its respondents. Hover a bar for the counts.")],
        anchor="start")
    axis_format = ".0%" if value == "share_of_group" else ".2~f"
    bars = alt.Chart(data).mark_bar().encode(
        y=alt.Y("code:N", sort=code_order, title="Code",
                axis=alt.Axis(labelLimit=320)),
        yOffset=alt.YOffset("group_label:N", sort=label_order),
        x=alt.X(f"{value}:Q", title=BREAKDOWN_VALUES[value],
                axis=alt.Axis(format=axis_format)),
        color=alt.Color("group_label:N", sort=label_order,
                        title=f"{by.replace('_', ' ').capitalize()} (denominators)",
                        scale=alt.Scale(scheme="tableau10"),
                        legend=alt.Legend(orient="bottom", columns=2, labelLimit=400)),
        tooltip=[alt.Tooltip("code:N", title="Code"),
                 alt.Tooltip("group_value:N", title=by.replace("_", " ")),
                 alt.Tooltip("n:Q", title=f"{many.capitalize()} of this code"),
                 alt.Tooltip("group_total:Q", title=f"Group's {many} (denominator)"),
                 alt.Tooltip("share_of_group:Q", title="Share of group", format=".1%"),
                 alt.Tooltip("respondents:Q", title="Respondents in group"),
                 alt.Tooltip("per_respondent:Q", title="Per respondent", format=".2f")],
    )
    n_bars = max(len(data), 1)
    return bars.properties(title=title, height=min(max(14 * n_bars, 200), 2400),
                           autosize=_FIT_WIDTH)


def valence_chart(frame: pd.DataFrame, by: str, unit: str = "codings") -> alt.Chart:
    """Stacked bars of positive, negative and neutral codings per group.

    Bar length is the count; the tooltip gives the share within the group (denominator:
    the group's total) and the group's share of every positive (negative, neutral)
    coding of the study (denominator: the study-wide total).
    """
    names = list(VALENCE_NAMES.values())
    rows = []
    for record in frame.to_dict("records"):
        for name in names:
            rows.append({by: str(record[by]), "valence": name, "n": int(record[name]),
                         "total": int(record["total"]),
                         "share": record[f"share_{name}"],
                         "all": int(record[f"all_{name}"]),
                         "share_of_all": record[f"share_of_all_{name}"]})
    data = pd.DataFrame(rows, columns=[by, "valence", "n", "total", "share", "all",
                                       "share_of_all"])
    data["order"] = data["valence"].map({n: i for i, n in enumerate(names)})
    _, many = UNIT_WORDS.get(unit, (unit, unit))
    totals = ", ".join(f"{int(frame[n].sum())} {n}" for n in names) if len(frame) else "none"
    title = alt.TitleParams(
        f"Positive, negative and neutral {many} per {by.replace('_', ' ')}",
        subtitle=[(f"Study totals: {totals}. Hover for shares within the group and of "
                   "the study total.")], anchor="start")
    return alt.Chart(data).mark_bar().encode(
        y=alt.Y(f"{by}:N", sort=[str(v) for v in frame[by]],
                title=by.replace("_", " ").capitalize()),
        x=alt.X("n:Q", title=f"{many.capitalize()}", stack="zero"),
        color=alt.Color("valence:N", title="Valence", sort=names,
                        scale=alt.Scale(domain=names,
                                        range=[VALENCE_COLOURS[n] for n in names])),
        order=alt.Order("order:Q"),
        tooltip=[alt.Tooltip(f"{by}:N", title=by.replace("_", " ")),
                 alt.Tooltip("valence:N", title="Valence"),
                 alt.Tooltip("n:Q", title=many.capitalize()),
                 alt.Tooltip("total:Q", title=f"Group's {many} (denominator)"),
                 alt.Tooltip("share:Q", title="Share within group", format=".1%"),
                 alt.Tooltip("all:Q", title=f"Study's {many} of this valence"),
                 alt.Tooltip("share_of_all:Q", title="Group's share of them", format=".1%")],
    ).properties(title=title, height=max(34 * len(frame), 100), autosize=_FIT_WIDTH)


def residuals_chart(residuals: pd.DataFrame, observed: pd.DataFrame,
                    codebook: pd.DataFrame | None = None,
                    kind: str = "Standardised residual") -> alt.LayerChart:
    """A heat map of chi-square residuals (code x group), the value written in each cell.

    Cells have a fixed size (draw it at its own width, not stretched).

    Red cells have more codings than independence predicts, blue fewer; beyond about
    +-2 (adjusted residuals) a cell stands out. The tooltip gives the observed count.
    """
    names = code_names(codebook)
    by = str(residuals.columns.name or "group")
    long = residuals.stack().rename("residual").reset_index()
    long.columns = ["code_id", by, "residual"]
    counts = observed.stack().rename("observed").reset_index()
    counts.columns = ["code_id", by, "observed"]
    data = long.merge(counts, on=["code_id", by], how="left")
    data["code"] = [names.get(str(c), str(c)) for c in data["code_id"]]
    data[by] = data[by].astype(str)
    data["text"] = [f"{r:+.1f}" for r in data["residual"]]
    limit = max(float(np.nanmax(np.abs(data["residual"]))) if len(data) else 2.0, 2.0)
    base = alt.Chart(data).encode(
        x=alt.X(f"{by}:N", sort=[str(c) for c in residuals.columns],
                title=by.replace("_", " ").capitalize(),
                axis=alt.Axis(labelAngle=-30, labelOverlap=False, labelLimit=180)),
        y=alt.Y("code:N", sort=[names.get(str(c), str(c)) for c in residuals.index],
                title="Code", axis=alt.Axis(labelLimit=320)))
    cells = base.mark_rect().encode(
        color=alt.Color("residual:Q", title=kind,
                        scale=alt.Scale(scheme="redblue", reverse=True,
                                        domain=[-limit, limit])),
        tooltip=[alt.Tooltip("code:N", title="Code"),
                 alt.Tooltip(f"{by}:N", title=by.replace("_", " ")),
                 alt.Tooltip("observed:Q", title="Observed codings"),
                 alt.Tooltip("residual:Q", title=kind, format="+.2f")])
    text = base.mark_text(fontSize=12).encode(text="text:N")
    title = alt.TitleParams(f"{kind}s: codes x {by.replace('_', ' ')}",
                            subtitle=[("Red: more codings than independence predicts; "
                                       "blue: fewer. Beyond about +-2 a cell stands out.")],
                            anchor="start")
    return alt.LayerChart(layer=[cells, text], title=title, width=alt.Step(90),
                          height=alt.Step(28),
                          autosize=alt.AutoSizeParams(type="pad", contains="padding"))


def flatten_columns(frame: pd.DataFrame, codebook: pd.DataFrame | None = None) -> pd.DataFrame:
    """The overview matrix with one header row: ``("finance", "+")`` -> ``"finance +"``.

    Info columns (``("group", "")``) keep their first level. With ``codebook``, code
    ids are replaced by names. The frame's index becomes a ``respondent`` column.
    """
    names = code_names(codebook)
    out = frame.copy()
    if isinstance(out.columns, pd.MultiIndex):
        out.columns = [
            " ".join(str(p) for p in (names.get(str(top), str(top)), sub) if str(p))
            for top, sub in out.columns
        ]
    out.index.name = out.index.name or "respondent"
    return out.reset_index().rename(columns={out.index.name: "respondent"})

