"""A small project with two transcripts and a small codebook, for coding tests."""

from __future__ import annotations

from pathlib import Path

import pytest

import qualcode

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
