"""Benchmark of code suggestions: retraining, one-segment latency and bulk suggestions.

Generates a large synthetic study from the shipped multi-agency working codebook (fixed
seed): each segment mixes words and keywords of one or two codes with everyday filler,
the way interview talk does. Then measures

* ``fit_s``: retraining on ``--train`` coded segments (default 5,000; target <= 3 s);
* ``one_segment_ms_p50/p95``: ``suggest([text])`` for single segments with the trained
  model (target p95 <= 20 ms);
* ``bulk_s``: ``suggest`` for ``--bulk`` segments at once (default 10,000; target <= 5 s);
* ``suggest_valence_s`` and ``next_to_code_s`` for the same bulk segments;
* ``fit_with_valences_s``: retraining with the valence marks as well (the suggestions
  below use this model, so they include the valence link).

With ``--accuracy`` it also reports the cross-validated accuracy on
``transcripts_sample/coded_extracts.csv`` (all codes, the RQ1-RQ3 codes only, and
valence as concerns against progress).

Run ``OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 python benchmarks/bench_suggest.py
[--json] [--accuracy]``. Times are medians of ``--repeat`` runs (default 3), each with a cold lemma
cache (lemmas are cached per text within a process), after one warm-up call that loads
the lemma tables as a running workspace already has.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from qualcode.coding.codebook import Codebook
from qualcode.coding.codebook_io import read_codebook
from qualcode.coding.lemmas import clear_cache
from qualcode.coding.suggest import CodeSuggester, Suggestion, evaluate, load_coded_csv

CODEBOOK = ROOT / "codebooks" / "multi_agency_working.yaml"
CODED = ROOT / "transcripts_sample" / "coded_extracts.csv"

FILLER = (
    "to be honest", "you know", "I think", "in our school", "most of the time",
    "last year", "with the families we see", "if I'm honest", "at the moment",
    "for the children", "when it works", "in the cluster", "on a good day",
    "the thing is", "from where I sit", "over the years", "every now and then",
)
OPENERS = ("Well,", "So", "And", "But", "Honestly,", "I'd say", "Mostly", "Sometimes")
POSITIVE = ("it has really improved", "that works well", "it was brilliant",
            "things are quicker now", "it made a real difference")
NEGATIVE = ("it is frustrating", "we are still waiting", "there is a lack of it",
            "the budget was cut", "nobody gets back to us")


def _vocabulary(codebook: Codebook) -> dict[str, tuple[list[str], list[str]]]:
    out = {}
    for code in codebook.codable_codes():
        words = [w.strip(".,;:()\"'") for w in
                 f"{code.description} {code.include} {code.example}".split()]
        words = [w for w in words if len(w) > 3]
        out[code.id] = (list(code.keywords), words)
    return out


def synthetic(codebook: Codebook, n: int, seed: int) -> tuple[list[str], list[list[str]],
                                                               list[str]]:
    """``n`` synthetic segments with their codes and valence marks (deterministic)."""
    rng = random.Random(seed)
    vocab = _vocabulary(codebook)
    ids = sorted(vocab)
    weights = [1.0 / (1 + i % 7) for i in range(len(ids))]  # some codes much rarer
    texts, codes, marks = [], [], []
    for i in range(n):
        chosen = rng.choices(ids, weights)[0:1]
        if rng.random() < 0.35:
            chosen.append(rng.choice(ids))
        chosen = list(dict.fromkeys(chosen))
        parts = [rng.choice(OPENERS)]
        for cid in chosen:
            keywords, words = vocab[cid]
            if keywords and rng.random() < 0.6:
                parts.append(rng.choice(keywords))
            parts += rng.sample(words, min(len(words), rng.randint(3, 8)))
            parts.append(rng.choice(FILLER))
        mark = rng.choice("+-0-+-")
        if mark != "0":
            parts.append(rng.choice(POSITIVE if mark == "+" else NEGATIVE))
        parts.append(f"(segment {i})")
        texts.append(" ".join(parts) + ".")
        codes.append(chosen)
        marks.append(mark)
    return texts, codes, marks


CPU: dict[str, float] = {}


def _timed(name: str, action: Callable[[], object], repeat: int) -> float:
    """Median wall time of ``action`` over ``repeat`` runs, each with a cold lemma cache
    (the median CPU time of this process goes to ``CPU[name]``: on a busy machine it
    shows what the code itself costs)."""
    wall, cpu = [], []
    for _ in range(repeat):
        clear_cache()
        t0, c0 = time.perf_counter(), time.process_time()
        action()
        wall.append(time.perf_counter() - t0)
        cpu.append(time.process_time() - c0)
    CPU[name] = statistics.median(cpu)
    return statistics.median(wall)


def run(train: int, bulk: int, single: int, seed: int, repeat: int = 3) -> dict[str, float | int]:
    """Run the benchmark and return its figures (times are medians of ``repeat`` runs)."""
    codebook = read_codebook(CODEBOOK)
    texts, codes, marks = synthetic(codebook, train, seed)
    fresh, _codes, _marks = synthetic(codebook, bulk + single, seed + 1)
    fresh = [t.replace("(segment", "(new segment") for t in fresh]
    suggester = CodeSuggester(codebook)
    suggester.suggest(["Warm-up: load the lemma tables once, as a running app has."])

    fit_s = _timed("fit", lambda: suggester.fit(texts, codes), repeat)
    fit_marks_s = _timed("fit_with_valences",
                         lambda: suggester.fit(texts, codes, valences=marks), repeat)

    clear_cache()
    latencies = []
    for text in fresh[bulk : bulk + single]:
        t0 = time.perf_counter()
        suggester.suggest([text])
        latencies.append((time.perf_counter() - t0) * 1000)
    latencies.sort()

    batch = fresh[:bulk]
    result: list[list[Suggestion]] = []
    bulk_s = _timed("bulk", lambda: result.extend(suggester.suggest(batch)), repeat)
    valence_s = _timed("suggest_valence", lambda: suggester.suggest_valence(batch), repeat)
    next_s = _timed("next_to_code", lambda: suggester.next_to_code(batch, n=20), repeat)

    return {
        "train_segments": train,
        "fit_s": round(fit_s, 3),
        "fit_with_valences_s": round(fit_marks_s, 3),
        "one_segment_ms_p50": round(statistics.median(latencies), 2),
        "one_segment_ms_p95": round(latencies[int(0.95 * (len(latencies) - 1))], 2),
        "bulk_segments": bulk,
        "bulk_s": round(bulk_s, 3),
        "bulk_with_suggestions": sum(1 for r in result[:bulk] if r),
        "suggest_valence_s": round(valence_s, 3),
        "next_to_code_s": round(next_s, 3),
        **{f"{name}_cpu_s": round(value, 3) for name, value in CPU.items()},
        "repeat": repeat,
        "load_average_1min": round(os.getloadavg()[0], 2) if hasattr(os, "getloadavg") else -1,
        "cpus": os.cpu_count() or 0,
    }


def accuracy(folds: int, seed: int) -> dict[str, object]:
    """Cross-validated accuracy on the demo study's coded extracts: all codes; the
    RQ1-RQ3 codes only (other codes dropped from rows, rows left without one dropped);
    and valence as concerns against progress (rows marked + or - only)."""
    codebook = read_codebook(CODEBOOK)
    texts, codes, marks = load_coded_csv(CODED, codebook)
    rq = {c.id for c in codebook.codable_codes() if c.rq in ("RQ1", "RQ2", "RQ3")}
    subset = [(t, [c for c in cs if c in rq], m) for t, cs, m in zip(texts, codes, marks)]
    subset = [row for row in subset if row[1]]
    out: dict[str, object] = {}
    for name, rows in (("all_codes", list(zip(texts, codes, marks))), ("rq1_rq3", subset)):
        t, c, m = (list(x) for x in zip(*rows))
        out[name] = _brief(evaluate(codebook, t, c, m, folds=folds, seed=seed))
        binary = [i for i, mark in enumerate(m) if mark in ("+", "-")]
        result = evaluate(codebook, [t[i] for i in binary], [c[i] for i in binary],
                          [m[i] for i in binary], folds=folds, seed=seed)
        out[name + "_concerns_vs_progress"] = {
            "n": result["n"],
            "codebook_only": result["codebook_only"]["valence_accuracy"],
            "learned": result["learned"]["valence_accuracy"],
        }
    return out


def _brief(result: dict[str, object]) -> dict[str, object]:
    keys = ("top1", "top3", "macro_f1", "valence_accuracy", "top3_shown", "abstain")
    out: dict[str, object] = {"n": result["n"], "codes": result["codes"]}
    for stage in ("codebook_only", "learned"):
        figures = result[stage]
        assert isinstance(figures, dict)
        out[stage] = {k: figures[k] for k in keys if k in figures}
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--train", type=int, default=5000)
    parser.add_argument("--bulk", type=int, default=10000)
    parser.add_argument("--single", type=int, default=200)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--repeat", type=int, default=3, help="runs per timing (median)")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument("--accuracy", action="store_true",
                        help="also cross-validate on the demo study's coded extracts")
    parser.add_argument("--folds", type=int, default=5)
    args, _ignored = parser.parse_known_args(argv)  # run.py also passes --quick, --workdir
    figures: dict[str, object] = dict(run(args.train, args.bulk, args.single, args.seed,
                                          args.repeat))
    if args.accuracy:
        figures["accuracy"] = accuracy(args.folds, 0)
    if args.json:
        print(json.dumps(figures))
    else:
        for key, value in figures.items():
            if isinstance(value, dict):
                for sub, figure in value.items():
                    print(f"{key}.{sub:36} {figure}")
            else:
                print(f"{key:28} {value}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
