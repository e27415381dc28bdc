"""Shared fixtures: a fresh project, and the demo study built once per test session."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import qualcode
from qualcode.demo import build_demo

REPO = Path(__file__).resolve().parent.parent
SAMPLE = REPO / "transcripts_sample"

RESPONDENTS_CSV = """id,label,group,trial,members,gender,setting_type
1,HT1,head_teacher,no,1,female,rural primary
2,T1,teacher,no,1,male,urban secondary
3,O1,officer,yes,1,female,
4,C1,child,no,4,mixed,large urban primary
"""


@pytest.fixture
def project(tmp_path: Path) -> qualcode.Project:
    """An empty project in a temporary SQLite file."""
    with qualcode.open_project(tmp_path / "study.qualcode", coder="tester") as p:
        yield p


@pytest.fixture
def small_project(project: qualcode.Project, tmp_path: Path) -> qualcode.Project:
    """A project with four respondents (HT1, T1, O1, C1) and no documents."""
    csv = tmp_path / "respondents.csv"
    csv.write_text(RESPONDENTS_CSV, encoding="utf-8")
    project.import_respondents(csv)
    return project


@pytest.fixture(scope="session")
def demo_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder holding the demo project (not yet coded), built once per session (read-only)."""
    folder = tmp_path_factory.mktemp("demo")
    build_demo(folder, coded=False).close()
    return folder


@pytest.fixture(scope="session")
def demo(demo_dir: Path) -> qualcode.Project:
    """The demo study project, shared: tests must not change it (copy it to change it)."""
    with qualcode.open_project(demo_dir / "demo.qualcode") as p:
        yield p


@pytest.fixture
def demo_copy(demo_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the demo project file that a test may change; settings kept in tmp_path."""
    monkeypatch.setenv("QUALCODE_CONFIG_DIR", str(tmp_path / "config"))
    target = tmp_path / "demo.qualcode"
    with qualcode.open_project(demo_dir / "demo.qualcode") as source, \
            source.engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    shutil.copy(demo_dir / "demo.qualcode", target)
    return target


def count_rows(project: qualcode.Project) -> dict[str, int]:
    """Row counts of the main tables, to show a failed operation changed nothing."""
    info = project.info()
    return {k: info[k] for k in ("respondents", "documents", "segments", "codes", "codings")}


# --- a small coded project (coding, themes and export tests) -------------------------

CODEBOOK = """name: Test frame
codes:
  - id: rq2
    name: RQ2 Inhibiting factors
    rq: RQ2
    codable: false
    children:
      - id: finance
        name: Finance and funding
        keywords: [funding, money, budget]
        children:
          - id: short_term_funding
            name: Short-term funding
      - id: communications_understanding
        name: Communication and understanding
        keywords: [jargon]
  - id: rq3
    name: RQ3 Good practice
    rq: RQ3
    codable: false
    children:
      - id: caf
        name: Common Assessment Framework
        origin: emergent
        origin_note: raised in the first interviews
      - id: training
        name: Training
"""

HT1 = """Interviewer: Question 5. What gets in the way?
Respondent: Funding, mostly. The money stops after a year. Then we start again.
Interviewer: And number six?
Respondent: The jargon is awful. Nobody tells us what happened after a CAF.
"""

T1 = """Interviewer: Question 8, funding?
Respondent: We never see the budget. Joint training helped us a lot.
"""


@pytest.fixture
def coding_project(small_project: qualcode.Project, tmp_path: Path) -> qualcode.Project:
    """HT1 and T1 transcripts (segments in order) and a six-code codebook."""
    (tmp_path / "book.yaml").write_text(CODEBOOK, encoding="utf-8")
    small_project.load_codebook(tmp_path / "book.yaml")
    (tmp_path / "HT1_interview.txt").write_text(HT1, encoding="utf-8")
    (tmp_path / "T1_interview.txt").write_text(T1, encoding="utf-8")
    small_project.import_files([tmp_path / "HT1_interview.txt", tmp_path / "T1_interview.txt"])
    return small_project


def seg(project: qualcode.Project, text: str) -> int:
    """The id of the segment with exactly this text."""
    segs = project.segments()
    match = segs[segs.text == text]
    assert len(match) == 1, text
    return int(match.id.iloc[0])
