"""Benchmark: the Word report and REFI-QDA (.qdpx) export and import.

Targets (2 cores): a Word report of 5,000 extracts with 4 tables and one figure <= 5 s;
.qdpx export and import of a project with 1,000 documents and 100,000 codings <= 20 s
each. Synthetic data, fixed seeds.

    python benchmarks/bench_export.py [--json] [--quick] [--workdir DIR]
"""

from __future__ import annotations

import argparse
import io
import random
import resource
import struct
import time
import zlib
from datetime import datetime
from pathlib import Path
from typing import Any, cast

import pandas as pd
from generate import GROUPS, PREFIX, generate, sentence
from output import emit
from sqlalchemy import Table, insert, select

import qualcode
from qualcode.coding import codebook as codebook_mod
from qualcode.coding.codebook import Codebook, CodeSpec
from qualcode.export.docx import build_report
from qualcode.export.refi import export_qdpx
from qualcode.export.refi_import import import_qdpx
from qualcode.store.models import Coding, Issue, Segment, issue_codings, utcnow

FLAGS: tuple[list[str], ...] = ([], [], [], ["in_literature"], ["surprising"], ["follow_up"],
         ["in_literature", "follow_up"])


def peak_mb() -> float:
    """Peak resident memory of this process so far, in MB."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def codes() -> list[CodeSpec]:
    """200 codes: 10 categories (one per research question in turn) of 19 codes each."""
    out = []
    for p in range(10):
        rq = f"RQ{p % 4 + 1}"
        out.append(CodeSpec(id=f"theme_{p}", name=f"Theme {p}", rq=rq, codable=False,
                            description=f"Category {p} of the synthetic frame."))
        out += [CodeSpec(id=f"code_{p}_{c}", name=f"Code {p}.{c}", parent_id=f"theme_{p}",
                         rq=rq, description="A synthetic code " * 3) for c in range(19)]
    return out


def png(width: int, height: int) -> bytes:
    """A simple RGB PNG of the given size (a gradient), made without an imaging library."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))
    rows = b"".join(
        b"\x00" + bytes(v for x in range(width)
                        for v in (x * 255 // width, y * 255 // height, 128))
        for y in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header)
            + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))


def report_inputs(n: int, seed: int = 5) -> dict[str, Any]:
    """A codings frame of ``n`` extracts, the codebook, Issues, 4 tables and a figure."""
    rng = random.Random(seed)
    specs = codes()
    codable = [c for c in specs if c.codable]
    labels = [f"{PREFIX[g]}{i}" for g in GROUPS for i in range(1, 21)]
    rows = []
    for i in range(n):
        label = rng.choice(labels)
        group = next(g for g in GROUPS if label.startswith(PREFIX[g])
                     and label[len(PREFIX[g]):].isdigit())
        code = rng.choice(codable)
        text = " ".join(sentence(rng) for _ in range(rng.randint(1, 3)))
        rows.append({
            "id": i + 1, "document_id": rng.randint(1, 1000), "start": rng.randint(0, 50_000),
            "end": 0, "code_id": code.id, "coder": rng.choice(["ana", "ben"]),
            "valence": rng.choice("+-0"), "flags": rng.choice(FLAGS),
            "dimension": rng.choice([None, "policy", "process", "practice"]),
            "memo": "A memo on this extract." if rng.random() < 0.1 else None,
            "source": "manual", "text": text, "locator": f"{label}/T{rng.randint(1, 80)}",
            "respondent": labels.index(label) + 1, "label": label, "group": group,
            "created_at": datetime(2009, 3, 1), "document_kind": "transcript",
            "trial": False, "rq": code.rq, "setting_type": rng.choice(
                ["rural primary", "urban secondary", "infant school"])})
    frame = pd.DataFrame(rows)
    frame["end"] = frame["start"] + frame["text"].str.len()
    codebook = pd.DataFrame([{"id": c.id, "guid": c.guid, "name": c.name,
                              "parent_id": c.parent_id, "rq": c.rq,
                              "description": c.description, "codable": c.codable}
                             for c in specs])
    ids = frame["id"].tolist()
    issues = pd.DataFrame([{"id": k + 1, "code_id": rng.choice(codable).id,
                            "text": f"Issue {k}: " + sentence(rng), "coder": "ana",
                            "created_at": datetime(2009, 4, 1),
                            "coding_ids": rng.sample(ids, 4), "references": []}
                           for k in range(100)])
    per_group = frame.groupby("group").agg(n=("id", "size"), respondents=("label", "nunique"))
    per_group["per_respondent"] = per_group["n"] / per_group["respondents"]
    valence = frame.pivot_table(index="group", columns="valence", values="id",
                                aggfunc="size", fill_value=0)
    top = frame[frame.valence == "-"].groupby(["rq", "code_id"]).size().rename("n") \
        .reset_index().sort_values(["rq", "n"], ascending=[True, False]).groupby("rq").head(5)
    chosen = [c.id for c in codable[:20]]
    matrix = frame[frame.code_id.isin(chosen)].pivot_table(
        index="label", columns=["code_id", "valence"], values="id", aggfunc="size",
        fill_value=0)
    tables = {"Codings per group, with denominators": per_group,
              "Positive, negative and neutral per group": valence,
              "Overview matrix (20 codes)": matrix, "Top five concerns per RQ": top}
    return {"codings": frame, "codebook": codebook, "issues": issues, "tables": tables,
            "figure_png": png(800, 600)}


def build_project(workdir: Path, quick: bool) -> qualcode.Project:
    """A project with 1,000 documents and 100,000 codings (made once per workdir)."""
    n_docs, words = (30, 1200) if quick else (1000, 2000)
    n_codings = 2_000 if quick else 100_000
    project = qualcode.open_project(workdir / "export.qualcode", coder="bench")
    if project.info()["codings"]:
        return project
    study = workdir / "study"
    files = generate(study, n_docs, words, seed=13)
    project.import_respondents(study / "respondents.csv")
    project.import_files(files)
    specs = codes()
    with project.session() as s:
        codebook_mod.load_codebook(s, Codebook(name="bench", codes=specs), "bench")
    codable = [c.id for c in specs if c.codable]
    rng = random.Random(3)
    with project.session() as s:
        segs = s.execute(select(Segment.document_id, Segment.start, Segment.end,
                                Segment.locator).where(Segment.is_interviewer.is_(False))
                         ).all()
        seen: set[tuple[int, int, str]] = set()
        rows: list[dict[str, Any]] = []
        while len(rows) < n_codings:
            d, a, b, loc = segs[rng.randrange(len(segs))]
            code = rng.choice(codable)
            if (d, a, code) in seen:
                continue
            seen.add((d, a, code))
            rows.append({"document_id": d, "start_offset": a, "end_offset": b,
                         "code_id": code, "coder": rng.choice(["bench", "second"]),
                         "valence": rng.choice("+-0"), "flags": rng.choice(FLAGS),
                         "dimension": rng.choice([None, "policy", "process", "practice"]),
                         "memo": "Memo é — on this extract." if rng.random() < 0.05 else None,
                         "source": "manual", "locator": loc, "created_at": utcnow(),
                         "updated_at": utcnow()})
        s.connection().execute(insert(cast(Table, Coding.__table__)), rows)
        coding_ids = s.scalars(select(Coding.id)).all()
        for k in range(200):
            issue = Issue(code_id=rng.choice(codable), text=f"Issue {k}: {sentence(rng)}",
                          coder="bench")
            s.add(issue)
            s.flush()
            s.execute(insert(issue_codings), [{"issue_id": issue.id, "coding_id": c}
                                              for c in rng.sample(coding_ids, 5)])
    return project


def main() -> None:
    """Run the export benchmarks and print metrics."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--workdir", type=Path, default=Path("benchmarks/out/export"))
    args = parser.parse_args()
    args.workdir.mkdir(parents=True, exist_ok=True)
    metrics: dict[str, float] = {}

    inputs = report_inputs(500 if args.quick else 5_000)
    start = time.perf_counter()
    document = build_report(inputs.pop("codings"), inputs.pop("codebook"),
                            title="Benchmark report", project_name="synthetic", **inputs)
    buffer = io.BytesIO()
    document.save(buffer)
    metrics["report_seconds"] = time.perf_counter() - start
    metrics["report_extracts"] = float(500 if args.quick else 5_000)
    metrics["report_mb"] = len(buffer.getvalue()) / 1e6

    start = time.perf_counter()
    project = build_project(args.workdir, args.quick)
    metrics["build_project_seconds"] = time.perf_counter() - start
    info = project.info()
    metrics["documents"] = float(info["documents"])
    metrics["codings"] = float(info["codings"])
    metrics["segments"] = float(info["segments"])

    target = args.workdir / "export.qdpx"
    start = time.perf_counter()
    export_qdpx(project, target)
    metrics["qdpx_export_seconds"] = time.perf_counter() - start
    metrics["qdpx_mb"] = target.stat().st_size / 1e6
    project.close()

    imported = args.workdir / "imported.qualcode"
    for path in args.workdir.glob("imported.qualcode*"):
        path.unlink()
    with qualcode.open_project(imported, coder="bench") as fresh:
        start = time.perf_counter()
        counts = import_qdpx(target, fresh)
        metrics["qdpx_import_seconds"] = time.perf_counter() - start
        metrics["imported_codings"] = float(counts["codings"])
        if fresh.info()["codings"] != info["codings"]:
            raise SystemExit("the import lost codings")
    metrics["peak_mb"] = peak_mb()
    emit(metrics, args.json)


if __name__ == "__main__":
    main()
