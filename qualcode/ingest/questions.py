"""Agenda questions in transcripts: which numbered question each turn answers.

Interviewers move through a numbered agenda and often say so: "Question 5", "question
10a", "Q5", "moving on to number five", "and 2c", or they open a turn with the number:
"5.", "10b.", "Six, communication", "And finally, thirteen:". Such a
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
# "5. What gets in the way?", "10b. The paperwork", "7, roles", "And five, what gets in
# the way?", "Now ten, the CAF", "And finally, thirteen:" (a number opening the turn)
_FILLER = (
    r"(?:(?:and|now|so|ok|okay|right|then|next|finally|lastly|(?:the[ \t]+)?last(?:[ \t]+one)?"
    r"|moving[ \t]+on(?:[ \t]+to)?|on[ \t]+to)[ \t]*[,.]?[ \t]+)*"
)
_LEADING = re.compile(
    rf"[ \t*_]*{_FILLER}(?P<num>\d{{1,2}}|{_WORDS})[ \t]?(?P<part>[a-h])?[ \t]*"
    rf"(?:[.),:;](?!\d)|[ \t]+-[ \t])",
    re.IGNORECASE,
)
# "And 2a, how often...", "That's 2b." (a number with a part letter anywhere)
_WITH_PART = re.compile(r"\b(?P<num>\d{1,2})(?P<part>[a-h])\b")
_FIRST = re.compile(r"\b(?:the[ \t]+)?first[ \t]+(?:one|question)\b", re.IGNORECASE)
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
    words one to fifteen) and a numbered part such as "2a" anywhere in the turn, and a
    turn opening with a number: "5.", "10b.", "7, roles", "And five, ...", "Now ten, ...".
    Returns the earliest one, or None.
    """
    found: list[tuple[int, str]] = []
    leading = _LEADING.match(words)
    if leading:
        question = _as_question(leading.group("num"), leading.group("part"))
        if question:
            found.append((leading.start("num"), question))
    for index, pattern in enumerate((*_PATTERNS, _WITH_PART)):
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
    other turns carry the current question (None before the first one is named). Before
    any question is named, "the first question" / "the first one" means question 1.
    """
    current: str | None = None
    result = []
    for block in blocks:
        if block.is_interviewer:
            words = text[block.start:block.end]
            named = question_named(words)
            if named is None and current is None and _FIRST.search(words):
                named = "1"
            if named is not None:
                current = named
        result.append(dataclasses.replace(block, question=current))
    return result
