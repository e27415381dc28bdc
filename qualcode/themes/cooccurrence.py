"""Code co-occurrence: code x code counts (scipy.sparse), measures, and a networkx graph.

Three levels, each with its own *unit*:

``segment``
    The unit is a **coded span**: a distinct ``(document_id, start, end, code_id)``.
    Codings of the same code on the same span by several coders are one coded span.
    Two coded spans *co-occur* when they are in the same document, carry different
    codes and overlap: ``start1 < end2 and start2 < end1`` (half-open character
    ranges, so spans that only touch do not overlap; identical spans do). The
    off-diagonal cell ``n12`` is the number of co-occurring pairs of coded spans,
    one of code 1 and one of code 2; the diagonal ``n1`` is the number of coded spans
    of code 1. One long span of A that overlaps three spans of B counts 3.
``document``
    The unit is a document; ``n12`` is the number of documents with both codes.
``respondent``
    The unit is a respondent (all their documents together); codings without a
    respondent (observation notes) are left out. ``n12`` is the number of respondents
    with both codes.

Measures: ``count`` (``n12``), ``jaccard`` and ``c``, both ``n12 / (n1 + n2 - n12)``.
At the document and respondent level the units of a code form a set, so this is the
Jaccard index ``|U1 & U2| / |U1 | U2|`` of the two codes' unit sets, between 0 and 1,
and ATLAS.ti's c-coefficient computed over the same units is the same number. At the
segment level ``n12`` counts *pairs* of spans, not units in both sets, so the value is
the c-coefficient as ATLAS.ti defines it; like ATLAS.ti's it can exceed 1 when one span
overlaps several spans of the other code (the ``jaccard`` name gives the same value
there; prefer the document level when a true Jaccard index is wanted). The diagonal of
a measure matrix is 1 (0 for a code with no unit at that level).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import IO, Any

import networkx as nx
import numpy as np
import pandas as pd
from scipy import sparse

from qualcode.errors import QualcodeError
from qualcode.themes.frame import (
    apply_filters,
    code_names,
    code_rqs,
    filter_codings,
    prepare,
)

__all__ = [
    "LEVELS",
    "MEASURES",
    "cooccurrence_graph",
    "cooccurrence_matrix",
    "filter_codings",
    "write_graph",
]

LEVELS: tuple[str, ...] = ("segment", "document", "respondent")
MEASURES: tuple[str, ...] = ("count", "jaccard", "c")
GRAPH_FORMATS: tuple[str, ...] = ("graphml", "gexf")


def _check_args(level: str, measure: str, min_count: int) -> None:
    if level not in LEVELS:
        raise QualcodeError(f"level {level!r} is not one of {', '.join(LEVELS)}.")
    if measure not in MEASURES:
        raise QualcodeError(f"measure {measure!r} is not one of {', '.join(MEASURES)}.")
    if isinstance(min_count, bool) or not isinstance(min_count, (int, np.integer)) \
            or min_count < 0:
        raise QualcodeError(f"min_count must be a whole number 0 or more, not {min_count!r}.")


def _segment_pairs(df: pd.DataFrame, code_index: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Code indices of every overlapping pair of coded spans (different codes).

    Spans are sorted by document and start; the spans that can overlap span ``i`` from
    the right are those after it whose start is before ``end_i`` in the same document,
    found for all spans at once with one ``searchsorted`` over a (document, start) key.
    """
    doc = pd.factorize(df["document_id"])[0].astype(np.int64)
    start = df["start"].to_numpy(dtype=np.int64)
    end = df["end"].to_numpy(dtype=np.int64)
    bad = end < start
    if bad.any():
        ids = df.loc[bad, "id"].head(5).tolist()
        raise QualcodeError(
            f"Coding(s) {', '.join(map(str, ids))} end before they start; fix their offsets."
        )
    order = np.lexsort((end, start, doc))
    doc, start, end, code = doc[order], start[order], end[order], code_index[order]
    low = int(start.min())
    width = int(max(end.max(), start.max())) - low + 1
    if (int(doc.max()) + 1) * width >= 2**62:
        raise QualcodeError("Documents are too long to compare offsets (over 2**62).")
    key = doc * width + (start - low)
    hi = np.searchsorted(key, doc * width + (end - low), side="left")
    first = np.arange(1, len(key) + 1)
    n_after = np.maximum(hi - first, 0)
    total = int(n_after.sum())
    i = np.repeat(np.arange(len(key)), n_after)
    step = np.arange(total) - np.repeat(np.cumsum(n_after) - n_after, n_after)
    j = i + 1 + step
    # start_i <= start_j < end_i holds by construction; the other half of the overlap test:
    keep = (start[i] < end[j]) & (code[i] != code[j])
    return code[i[keep]], code[j[keep]]


def _count_matrix(df: pd.DataFrame, level: str, codes: pd.Index) -> sparse.csr_matrix:
    """The symmetric code x code count matrix; the diagonal holds each code's units."""
    k = len(codes)
    if level == "segment":
        spans = df[["id", "document_id", "start", "end", "code_id"]].drop_duplicates(
            subset=["document_id", "start", "end", "code_id"]
        )
        code_index = codes.get_indexer(spans["code_id"]).astype(np.int64)
        n_units = np.bincount(code_index, minlength=k)
        if len(spans) == 0:
            return sparse.csr_matrix((k, k), dtype=np.int64)
        a, b = _segment_pairs(spans, code_index)
        ones = np.ones(len(a), dtype=np.int64)
        upper = sparse.coo_matrix((ones, (a, b)), shape=(k, k)).tocsr()
        diagonal = sparse.diags(n_units.astype(np.int64), format="csr", dtype=np.int64)
        counts = upper + upper.T + diagonal
        return counts.tocsr()
    unit_column = "document_id" if level == "document" else "respondent"
    sub = df.loc[df[unit_column].notna(), [unit_column, "code_id"]]
    units = pd.factorize(sub[unit_column])[0]
    code_index = codes.get_indexer(sub["code_id"])
    n_rows = int(units.max()) + 1 if len(units) else 0
    incidence = sparse.coo_matrix(
        (np.ones(len(sub), dtype=np.int64), (units, code_index)), shape=(n_rows, k)
    ).tocsr()
    incidence.data[:] = 1  # a unit carries a code or not: duplicates were summed
    return (incidence.T @ incidence).tocsr()


def _measure(counts: np.ndarray, measure: str, min_count: int) -> np.ndarray:
    """Apply ``min_count`` to the off-diagonal counts, then the measure."""
    counts = counts.copy()
    diagonal = np.diag(counts).copy()
    counts[counts < min_count] = 0
    np.fill_diagonal(counts, diagonal)
    if measure == "count":
        return counts
    union = diagonal[:, None] + diagonal[None, :] - counts
    values = np.zeros(counts.shape, dtype=float)
    np.divide(counts, union, out=values, where=union > 0)
    np.fill_diagonal(values, (diagonal > 0).astype(float))
    return values


def _codes_and_counts(
    codings: pd.DataFrame, level: str, filters: dict[str, Any]
) -> tuple[pd.DataFrame, pd.Index, np.ndarray]:
    df = apply_filters(prepare(codings), filters)
    df = df.loc[df["code_id"].notna()]
    codes = pd.Index(sorted(df["code_id"].unique()), name="code_id")
    counts = _count_matrix(df, level, codes).toarray().astype(np.int64)
    return df, codes, counts


def cooccurrence_matrix(
    codings: pd.DataFrame,
    level: str = "segment",
    measure: str = "count",
    min_count: int = 0,
    **filters: Any,
) -> pd.DataFrame:
    """Code x code co-occurrence of the codings (see the module text for the units).

    Args:
        codings: the frame ``Project.codings()`` returns.
        level: ``"segment"`` (overlapping coded spans), ``"document"`` or ``"respondent"``.
        measure: ``"count"``, ``"jaccard"`` or ``"c"`` (both ``n12 / (n1 + n2 - n12)``).
        min_count: off-diagonal cells whose count is below this become 0.
        **filters: selection passed to :func:`filter_codings` (``rq``, ``group``,
            ``attribute`` and ``value``, ``valence``, ``coder``, ``include_trial``).

    Returns:
        A square frame indexed and columned by the code ids present (sorted). For
        ``count`` the diagonal holds the number of units carrying each code (the
        denominator of every measure); ``attrs`` records level, measure and unit.
    """
    _check_args(level, measure, min_count)
    _, codes, counts = _codes_and_counts(codings, level, filters)
    values = _measure(counts, measure, min_count)
    result = pd.DataFrame(values, index=codes, columns=codes.copy())
    result.attrs.update(level=level, measure=measure, min_count=int(min_count),
                        unit=_UNITS[level])
    return result


_UNITS = {
    "segment": "coded span (document_id, start, end, code_id)",
    "document": "document",
    "respondent": "respondent",
}


def cooccurrence_graph(
    codings: pd.DataFrame,
    level: str = "segment",
    measure: str = "count",
    min_count: int = 1,
    codebook: pd.DataFrame | None = None,
    communities: bool = True,
    seed: int = 42,
    **filters: Any,
) -> nx.Graph:
    """The co-occurrence network of codes.

    Nodes are the codes present, with attributes ``name`` (from ``codebook``, else the
    id), ``rq`` (from the codebook, else the codings; ``""`` when none), ``codings``
    (number of codings of the code), ``units`` (the matrix diagonal) and, when
    ``communities`` is true, ``community`` (0 = the largest Louvain community, found by
    ``nx.community.louvain_communities(G, weight="weight", seed=seed)``). Edges join codes
    whose count is at least ``max(min_count, 1)``: ``weight`` is the measure, ``count``
    the count. Graph attributes record level, measure and min_count. ``**filters`` as for
    :func:`cooccurrence_matrix`.
    """
    _check_args(level, measure, min_count)
    df, codes, counts = _codes_and_counts(codings, level, filters)
    threshold = max(int(min_count), 1)
    values = _measure(counts, measure, threshold)
    names = code_names(codebook)
    first_rq = df.loc[df["rq"].notna()].groupby("code_id", sort=False)["rq"].first()
    rqs = {str(k): str(v) for k, v in first_rq.items()}
    rqs.update(code_rqs(codebook))
    n_codings = df.groupby("code_id", sort=False).size()

    graph = nx.Graph(level=level, measure=measure, min_count=threshold)
    diagonal = np.diag(counts)
    for position, code in enumerate(codes.tolist()):
        graph.add_node(
            code,
            name=names.get(code, code),
            rq=rqs.get(code, ""),
            codings=int(n_codings.get(code, 0)),
            units=int(diagonal[position]),
        )
    rows, cols = np.nonzero(np.triu(counts >= threshold, k=1))
    labels = codes.tolist()
    weights = values[rows, cols].tolist()  # Python ints for count, floats otherwise
    graph.add_edges_from(
        (labels[r], labels[c], {"weight": w, "count": n})
        for r, c, w, n in zip(
            rows.tolist(), cols.tolist(), weights, counts[rows, cols].tolist(), strict=True
        )
    )
    if communities and graph.number_of_nodes():
        found = nx.community.louvain_communities(graph, weight="weight", seed=seed)
        found = sorted(found, key=lambda members: (-len(members), min(members)))
        for number, members in enumerate(found):
            for code in members:
                graph.nodes[code]["community"] = number
    return graph


def _graph_safe(value: Any) -> Any:
    """A GraphML/GEXF-safe attribute value: str, int, float or bool."""
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return ""
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, (int, np.integer)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        return float(value)
    if isinstance(value, (list, tuple, set, frozenset)):
        return ", ".join(str(v) for v in value)
    return str(value)


def write_graph(
    graph: nx.Graph,
    path: str | os.PathLike[str] | IO[bytes],
    format: str | None = None,
) -> None:
    """Write ``graph`` as GraphML or GEXF, chosen by ``format`` or the file suffix.

    ``path`` is a path or a binary file-like object (give ``format`` for one without a
    ``.graphml``/``.gexf`` name). Attribute values are made GraphML-safe (``None`` becomes
    ``""``, numpy numbers Python numbers, lists comma-joined text); the graph passed in is
    not changed.
    """
    if format is None:
        name = path if isinstance(path, (str, os.PathLike)) else getattr(path, "name", "")
        format = Path(str(name)).suffix.lstrip(".").lower()
    format = format.lower().lstrip(".")
    if format not in GRAPH_FORMATS:
        raise QualcodeError(
            f"Cannot tell the graph format of {str(path)!r}: name the file .graphml or "
            ".gexf, or pass format='graphml' or 'gexf'."
        )
    safe = nx.Graph()
    safe.graph.update({k: _graph_safe(v) for k, v in graph.graph.items()})
    safe.add_nodes_from(
        (str(n), {k: _graph_safe(v) for k, v in data.items()})
        for n, data in graph.nodes(data=True)
    )
    safe.add_edges_from(
        (str(a), str(b), {k: _graph_safe(v) for k, v in data.items()})
        for a, b, data in graph.edges(data=True)
    )
    if format == "graphml":
        nx.write_graphml(safe, path)
    else:
        nx.write_gexf(safe, path)
