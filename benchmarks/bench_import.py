"""Benchmark: import, segment and store a large synthetic study; one very long transcript.

Targets (2 cores): 1,000 transcripts of ~9,000 words (9 M words) in <= 60 s with peak
memory <= 2 GB; one 300,000-word transcript in <= 5 s.
"""

from __future__ import annotations

import argparse
import random
import resource
import time
from pathlib import Path

from generate import generate, transcript
from output import emit

import qualcode


def peak_mb() -> float:
    """Peak resident memory of this process so far, in MB."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    """Run the import benchmarks and print metrics."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--workdir", type=Path, default=Path("benchmarks/out/import"))
    args = parser.parse_args()
    n, words, long_words = (20, 2000, 30_000) if args.quick else (1000, 9000, 300_000)
    args.workdir.mkdir(parents=True, exist_ok=True)
    study = args.workdir / "study"
    files = generate(study, n, words)
    total_words = sum(len(p.read_text(encoding="utf-8").split()) for p in files)

    metrics: dict[str, float] = {}
    with qualcode.open_project(args.workdir / "bench.qualcode") as project:
        project.import_respondents(study / "respondents.csv")
        start = time.perf_counter()
        project.import_files(files)
        metrics["import_seconds"] = time.perf_counter() - start
        metrics["import_words"] = float(total_words)
        metrics["import_segments"] = float(project.info()["segments"])
        metrics["import_peak_mb"] = peak_mb()

        long_file = args.workdir / "HT1_long_interview.txt"
        long_file.write_text(transcript(random.Random(1), long_words), encoding="utf-8")
        start = time.perf_counter()
        project.import_file(long_file)
        metrics["long_transcript_seconds"] = time.perf_counter() - start
        metrics["long_transcript_words"] = float(len(long_file.read_text().split()))
    emit(metrics, args.json)


if __name__ == "__main__":
    main()
