"""Fixtures for export tests: a coded copy of the demo study (the shared demo stays as it is)."""

from __future__ import annotations

import io
import random
import sqlite3
import zipfile
from pathlib import Path

import pytest

import qualcode

FLAG_SETS = ([], ["in_literature"], ["surprising"], ["follow_up"],
             ["in_literature", "follow_up"])


def copy_project(source: Path, target: Path) -> Path:
    """Copy an SQLite project file safely (WAL included) with SQLite's backup API."""
    src = sqlite3.connect(source)
    dst = sqlite3.connect(target)
    try:
        src.backup(dst)
    finally:
        src.close()
        dst.close()
    return target


def code_demo(project: qualcode.Project) -> None:
    """Code a few dozen segments of the demo study with every kind of mark, two coders,
    memos, a multi-coding, ranges, an arbitrary span, Issues and an archived code."""
    rng = random.Random(17)
    segs = project.segments()
    docs = project.documents(with_text=False)
    book = project.codebook()
    codes = book[book.codable.astype(bool)].id.tolist()
    answers = segs[~segs.is_interviewer.astype(bool)]
    picked = rng.sample(answers.id.tolist(), 36)
    for n, sid in enumerate(picked):
        project.code(int(sid), rng.choice(codes), coder="demo" if n % 3 else "second",
                     valence="+-0"[n % 3], flags=FLAG_SETS[n % len(FLAG_SETS)],
                     dimension=(None, "policy", "process", "practice")[n % 4],
                     memo=("Check with the head.\nSecond line é—" if n % 4 == 0 else None),
                     source="suggestion" if n == 5 else "manual")
    # one segment, two codes (multi-coding), and a range of three segments
    project.code(int(picked[0]), ["finance", "trust"], valence="-")
    project.code([int(picked[3]), int(picked[4])], "finance", valence="-",
                 flags=["in_literature"], memo="Money again.")
    doc_of = dict(zip(segs.id, segs.document_id))
    run = segs[segs.document_id == doc_of[int(picked[1])]].id.tolist()[10:13]
    project.code(run, "structural_issues", valence="-", flags=["surprising"])
    # a running record, the observation notes and an interviewer turn
    rr_doc = int(docs[docs.kind == "running_record"].id.iloc[0])
    obs_doc = int(docs[docs.kind == "observation"].id.iloc[0])
    project.code(int(segs[segs.document_id == rr_doc].id.iloc[3]), "interagency_issues",
                 valence="-", dimension="practice")
    project.code(int(segs[segs.document_id == obs_doc].id.iloc[4]), "improving_provision",
                 valence="+", memo="Observed, not said.")
    project.code(int(segs[segs.is_interviewer.astype(bool)].id.iloc[0]), "caf")
    # any span through the API
    project.code_span(obs_doc, 5, 40, "training", coder="second", valence="0")
    codings = project.codings()
    finance = codings[codings.code_id == "finance"].id.tolist()
    assert len(finance) >= 3
    project.add_issue("finance", "Short-term funding undermines joint work.", finance[:3])
    project.add_issue("trust", "Trust is built person to person, not by structures.")
    # a code with codings that is archived afterwards
    project.code(int(picked[2]), "work_shadowing", valence="+")
    project.archive_code("work_shadowing", reason="folded into training")


@pytest.fixture(scope="session")
def coded_demo_file(demo: qualcode.Project, demo_dir: Path,
                    tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the demo project, coded by :func:`code_demo` (built once; read it only)."""
    target = tmp_path_factory.mktemp("coded") / "coded.qualcode"
    copy_project(demo_dir / "demo.qualcode", target)
    with qualcode.open_project(target, coder="demo") as project:
        code_demo(project)
    return target


@pytest.fixture(scope="session")
def coded_demo(coded_demo_file: Path) -> qualcode.Project:
    """The coded demo copy, opened once for the session: tests must not change it."""
    with qualcode.open_project(coded_demo_file, coder="demo") as project:
        yield project


@pytest.fixture
def coded_copy(coded_demo_file: Path, tmp_path: Path) -> qualcode.Project:
    """A private copy of the coded demo that a test may change."""
    target = copy_project(coded_demo_file, tmp_path / "coded_copy.qualcode")
    with qualcode.open_project(target, coder="demo") as project:
        yield project


@pytest.fixture
def empty_project(tmp_path: Path) -> qualcode.Project:
    """A new, empty project to import into."""
    with qualcode.open_project(tmp_path / "target.qualcode", coder="importer") as project:
        yield project


def make_qdpx(qde: str | bytes, files: dict[str, bytes] | None = None,
              compression: int = zipfile.ZIP_DEFLATED) -> io.BytesIO:
    """A .qdpx archive in memory from project.qde text and Sources files."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=compression) as zf:
        zf.writestr("project.qde", qde if isinstance(qde, bytes) else qde.encode("utf-8"))
        for name, data in (files or {}).items():
            zf.writestr(name, data)
    buffer.seek(0)
    buffer.name = "hand.qdpx"
    return buffer
