"""Speaker turns of a plain-text transcript, and the header lines before them.

A transcript is a short header (``File:``, ``Duration:``, ``Date:``, ``Context:``, a
Markdown ``# title``, ``Respondent: HT3``) followed by speaker turns. A turn starts at a
line beginning with a speaker label (see :mod:`qualcode.ingest.labels`) and runs until
the next label; its block covers the words only, not the label. Header lines become
``metadata`` (lower-case keys), ``Respondent: <id>`` before the first turn becomes
``respondent_ref``, and any other text before the first turn ``metadata["preamble"]``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from qualcode.ingest.document import Block
from qualcode.ingest.labels import (
    LabelMatch,
    candidate_labels,
    confirmed_labels,
    is_interviewer_name,
    line_spans,
)
from qualcode.ingest.questions import assign_questions
from qualcode.ingest.text import trim_span

RESPONDENT_KEYS = frozenset(
    {"respondent", "respondent id", "respondent ref", "respondent code", "respondent label",
     "interviewee", "participant", "ref"}
)
"""Header keys whose single id value (``HT3``, ``12``) names the respondent."""

_ID = re.compile(r"#?(?:[A-Za-z]{1,4}[-_ ]?)?\d{1,5}[A-Za-z]?")
_TITLE = re.compile(r"[ \t]*#{1,6}[ \t]+(?P<title>.+?)[ \t#]*$")
_HEADER = re.compile(
    r"[ \t]*[*_]{0,2}(?P<key>[A-Za-z][A-Za-z0-9'\-]*(?:[ \t]+[A-Za-z0-9'\-]+){0,2})"
    r"[ \t]*[*_]{0,2}[ \t]*:+[ \t]*[*_]{0,2}[ \t]*(?P<value>.*?)[ \t]*$"
)


@dataclass
class TranscriptParse:
    """The result of parsing a plain-text transcript."""

    blocks: list[Block] = field(default_factory=list)
    metadata: dict[str, Any] = field(default_factory=dict)
    respondent_ref: str | None = None
    title: str | None = None
    turn_labels: int = 0
    """How many speaker labels start turns (the transcript test for kind detection)."""


def id_value(value: str) -> str | None:
    """The respondent id in a header value (``"HT3"``, ``"12"``), or None if it is not one."""
    value = value.strip().strip("*_").rstrip(".").strip()
    if _ID.fullmatch(value):
        return value.lstrip("#")
    return None


def metadata_key(key: str) -> str:
    """A header key as a metadata key: lower case, spaces as underscores."""
    return re.sub(r"[ \t]+", "_", key.strip()).lower()


def parse_header(text: str, end: int) -> tuple[dict[str, Any], str | None, str | None]:
    """Parse the header lines in ``text[:end]``: ``(metadata, respondent_ref, title)``.

    ``Key: value`` lines become ``metadata[key]``; a key with its value on the following
    lines collects those lines; ``# title`` gives the title; other lines are joined into
    ``metadata["preamble"]``.
    """
    metadata: dict[str, Any] = {}
    respondent_ref: str | None = None
    title: str | None = None
    preamble: list[str] = []
    open_key: str | None = None
    for start, stop in line_spans(text[:end]):
        line = text[start:stop]
        if not line.strip():
            open_key = None
            continue
        heading = _TITLE.match(line)
        if heading and title is None:
            title = heading.group("title").strip("*_ ").strip()
            open_key = None
            continue
        header = _HEADER.match(line)
        if header:
            key = metadata_key(header.group("key"))
            value = header.group("value").strip("*_ \t")
            ref = id_value(value) if key.replace("_", " ") in RESPONDENT_KEYS else None
            if ref is not None and respondent_ref is None:
                respondent_ref = ref
                open_key = None
            elif value:
                metadata[key] = value
                open_key = None
            else:
                open_key = key
            continue
        if open_key is not None:
            previous = metadata.get(open_key)
            metadata[open_key] = f"{previous}\n{line.strip()}" if previous else line.strip()
            continue
        preamble.append(line.strip())
    if preamble:
        metadata["preamble"] = "\n".join(preamble)
    return metadata, respondent_ref, title


def _is_respondent_header(text: str, label: LabelMatch) -> bool:
    if label.key not in RESPONDENT_KEYS:
        return False
    newline = text.find("\n", label.content_start)
    rest = text[label.content_start: newline if newline >= 0 else len(text)]
    return id_value(rest) is not None


def turn_labels(text: str, forced: dict[int, LabelMatch] | None = None) -> list[LabelMatch]:
    """The labels that start speaker turns, in order (header ``Respondent: HT3`` excluded)."""
    labels: list[LabelMatch] = []
    for label in confirmed_labels(candidate_labels(text, forced)):
        if not labels and _is_respondent_header(text, label):
            continue
        labels.append(label)
    return labels


def parse_transcript(text: str, forced: dict[int, LabelMatch] | None = None) -> TranscriptParse:
    """Split a plain-text transcript into header data and speaker-turn blocks.

    ``forced`` gives labels known from formatting (Word bold runs, table columns) by line
    start offset. Turns are numbered from 1 in order, interviewer turns included, and carry
    the agenda question (see :mod:`qualcode.ingest.questions`).
    """
    labels = turn_labels(text, forced)
    header_end = labels[0].line_start if labels else len(text)
    metadata, respondent_ref, title = parse_header(text, header_end)
    blocks: list[Block] = []
    for index, label in enumerate(labels):
        stop = labels[index + 1].line_start if index + 1 < len(labels) else len(text)
        start, end = trim_span(text, label.content_start, stop)
        if start >= end:
            continue
        blocks.append(
            Block(
                start=start,
                end=end,
                kind="turn",
                speaker=label.speaker,
                is_interviewer=is_interviewer_name(label.speaker),
                turn=len(blocks) + 1,
            )
        )
    return TranscriptParse(
        blocks=assign_questions(text, blocks),
        metadata=metadata,
        respondent_ref=respondent_ref,
        title=title,
        turn_labels=len(labels),
    )
