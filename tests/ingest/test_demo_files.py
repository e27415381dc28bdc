"""Every file of the demo study reads cleanly, as the kind the README says it is."""

from __future__ import annotations

from pathlib import Path

import pytest

from qualcode.ingest.reader import read_document

SAMPLE = Path(__file__).resolve().parents[2] / "transcripts_sample"
NOT_DOCUMENTS = {"respondents.csv", "README.md"}
READABLE = (".txt", ".md", ".docx", ".vtt", ".srt")
DEMO_FILES = sorted(
    p for p in SAMPLE.glob("*")
    if p.is_file() and p.suffix.lower() in READABLE and p.name not in NOT_DOCUMENTS
)


def expected_kind(name: str) -> str:
    if name == "running_records.txt":
        return "running_record"
    if name.startswith("observation_"):
        return "observation"
    return "transcript"


def test_the_demo_study_has_files():
    assert len(DEMO_FILES) >= 10


@pytest.mark.parametrize("path", DEMO_FILES, ids=lambda p: p.name)
def test_demo_file_reads_as_its_kind(path, check):
    docs = read_document(path)
    kind = expected_kind(path.name)
    assert docs, path.name
    assert {doc.kind for doc in docs} == {kind}
    if kind == "running_record":
        assert len(docs) == 5
        assert all(doc.respondent_ref for doc in docs)
    else:
        assert len(docs) == 1
    for doc in docs:
        check(doc)
        assert doc.blocks, f"{path.name}: {doc.title} has no blocks"
        assert doc.source == path.name
    if kind == "running_record":
        notes = [b for doc in docs for b in doc.blocks]
        assert all(b.kind == "note" and b.page is not None for b in notes)
        assert sum(1 for b in notes if b.question) >= 0.9 * len(notes)
    if kind == "transcript":
        [doc] = docs
        interviewer = [b for b in doc.blocks if b.is_interviewer]
        respondent = [b for b in doc.blocks if not b.is_interviewer]
        assert interviewer and respondent, f"{path.name}: needs both interviewer and respondent"
        assert all(b.kind == "turn" and b.speaker for b in doc.blocks)
        with_question = sum(1 for b in respondent if b.question)
        assert with_question >= 0.8 * len(respondent), (
            f"{path.name}: only {with_question} of {len(respondent)} respondent turns "
            "have an agenda question"
        )
