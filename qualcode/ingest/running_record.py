"""Running records: the interviewer's paginated notes, one book holding many interviews.

Pages start with a heading ``Interview summary number N page P``: N is the respondent's
id, P a page number that runs on across the whole book. Notes start with the agenda
question they answer, at the start of a line:

* ``3.``, ``3 .``, ``10a.``, ``10a .``, ``1 a.`` (= 1a), ``3)``: always a question number;
* ``2c`` (number and part letter, then a space);
* ``a/``, ``b.``, ``c)``: a lettered part of the last numbered question (``b/`` after
  ``10.`` is ``10b``);
* a bare number followed by a word (``13 Yes, the nurture group``) only when it moves the
  agenda on by exactly one; otherwise it is content (``12 months waiting``).

A note runs until the next question number. A note crossing a page break becomes two
blocks with the same question, one per page, so no block contains a heading. The book
yields one document per interview (a consecutive run of headings with the same N).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from qualcode.ingest.document import Block, ParsedDocument
from qualcode.ingest.labels import line_spans
from qualcode.ingest.text import trim_span

HEADING = re.compile(
    r"^[ \t#*_>]*interview[ \t]+summary[ \t]+(?:number|no\.?|nr\.?|#)[ \t]*:?[ \t]*(?P<number>\d+)"
    r"[ \t,;:.\-]*page[ \t]*:?[ \t]*(?P<page>\d+)[ \t]*(?:\((?:cont(?:inued|'d|d)?\.?)\))?"
    r"[ \t*_.:]*$",
    re.IGNORECASE | re.MULTILINE,
)
"""A page heading line, ``Interview summary number 7 page 41`` (case and spaces free)."""

_PART_LETTERS = "a-h"
# "3.", "3 .", "10a.", "10a .", "1 a.", "3)", "3:" -- not "3.5", not "3 a.m."
_DOTTED = re.compile(
    rf"[ \t]*(?P<num>\d{{1,2}})[ \t]*(?P<part>[{_PART_LETTERS}])?[ \t]*[.):]"
    rf"(?![\d]|[a-z]\.)"
)
# "2c words" (number and letter, then a space or the end of the line)
_NUM_PART = re.compile(rf"[ \t]*(?P<num>\d{{1,2}})(?P<part>[{_PART_LETTERS}])(?=[ \t]|$)")
# "a/", "b.", "c)", "(b)" (a lettered part alone)
_PART = re.compile(rf"[ \t]*\(?(?P<part>[{_PART_LETTERS}])[ \t]*[/.)](?=[ \t]|$)")
# "13 Yes" (a bare number then a word: a question only when it is current + 1)
_BARE = re.compile(r"[ \t]*(?P<num>\d{1,2})(?=[ \t]+\S|[ \t]*$)")


@dataclass
class _Page:
    number: int
    interview: int
    heading_start: int
    body_start: int
    body_end: int


@dataclass
class _Interview:
    number: int
    pages: list[_Page] = field(default_factory=list)


@dataclass
class _QuestionState:
    """The agenda position while reading one interview's notes."""

    base: int = 0
    question: str | None = None

    def question_at(self, line: str) -> tuple[str, int] | None:
        """``(question, length of the number token)`` if ``line`` starts a new note."""
        match = _DOTTED.match(line)
        if match and int(match.group("num")) > 0:
            return self._set(int(match.group("num")), match.group("part")), match.end()
        match = _NUM_PART.match(line)
        if match and int(match.group("num")) > 0:
            return self._set(int(match.group("num")), match.group("part")), match.end()
        match = _PART.match(line)
        if match and self.base > 0:
            return self._set(self.base, match.group("part")), match.end()
        match = _BARE.match(line)
        if match and int(match.group("num")) == self.base + 1:
            return self._set(self.base + 1, None), match.end()
        return None

    def _set(self, number: int, part: str | None) -> str:
        self.base = number
        self.question = f"{number}{part or ''}"
        return self.question


def find_headings(text: str) -> list[re.Match[str]]:
    """Every page heading line in ``text``, in order."""
    return list(HEADING.finditer(text))


def has_headings(text: str) -> bool:
    """True if ``text`` has at least one ``Interview summary number N page P`` heading."""
    return HEADING.search(text) is not None


def _interviews(text: str, headings: list[re.Match[str]]) -> list[_Interview]:
    interviews: list[_Interview] = []
    for index, heading in enumerate(headings):
        number = int(heading.group("number"))
        body_end = headings[index + 1].start() if index + 1 < len(headings) else len(text)
        page = _Page(
            number=int(heading.group("page")),
            interview=number,
            heading_start=heading.start(),
            body_start=heading.end(),
            body_end=body_end,
        )
        if not interviews or interviews[-1].number != number:
            interviews.append(_Interview(number=number))
        interviews[-1].pages.append(page)
    return interviews


def _notes(text: str, interview: _Interview) -> list[Block]:
    """Note blocks of one interview, offsets into the whole book."""
    state = _QuestionState()
    blocks: list[Block] = []
    for page in interview.pages:
        # (content start, question) of each note on this page; a page's leading text
        # continues the note running from the previous page (or has no question yet).
        starts: list[tuple[int, int, str | None]] = [(page.body_start, page.body_start,
                                                      state.question)]
        for line_start, line_end in line_spans(text[page.body_start:page.body_end]):
            absolute = page.body_start + line_start
            found = state.question_at(text[absolute:page.body_start + line_end])
            if found is not None:
                starts.append((absolute, absolute + found[1], found[0]))
        for index, (_line, content, question) in enumerate(starts):
            stop = starts[index + 1][0] if index + 1 < len(starts) else page.body_end
            start, end = trim_span(text, content, stop)
            if start < end:
                blocks.append(Block(start=start, end=end, kind="note", question=question,
                                    page=page.number))
    return blocks


def parse_running_record(text: str, *, source: str, sha256: str) -> list[ParsedDocument]:
    """One ParsedDocument per interview in a running-record book.

    Each document's ``text`` is its slice of the book, from its first heading to just
    before the next interview's first heading; block offsets are relative to that slice.
    Text before the first heading goes to the first document's ``metadata["preamble"]``.
    Returns an empty list when the text has no page headings.
    """
    headings = find_headings(text)
    interviews = _interviews(text, headings)
    documents: list[ParsedDocument] = []
    titles: dict[str, int] = {}
    for index, interview in enumerate(interviews):
        start = interview.pages[0].heading_start
        end = interviews[index + 1].pages[0].heading_start if index + 1 < len(interviews) \
            else len(text)
        blocks = [
            Block(start=b.start - start, end=b.end - start, kind=b.kind, question=b.question,
                  page=b.page)
            for b in _notes(text, interview)
        ]
        metadata: dict[str, Any] = {
            "pages": [interview.pages[0].number, interview.pages[-1].number],
            "book": source,
        }
        if index == 0 and text[:start].strip():
            metadata["preamble"] = text[:start].strip()
        title = f"Running record, interview {interview.number}"
        titles[title] = titles.get(title, 0) + 1
        if titles[title] > 1:
            title = f"{title} (part {titles[title]})"
        documents.append(
            ParsedDocument(
                text=text[start:end],
                kind="running_record",
                title=title,
                source=source,
                sha256=sha256,
                blocks=blocks,
                metadata=metadata,
                respondent_ref=str(interview.number),
            )
        )
    return documents
