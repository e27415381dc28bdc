"""Segmentation: blocks (speaker turns, notes, paragraphs) split into sentences.

Uses ``spacy.blank("en")`` with the rule-based sentencizer: nothing is downloaded. Each
segment keeps exact character offsets into its document's text and a locator that the
study's references are built from:

* running records: ``respondent/page/question``, e.g. ``3/15/5``;
* transcripts: ``label/turn``, e.g. ``HT3/T12`` (the agenda question is kept alongside);
* other documents: ``name/paragraph``, e.g. ``O2/P4`` or ``observation_notes/P4``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Any, cast

import numpy as np

if TYPE_CHECKING:  # spaCy is imported when text is first segmented, not at start-up
    from spacy.language import Language
    from spacy.tokens import Doc

from qualcode.ingest.document import Block, ParsedDocument

PARAGRAPH_BREAK = re.compile(r"\n[ \t]*\n\s*")
SPACY_BATCH = 256


@dataclass(frozen=True)
class SegmentSpec:
    """A segment before it is stored: offsets into the document text plus its context."""

    ordinal: int
    start: int
    end: int
    speaker: str | None
    is_interviewer: bool
    question: str | None
    page: int | None
    turn: int | None
    locator: str
    time_start: float | None = None


@lru_cache(maxsize=1)
def sentence_pipeline() -> Language:
    """The shared blank English pipeline with a sentencizer (built once per process)."""
    import spacy

    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    nlp.max_length = 50_000_000
    return nlp


@lru_cache(maxsize=1)
def _punct_char_ids() -> np.ndarray:
    nlp = sentence_pipeline()
    chars = cast(Any, nlp.get_pipe("sentencizer")).punct_chars
    return np.array(sorted(nlp.vocab.strings.add(c) for c in chars), dtype=np.uint64)


def sentence_starts(doc: Doc) -> list[int]:
    """Character offsets where sentences start: spaCy's sentencizer rule, vectorised.

    A sentence starts at the first word (a token that is neither punctuation nor a
    sentence-final character) after a sentence-final character such as ``.``, ``?`` or
    ``!``. This gives the same boundaries as ``nlp.add_pipe("sentencizer")`` (a test checks
    it on the demo study) without building a Python object per token, with one
    refinement: an opening bracket or quote that stands before the next sentence ("hand
    up. (laughs) Then") opens that sentence instead of trailing the previous one.
    """
    from spacy.attrs import IDX, IS_LEFT_PUNCT, IS_PUNCT, LENGTH, ORTH

    if len(doc) == 0:
        return []
    arr = doc.to_array([ORTH, IS_PUNCT, IDX, IS_LEFT_PUNCT, LENGTH]).astype(np.int64)
    is_final = np.isin(arr[:, 0].astype(np.uint64), _punct_char_ids())
    words = np.flatnonzero((arr[:, 1] == 0) & ~is_final)
    finals_so_far = np.cumsum(is_final)[words]
    previous = np.concatenate(([0], finals_so_far[:-1]))
    starts = np.union1d([0], words[finals_so_far > previous])
    idx, left, length = arr[:, 2], arr[:, 3].astype(bool), arr[:, 4]
    for _ in range(3):  # at most a few opening marks in a row, e.g. ("
        before = starts - 1
        can = before >= 1
        b = before[can]
        # an opening mark: left punctuation, after a space, touching the next token
        opening = (left[b] & (idx[b] > idx[b - 1] + length[b - 1])
                   & (idx[b] + length[b] == idx[b + 1]))
        moved = starts.copy()
        moved[np.flatnonzero(can)[opening]] -= 1
        if np.array_equal(moved, starts):
            break
        starts = moved
    return [int(i) for i in idx[starts]]


@lru_cache(maxsize=1)
def lemma_pipeline() -> Language:
    """Blank English with the lookup lemmatizer from spacy-lookups-data (no download)."""
    import spacy

    nlp = spacy.blank("en")
    nlp.add_pipe("lemmatizer", config={"mode": "lookup"})
    nlp.initialize()
    nlp.max_length = 50_000_000
    return nlp


def _pieces(text: str, block: Block) -> Iterator[tuple[int, int]]:
    """Paragraph pieces of a block as absolute (start, end) offsets, whitespace trimmed."""
    inner = text[block.start : block.end]
    pos = 0
    for match in PARAGRAPH_BREAK.finditer(inner):
        yield from _trim(text, block.start + pos, block.start + match.start())
        pos = match.end()
    yield from _trim(text, block.start + pos, block.end)


def _trim(text: str, start: int, end: int) -> Iterator[tuple[int, int]]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if end > start:
        yield start, end


def _locator(doc: ParsedDocument, block: Block, name: str, respondent_id: int | None,
             paragraph: int) -> str:
    if doc.kind == "running_record":
        parts = [str(respondent_id) if respondent_id is not None else name]
        parts.append(str(block.page) if block.page is not None else "-")
        if block.question:
            parts.append(block.question)
        return "/".join(parts)
    if block.turn is not None:
        return f"{name}/T{block.turn}"
    return f"{name}/P{paragraph}"


def segment_documents(
    docs: Iterable[tuple[ParsedDocument, str, int | None]],
) -> list[list[SegmentSpec]]:
    """Segment several documents in one spaCy pass.

    ``docs`` yields ``(parsed, name, respondent_id)`` where ``name`` is the respondent
    label (or a short document name) used in locators. Returns one list of segments per
    document, in document order.
    """
    nlp = sentence_pipeline()
    items = list(docs)
    # (doc index, block index, paragraph number, start, end) for every paragraph piece
    pieces: list[tuple[int, int, int, int, int]] = []
    for d_index, (parsed, _name, _rid) in enumerate(items):
        paragraph = 0
        for b_index, block in enumerate(parsed.blocks):
            for start, end in _pieces(parsed.text, block):
                paragraph += 1
                pieces.append((d_index, b_index, paragraph, start, end))
    texts = (items[d][0].text[s:e] for d, _b, _p, s, e in pieces)
    results: list[list[SegmentSpec]] = [[] for _ in items]
    for (d_index, b_index, paragraph, p_start, p_end), sdoc in zip(
        pieces, cast(Any, nlp.tokenizer).pipe(texts, batch_size=SPACY_BATCH)
    ):
        parsed, name, rid = items[d_index]
        block = parsed.blocks[b_index]
        locator = _locator(parsed, block, name, rid, paragraph)
        out = results[d_index]
        starts = sentence_starts(sdoc)
        ends = starts[1:] + [p_end - p_start]
        for sent_start, sent_end in zip(starts, ends):
            for start, end in _trim(parsed.text, p_start + sent_start, p_start + sent_end):
                out.append(
                    SegmentSpec(
                        ordinal=len(out),
                        start=start,
                        end=end,
                        speaker=block.speaker,
                        is_interviewer=block.is_interviewer,
                        question=block.question,
                        page=block.page,
                        turn=block.turn,
                        locator=locator,
                        time_start=block.time_start,
                    )
                )
    return results


def segment_document(parsed: ParsedDocument, name: str,
                     respondent_id: int | None = None) -> list[SegmentSpec]:
    """Segment one document (see :func:`segment_documents`)."""
    return segment_documents([(parsed, name, respondent_id)])[0]
