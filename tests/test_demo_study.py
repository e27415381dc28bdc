"""The demo study: every file imports with no options, every segment is exact."""

from __future__ import annotations

import csv
import re

import pandas as pd

import qualcode
from qualcode.demo import sample_files
from tests.conftest import SAMPLE

REQUIRED_CODES = {
    "RQ1": ["strategic_management", "understanding_of_maw", "vulnerable_children_support"],
    "RQ2": ["structural_issues", "responsibility", "worker_tensions", "interagency_issues",
            "interagency_tensions", "finance", "communications_understanding"],
    "RQ3": ["improving_provision", "school_agency_integration", "knowledge_understanding",
            "professional_practice", "manager_influence"],
    "RQ4": ["principles_provision", "principles_integration", "principles_knowledge",
            "principles_practice", "principles_management"],
}


def test_respondents_cover_all_groups_with_trials_and_a_group_interview() -> None:
    rows = list(csv.DictReader((SAMPLE / "respondents.csv").open(encoding="utf-8")))
    assert len(rows) >= 14
    assert {r["group"] for r in rows} == {"head_teacher", "teacher", "officer", "parent", "child"}
    assert sum(r["trial"] == "yes" for r in rows) == 2
    assert any(r["group"] == "child" and r["members"] == "4" for r in rows)


def test_every_sample_file_imported_with_its_respondent(demo: qualcode.Project) -> None:
    docs = demo.documents()
    assert set(docs.source) == {p.name for p in sample_files()}
    transcripts = docs[docs.kind == "transcript"]
    assert len(transcripts) >= 10
    suffixes = {s.rsplit(".", 1)[1] for s in transcripts.source}
    assert {"txt", "docx", "vtt"} <= suffixes
    for row in transcripts.itertuples():
        assert row.source.startswith(row.label + "_"), row.source
        words = len(row.text.split())
        assert 700 <= words <= 3200, (row.source, words)
    records = docs[docs.kind == "running_record"]
    assert len(records) >= 5
    pages = {p for m in records.metadata for p in range(m["pages"][0], m["pages"][1] + 1)}
    assert len(pages) >= 12


def test_every_segment_is_exactly_its_slice_of_the_document(demo: qualcode.Project) -> None:
    texts = demo.documents().set_index("id").text
    segs = demo.segments()
    assert len(segs) > 1000
    for row in segs.itertuples():
        assert texts[row.document_id][row.start:row.end] == row.text
        assert row.text == row.text.strip() and row.text


def test_locators_follow_the_reference_conventions(demo: qualcode.Project) -> None:
    segs = demo.segments().merge(demo.documents(with_text=False)[["id", "kind"]],
                                 left_on="document_id", right_on="id", suffixes=("", "_doc"))
    rr = segs[segs.kind == "running_record"]
    assert rr.locator.str.match(r"^\d+/\d+/\d+[a-z]?$").mean() > 0.95
    tr = segs[segs.kind == "transcript"]
    assert all(re.match(rf"^{re.escape(lab)}/T\d+$", loc)
               for lab, loc in zip(tr.label, tr.locator))
    answers = tr[~tr.is_interviewer]
    assert answers.question.notna().mean() > 0.8
    assert tr.is_interviewer.any() and (~tr.is_interviewer).any()


def test_codebook_has_the_study_frame(demo: qualcode.Project) -> None:
    book = demo.codebook().set_index("id")
    for rq, ids in REQUIRED_CODES.items():
        for code_id in ids:
            assert book.loc[code_id, "rq"] == rq
            assert pd.isna(book.loc[book.loc[code_id, "parent_id"], "parent_id"])
            assert 5 <= len(book.loc[code_id, "keywords"]) <= 15
            assert re.match(r"^#[0-9A-Fa-f]{6}$", book.loc[code_id, "colour"])
            assert book.loc[code_id, "description"]
    emergent = book[book.origin == "emergent"]
    assert {"caf", "training", "voice_of_child_and_parent", "work_shadowing"} <= set(emergent.index)
    assert pd.Series(book.guid).is_unique


def test_info_counts(demo: qualcode.Project) -> None:
    info = demo.info()
    assert info["respondents"] == 16
    assert set(info["respondents_by_group"]) == {
        "head_teacher", "teacher", "officer", "parent", "child"}
    assert info["documents_by_kind"]["transcript"] >= 10
    assert info["codes"] >= 25


def test_the_coded_demo_carries_every_hand_coded_extract(tmp_path) -> None:
    import csv as csv_mod

    from qualcode.cli import main

    assert main(["demo", str(tmp_path)]) == 0
    rows = list(csv_mod.DictReader((SAMPLE / "coded_extracts.csv").open(encoding="utf-8")))
    expected = sum(len([c for c in r["codes"].split(";") if c]) for r in rows)
    with qualcode.open_project(tmp_path / "demo.qualcode") as project:
        codings = project.codings()
        assert len(codings) == expected
        assert set(codings.group.dropna()) == {"head_teacher", "teacher", "officer", "parent",
                                               "child"}
        assert set(codings.valence) == {"+", "-", "0"}
        # every extract's words are inside the coded span (whole segments around them)
        sample = rows[0]
        assert " ".join(sample["text"].split()[:5]) in " ".join(" ".join(codings.text).split())
        assert main(["demo", str(tmp_path)]) == 0  # reopening keeps it as it is
        assert len(project.codings()) == expected
