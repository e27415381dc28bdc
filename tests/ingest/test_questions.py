"""Agenda questions named by the interviewer, carried by the following turns."""

from __future__ import annotations

import pytest

from qualcode.ingest.questions import question_named


@pytest.mark.parametrize(
    ("words", "question"),
    [
        ("Question 5: what gets in the way?", "5"),
        ("Now question 10a, your experience of a CAF.", "10a"),
        ("Right, question number three.", "3"),
        ("Moving on to number five, what gets in the way?", "5"),
        ("OK, number 12.", "12"),
        ("Q5 now.", "5"),
        ("Q 2c: who do you contact?", "2c"),
        ("5. What gets in the way?", "5"),
        ("10b. The paperwork and the meetings.", "10b"),
        ("Question fifteen, the last one.", "15"),
        ("Number eleven: safeguarding.", "11"),
        ("Thanks. Question 7, then question 8.", "7"),
        ("And 2a, how often do you meet?", "2a"),
        ("How are contacts made? That's 2b on my sheet.", "2b"),
        ("Six, communication. How well do agencies understand each other?", "6"),
        ("7, roles and responsibilities.", "7"),
        ("And five, what gets in the way?", "5"),
        ("Now ten, the CAF. 10a first.", "10"),
        ("And finally, thirteen: good practice.", "13"),
        ("And the last one, 13. An example?", "13"),
        ("Eleven: safeguarding.", "11"),
    ],
)
def test_question_named(words, question):
    assert question_named(words) == question


@pytest.mark.parametrize(
    "words",
    [
        "What is the number one thing that helps?",
        "A number of agencies, then?",
        "At 5.30 you said something.",
        "Any questions before we start?",
        "Tell me more about that.",
        "That was a good question.",
        "One thing I wanted to ask: who leads?",
        "We start at 10am, is that right?",
        "Two agencies or three?",
    ],
)
def test_no_question_named(words):
    assert question_named(words) is None


def test_questions_carry_to_following_turns_until_the_next_one(read_one):
    text = (
        "Interviewer: Thanks for coming.\n"
        "Respondent: Pleasure.\n"
        "Interviewer: Question 2, which agencies do you work with?\n"
        "Respondent: Health, social care.\n"
        "Interviewer: Anyone else?\n"
        "Respondent: Housing.\n"
        "Interviewer: 2a. How often do you meet?\n"
        "Respondent: Monthly.\n"
        "Interviewer: Moving on to number five.\n"
        "Respondent: Time gets in the way.\n"
    )
    doc = read_one("t.txt", text)
    assert [(b.speaker, b.question) for b in doc.blocks] == [
        ("Interviewer", None), ("Respondent", None),
        ("Interviewer", "2"), ("Respondent", "2"),
        ("Interviewer", "2"), ("Respondent", "2"),
        ("Interviewer", "2a"), ("Respondent", "2a"),
        ("Interviewer", "5"), ("Respondent", "5"),
    ]


def test_respondent_mentioning_a_number_does_not_change_the_question(read_one):
    text = (
        "Interviewer: Question 3.\n"
        "Respondent: Question 9 in your list is the one I care about. 5. Yes.\n"
        "Interviewer: Go on.\n"
    )
    doc = read_one("t.txt", text)
    assert [b.question for b in doc.blocks] == ["3", "3", "3"]


def test_first_question_phrase_opens_the_agenda(read_one):
    text = (
        "Interviewer: Thanks. So, the first one: what does it mean to you?\n"
        "Respondent: Forms.\n"
        "Interviewer: Question 2. And was that the first one you did?\n"
        "Respondent: Yes.\n"
    )
    doc = read_one("t.txt", text)
    assert [b.question for b in doc.blocks] == ["1", "1", "2", "2"]
