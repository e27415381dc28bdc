"""The text-search index: word forms, lemmas and where they occur, kept in the project.

Searching 9 million words by lemma in under a second needs an index, and importing must
stay fast, so the index is built *lazily*: :func:`ensure_index` runs at the start of every
search and indexes only the documents that are new (or whose source changed) since the
last search. Nothing is added to the import path. The index lives in three tables of the
project's own database, so it works the same for an SQLite file and a PostgreSQL URL, is
backed up and migrated with the project, and can always be rebuilt from the documents
(:func:`rebuild_index`).

* ``search_terms``: one row per distinct word form (case-sensitive), with its lower-cased
  form and its lemma. Lemmas are spaCy's English lookup lemmas (``spacy-lookups-data``)
  of the *lower-cased* form, because the lookup table is case-sensitive ("Funding" would
  stay "Funding"); "well", "better", "best", "worse", "worst" and the possessive "'s" keep
  their form (the table would turn "better" into "well" and "'s" into "have").
* ``search_postings``: one row per (term, batch) holding a packed array of (document id,
  word position, character offset) of every occurrence. A *batch* is one run of indexing
  (up to ~8 M characters of text): a query reads a handful of rows per term however many
  documents there are. Small batches left by many one-file imports are merged once there
  are more than :data:`MAX_BATCHES`.
* ``search_documents``: one row per indexed document: the batch holding its postings (a
  re-indexed or deleted document's old occurrences are ignored by that), its word counts,
  its segments as packed arrays (id, start, end, interviewer flag, turn/block number) so
  that hits map to segments and turns without reading the segments table, and its
  per-term counts (all speakers and respondents only) for word frequencies.

Words are spaCy tokens of each segment's text (punctuation and white space left out;
curly quotes read as straight ones, which keeps character offsets). Word positions leave
a gap between segments, so a phrase never matches across two sentences.
"""

from __future__ import annotations

import zlib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from itertools import pairwise
from typing import Any

import numpy as np
import pandas as pd
from spacy.attrs import IDX, IS_PUNCT, IS_SPACE, ORTH
from sqlalchemy import delete, func, insert, or_, select, update
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session

from qualcode.coding.segment import lemma_pipeline
from qualcode.errors import ProjectError
from qualcode.store.models import Document, SearchDocument, SearchPosting, SearchTerm, Segment

INDEX_VERSION = 1
"""Bump when tokenising or lemmatising changes: every document is then indexed again."""
KEEP_FORMS = frozenset({"well", "better", "best", "worse", "worst", "'s"})
MAX_FORM = 100
CHUNK_CHARS = 8_000_000
MAX_BATCHES = 24
IN_CHUNK = 5000
SEP = "\x1e"
"""Separates the locators and the speakers stored for a document."""
SEGMENT_FIELDS = 6
"""Per segment: id, start, end, interviewer flag, block number, speaker number (int32)."""
Progress = Callable[[int, int], None]
_QUOTES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u201c": '"', "\u201d": '"'})


# --- packing arrays into blobs ----------------------------------------------------------

def pack(array: np.ndarray, delta: bool = False) -> bytes:
    """An integer array as compressed little-endian int64 bytes (rows delta-encoded)."""
    data = np.ascontiguousarray(array, dtype=np.int64)
    if delta and len(data):
        data = np.diff(data, axis=0, prepend=np.zeros((1,) + data.shape[1:], np.int64))
    return zlib.compress(data.astype("<i8").tobytes(), 1)


def unpack(blob: bytes, columns: int = 1, delta: bool = False) -> np.ndarray:
    """The array :func:`pack` stored: shape (n,) for one column, else (n, columns)."""
    data = np.frombuffer(zlib.decompress(blob), dtype="<i8").astype(np.int64)
    if columns > 1:
        data = data.reshape(-1, columns)
    if delta and len(data):
        data = np.cumsum(data, axis=0)
    return data


# --- words and lemmas ----------------------------------------------------------------------

def normalise_quotes(text: str) -> str:
    """Curly quotes made straight; one character for one, so offsets stay true."""
    return text.translate(_QUOTES)


@lru_cache(maxsize=1)
def _lemma_table() -> Any:
    lemmatizer: Any = lemma_pipeline().get_pipe("lemmatizer")
    return lemmatizer.lookups.get_table("lemma_lookup")


def lemma_of(form: str) -> str:
    """The lower-cased lookup lemma of a word form ("Funding" -> "fund", "better" -> "better")."""
    lower = normalise_quotes(form).lower()
    if lower in KEEP_FORMS:
        return lower
    return str(_lemma_table().get(lower, lower)).lower()[:MAX_FORM]


def words_of(text: str) -> list[str]:
    """The words of a query or phrase as the index sees them (punctuation left out)."""
    doc = lemma_pipeline().tokenizer(normalise_quotes(text))
    return [t.text for t in doc if not (t.is_punct or t.is_space)]


# --- reading the index -----------------------------------------------------------------------

@dataclass(frozen=True)
class SegmentTable:
    """Segments of indexed documents as flat arrays sorted by (document, start).

    ``block`` numbers a document's speaker turns (runs of segments with one locator and
    speaker: a turn, a paragraph, a running-record question); ``block_start`` and
    ``block_end`` are the character span of each segment's block.
    """

    document_id: np.ndarray
    segment_id: np.ndarray
    start: np.ndarray
    end: np.ndarray
    interviewer: np.ndarray
    block: np.ndarray
    speaker: np.ndarray
    """Index of the segment's speaker in its document's speaker list."""
    block_start: np.ndarray
    block_end: np.ndarray
    names: dict[int, tuple[str, str]]
    """Per document: its block locators and its speakers, each joined by :data:`SEP`."""

    def locator_speaker(self, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Locator and speaker (object arrays) of the segments at some rows."""
        docs, inverse = np.unique(self.document_id[rows], return_inverse=True)
        locators: list[str] = []
        speakers: list[str | None] = []
        loc_base = np.zeros(len(docs), dtype=np.int64)
        spk_base = np.zeros(len(docs), dtype=np.int64)
        for i, d in enumerate(docs.tolist()):
            locs, spks = self.names[d]
            loc_base[i], spk_base[i] = len(locators), len(speakers)
            locators += locs.split(SEP)
            speakers += [x or None for x in spks.split(SEP)]
        loc_array = np.array(locators, dtype=object)
        spk_array = np.array(speakers, dtype=object)
        inverse = inverse.reshape(-1)
        return (loc_array[loc_base[inverse] + self.block[rows]] if len(rows) else loc_array[:0],
                spk_array[spk_base[inverse] + self.speaker[rows]] if len(rows)
                else spk_array[:0])

    def locate(self, document_id: np.ndarray, offset: np.ndarray) -> np.ndarray:
        """Row of the segment holding each (document, offset), or -1 if none does."""
        if len(self.document_id) == 0 or len(document_id) == 0:
            return np.full(len(document_id), -1, dtype=np.int64)
        keys = (self.document_id << 32) + self.start
        wanted = (document_id.astype(np.int64) << 32) + offset.astype(np.int64)
        row = np.searchsorted(keys, wanted, side="right") - 1
        ok = row >= 0
        safe = np.where(ok, row, 0)
        ok &= (self.document_id[safe] == document_id) & (self.end[safe] > offset)
        return np.where(ok, row, -1)


def segment_table(session: Session, document_ids: Iterable[int]) -> SegmentTable:
    """The packed segments of some indexed documents (call :func:`ensure_index` first)."""
    ids = sorted({int(d) for d in document_ids})
    parts: list[np.ndarray] = []
    doc_parts: list[np.ndarray] = []
    names: dict[int, tuple[str, str]] = {}
    for chunk in chunks(ids):
        for doc_id, blob, locators, speakers in session.execute(
                select(SearchDocument.document_id, SearchDocument.segments,
                       SearchDocument.locators, SearchDocument.speakers)
                .where(SearchDocument.document_id.in_(chunk))
                .order_by(SearchDocument.document_id)):
            names[doc_id] = (locators, speakers)
            table = np.frombuffer(blob, dtype="<i4").reshape(-1, SEGMENT_FIELDS)
            parts.append(table)
            doc_parts.append(np.full(len(table), doc_id, dtype=np.int64))
    if parts:
        allrows = np.concatenate(parts).astype(np.int64)
        doc = np.concatenate(doc_parts)
    else:
        allrows = np.zeros((0, SEGMENT_FIELDS), dtype=np.int64)
        doc = np.zeros(0, dtype=np.int64)
    seg, start, end, interviewer, block, speaker = allrows.T
    key = (doc << 32) + block
    first = np.r_[True, key[1:] != key[:-1]] if len(key) else np.zeros(0, bool)
    last = np.r_[key[1:] != key[:-1], True] if len(key) else np.zeros(0, bool)
    group = np.cumsum(first) - 1
    return SegmentTable(doc, seg, start, end, interviewer.astype(bool), block, speaker,
                        start[first][group], end[last][group], names)


@dataclass(frozen=True)
class Occurrences:
    """Occurrences of terms: document id, word position, character offset, term id."""

    document_id: np.ndarray
    position: np.ndarray
    start: np.ndarray
    term_id: np.ndarray

    @classmethod
    def empty(cls) -> Occurrences:
        """No occurrences."""
        z = np.zeros(0, dtype=np.int64)
        return cls(z, z, z, z)


def live_batches(session: Session) -> dict[int, int]:
    """Indexed documents and the batch that holds their postings."""
    return dict(session.execute(select(SearchDocument.document_id, SearchDocument.batch)).all())


def _current(live: dict[int, int]) -> np.ndarray:
    """Dense array: document id -> batch holding its postings (-1: not indexed)."""
    current = np.full(max(live, default=0) + 1, -1, dtype=np.int64)
    current[list(live)] = list(live.values())
    return current


def _alive(current: np.ndarray, docs: np.ndarray, batch: int) -> np.ndarray:
    """Which occurrences (by document) of a postings row of ``batch`` are current."""
    keep = docs < len(current)
    keep[keep] = current[docs[keep]] == batch
    return keep


def occurrences(session: Session, term_ids: Sequence[int],
                live: dict[int, int] | None = None) -> Occurrences:
    """Every current occurrence of the terms, sorted by (document, position)."""
    if not term_ids:
        return Occurrences.empty()
    live = live if live is not None else live_batches(session)
    if not live:
        return Occurrences.empty()
    current = _current(live)
    parts: list[np.ndarray] = []
    for chunk in chunks(sorted(set(term_ids))):
        for term_id, batch, blob in session.execute(
                select(SearchPosting.term_id, SearchPosting.batch, SearchPosting.data)
                .where(SearchPosting.term_id.in_(chunk))):
            rows = unpack(blob, 3, delta=True)
            rows = rows[_alive(current, rows[:, 0], batch)]
            parts.append(np.column_stack([rows, np.full(len(rows), term_id, np.int64)]))
    if not parts:
        return Occurrences.empty()
    allrows = np.concatenate(parts)
    allrows = allrows[np.lexsort((allrows[:, 1], allrows[:, 0]))]
    return Occurrences(allrows[:, 0], allrows[:, 1], allrows[:, 2], allrows[:, 3])


def term_counts(session: Session, document_ids: Iterable[int] | None = None
                ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Per (document, term): arrays document id, term id, count, respondent-only count."""
    stmt = select(SearchDocument.document_id, SearchDocument.counts)
    rows: list[Any] = []
    if document_ids is None:
        rows = list(session.execute(stmt))
    else:
        for chunk in chunks(sorted({int(d) for d in document_ids})):
            rows += list(session.execute(stmt.where(SearchDocument.document_id.in_(chunk))))
    parts = [np.column_stack([np.full(len(t), d, np.int64), t])
             for d, t in ((d, unpack(b, 3)) for d, b in rows) if len(t)]
    if not parts:
        z = np.zeros(0, dtype=np.int64)
        return z, z, z, z
    allrows = np.concatenate(parts)
    return allrows[:, 0], allrows[:, 1], allrows[:, 2], allrows[:, 3]


def terms_frame_rows(session: Session, term_ids: Iterable[int]) -> dict[int, tuple[str, str]]:
    """Term id -> (lower form, lemma) for some terms."""
    out: dict[int, tuple[str, str]] = {}
    for chunk in chunks(sorted({int(t) for t in term_ids})):
        for tid, lower, lemma in session.execute(
                select(SearchTerm.id, SearchTerm.lower, SearchTerm.lemma)
                .where(SearchTerm.id.in_(chunk))):
            out[tid] = (lower, lemma)
    return out


# --- building and updating the index ---------------------------------------------------------

@dataclass
class IndexReport:
    """What :func:`ensure_index` did."""

    indexed: int = 0
    """Documents (re)indexed now."""
    words: int = 0
    """Words read while indexing."""
    merged: int = 0
    """Batches merged into one."""


def pending_documents(session: Session) -> list[int]:
    """Documents that are not indexed yet, or whose source or index version changed."""
    stmt = (
        select(Document.id)
        .outerjoin(SearchDocument, SearchDocument.document_id == Document.id)
        .where(or_(SearchDocument.document_id.is_(None),
                   SearchDocument.sha256 != Document.sha256,
                   SearchDocument.version != INDEX_VERSION))
        .order_by(Document.id)
    )
    return list(session.scalars(stmt))


def index_status(session: Session) -> dict[str, int]:
    """Counts: documents indexed and pending, terms, batches, postings rows."""
    return {
        "documents_indexed": session.scalar(
            select(func.count()).select_from(SearchDocument)
            .where(SearchDocument.version == INDEX_VERSION)) or 0,
        "documents_pending": len(pending_documents(session)),
        "terms": session.scalar(select(func.count()).select_from(SearchTerm)) or 0,
        "batches": session.scalar(select(func.count(func.distinct(SearchPosting.batch)))) or 0,
        "postings": session.scalar(select(func.count()).select_from(SearchPosting)) or 0,
    }


def ensure_index(session: Session, progress: Progress | None = None) -> IndexReport:
    """Index the documents imported (or changed) since the last search; cheap when none.

    Runs in the caller's transaction. ``progress(done, total)`` is called as documents are
    indexed (the first search of a large project takes a while: about 3 s per million
    words). Raises :class:`ProjectError` if another process was indexing the same
    documents at the same moment (searching again then just works).
    """
    report = IndexReport()
    pending = pending_documents(session)
    if pending:
        try:
            with session.begin_nested():
                _index_documents(session, pending, report, progress)
        except (IntegrityError, OperationalError) as exc:
            raise ProjectError(
                "Another qualcode window was updating the search index at the same time: "
                f"search again in a moment ({type(exc.orig).__name__})."
            ) from exc
    batches = session.execute(
        select(SearchPosting.batch, func.sum(SearchPosting.count))
        .group_by(SearchPosting.batch)).all()
    if len(batches) > MAX_BATCHES:
        report.merged = _merge_small_batches(session, dict(batches))
    return report


def rebuild_index(session: Session, progress: Progress | None = None) -> IndexReport:
    """Drop the search index and build it again from every document."""
    session.execute(delete(SearchPosting))
    session.execute(delete(SearchDocument))
    session.execute(delete(SearchTerm))
    return ensure_index(session, progress)


def chunks(values: Sequence[Any], size: int = IN_CHUNK) -> Iterable[Sequence[Any]]:
    """Slices of at most ``size`` values (to keep ``IN (...)`` lists and batches bounded)."""
    for i in range(0, len(values), size):
        yield values[i:i + size]


class _Vocabulary:
    """Word form -> term id, adding new forms (with lower form and lemma) as met."""

    def __init__(self, session: Session) -> None:
        self.ids: dict[str, int] = dict(session.execute(select(SearchTerm.form, SearchTerm.id)).all())
        self.next_id = (session.scalar(select(func.max(SearchTerm.id))) or 0) + 1
        self.new: list[dict[str, Any]] = []

    def id_of(self, form: str) -> int:
        tid = self.ids.get(form)
        if tid is None:
            tid = self.ids[form] = self.next_id
            self.next_id += 1
            self.new.append({"id": tid, "form": form, "lower": form.lower()[:MAX_FORM],
                             "lemma": lemma_of(form)})
        return tid

    def flush(self, session: Session) -> None:
        if self.new:
            session.execute(insert(SearchTerm), self.new)
            self.new = []


def _next_batch(session: Session) -> int:
    top = [session.scalar(select(func.max(SearchPosting.batch))),
           session.scalar(select(func.max(SearchDocument.batch)))]
    return max([t for t in top if t is not None], default=0) + 1


def _segment_entries(segments: Sequence[Any]) -> dict[int, dict[str, Any]]:
    """Each document's segments packed for the index: the int32 table (see
    :data:`SEGMENT_FIELDS`), its block locators and its speakers. A new block starts
    wherever the locator or the speaker changes. ``segments`` are rows of (id,
    document_id, start, end, is_interviewer, locator, speaker) in document order."""
    if not segments:
        return {}
    ids, docs, starts, ends, interviewer, locators, speakers = zip(*segments)
    doc = np.array(docs, dtype=np.int64)
    start = np.array(starts, dtype=np.int64)
    order = np.lexsort((start, doc))
    doc, start = doc[order], start[order]
    seg_id = np.array(ids, dtype=np.int64)[order]
    end = np.array(ends, dtype=np.int64)[order]
    flag = np.array([bool(x) for x in interviewer], dtype=np.int64)[order]
    loc_codes, loc_names = pd.factorize(pd.Series(locators, dtype=object)[order])
    spk_codes, spk_names = pd.factorize(pd.Series(speakers, dtype=object)[order])
    new = np.r_[True, (doc[1:] != doc[:-1]) | (loc_codes[1:] != loc_codes[:-1])
                | (spk_codes[1:] != spk_codes[:-1])]
    block = np.cumsum(new) - 1
    if int(max(seg_id.max(), end.max())) >= 2**31:
        raise ProjectError("This project has more segments than the search index can hold.")
    loc_names = [str(x).replace(SEP, " ") for x in loc_names]
    spk_names = [str(x).replace(SEP, " ") for x in spk_names]
    bounds = np.r_[np.flatnonzero(np.r_[True, doc[1:] != doc[:-1]]), len(doc)]
    out: dict[int, dict[str, Any]] = {}
    for a, b in pairwise(bounds.tolist()):
        firsts = np.flatnonzero(new[a:b]) + a
        codes, speaker = np.unique(spk_codes[a:b], return_inverse=True)
        table = np.column_stack([seg_id[a:b], start[a:b], end[a:b], flag[a:b],
                                 block[a:b] - block[a], speaker.reshape(-1)])
        out[int(doc[a])] = {
            "segments": table.astype("<i4").tobytes(),
            "locators": SEP.join(loc_names[c] if c >= 0 else "" for c in loc_codes[firsts]),
            "speakers": SEP.join(spk_names[c] if c >= 0 else "" for c in codes),
            "segment_count": b - a,
        }
    return out


def _index_documents(session: Session, doc_ids: list[int], report: IndexReport,
                     progress: Progress | None) -> None:
    for chunk in chunks(doc_ids):
        session.execute(delete(SearchDocument).where(SearchDocument.document_id.in_(chunk)))
    vocab = _Vocabulary(session)
    sizes: dict[int, int] = {}
    for chunk in chunks(doc_ids):
        sizes.update(session.execute(select(Document.id, func.length(Document.text))
                                     .where(Document.id.in_(chunk))).all())
    group: list[int] = []
    total = 0
    for doc_id in doc_ids:
        group.append(doc_id)
        total += sizes.get(doc_id) or 0
        if total >= CHUNK_CHARS:
            _index_chunk(session, group, vocab, report)
            group, total = [], 0
            if progress:
                progress(report.indexed, len(doc_ids))
    if group:
        _index_chunk(session, group, vocab, report)
    if progress:
        progress(report.indexed, len(doc_ids))


def _tokens(segments: Sequence[Any], texts: dict[int, str]) -> tuple[np.ndarray, np.ndarray]:
    """(word hashes and offsets in their segment, segment row of each word).

    Each document's segment texts are joined by single spaces and tokenised as one text
    (much faster than one spaCy Doc per segment, and the same tokens: spaCy splits on
    white space before anything else); offsets are then mapped back to segments.
    """
    nlp = lemma_pipeline()
    seg_doc = [s.document_id for s in segments]
    bounds = np.flatnonzero(np.r_[True, np.array(seg_doc[1:]) != np.array(seg_doc[:-1])]) \
        if segments else np.zeros(0, np.int64)
    bounds = np.r_[bounds, len(segments)]
    joined: list[str] = []
    offsets: list[np.ndarray] = []
    for a, b in pairwise(bounds.tolist()):
        text = texts[seg_doc[a]]
        pieces = [text[s.start:s.end] for s in segments[a:b]]
        lengths = np.fromiter((len(p) + 1 for p in pieces), dtype=np.int64, count=b - a)
        offsets.append(np.cumsum(lengths) - lengths)
        joined.append(normalise_quotes(" ".join(pieces)))
    hashes: list[np.ndarray] = []
    rows: list[np.ndarray] = []
    tokenizer: Any = nlp.tokenizer
    for i, doc in enumerate(tokenizer.pipe(joined, batch_size=16)):
        arr = doc.to_array([ORTH, IDX, IS_PUNCT, IS_SPACE])
        if not len(arr):
            continue
        arr = arr[(arr[:, 2] == 0) & (arr[:, 3] == 0)]
        idx = arr[:, 1].astype(np.int64)
        local = np.searchsorted(offsets[i], idx, side="right") - 1
        hashes.append(np.column_stack([arr[:, 0], (idx - offsets[i][local]).astype(np.uint64)]))
        rows.append(local + bounds[i])
    if not hashes:
        return np.zeros((0, 2), dtype=np.uint64), np.zeros(0, dtype=np.int64)
    return np.concatenate(hashes), np.concatenate(rows)


def _index_chunk(session: Session, doc_ids: list[int], vocab: _Vocabulary,
                 report: IndexReport) -> None:
    docs = session.execute(select(Document.id, Document.text, Document.sha256)
                           .where(Document.id.in_(doc_ids))).all()
    segments = session.execute(
        select(Segment.id, Segment.document_id, Segment.start, Segment.end,
               Segment.is_interviewer, Segment.locator, Segment.speaker)
        .where(Segment.document_id.in_(doc_ids))
        .order_by(Segment.document_id, Segment.ordinal)).all()
    tokens, seg_row = _tokens(segments, {d.id: d.text for d in docs})
    seg_doc = np.array([s.document_id for s in segments], dtype=np.int64)
    seg_start = np.array([s.start for s in segments], dtype=np.int64)
    seg_interviewer = np.array([bool(s.is_interviewer) for s in segments], dtype=bool)
    # word forms -> term ids: one look-up per distinct form of the chunk
    hashes, inverse = np.unique(tokens[:, 0], return_inverse=True)
    strings = lemma_pipeline().vocab.strings
    form_ids = np.array([vocab.id_of(f) if len(f) <= MAX_FORM else -1
                         for f in (strings[int(h)] for h in hashes)], dtype=np.int64)
    term = form_ids[inverse.reshape(-1)]
    # word position in its document, with a gap of one at each segment boundary
    token_doc = seg_doc[seg_row]
    rank = np.arange(len(seg_row)) - np.searchsorted(token_doc, token_doc)
    seg_rank = np.arange(len(segments)) - np.searchsorted(seg_doc, seg_doc)
    keep = term >= 0
    doc = token_doc[keep]
    position = (rank + seg_rank[seg_row])[keep]
    start = (seg_start[seg_row] + tokens[:, 1].astype(np.int64))[keep]
    interviewer = seg_interviewer[seg_row][keep]
    term = term[keep]
    vocab.flush(session)
    batch = _next_batch(session)
    _write_postings(session, batch, doc, position, start, term)
    packed = _segment_entries(segments)
    empty = {"segments": b"", "locators": "", "speakers": "", "segment_count": 0}
    entries: list[dict[str, Any]] = []
    for d in docs:
        in_doc = doc == d.id
        t_doc, resp = term[in_doc], ~interviewer[in_doc]
        ids, counts = np.unique(t_doc, return_counts=True)
        resp_counts = np.bincount(np.searchsorted(ids, t_doc[resp]), minlength=len(ids))
        entries.append({
            "document_id": d.id, "batch": batch, "version": INDEX_VERSION, "sha256": d.sha256,
            "words": int(in_doc.sum()), "respondent_words": int(resp.sum()),
            "counts": pack(np.column_stack([ids, counts, resp_counts])),
            **packed.get(d.id, empty),
        })
        report.words += int(in_doc.sum())
    if entries:
        session.execute(insert(SearchDocument), entries)
    report.indexed += len(docs)


def _write_postings(session: Session, batch: int, doc: np.ndarray, position: np.ndarray,
                    start: np.ndarray, term: np.ndarray) -> None:
    """One postings row per term of the batch: (document, position, offset), delta-packed."""
    if len(term) == 0:
        return
    order = np.lexsort((position, doc, term))
    packed = np.column_stack([doc, position, start])[order]
    sorted_terms = term[order]
    cuts = np.flatnonzero(np.diff(sorted_terms)) + 1
    bounds = np.r_[0, cuts, len(sorted_terms)]
    rows = [{"term_id": int(sorted_terms[a]), "batch": batch, "count": int(b - a),
             "data": pack(packed[a:b], delta=True)}
            for a, b in pairwise(bounds.tolist())]
    for chunk in chunks(rows, 20_000):
        session.execute(insert(SearchPosting), list(chunk))


def _merge_small_batches(session: Session, sizes: dict[int, int]) -> int:
    """Merge every batch but the largest few into one, dropping dead occurrences."""
    ordered = sorted(sizes, key=lambda b: sizes[b], reverse=True)
    keep = set(ordered[: MAX_BATCHES // 2])
    merge = [b for b in ordered if b not in keep]
    if len(merge) < 2:
        return 0
    current = _current(live_batches(session))
    parts: list[np.ndarray] = []
    for chunk in chunks(merge):
        for term_id, batch, blob in session.execute(
                select(SearchPosting.term_id, SearchPosting.batch, SearchPosting.data)
                .where(SearchPosting.batch.in_(chunk))):
            rows = unpack(blob, 3, delta=True)
            rows = rows[_alive(current, rows[:, 0], batch)]
            parts.append(np.column_stack([rows, np.full(len(rows), term_id, np.int64)]))
    new_batch = _next_batch(session)
    for chunk in chunks(merge):
        session.execute(delete(SearchPosting).where(SearchPosting.batch.in_(chunk)))
        session.execute(update(SearchDocument).where(SearchDocument.batch.in_(chunk))
                        .values(batch=new_batch))
    if parts:
        allrows = np.concatenate(parts)
        _write_postings(session, new_batch, allrows[:, 0], allrows[:, 1], allrows[:, 2],
                        allrows[:, 3])
    return len(merge)
