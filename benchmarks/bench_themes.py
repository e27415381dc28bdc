"""Benchmark the analysis functions of qualcode.themes on a large synthetic study.

The generator makes a codings frame shaped like ``Project.codings()``: by default
100,000 coded spans over 200 codes, 1,000 documents and 300 respondents in the five
groups, with a fixed seed. Codes come in 20 clusters and each document draws most of
its codings from a few clusters, so the co-occurrence network has communities to find.
Spans start on 200-character segment boundaries and cover 1-3 segments, so they
overlap as real codings do.

    python benchmarks/bench_themes.py            # a table
    python benchmarks/bench_themes.py --json     # {metric: seconds}

Each figure is the median of ``--repeat`` runs (default 5) after one warm-up run.
Targets: co-occurrence matrix <= 0.5 s, graph with communities <= 1 s, group breakdown
<= 0.5 s, overview matrix <= 0.5 s.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import numpy as np
import pandas as pd

from qualcode.themes.cooccurrence import cooccurrence_graph, cooccurrence_matrix
from qualcode.themes.groups import breakdown, valence_by_group
from qualcode.themes.matrix import overview_matrix
from qualcode.themes.ranking import top_codes
from qualcode.themes.triangulation import triangulation_table

GROUPS = ("head_teacher", "teacher", "officer", "parent", "child")
PREFIX = {"head_teacher": "HT", "teacher": "T", "officer": "O", "parent": "P", "child": "C"}
TARGETS = {
    "cooccurrence_matrix": 0.5,
    "cooccurrence_graph": 1.0,
    "breakdown": 0.5,
    "overview_matrix": 0.5,
}


def make_codings(
    n_codings: int = 100_000,
    n_codes: int = 200,
    n_documents: int = 1_000,
    n_respondents: int = 300,
    seed: int = 7,
) -> pd.DataFrame:
    """A synthetic codings frame (columns as ``Project.codings()`` returns them)."""
    rng = np.random.default_rng(seed)
    # respondents
    group_of = rng.choice(len(GROUPS), size=n_respondents, p=[0.15, 0.35, 0.15, 0.2, 0.15])
    labels = np.empty(n_respondents, dtype=object)
    counters = dict.fromkeys(GROUPS, 0)
    for r, g in enumerate(group_of):
        counters[GROUPS[g]] += 1
        labels[r] = f"{PREFIX[GROUPS[g]]}{counters[GROUPS[g]]}"
    gender = rng.choice(np.array(["female", "male"], dtype=object), size=n_respondents)
    setting = rng.choice(np.array(["rural primary", "urban primary", "urban secondary",
                                   "special"], dtype=object), size=n_respondents)
    trial = rng.random(n_respondents) < 0.03
    # documents: 5% observation notes without a respondent
    doc_resp = rng.integers(0, n_respondents, size=n_documents)
    observation = rng.random(n_documents) < 0.05
    doc_kind = np.where(observation, "observation",
                        rng.choice(np.array(["transcript", "running_record", "document"]),
                                   size=n_documents, p=[0.8, 0.15, 0.05]))
    # codes: 20 clusters; each document leans on 3 clusters
    n_clusters = 20
    cluster_of_code = np.arange(n_codes) % n_clusters
    codes_in_cluster = [np.flatnonzero(cluster_of_code == c) for c in range(n_clusters)]
    doc_clusters = rng.integers(0, n_clusters, size=(n_documents, 3))
    doc = rng.integers(0, n_documents, size=n_codings)
    from_cluster = rng.random(n_codings) < 0.8
    chosen_cluster = doc_clusters[doc, rng.integers(0, 3, size=n_codings)]
    per_cluster = n_codes // n_clusters
    code_in_cluster = np.array([codes_in_cluster[c] for c in range(n_clusters)])
    code = np.where(from_cluster,
                    code_in_cluster[chosen_cluster, rng.integers(0, per_cluster, n_codings)],
                    rng.integers(0, n_codes, size=n_codings))
    segment = rng.integers(0, 60, size=n_codings)
    length = rng.integers(1, 4, size=n_codings)
    start = segment * 200
    end = (segment + length) * 200 - rng.integers(0, 20, size=n_codings)
    resp = doc_resp[doc]
    has_resp = ~observation[doc]
    code_ids = np.array([f"code_{i:03d}" for i in range(n_codes)], dtype=object)
    rqs = np.array([f"RQ{1 + i % 4}" for i in range(n_codes)], dtype=object)
    flag_choices = [[], [], [], ["in_literature"], ["surprising"], ["in_literature",
                                                                     "follow_up"]]
    flags = [flag_choices[i] for i in rng.integers(0, len(flag_choices), size=n_codings)]
    group_names = np.array(GROUPS, dtype=object)

    def of_respondent(values: np.ndarray) -> np.ndarray:
        out = values[resp].astype(object)
        out[~has_resp] = None
        return out

    frame = pd.DataFrame(
        {
            "id": np.arange(1, n_codings + 1),
            "document_id": doc + 1,
            "start": start,
            "end": end,
            "code_id": code_ids[code],
            "coder": rng.choice(np.array(["ana", "ben", "cai"], dtype=object), n_codings),
            "valence": rng.choice(np.array(["+", "-", "0"], dtype=object), n_codings,
                                  p=[0.35, 0.5, 0.15]),
            "flags": flags,
            "dimension": None,
            "memo": None,
            "source": "manual",
            "text": "",
            "locator": "",
            "respondent": pd.array(np.where(has_resp, resp + 1, 0), dtype="Int64"),
            "label": of_respondent(labels),
            "group": of_respondent(group_names[group_of]),
            "created_at": pd.Timestamp("2026-01-01", tz="UTC"),
            "document_kind": doc_kind[doc],
            "trial": np.where(has_resp, trial[resp], False),
            "rq": rqs[code],
            "gender": of_respondent(gender),
            "setting_type": of_respondent(setting),
        }
    )
    frame.loc[~has_resp, "respondent"] = pd.NA
    return frame


def make_respondents(codings: pd.DataFrame) -> pd.DataFrame:
    """The respondents frame matching :func:`make_codings` (those that have codings)."""
    people = (codings.dropna(subset=["respondent"])
              .groupby("respondent")[["label", "group", "trial", "gender", "setting_type"]]
              .first().reset_index().rename(columns={"respondent": "id"}))
    return people


def _time(function: Callable[[], Any], repeat: int) -> float:
    function()  # warm-up
    runs = []
    for _ in range(repeat):
        started = time.perf_counter()
        function()
        runs.append(time.perf_counter() - started)
    return statistics.median(runs)


def run(repeat: int = 5, seed: int = 7) -> dict[str, float]:
    """Time each analysis on the synthetic study; {metric: median seconds}."""
    codings = make_codings(seed=seed)
    respondents = make_respondents(codings)
    some_codes = sorted(codings["code_id"].unique())[:20]
    all_codes = sorted(codings["code_id"].unique())
    cases: dict[str, Callable[[], Any]] = {
        "cooccurrence_matrix": lambda: cooccurrence_matrix(codings),
        "cooccurrence_matrix_document": lambda: cooccurrence_matrix(
            codings, level="document", measure="jaccard"),
        "cooccurrence_matrix_respondent": lambda: cooccurrence_matrix(
            codings, level="respondent"),
        "cooccurrence_graph": lambda: cooccurrence_graph(codings, min_count=1),
        "breakdown": lambda: breakdown(codings, by="group", valence="-"),
        "breakdown_segments_attribute": lambda: breakdown(
            codings, by="setting_type", unit="segments", respondents=respondents),
        "valence_by_group": lambda: valence_by_group(codings),
        "overview_matrix": lambda: overview_matrix(codings, some_codes, respondents),
        "overview_matrix_all_codes": lambda: overview_matrix(codings, all_codes, respondents),
        "top_codes": lambda: top_codes(codings, rq="RQ1", valence="-", by="group"),
        "triangulation_table": lambda: triangulation_table(codings),
    }
    return {name: round(_time(case, repeat), 4) for name, case in cases.items()}


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print a table, or JSON with ``--json``."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true", help="print {metric: seconds}")
    parser.add_argument("--repeat", type=int, default=5, help="timed runs per metric")
    parser.add_argument("--seed", type=int, default=7, help="generator seed")
    args, _ignored = parser.parse_known_args(argv)  # run.py also passes --quick, --workdir
    results = run(repeat=args.repeat, seed=args.seed)
    if args.json:
        print(json.dumps(results))
        return 0
    for name, seconds in results.items():
        target = TARGETS.get(name)
        verdict = "" if target is None else (
            f"  target {target:.1f} s  {'ok' if seconds <= target else 'SLOW'}")
        print(f"{name:32s} {seconds:8.4f} s{verdict}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
