"""Plain documents and observation notes: paragraph blocks, kind detection and forcing."""

from __future__ import annotations

import io

import pytest

from qualcode.errors import IngestError
from qualcode.ingest.reader import read_document

DIARY = ("Date: 14 May 2009\n\nCluster meeting ran late.\nThe chair apologised.\n\n\n"
         "  Health did not come.  \n")


def test_paragraphs_are_separated_by_blank_lines(read_one, texts):
    doc = read_one("field_diary.txt", DIARY)
    assert doc.kind == "document"
    assert doc.metadata == {"date": "14 May 2009"}
    assert texts(doc) == ["Cluster meeting ran late.\nThe chair apologised.",
                          "Health did not come."]
    assert all(b.kind == "paragraph" and b.speaker is None for b in doc.blocks)
    assert doc.title == "field_diary"


def test_observation_kind_from_the_file_name(read_one):
    doc = read_one("observation_cluster_meeting.txt", DIARY)
    assert doc.kind == "observation"


def test_observation_with_speaker_like_lines_stays_an_observation(read_one, texts):
    text = "Chair: opened the meeting.\nChair: asked for updates.\nHealth: no update.\n"
    doc = read_one("Observation_panel.txt", text)
    assert doc.kind == "observation"
    assert texts(doc) == [text.strip()]


def test_date_line_followed_directly_by_text(read_one, texts):
    doc = read_one("memo.txt", "Date: 1 June 2009\nThe policy changes in September.\n")
    assert doc.metadata == {"date": "1 June 2009"}
    assert texts(doc) == ["The policy changes in September."]


def test_date_line_alone_stays_a_paragraph(read_one, texts):
    doc = read_one("memo.txt", "Date: 1 June 2009\n")
    assert doc.metadata == {}
    assert texts(doc) == ["Date: 1 June 2009"]


def test_markdown_title_for_documents(read_one, texts):
    doc = read_one("policy.md", "# Partnership protocol\n\nAgencies share information.\n")
    assert doc.title == "Partnership protocol"
    assert texts(doc) == ["# Partnership protocol", "Agencies share information."]


def test_forced_kind_wins_over_detection(tmp_path, check):
    path = tmp_path / "HT1.txt"
    path.write_text("Interviewer: Hi.\nRespondent: Hello.\n", encoding="utf-8")
    [doc] = read_document(path, kind="document")
    check(doc)
    assert doc.kind == "document"
    assert [b.kind for b in doc.blocks] == ["paragraph"]
    [doc] = read_document(path, kind="observation")
    assert doc.kind == "observation"


def test_forcing_transcript_without_turns_is_an_error(tmp_path):
    path = tmp_path / "diary.txt"
    path.write_text("Just notes.\n\nMore notes.\n", encoding="utf-8")
    with pytest.raises(IngestError, match="diary.txt .* no speaker turns were found"):
        read_document(path, kind="transcript")


def test_transcript_detected_in_any_text_file_name(check):
    data = b"Interviewer: One.\nRespondent: Two.\n"
    [doc] = read_document(io.BytesIO(data), name="observation_notes_interview.md",
                          kind="transcript")
    check(doc)
    assert doc.kind == "transcript"


def test_date_line_closing_the_title_paragraph(read_one, texts):
    text = ("Observation notes - cluster meeting, [partnership]\n"
            "Date: Thursday 12 March 2009\n\nTwelve people attended.\n")
    doc = read_one("observation_cluster.txt", text)
    assert doc.metadata == {"date": "Thursday 12 March 2009"}
    assert texts(doc) == ["Observation notes - cluster meeting, [partnership]",
                          "Twelve people attended."]


def test_date_line_in_the_middle_of_the_first_paragraph_stays(read_one, texts):
    text = "Field diary\nDate: 2 May\nWet day.\n\nNext.\n"
    doc = read_one("diary.txt", text)
    assert doc.metadata == {"date": "2 May"}
    assert texts(doc) == ["Field diary\nDate: 2 May\nWet day.", "Next."]
