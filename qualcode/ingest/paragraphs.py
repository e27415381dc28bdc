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

_DATE = re.compile(r"[ \t]*[*_]{0,2}Date[ \t]*[*_]{0,2}[ \t]*:+[ \t]*[*_]{0,2}(?P<value>.*?)[*_ \t]*$",
                   re.IGNORECASE)
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


def parse_paragraphs(text: str, *, per_line: bool = False) -> ParagraphParse:
    """Split ``text`` into paragraph blocks (blank-line separated, or one per line).

    A first line ``Date: ...`` becomes ``metadata["date"]`` when more text follows; a
    first line ``# Title`` gives the title (and stays a paragraph).
    """
    spans = _spans(text, per_line)
    metadata: dict[str, Any] = {}
    title: str | None = None
    if spans:
        first_start, first_end = spans[0]
        newline = text.find("\n", first_start, first_end)
        line_end = newline if newline >= 0 else first_end
        date = _DATE.fullmatch(text, first_start, line_end)
        heading = _TITLE.fullmatch(text, first_start, line_end)
        if heading:
            title = heading.group("title").strip("*_ ")
        if date and date.group("value") and (len(spans) > 1 or line_end < first_end):
            metadata["date"] = date.group("value")
            rest = trim_span(text, line_end, first_end)
            spans = ([rest] if rest[0] < rest[1] else []) + spans[1:]
    blocks = [Block(start=start, end=end, kind="paragraph") for start, end in spans]
    return ParagraphParse(blocks=blocks, metadata=metadata, title=title)
