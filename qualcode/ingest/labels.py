"""Speaker labels: recognising ``Interviewer:``, ``Parent A:``, ``[Officer]`` at line start.

A label is a short name (up to four words) at the start of a line followed by a colon,
typed the way people type (``Respondent :``, ``Respondent::``, ``**Interviewer:**``), or a
bracketed name (``[Officer] words``, no colon needed). Known interviewer and respondent
words (and a known role with an optional letter or number, ``Parent A``) always count;
any other candidate counts only when the same label starts lines at least twice in the
document, so that ``Well: it depends`` or ``Note: ...`` typed once is not a speaker.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

INTERVIEWER_WORDS = frozenset(
    {"interviewer", "int", "i", "q", "researcher", "facilitator", "moderator"}
)
"""Labels (or words of a label) that mark the interviewer."""

_INTERVIEWER_ROLE_WORDS = frozenset({"interviewer", "researcher", "facilitator", "moderator"})

RESPONDENT_WORDS = frozenset(
    {"respondent", "interviewee", "participant", "a", "r", "resp", "ans"}
)
"""Labels that mark the respondent."""

ROLE_WORDS = frozenset(
    {
        "head teacher", "headteacher", "head", "deputy head", "teacher", "officer",
        "parent", "child", "pupil", "student", "carer", "mother", "father", "mum", "dad",
        "speaker", "nurse", "governor", "senco", "chair", "worker", "manager",
        "social worker", "family worker", "support worker", "member",
    }
)
"""Roles that count as a speaker even when used once (``Parent B:``, ``Child 2:``)."""

NON_SPEAKER_WORDS = frozenset(
    {
        # header keys
        "file", "filename", "file name", "duration", "date", "context", "place",
        "location", "venue", "time", "length", "recorded", "recording", "transcriber",
        "transcribed by", "title", "project", "setting", "group", "participants",
        "present", "apologies", "interview", "type", "source", "format", "language",
        # ordinary lead-ins
        "note", "notes", "nb", "ps", "re", "subject", "summary", "example", "e.g", "eg",
        "i.e", "ie", "tel", "email", "e-mail", "web", "http", "https", "www", "see",
        "action", "actions", "agenda", "item", "minutes",
        # anonymisation placeholders and transcription marks in brackets
        "town", "city", "village", "county", "area", "school", "partnership", "name",
        "agency", "street", "redacted", "inaudible", "unclear", "crosstalk", "laughs",
        "laughter", "pause", "silence", "overlapping", "coughs", "sic", "edit", "cut",
    }
)
"""Words that start lines with a colon (or sit in brackets) but are never speakers."""

_STAMP = r"[\[(]?\d{1,2}:\d{2}(?::\d{2})?(?:[.,]\d{1,3})?[\])]?"
_WORD = r"(?!\d{1,2}:\d{2})[A-Za-z0-9\u00C0-\u024F][\w'\u2019.\-]*"
_PAREN = r"\([^()\n]{1,24}\)"
_NAME = rf"[A-Za-z\u00C0-\u024F][\w'\u2019.\-]*(?:[ \t]+(?:{_WORD}|{_PAREN})){{0,3}}"
_EMPH = r"(?:\*{1,2}|_{1,2})"
# a list bullet or quote mark, and a timestamp, may come before the label
_PREFIX = rf"[ \t]*(?:[-+>][ \t]+)?(?:{_STAMP}[ \t]+)?"
_COLON_LABEL = re.compile(
    rf"{_PREFIX}{_EMPH}?[ \t]*(?P<name>{_NAME})(?:[ \t]+{_STAMP})?[ \t]*{_EMPH}?[ \t]*"
    rf"(?P<colon>:+)(?:[ \t]*{_EMPH}(?!\w))?(?![/\\])"
)
_BRACKET_LABEL = re.compile(
    rf"{_PREFIX}{_EMPH}?\[(?P<name>[^\[\]\n]{{1,40}})\]{_EMPH}?(?:[ \t]*:{{1,2}})?(?=\s|$)"
)
_TRAILING_STAMP = re.compile(rf"[ \t]*{_STAMP}$")
_ROLE_WITH_ID = re.compile(r"(?P<role>.+?)(?:[ \t]+(?:[A-Za-z0-9]{1,3}|\([^()]*\)))?$")
_SPACES = re.compile(r"[ \t]+")
_CANONICAL = {
    "interviewer": "Interviewer", "respondent": "Respondent", "interviewee": "Interviewee",
    "participant": "Participant", "researcher": "Researcher", "facilitator": "Facilitator",
    "moderator": "Moderator", "int": "Int", "resp": "Resp",
    "i": "I", "q": "Q", "a": "A", "r": "R",
}


@dataclass(frozen=True)
class LabelMatch:
    """A candidate speaker label at the start of a line.

    ``line_start`` is the offset of the line, ``content_start`` the offset just after the
    label (and its colon and emphasis), ``speaker`` the name as the document should show
    it, ``key`` the case-folded name used to count repeats.
    """

    line_start: int
    content_start: int
    speaker: str
    key: str
    forced: bool = False


def speaker_key(name: str) -> str:
    """The case-folded, space-collapsed form of a speaker name used for counting."""
    return _SPACES.sub(" ", name.strip()).casefold()


def clean_speaker(name: str) -> str:
    """A label's display form: spaces collapsed, known words in their usual spelling."""
    name = _SPACES.sub(" ", name.strip().strip("*_").strip())
    name = _TRAILING_STAMP.sub("", name)
    return _CANONICAL.get(name.casefold(), name)


def is_interviewer_name(name: str) -> bool:
    """True for Interviewer, Int, I, Q, Researcher, Facilitator, Moderator (any case),
    and for names with such a role word (``Interviewer 2``, ``Sam (Researcher)``)."""
    key = speaker_key(name)
    if key in INTERVIEWER_WORDS:
        return True
    words = re.findall(r"[a-z]+", key)
    return any(word in _INTERVIEWER_ROLE_WORDS for word in words)


def is_known_speaker(name: str) -> bool:
    """True when a label counts as a speaker even if it starts only one line."""
    key = speaker_key(name)
    if key in INTERVIEWER_WORDS or key in RESPONDENT_WORDS or is_interviewer_name(key):
        return True
    match = _ROLE_WITH_ID.match(key)
    roles = ROLE_WORDS | RESPONDENT_WORDS
    return bool(match and match.group("role") in roles) or key in ROLE_WORDS


def is_non_speaker(name: str) -> bool:
    """True for header keys, lead-ins and placeholders that are never speakers."""
    key = speaker_key(name).rstrip(".")
    return key in NON_SPEAKER_WORDS


def match_label(text: str, line_start: int, line_end: int) -> LabelMatch | None:
    """The candidate label at the start of the line ``text[line_start:line_end]``, if any.

    Unknown names must start with a capital letter; known words may be typed in any case.
    Whether the candidate really is a speaker is decided by :func:`confirmed_labels`.
    """
    line = text[line_start:line_end]
    for pattern in (_BRACKET_LABEL, _COLON_LABEL):
        match = pattern.match(line)
        if match is None:
            continue
        raw = match.group("name")
        name = clean_speaker(raw.strip("[]"))
        if not name or len(name) > 40 or not name[0].isalpha():
            continue
        if not (name[0].isupper() or is_known_speaker(name)):
            continue
        if len(name.split()) > 4:
            continue
        return LabelMatch(
            line_start=line_start,
            content_start=line_start + match.end(),
            speaker=name,
            key=speaker_key(name),
        )
    return None


def line_spans(text: str) -> list[tuple[int, int]]:
    """``(start, end)`` of every line of ``text`` (``end`` excludes the ``\\n``)."""
    spans = []
    start = 0
    for match in re.finditer("\n", text):
        spans.append((start, match.start()))
        start = match.end()
    spans.append((start, len(text)))
    return spans


def candidate_labels(text: str, forced: dict[int, LabelMatch] | None = None) -> list[LabelMatch]:
    """Every candidate label at a line start, in document order.

    ``forced`` maps a line start to a label already known from formatting (a bold run
    ending in ``:`` in Word, a speaker column in a table); it wins over pattern matching.
    """
    forced = forced or {}
    found = []
    for start, end in line_spans(text):
        label = forced.get(start) or match_label(text, start, end)
        if label is not None:
            found.append(label)
    return found


def confirmed_labels(candidates: list[LabelMatch]) -> list[LabelMatch]:
    """The candidates that are speakers: forced, known words, or repeated at least twice.

    Header keys, lead-ins (``Note:``) and placeholders (``[town]``) never are.
    """
    counts = Counter(label.key for label in candidates)
    return [
        label
        for label in candidates
        if not is_non_speaker(label.speaker)
        and (label.forced or is_known_speaker(label.speaker) or counts[label.key] >= 2)
    ]
