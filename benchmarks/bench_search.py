"""Benchmark: text search, auto-coding and word frequencies on a large synthetic study.

Targets on 9 M words of transcripts (1,000 transcripts of ~9,000 words): a lemma or an
exact query <= 1 s, a regular expression <= 3 s, auto-coding 10,000 hits <= 3 s.
Also measured: building the search index on the first search (lazy, once), bringing it
up to date after one more transcript is imported, the first search in a fresh process
(spaCy's tables load then), undoing the auto-coding, and word frequencies / keyness.

    python benchmarks/bench_search.py [--json] [--quick] [--workdir DIR] [--repeat N]

The project is built once per work folder and reused; the index is rebuilt each run.
Query figures are the median of ``--repeat`` runs (default 3) after the first.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from generate import generate, transcript

import qualcode
from qualcode.coding import codebook as codebook_mod
from qualcode.coding import history
from qualcode.coding.codebook import Codebook, CodeSpec
from qualcode.search import autocode as autocode_mod
from qualcode.search import index, words
from qualcode.search.search import search

QUERIES: dict[str, tuple[str, str]] = {
    "lemma_word": ("fund", "lemma"),
    "lemma_phrase": ("joint training", "lemma"),
    "lemma_alternatives": ("budget | money | referral", "lemma"),
    "exact_word": ("safeguarding", "exact"),
    "exact_prefix": ("thresh*", "exact"),
    "regex_word": (r"fund\w*", "regex"),
    "regex_phrase": (r"waits? months for the (referral|budget)", "regex"),
}


def build(workdir: Path, quick: bool) -> Path:
    """A project of the target size (made once per work folder); returns its path."""
    n_docs, n_words = (30, 3000) if quick else (1000, 9000)
    path = workdir / "search.qualcode"
    with qualcode.open_project(path, coder="bench") as project:
        if project.info()["documents"]:
            return path
        study = workdir / "study"
        files = generate(study, n_docs, n_words, seed=13)
        project.import_respondents(study / "respondents.csv")
        project.import_files(files)
        codes = [CodeSpec(id="finance", name="Finance"),
                 CodeSpec(id="budget_cuts", name="Budget cuts", parent_id="finance")]
        with project.session() as s:
            codebook_mod.load_codebook(s, Codebook(name="bench", codes=codes), "bench")
    return path


def timed(fn: Callable[[], Any], repeat: int) -> tuple[float, float, Any]:
    """(first run seconds, median seconds of ``repeat`` further runs, last result)."""
    start = time.perf_counter()
    result = fn()
    first = time.perf_counter() - start
    runs = []
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        runs.append(time.perf_counter() - start)
    return first, statistics.median(runs) if runs else first, result


def cold_search(path: Path) -> float:
    """Seconds for one search in a fresh Python process (as the CLI does)."""
    code = "\n".join([
        "import time, qualcode",
        "from qualcode.search.search import search",
        f"p = qualcode.open_project({str(path)!r})",
        "t = time.perf_counter()",
        "with p.session() as s:",
        "    search(s, 'fund')",
        "print(time.perf_counter() - t)",
    ])
    env = dict(os.environ, PYTHONPATH=str(Path(__file__).resolve().parent.parent))
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          env=env, check=True)
    return float(done.stdout.strip().splitlines()[-1])


def main() -> None:
    """Run the search benchmarks and print metrics."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--workdir", type=Path, default=Path("benchmarks/out/search"))
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    args.workdir.mkdir(parents=True, exist_ok=True)
    path = build(args.workdir, args.quick)
    metrics: dict[str, float] = {}
    project = qualcode.open_project(path, coder="bench")
    info = project.info()
    metrics["documents"] = float(info["documents"])
    metrics["segments"] = float(info["segments"])

    with project.session() as s:
        start = time.perf_counter()
        report = index.rebuild_index(s)
        metrics["index_build_seconds"] = time.perf_counter() - start
        metrics["index_words"] = float(report.words)

    for name, (query, mode) in QUERIES.items():
        def run(query: str = query, mode: str = mode) -> Any:
            with project.session() as s:
                return search(s, query, mode)
        first, median, hits = timed(run, args.repeat)
        metrics[f"search_{name}_seconds"] = median
        metrics[f"search_{name}_first_seconds"] = first
        metrics[f"search_{name}_hits"] = float(len(hits))
    metrics["search_cold_process_seconds"] = cold_search(path)

    n_hits = 200 if args.quick else 10_000
    with project.session() as s:
        hits = search(s, "budget", "lemma")
    chosen = list(range(min(n_hits, len(hits))))
    with project.session() as s:
        preview_start = time.perf_counter()
        plan = autocode_mod.plan_autocode(s, hits, "budget_cuts", "bench", "segment",
                                          select=chosen)
        metrics["autocode_preview_seconds"] = time.perf_counter() - preview_start
    with project.session() as s:
        start = time.perf_counter()
        result = autocode_mod.code_hits(s, hits, "budget_cuts", "bench", "segment",
                                        select=chosen)
        metrics["autocode_seconds"] = time.perf_counter() - start
    metrics["autocode_hits"] = float(len(chosen))
    metrics["autocode_codings"] = float(result.created)
    metrics["autocode_preview_new"] = float(plan.new)
    with project.session() as s:
        start = time.perf_counter()
        history.undo(s, "bench")
        metrics["autocode_undo_seconds"] = time.perf_counter() - start
    with project.session() as s:
        start = time.perf_counter()
        result = autocode_mod.autocode(s, "budget", "budget_cuts", "bench", "turn")
        metrics["autocode_turn_all_hits_seconds"] = time.perf_counter() - start
        metrics["autocode_turn_all_hits_codings"] = float(result.created)
    with project.session() as s:
        history.undo(s, "bench")

    with project.session() as s:
        start = time.perf_counter()
        words.word_frequencies(s, by="group", n=50)
        metrics["word_frequencies_by_group_seconds"] = time.perf_counter() - start
        start = time.perf_counter()
        words.keyness(s, by="group", n=20)
        metrics["keyness_by_group_seconds"] = time.perf_counter() - start

    extra = args.workdir / f"HT1_extra_interview_{time.time_ns()}.txt"
    extra.write_text(transcript(__import__("random").Random(time.time_ns()), 9000),
                     encoding="utf-8")
    project.import_file(extra)
    with project.session() as s:
        start = time.perf_counter()
        search(s, "fund", "lemma")
        metrics["search_after_one_import_seconds"] = time.perf_counter() - start
    project.close()
    if args.json:
        print(json.dumps(metrics))
    else:
        for key, value in metrics.items():
            print(f"{key:40s} {value:12.3f}")


if __name__ == "__main__":
    main()
