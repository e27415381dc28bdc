"""A small study for search tests: four transcripts, an observation and a codebook.

``search_db`` is built once per test session and must only be read (``searched``); tests
that change the project take ``search_copy``, a fresh copy of it.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

import qualcode
from tests.conftest import RESPONDENTS_CSV

CODEBOOK = """name: Search test frame
codes:
  - id: rq2
    name: RQ2 Inhibiting factors
    codable: false
    children:
      - id: finance
        name: Finance and funding
        children:
          - id: short_term_funding
            name: Short-term funding
      - id: training
        name: Training
      - id: retired
        name: Retired code
"""

HT1 = """Interviewer: Question 1. Tell me about funding.
Respondent: Funding is the problem. The project was funded for a year. Now the funds have gone.
Interviewer: Question 2. And training?
Respondent: Joint training helped. We did joint training with social care. It was better than before.
"""

T1 = """Interviewer: Question 8, what about the budget?
Respondent: We never see the budget. Refunds take months, 12 weeks or more. Training is rare.
Interviewer: Anything else?
Respondent: The FUND for trips is small. Joint. Training days are rare too.
"""

O1 = """Interviewer: Question 4. Money?
Respondent: Short-term funding again. Every year the funding stops.
"""

C1 = """Interviewer: Question 3. Who helps you?
Child A: My key worker helps. She is funded by the council.
Child B: I don't know about money. My key worker is nice.
"""

OBSERVATION = """Observation notes, cluster meeting.

Funding dominated the meeting. The chair asked about joint training.
"""

TEXTS = {"HT1_interview.txt": HT1, "T1_interview.txt": T1, "O1_interview.txt": O1,
         "C1_group_interview.txt": C1}


def build_study(folder: Path) -> Path:
    """Create the search study project in ``folder``; returns its path."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "respondents.csv").write_text(RESPONDENTS_CSV, encoding="utf-8")
    (folder / "book.yaml").write_text(CODEBOOK, encoding="utf-8")
    for name, text in TEXTS.items():
        (folder / name).write_text(text, encoding="utf-8")
    (folder / "cluster_observation.txt").write_text(OBSERVATION, encoding="utf-8")
    path = folder / "search.qualcode"
    with qualcode.open_project(path, coder="tester") as p:
        p.import_respondents(folder / "respondents.csv")
        p.load_codebook(folder / "book.yaml")
        p.import_files([folder / n for n in TEXTS])
        p.import_file(folder / "cluster_observation.txt", kind="observation")
        p.archive_code("retired")
    return path


@pytest.fixture(scope="session")
def search_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The search study's project file, built once (copy it before changing anything)."""
    return build_study(tmp_path_factory.mktemp("search_study"))


@pytest.fixture
def searched(search_db: Path) -> Iterator[qualcode.Project]:
    """The shared search study, opened for reading only."""
    with qualcode.open_project(search_db, coder="tester") as p:
        yield p


@pytest.fixture
def search_copy(search_db: Path, tmp_path: Path) -> Iterator[qualcode.Project]:
    """A private copy of the search study that a test may change."""
    target = tmp_path / "copy.qualcode"
    shutil.copy(search_db, target)
    with qualcode.open_project(target, coder="tester") as p:
        yield p
