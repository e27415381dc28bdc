"""Code co-occurrence: hand-counted fixtures, brute force on random codings, the graph."""

from __future__ import annotations

import io
from itertools import combinations
from pathlib import Path

import networkx as nx
import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qualcode.errors import QualcodeError
from qualcode.themes.cooccurrence import cooccurrence_graph, cooccurrence_matrix, write_graph
from tests.themes.helpers import CODEBOOK, codings_frame

# Document 10 (HT1): funding [0,50) overlaps staffing [20,80), which overlaps funding
# [60,90); training [95,99) touches nothing. Document 20 (HT2): funding and training on
# the same span [0,10), coded twice for funding (two coders: one coded span).
# Document 90 (observation, no respondent): funding and staffing overlap.
# Document 30 (T1): staffing [0,10) and training [10,20) only touch: no overlap.
HAND = [
    (10, 0, 50, "funding", "-"),
    (10, 20, 80, "staffing", "-"),
    (10, 60, 90, "funding", "+"),
    (10, 95, 99, "training", "+"),
    (20, 0, 10, "funding", "-", "ana"),
    (20, 0, 10, "funding", "-", "ben"),
    (20, 0, 10, "training", "+"),
    (90, 0, 30, "funding", "-"),
    (90, 10, 20, "staffing", "0"),
    (30, 0, 10, "staffing", "-"),
    (30, 10, 20, "training", "+"),
]


@pytest.fixture
def hand() -> pd.DataFrame:
    return codings_frame(HAND)


def test_segment_level_counts_overlapping_pairs_of_coded_spans(hand: pd.DataFrame) -> None:
    m = cooccurrence_matrix(hand)
    assert list(m.index) == ["funding", "staffing", "training"]
    assert list(m.columns) == ["funding", "staffing", "training"]
    # funding-staffing: 2 pairs in doc 10, 1 in doc 90
    assert m.loc["funding", "staffing"] == m.loc["staffing", "funding"] == 3
    # funding-training: the shared span in doc 20, counted once despite two coders
    assert m.loc["funding", "training"] == 1
    # staffing-training: only touching spans in doc 30
    assert m.loc["staffing", "training"] == 0
    # diagonal: coded spans per code (funding's two-coder span is one)
    assert np.diag(m).tolist() == [4, 3, 3]
    assert m.attrs["level"] == "segment"


def test_document_and_respondent_levels_count_units_with_both_codes(
    hand: pd.DataFrame,
) -> None:
    d = cooccurrence_matrix(hand, level="document")
    # documents: funding in 10, 20, 90; staffing in 10, 90, 30; training in 10, 20, 30
    assert np.diag(d).tolist() == [3, 3, 3]
    assert d.loc["funding", "staffing"] == 2  # 10, 90
    assert d.loc["funding", "training"] == 2  # 10, 20
    assert d.loc["staffing", "training"] == 2  # 10, 30
    r = cooccurrence_matrix(hand, level="respondent")
    # respondents: funding HT1, HT2; staffing HT1, T1; training HT1, HT2, T1 (doc 90 left out)
    assert np.diag(r).tolist() == [2, 2, 3]
    assert r.loc["funding", "staffing"] == 1
    assert r.loc["funding", "training"] == 2
    assert r.loc["staffing", "training"] == 2


def test_jaccard_and_c_are_n12_over_n1_plus_n2_minus_n12(hand: pd.DataFrame) -> None:
    d = cooccurrence_matrix(hand, level="document", measure="jaccard")
    assert d.loc["funding", "staffing"] == pytest.approx(2 / (3 + 3 - 2))
    assert np.diag(d).tolist() == [1.0, 1.0, 1.0]
    c = cooccurrence_matrix(hand, level="document", measure="c")
    pd.testing.assert_frame_equal(c, d, check_like=True, check_exact=False)
    seg = cooccurrence_matrix(hand, measure="c")
    assert seg.loc["funding", "staffing"] == pytest.approx(3 / (4 + 3 - 3))
    assert seg.loc["staffing", "training"] == 0.0


def test_min_count_blanks_small_cells_but_keeps_the_diagonal(hand: pd.DataFrame) -> None:
    m = cooccurrence_matrix(hand, min_count=2)
    assert m.loc["funding", "staffing"] == 3
    assert m.loc["funding", "training"] == 0
    assert np.diag(m).tolist() == [4, 3, 3]
    j = cooccurrence_matrix(hand, measure="jaccard", min_count=2)
    assert j.loc["funding", "training"] == 0.0


def test_filters_apply_before_counting(hand: pd.DataFrame) -> None:
    m = cooccurrence_matrix(hand, group="head_teacher")
    assert m.loc["funding", "staffing"] == 2  # the observation note is not a head teacher's
    neg = cooccurrence_matrix(hand, valence="-")
    assert list(neg.index) == ["funding", "staffing"]


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"level": "paragraph"}, "level 'paragraph' is not one of segment"),
        ({"measure": "dice"}, "measure 'dice' is not one of count"),
        ({"min_count": -1}, "min_count must be"),
    ],
)
def test_bad_arguments_are_refused(hand: pd.DataFrame, kwargs: dict, message: str) -> None:
    with pytest.raises(QualcodeError, match=message):
        cooccurrence_matrix(hand, **kwargs)


def test_spans_ending_before_they_start_are_refused() -> None:
    with pytest.raises(QualcodeError, match="end before they start"):
        cooccurrence_matrix(codings_frame([(10, 9, 3, "funding", "-")]))


def test_empty_codings_give_an_empty_matrix() -> None:
    for frame in (pd.DataFrame(), codings_frame([]).iloc[0:0]):
        m = cooccurrence_matrix(frame)
        assert m.shape == (0, 0)
    assert cooccurrence_graph(pd.DataFrame()).number_of_nodes() == 0


# --- brute force on random codings ---------------------------------------------------

CODES = ["a", "b", "c", "d"]
span = st.tuples(
    st.sampled_from([10, 20, 30, 90]),  # document
    st.integers(0, 30),  # start
    st.integers(0, 12),  # length (0 allowed: the formula decides)
    st.sampled_from(CODES),
    st.sampled_from(["ana", "ben"]),
)


def brute_force(rows: list[tuple], level: str) -> pd.DataFrame:
    codes = sorted({r[3] for r in rows})
    out = pd.DataFrame(0, index=codes, columns=codes)
    if level == "segment":
        spans = sorted({(doc, s, s + n, code) for doc, s, n, code, _ in rows})
        for code in codes:
            out.loc[code, code] = sum(1 for sp in spans if sp[3] == code)
        for (d1, s1, e1, c1), (d2, s2, e2, c2) in combinations(spans, 2):
            if d1 == d2 and c1 != c2 and s1 < e2 and s2 < e1:
                out.loc[c1, c2] += 1
                out.loc[c2, c1] += 1
        return out
    unit_of = {10: 1, 20: 2, 30: 3, 90: None} if level == "respondent" else None
    units: dict[str, set] = {code: set() for code in codes}
    for doc, _, _, code, _ in rows:
        unit = doc if unit_of is None else unit_of[doc]
        if unit is not None:
            units[code].add(unit)
    for c1 in codes:
        for c2 in codes:
            out.loc[c1, c2] = len(units[c1] & units[c2])
    return out


@settings(max_examples=150, deadline=None)
@given(rows=st.lists(span, min_size=0, max_size=25),
       level=st.sampled_from(["segment", "document", "respondent"]))
def test_counts_match_a_brute_force_pairwise_count(rows: list[tuple], level: str) -> None:
    frame = codings_frame([(d, s, s + n, code, "-", coder) for d, s, n, code, coder in rows])
    got = cooccurrence_matrix(frame, level=level)
    expected = brute_force(rows, level)
    pd.testing.assert_frame_equal(got, expected, check_dtype=False, check_names=False)
    # jaccard from the counts, and a true Jaccard index in [0, 1] over units
    j = cooccurrence_matrix(frame, level=level, measure="jaccard").to_numpy()
    n = np.diag(expected.to_numpy()).astype(float)
    union = n[:, None] + n[None, :] - expected.to_numpy()
    with np.errstate(divide="ignore", invalid="ignore"):
        formula = np.where(union > 0, expected.to_numpy() / union, 0.0)
    np.fill_diagonal(formula, (n > 0).astype(float))
    np.testing.assert_allclose(j, formula)
    if level != "segment":
        assert ((j >= 0) & (j <= 1)).all()


# --- the graph ------------------------------------------------------------------------

def two_clusters() -> pd.DataFrame:
    """funding+staffing always together, training+transition always together."""
    rows = []
    for doc in (10, 20, 30):
        rows += [(doc, 0, 10, "funding", "-"), (doc, 0, 10, "staffing", "-"),
                 (doc, 50, 60, "training", "+"), (doc, 50, 60, "transition", "+")]
    rows.append((50, 0, 10, "staffing", "-"))
    rows.append((50, 5, 15, "training", "+"))  # one weak link between the clusters
    rows.append((30, 90, 99, "voice", "0"))  # no co-occurrence at all
    return codings_frame(rows)


def test_graph_nodes_edges_and_attributes() -> None:
    g = cooccurrence_graph(two_clusters(), codebook=CODEBOOK)
    assert sorted(g.nodes) == ["funding", "staffing", "training", "transition", "voice"]
    assert g.nodes["voice"]["name"] == "Pupil voice"
    assert g.nodes["staffing"]["rq"] == "RQ1"
    assert g.nodes["staffing"]["codings"] == 4
    assert g.edges["funding", "staffing"] == {"weight": 3, "count": 3}
    assert g.edges["staffing", "training"] == {"weight": 1, "count": 1}
    assert not g.has_edge("funding", "training")
    assert g.degree("voice") == 0


def test_graph_communities_separate_the_clusters_deterministically() -> None:
    g = cooccurrence_graph(two_clusters())
    community = nx.get_node_attributes(g, "community")
    assert community["funding"] == community["staffing"]
    assert community["training"] == community["transition"]
    assert community["funding"] != community["training"]
    assert community["voice"] not in {community["funding"], community["training"]}
    again = nx.get_node_attributes(cooccurrence_graph(two_clusters()), "community")
    assert again == community
    assert "community" not in cooccurrence_graph(two_clusters(), communities=False).nodes[
        "funding"]


def test_graph_without_codebook_names_codes_by_id_and_takes_rq_from_codings() -> None:
    g = cooccurrence_graph(two_clusters(), measure="jaccard", min_count=2)
    assert g.nodes["training"]["name"] == "training"
    assert g.nodes["training"]["rq"] == "RQ2"
    assert not g.has_edge("staffing", "training")  # count 1 < min_count 2
    assert g.edges["funding", "staffing"]["weight"] == pytest.approx(3 / (3 + 4 - 3))
    assert g.edges["funding", "staffing"]["count"] == 3


@pytest.mark.parametrize("suffix", [".graphml", ".gexf"])
def test_write_graph_round_trips(tmp_path: Path, suffix: str) -> None:
    g = cooccurrence_graph(two_clusters(), codebook=CODEBOOK)
    g.nodes["voice"]["memo"] = None  # not GraphML-safe as it stands
    path = tmp_path / f"codes{suffix}"
    write_graph(g, path)
    back = nx.read_graphml(path) if suffix == ".graphml" else nx.read_gexf(path)
    assert sorted(back.nodes) == sorted(g.nodes)
    assert back.number_of_edges() == g.number_of_edges()
    if suffix == ".graphml":
        assert back.nodes["voice"]["name"] == "Pupil voice"
        assert back.nodes["voice"]["memo"] == ""
        assert int(back.edges["funding", "staffing"]["count"]) == 3
    assert g.nodes["voice"]["memo"] is None  # the graph passed in is unchanged


def test_write_graph_to_a_file_object_and_refuses_unknown_formats(tmp_path: Path) -> None:
    g = cooccurrence_graph(two_clusters())
    buffer = io.BytesIO()
    write_graph(g, buffer, format="graphml")
    assert b"<graphml" in buffer.getvalue()
    with pytest.raises(QualcodeError, match=r"\.graphml or \.gexf"):
        write_graph(g, tmp_path / "codes.json")
