"""What every reader returns: a parsed document with plain text and its blocks.

A reader turns one source file into one or more :class:`ParsedDocument` objects (a
running-record book holds several interviews, so it yields one document per interview).
``text`` is the document's plain text with line endings normalised to ``\\n``; every
:class:`Block` points into it with character offsets, so ``text[b.start:b.end]`` is the
block's content (a speaker label such as ``Respondent:`` is *not* part of the block).
Segmentation (``qualcode.coding.segment``) later splits blocks into sentences.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

KINDS = ("transcript", "running_record", "observation", "document")
"""Document kinds, in the order the workspace lists them."""

BLOCK_KINDS = ("turn", "note", "paragraph")


@dataclass(frozen=True)
class Block:
    """A unit of a source: a speaker turn, a running-record note or a paragraph.

    ``start``/``end`` are character offsets of the content in ``ParsedDocument.text``.
    ``turn`` numbers speaker turns from 1 in document order (interviewer turns count).
    ``question`` is the agenda question the block answers ("5", "2c"), when known.
    ``page`` is the running-record page the note starts on. ``time_start``/``time_end``
    are cue times in seconds for WebVTT/SRT transcripts.
    """

    start: int
    end: int
    kind: str = "paragraph"
    speaker: str | None = None
    is_interviewer: bool = False
    question: str | None = None
    page: int | None = None
    turn: int | None = None
    time_start: float | None = None
    time_end: float | None = None


@dataclass
class ParsedDocument:
    """One document ready to be segmented and stored."""

    text: str
    kind: str
    title: str
    source: str
    sha256: str
    blocks: list[Block] = field(default_factory=list)
    metadata: dict[str, Any] = field(default_factory=dict)
    respondent_ref: str | None = None
    """A respondent id or label named inside the file (``Respondent: HT3`` header line,
    ``Interview summary number 7``), or None when the file does not say."""
