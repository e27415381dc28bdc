"""Importing files into a project: respondent linking, segments, locators, all-or-nothing."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

import qualcode
from qualcode.errors import DuplicateImportError, IngestError, RespondentError
from tests.conftest import count_rows

TRANSCRIPT = """File: HT1_interview
Date: 4 May 2009
Context: School office

Interviewer: Question 5. What gets in the way?
Respondent: Funding, mostly. The money stops after a year. Then we start again.
Interviewer: And number six, communication?
Respondent: The jargon is awful (laughs). Nobody tells us what happened.
"""

BOOK = """Interview summary number 2 page 7

1 . Works with health and social care. Good links.
5. Thresholds too high. Waiting lists.
Interview summary number 2 page 8
b/ More joint meetings now.
"""


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_transcript_becomes_sentences_with_exact_offsets_and_locators(
        small_project: qualcode.Project, tmp_path: Path) -> None:
    result = small_project.import_file(write(tmp_path, "HT1_interview.txt", TRANSCRIPT))
    assert result.respondents == ["HT1"] and result.kind == "transcript"
    docs = small_project.documents()
    assert docs.loc[0, "label"] == "HT1"
    assert docs.loc[0, "metadata"]["date"] == "4 May 2009"
    segs = small_project.segments()
    text = docs.loc[0, "text"]
    for row in segs.itertuples():
        assert text[row.start:row.end] == row.text
    answers = segs[~segs.is_interviewer]
    assert answers.text.tolist()[:3] == [
        "Funding, mostly.", "The money stops after a year.", "Then we start again."]
    assert answers.locator.tolist()[0] == "HT1/T2"
    assert answers.question.tolist()[0] == "5"
    assert answers.question.tolist()[-1] == "6"
    assert set(segs.group) == {"head_teacher"}


def test_running_record_locators_are_respondent_page_question(
        small_project: qualcode.Project, tmp_path: Path) -> None:
    small_project.import_file(write(tmp_path, "book.txt", BOOK))
    segs = small_project.segments()
    assert set(segs.label) == {"T1"}  # interview summary number 2 is respondent 2
    locators = segs.groupby("locator", sort=False).text.apply(" ".join).to_dict()
    assert locators == {
        "2/7/1": "Works with health and social care. Good links.",
        "2/7/5": "Thresholds too high. Waiting lists.",
        "2/8/5b": "More joint meetings now.",
    }


def test_respondent_from_header_line_or_option(small_project: qualcode.Project,
                                               tmp_path: Path) -> None:
    body = TRANSCRIPT.replace("File: HT1_interview", "Respondent: O1")
    small_project.import_file(write(tmp_path, "interview_a.txt", body))
    other = body.replace("Respondent: O1\n", "").replace("awful", "dreadful")
    small_project.import_file(write(tmp_path, "interview_b.txt", other), respondent="C1")
    assert small_project.documents().label.tolist() == ["O1", "C1"]


def test_file_like_upload(small_project: qualcode.Project) -> None:
    upload = io.BytesIO(TRANSCRIPT.encode("utf-8"))
    result = small_project.import_file(upload, name="T1_upload.txt")
    assert result.respondents == ["T1"]


def test_duplicate_import_is_refused_naming_the_earlier_one(small_project: qualcode.Project,
                                                            tmp_path: Path) -> None:
    small_project.import_file(write(tmp_path, "HT1_interview.txt", TRANSCRIPT))
    before = count_rows(small_project)
    copy = write(tmp_path, "HT1_copy.txt", TRANSCRIPT)
    with pytest.raises(DuplicateImportError, match="already imported as HT1_interview.txt"):
        small_project.import_file(copy)
    assert count_rows(small_project) == before


def test_unknown_or_missing_respondent_is_refused(small_project: qualcode.Project,
                                                  tmp_path: Path) -> None:
    before = count_rows(small_project)
    with pytest.raises(RespondentError, match=r"names respondent 'HT9'.*Import respondents"):
        small_project.import_file(write(tmp_path, "x.txt", "Respondent: HT9\n\n" + TRANSCRIPT))
    with pytest.raises(RespondentError, match="cannot tell which respondent"):
        small_project.import_file(write(tmp_path, "interview.txt", TRANSCRIPT))
    assert count_rows(small_project) == before


def test_a_bad_file_in_a_batch_imports_nothing(small_project: qualcode.Project,
                                               tmp_path: Path) -> None:
    good = write(tmp_path, "HT1_interview.txt", TRANSCRIPT)
    empty = write(tmp_path, "T1_interview.txt", "   \n")
    before = count_rows(small_project)
    with pytest.raises(IngestError, match="T1_interview.txt"):
        small_project.import_files([good, empty])
    assert count_rows(small_project) == before


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("HT1_a.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(200), "binary"),
        ("HT1_b.txt", b"", "empty"),
        ("HT1_c.docx", b"PK\x03\x04 not really a zip", "docx"),
        ("HT1_d.docx", bytes.fromhex("D0CF11E0A1B11AE1") + bytes(600), "password"),
        ("HT1_e.txt", b"Interviewer: caf\x81\x8d\x90 ok\nRespondent: yes\n", "UTF-8"),
        ("HT1_f.pdf", b"%PDF-1.4", ".docx"),
    ],
)
def test_bad_files_get_clear_errors_and_change_nothing(
        small_project: qualcode.Project, tmp_path: Path, name: str, data: bytes,
        message: str) -> None:
    path = tmp_path / name
    path.write_bytes(data)
    before = count_rows(small_project)
    with pytest.raises(IngestError) as info:
        small_project.import_file(path)
    assert name in str(info.value)
    assert message.lower() in str(info.value).lower()
    assert count_rows(small_project) == before


def test_size_limit_is_configurable(tmp_path: Path) -> None:
    with qualcode.open_project(tmp_path / "p.qualcode", max_import_bytes=100) as project:
        project.import_respondents(io.BytesIO(b"id,label,group\n1,HT1,head_teacher\n"))
        with pytest.raises(IngestError, match="limit"):
            project.import_file(write(tmp_path, "HT1_interview.txt", TRANSCRIPT))
        assert project.info()["documents"] == 0


def test_cli_import_info_and_segments(small_project: qualcode.Project, tmp_path: Path,
                                      capsys: pytest.CaptureFixture[str]) -> None:
    from qualcode.cli import main

    db = small_project.engine.url.database
    assert main(["import", db, str(write(tmp_path, "HT1_interview.txt", TRANSCRIPT))]) == 0
    assert main(["info", db, "--json"]) == 0
    out = capsys.readouterr().out
    assert '"documents": 1' in out
    assert main(["segments", db]) == 0
    assert "HT1/T2" in capsys.readouterr().out
    assert main(["import", db, str(tmp_path / "HT1_interview.txt")]) == 2
    assert "already imported" in capsys.readouterr().err
