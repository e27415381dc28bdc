"""Benchmark: coding operations on a large project.

Targets with 500,000 segments and 100,000 codings: applying a code <= 20 ms (p95); all
extracts of one code with descendants <= 300 ms; coverage of the whole project <= 1 s;
merging a code with 10,000 codings <= 2 s.
"""

from __future__ import annotations

import argparse
import random
import time
from pathlib import Path

import numpy as np
from generate import generate
from output import emit
from sqlalchemy import insert, select

import qualcode
from qualcode.coding import codebook as codebook_mod
from qualcode.coding.codebook import Codebook, CodeSpec
from qualcode.store.models import Coding, Segment, utcnow


def build(workdir: Path, quick: bool) -> qualcode.Project:
    """A project with the target numbers of segments and codings (made once per workdir)."""
    n_docs, words = (30, 3000) if quick else (1000, 5200)
    project = qualcode.open_project(workdir / "coding.qualcode", coder="bench")
    if project.info()["segments"]:
        return project
    study = workdir / "study"
    files = generate(study, n_docs, words, seed=11)
    project.import_respondents(study / "respondents.csv")
    project.import_files(files)
    codes = []
    for p in range(10):
        codes.append(CodeSpec(id=f"theme_{p}", name=f"Theme {p}", rq=f"RQ{p % 4 + 1}"))
        codes += [CodeSpec(id=f"code_{p}_{c}", name=f"Code {p}.{c}", parent_id=f"theme_{p}",
                           rq=f"RQ{p % 4 + 1}") for c in range(19)]
    with project.session() as s:
        codebook_mod.load_codebook(s, Codebook(name="bench", codes=codes), "bench")
    n_codings = 2000 if quick else 100_000
    rng = random.Random(3)
    with project.session() as s:
        segs = s.execute(select(Segment.id, Segment.document_id, Segment.start, Segment.end,
                                Segment.locator).where(Segment.is_interviewer.is_(False))).all()
        picked = rng.sample(segs, n_codings)
        rows = [{"document_id": d, "start_offset": a, "end_offset": b,
                 "code_id": rng.choice(codes).id, "coder": "bench", "valence": rng.choice("+-0"),
                 "flags": [], "source": "manual", "locator": loc,
                 "created_at": utcnow(), "updated_at": utcnow()}
                for _i, d, a, b, loc in picked]
        s.connection().execute(insert(Coding.__table__), rows)
    return project


def main() -> None:
    """Run the coding benchmarks and print metrics."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--workdir", type=Path, default=Path("benchmarks/out/coding"))
    args = parser.parse_args()
    args.workdir.mkdir(parents=True, exist_ok=True)
    project = build(args.workdir, args.quick)
    info = project.info()
    metrics: dict[str, float] = {"segments": float(info["segments"]),
                                 "codings": float(info["codings"])}
    segments = project.segments()
    answer_ids = segments[~segments.is_interviewer].id.tolist()
    rng = random.Random(5)
    timings = []
    for sid in rng.sample(answer_ids, 200):
        start = time.perf_counter()
        project.code(int(sid), "code_1_1", valence="-")
        timings.append(time.perf_counter() - start)
    metrics["code_p95_ms"] = float(np.percentile(timings, 95) * 1000)

    start = time.perf_counter()
    extracts = project.extracts("theme_2")
    metrics["extracts_with_descendants_ms"] = (time.perf_counter() - start) * 1000
    metrics["extracts_rows"] = float(len(extracts))

    start = time.perf_counter()
    project.coverage()
    metrics["coverage_seconds"] = time.perf_counter() - start

    # a code with 10,000 codings (fewer in quick mode), merged into another
    n_merge = 200 if args.quick else 10_000
    with project.session() as s:
        ids = s.scalars(select(Coding.id).where(Coding.code_id != "code_3_1")
                        .limit(n_merge)).all()
        s.execute(Coding.__table__.update().where(Coding.id.in_(ids)).values(code_id="code_3_0"))
    start = time.perf_counter()
    project.merge_codes("code_3_0", "code_3_1")
    metrics["merge_seconds"] = time.perf_counter() - start
    metrics["merge_codings"] = float(n_merge)
    project.close()
    emit(metrics, args.json)


if __name__ == "__main__":
    main()
