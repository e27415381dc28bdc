"""Speaker turns and header lines in plain-text and Markdown transcripts."""

from __future__ import annotations

import pytest

from qualcode.ingest.labels import is_interviewer_name


def speakers(doc):
    return [(b.speaker, b.is_interviewer) for b in doc.blocks]


@pytest.mark.parametrize(
    ("first", "second", "interviewer", "respondent"),
    [
        ("Interviewer:", "Respondent:", "Interviewer", "Respondent"),
        ("Interviewer :", "Respondent :", "Interviewer", "Respondent"),
        ("Interviewer::", "Respondent::", "Interviewer", "Respondent"),
        ("interviewer:", "RESPONDENT:", "Interviewer", "Respondent"),
        ("**Interviewer:**", "**Respondent:**", "Interviewer", "Respondent"),
        ("**Interviewer**:", "**Respondent** :", "Interviewer", "Respondent"),
        ("__Interviewer:__", "*Respondent:*", "Interviewer", "Respondent"),
        ("Q:", "A:", "Q", "A"),
        ("I:", "R:", "I", "R"),
        ("Int:", "Resp:", "Int", "Resp"),
        ("[Interviewer]", "[Officer]", "Interviewer", "Officer"),
        ("[Interviewer]:", "[Head teacher]:", "Interviewer", "Head teacher"),
        ("Researcher:", "Head teacher:", "Researcher", "Head teacher"),
        ("Facilitator:", "Child B:", "Facilitator", "Child B"),
        ("Moderator:", "Parent A:", "Moderator", "Parent A"),
        ("- **Interviewer:**", "- **Respondent:**", "Interviewer", "Respondent"),
        ("> Interviewer:", "> Respondent 2:", "Interviewer", "Respondent 2"),
        ("[00:01:23] Interviewer:", "[00:01:30] Respondent:", "Interviewer", "Respondent"),
        ("Interviewer (00:01:23):", "Participant (00:01:30):", "Interviewer", "Participant"),
        ("Interviewer 00:01:23:", "Respondent 1:02:", "Interviewer", "Respondent"),
    ],
)
def test_label_styles_give_turns_with_words_only(read_one, texts, first, second,
                                                 interviewer, respondent):
    doc = read_one("t.md", f"{first} How often do you meet?\n{second}  Every week (laughs).  \n")
    assert doc.kind == "transcript"
    assert texts(doc) == ["How often do you meet?", "Every week (laughs)."]
    assert speakers(doc) == [(interviewer, True), (respondent, False)]
    assert [b.turn for b in doc.blocks] == [1, 2]
    assert all(b.kind == "turn" for b in doc.blocks)


def test_unusual_names_count_when_they_start_two_lines(read_one, texts):
    doc = read_one("t.txt", "Sam: Hello.\nMrs Okafor: Hi.\nSam: Tell me more.\nMrs Okafor: OK.\n")
    assert [b.speaker for b in doc.blocks] == ["Sam", "Mrs Okafor", "Sam", "Mrs Okafor"]
    assert not any(b.is_interviewer for b in doc.blocks)


def test_ordinary_sentences_with_colons_are_not_labels(read_one, texts):
    text = (
        "Interviewer: What gets in the way?\n"
        "Respondent: Well: it depends.\n"
        "Well: it depends on the day, really.\n"
        "Note: the phone rang here.\n"
        "The reason is simple: money.\n"
        "Interviewer: Thanks.\n"
    )
    doc = read_one("t.txt", text)
    assert [b.speaker for b in doc.blocks] == ["Interviewer", "Respondent", "Interviewer"]
    assert texts(doc)[1] == (
        "Well: it depends.\nWell: it depends on the day, really.\n"
        "Note: the phone rang here.\nThe reason is simple: money."
    )


def test_repeated_lead_in_like_note_is_never_a_speaker(read_one):
    text = "Interviewer: Go on.\nNote: one.\nRespondent: Yes.\nNote: two.\n"
    doc = read_one("t.txt", text)
    assert [b.speaker for b in doc.blocks] == ["Interviewer", "Respondent"]


def test_bracketed_placeholders_are_not_speakers(read_one, texts):
    text = ("[Interviewer] Where is it?\n[Officer] In [town].\n[town] has two schools.\n"
            "[School] is small.\n[School] is big.\n")
    doc = read_one("t.txt", text)
    assert [b.speaker for b in doc.blocks] == ["Interviewer", "Officer"]
    assert texts(doc)[1].endswith("[School] is big.")


def test_label_alone_on_its_line_takes_the_next_lines(read_one, texts):
    doc = read_one("t.txt", "Interviewer:\n  So, question one?\n\nRespondent:\nWe meet.\nOften.\n")
    assert texts(doc) == ["So, question one?", "We meet.\nOften."]


def test_empty_turns_are_skipped_and_numbering_stays_dense(read_one):
    text = "Interviewer: Hi\nRespondent:\nInterviewer: Still there?\nRespondent: Yes\n"
    doc = read_one("t.txt", text)
    assert [(b.turn, b.speaker) for b in doc.blocks] == [
        (1, "Interviewer"), (2, "Interviewer"), (3, "Respondent")]


def test_header_lines_become_metadata_title_and_respondent(read_one, texts):
    text = (
        "# Interview T1\n"
        "File: t1_recording.mp3\n"
        "Duration: 00:41:12\n"
        "Date : 12 March 2009\n"
        "**Context:** staff room, after school\n"
        "Respondent: HT3\n"
        "\n"
        "Interviewer: Thank you for seeing me.\n"
        "Respondent: A pleasure.\n"
    )
    doc = read_one("HT3_x.md", text)
    assert doc.title == "Interview T1"
    assert doc.respondent_ref == "HT3"
    assert doc.metadata == {
        "file": "t1_recording.mp3",
        "duration": "00:41:12",
        "date": "12 March 2009",
        "context": "staff room, after school",
    }
    assert texts(doc) == ["Thank you for seeing me.", "A pleasure."]
    assert doc.blocks[0].turn == 1


def test_numeric_respondent_header_and_preamble(read_one):
    text = (
        "Transcribed from the recording; some words unclear.\n"
        "Respondent: 12\n"
        "Interviewer: Shall we start?\n"
        "Respondent: Yes.\n"
    )
    doc = read_one("t.txt", text)
    assert doc.respondent_ref == "12"
    assert doc.metadata["preamble"] == "Transcribed from the recording; some words unclear."
    assert [b.speaker for b in doc.blocks] == ["Interviewer", "Respondent"]


def test_respondent_line_with_words_is_a_turn_not_a_header(read_one, texts):
    doc = read_one("t.txt", "Respondent: Yes, go on.\nInterviewer: Right.\n")
    assert doc.respondent_ref is None
    assert texts(doc) == ["Yes, go on.", "Right."]


def test_respondent_id_after_the_first_turn_is_a_turn(read_one, texts):
    doc = read_one("t.txt", "Interviewer: How many staff?\nRespondent: 12\n")
    assert doc.respondent_ref is None
    assert texts(doc) == ["How many staff?", "12"]


def test_header_key_with_value_on_following_lines(read_one):
    text = "Context:\nA cluster meeting room.\nNoisy.\n\nInterviewer: Hello.\nRespondent: Hi.\n"
    doc = read_one("t.txt", text)
    assert doc.metadata["context"] == "A cluster meeting room.\nNoisy."


def test_title_defaults_to_file_stem(read_one):
    doc = read_one("O2_interview.txt", "Interviewer: Hello.\nRespondent: Hi.\n")
    assert doc.title == "O2_interview"


def test_asides_in_brackets_stay_in_the_words(read_one, texts):
    doc = read_one("t.txt", "Interviewer: Funding? (pause)\nRespondent: (laughs) What funding?\n")
    assert texts(doc) == ["Funding? (pause)", "(laughs) What funding?"]


def test_one_label_is_not_a_transcript(read_one):
    doc = read_one("memo.txt", "Interviewer: this memo is for the team.\n\nIt has one paragraph.\n")
    assert doc.kind == "document"


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Interviewer", True), ("Int", True), ("I", True), ("Q", True),
        ("Researcher", True), ("Facilitator", True), ("Moderator", True),
        ("interviewer 2", True), ("Sam (Researcher)", True),
        ("Respondent", False), ("A", False), ("Head teacher", False), ("Ian", False),
    ],
)
def test_interviewer_names(name, expected):
    assert is_interviewer_name(name) is expected


def test_group_interview_with_single_use_role_labels(read_one, texts):
    text = (
        "Facilitator: What do you like about school?\n"
        "Child A: Play time.\n"
        "Child B: Lunch.\n"
        "Child C: The nurture room.\n"
        "Facilitator: Who helps you?\n"
        "Child A: Miss.\n"
    )
    doc = read_one("C1.txt", text)
    assert [b.speaker for b in doc.blocks] == [
        "Facilitator", "Child A", "Child B", "Child C", "Facilitator", "Child A"]
    assert [b.is_interviewer for b in doc.blocks] == [True, False, False, False, True, False]
