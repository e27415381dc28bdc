"""Plain documents (observation notes, a field diary, a policy paper) as paragraphs.

Paragraphs are separated by blank lines in text files; in Word files every paragraph is
its own line, so each non-empty line is a paragraph. A leading ``Date:`` line goes to
``metadata["date"]`` (and out of the blocks) when other paragraphs follow.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from qualcode.ingest.document import Block
from qualcode.ingest.labels import line_spans
from qualcode.ingest.text import trim_span

_DATE = re.compile(
    r"[ \t]*[*_]{0,2}Date[ \t]*[*_]{0,2}[ \t]*:+[ \t]*[*_]{0,2}(?P<value>.*?)[*_ \t]*$",
    re.IGNORECASE,
)
_TITLE = re.compile(r"[ \t]*#[ \t]+(?P<title>.+?)[ \t#]*$")


@dataclass
class ParagraphParse:
    """The result of splitting a plain document into paragraphs."""

    blocks: list[Block] = field(default_factory=list)
    metadata: dict[str, Any] = field(default_factory=dict)
    title: str | None = None


def _spans(text: str, per_line: bool) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    start: int | None = None
    last_end = 0
    for line_start, line_end in line_spans(text):
        blank = not text[line_start:line_end].strip()
        if per_line:
            if not blank:
                spans.append((line_start, line_end))
            continue
        if blank:
            if start is not None:
                spans.append((start, last_end))
                start = None
        else:
            if start is None:
                start = line_start
            last_end = line_end
    if start is not None:
        spans.append((start, last_end))
    return [span for span in (trim_span(text, a, b) for a, b in spans) if span[0] < span[1]]


def _date_line(text: str, start: int, end: int) -> tuple[str, int, int] | None:
    """``(date, line start, line end)`` of a ``Date:`` line among a paragraph's first lines."""
    for line_start, line_end in line_spans(text[start:end])[:3]:
        match = _DATE.fullmatch(text, start + line_start, start + line_end)
        if match and match.group("value"):
            return match.group("value"), start + line_start, start + line_end
    return None


def parse_paragraphs(text: str, *, per_line: bool = False) -> ParagraphParse:
    """Split ``text`` into paragraph blocks (blank-line separated, or one per line).

    A ``Date: ...`` line among the first lines of the first paragraph becomes
    ``metadata["date"]``; it leaves the blocks when it opens or closes that paragraph and
    other text remains. A first line ``# Title`` gives the title (and stays a paragraph).
    """
    spans = _spans(text, per_line)
    metadata: dict[str, Any] = {}
    title: str | None = None
    if not spans:
        return ParagraphParse()
    first_start, first_end = spans[0]
    heading = _TITLE.match(text[first_start:first_end].split("\n", 1)[0])
    if heading:
        title = heading.group("title").strip("*_ ")
    found = _date_line(text, first_start, first_end)
    if found is not None:
        date, line_start, line_end = found
        metadata["date"] = date
        if line_start == first_start:
            rest = trim_span(text, line_end, first_end)
        elif line_end == first_end:
            rest = trim_span(text, first_start, line_start)
        else:
            rest = (first_start, first_end)
        if rest[0] < rest[1]:
            spans = [rest] + spans[1:]
        elif len(spans) > 1:
            spans = spans[1:]
        else:
            metadata.pop("date")
    blocks = [Block(start=start, end=end, kind="paragraph") for start, end in spans]
    return ParagraphParse(blocks=blocks, metadata=metadata, title=title)
