"""Agenda questions in transcripts: which numbered question each turn answers.

Interviewers move through a numbered agenda and often say so: "Question 5", "question
10a", "Q5", "moving on to number five", or they start a turn with "5." or "10b.". Such a
turn sets the question for itself and every following turn until the next named
question; turns before the first named question have none. Questions are strings like
``"5"`` or ``"10a"``.
"""

from __future__ import annotations

import dataclasses
import re

from qualcode.ingest.document import Block

NUMBER_WORDS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13,
    "fourteen": 14, "fifteen": 15,
}
"""Number words an interviewer may say instead of a digit."""

_WORDS = "|".join(sorted(NUMBER_WORDS, key=len, reverse=True))
_NUMBER = rf"(?P<num>\d{{1,2}}|{_WORDS})(?P<part>[a-h])?"
_PATTERNS = (
    # "Question 5", "question 10a", "question number five"
    re.compile(rf"\bquestions?[ \t]+(?:number[ \t]+|no\.?[ \t]*)?{_NUMBER}\b", re.IGNORECASE),
    # "Q5", "Q 10a", "Q.5" (not the word "Q" followed by text)
    re.compile(r"\bQ\.?[ \t]?(?P<num>\d{1,2})(?P<part>[a-h])?\b", re.IGNORECASE),
    # "number five", "number 5" (but not "the number one thing", "a number of")
    re.compile(rf"\bnumber[ \t]+{_NUMBER}\b", re.IGNORECASE),
)
_LEADING = re.compile(r"[ \t*_]*(?P<num>\d{1,2})[ \t]?(?P<part>[a-h])?[ \t]*[.)](?!\d)",
                      re.IGNORECASE)
_NOT_AGENDA_BEFORE = re.compile(r"\b(?:the|a|an|any|our|your|my|their|his|her)[ \t]+$",
                                re.IGNORECASE)


def _as_question(num: str, part: str | None) -> str | None:
    value = NUMBER_WORDS.get(num.lower()) if not num.isdigit() else int(num)
    if not value:
        return None
    return f"{value}{(part or '').lower()}"


def question_named(words: str) -> str | None:
    """The agenda question an interviewer's words name, e.g. ``"5"`` or ``"10a"``.

    Recognises "Question 5", "question 10a", "Q5", "number five" / "number 5" (number
    words one to fifteen) anywhere in the turn, and a turn starting with "5." or "10b.".
    Returns the earliest one, or None.
    """
    found: list[tuple[int, str]] = []
    leading = _LEADING.match(words)
    if leading:
        question = _as_question(leading.group("num"), leading.group("part"))
        if question:
            found.append((leading.start("num"), question))
    for index, pattern in enumerate(_PATTERNS):
        for match in pattern.finditer(words):
            if index == 2 and _NOT_AGENDA_BEFORE.search(words, 0, match.start()):
                continue
            question = _as_question(match.group("num"), match.group("part"))
            if question:
                found.append((match.start(), question))
                break
    return min(found)[1] if found else None


def assign_questions(text: str, blocks: list[Block]) -> list[Block]:
    """Blocks with ``question`` set from the agenda questions interviewers name.

    An interviewer turn naming a question sets it for itself and the following turns;
    other turns carry the current question (None before the first one is named).
    """
    current: str | None = None
    result = []
    for block in blocks:
        if block.is_interviewer:
            named = question_named(text[block.start:block.end])
            if named is not None:
                current = named
        result.append(dataclasses.replace(block, question=current))
    return result
