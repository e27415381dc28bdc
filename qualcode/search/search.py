"""Text search with keyword in context: words, phrases, alternatives, regular expressions.

``search(session, query, mode="lemma", **filters)`` returns one row per hit with the
columns of :data:`HIT_COLUMNS`: the left context, the hit, the right context, the
segment's locator, the respondent's label and group, the document, the segment, the
hit's character offsets in the document text, and the speaker.

Query syntax (modes ``lemma`` and ``exact``)
    A word (``fund``), a phrase (``joint training``, quotes optional), alternatives
    separated by ``|`` or ``OR`` (``funding | money | "joint training"``), a trailing
    ``*`` for any ending (``safeguard*``). A list of strings is a list of alternatives.
    Words are spaCy tokens, so hits are always whole words; punctuation is ignored inside
    a phrase ("multi-agency" finds "multi agency"), but a phrase never spans two segments.

``mode="lemma"`` (the default)
    A word matches when its lower-cased form or lemma equals the query word's lower-cased
    form or lemma. "fund" finds fund, funds, funded, funding (all have the lemma "fund");
    "funding" finds the same plus "fundings". Lemmas are spaCy's English lookup lemmas of
    the lower-cased word (see :mod:`qualcode.search.index`).
``mode="exact"``
    The word form itself, case-insensitive unless ``case_sensitive=True``. With
    ``whole_words=False`` the text is searched as a plain string ("fund" then finds
    "refunded" too).
``mode="regex"``
    A regular expression (the ``regex`` package, re-compatible syntax), case-insensitive
    unless ``case_sensitive=True``, matched against each document's text under a time
    limit (``timeout`` seconds for the whole search, default 5) so that a pattern that
    backtracks catastrophically is stopped with a message instead of hanging.
    ``whole_words=True`` wraps it in ``\\b...\\b``.

Filters (keyword arguments; a single string is accepted wherever a list is)
    ``groups``, ``attributes`` (``{"gender": "female"}``, a list of values means any of
    them), ``respondents`` (labels), ``kinds`` (document kinds), ``documents`` (ids),
    ``trial`` (True/False), ``speakers`` (speaker names as transcribed),
    ``include_interviewer`` (default False: interviewer turns are left out),
    ``in_code`` / ``not_in_code`` (hits inside / outside codings of codes, with their
    descendants unless ``include_descendants=False``; ``code_coder`` limits those codings
    to some coders), ``context`` (characters each side, default 60), ``limit`` (keep the
    first N hits). Singular aliases are accepted: group, kind, respondent, speaker,
    document, code.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, fields
from typing import Any, NamedTuple

import numpy as np
import pandas as pd
import regex
from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from qualcode.coding.query import ExtractFilters, apply_filters, descendants
from qualcode.errors import CodingError
from qualcode.ingest.document import KINDS
from qualcode.search import index
from qualcode.store.models import (
    Code,
    Coding,
    Document,
    Respondent,
    SearchDocument,
    SearchTerm,
    Segment,
)

MODES = ("lemma", "exact", "regex")
HIT_COLUMNS = ["left", "hit", "right", "locator", "label", "group", "document_id",
               "segment_id", "start", "end", "speaker"]
DEFAULT_CONTEXT = 60
DEFAULT_TIMEOUT = 5.0
MAX_HITS = 1_000_000
ALIASES = {"group": "groups", "kind": "kinds", "respondent": "respondents",
           "speaker": "speakers", "document": "documents", "document_id": "documents",
           "code": "in_code", "attribute": "attributes"}
_ALTERNATIVES = regex.compile(r"\s*\|\s*|\s+OR\s+")
_KEY = 32


@dataclass(frozen=True)
class SearchOptions:
    """How to match and which hits to keep (see the module docstring)."""

    case_sensitive: bool = False
    whole_words: bool | None = None
    context: int = DEFAULT_CONTEXT
    include_interviewer: bool = False
    speakers: tuple[str, ...] | None = None
    groups: tuple[str, ...] | None = None
    attributes: dict[str, Any] | None = None
    respondents: tuple[str, ...] | None = None
    kinds: tuple[str, ...] | None = None
    documents: tuple[int, ...] | None = None
    trial: bool | None = None
    in_code: tuple[str, ...] | None = None
    not_in_code: tuple[str, ...] | None = None
    include_descendants: bool = True
    code_coder: tuple[str, ...] | None = None
    timeout: float = DEFAULT_TIMEOUT
    limit: int | None = None

    @classmethod
    def from_filters(cls, **filters: Any) -> SearchOptions:
        """Options from keyword filters, checked: unknown names and bad values are errors."""
        known = {f.name for f in fields(cls)}
        values: dict[str, Any] = {}
        for name, value in filters.items():
            key = ALIASES.get(name, name)
            if key not in known:
                raise CodingError(
                    f"Unknown search option {name!r}. Use any of: {', '.join(sorted(known))}.")
            if key in values:
                raise CodingError(f"Search option {key!r} is given twice ({name!r}).")
            values[key] = value
        for key in ("speakers", "groups", "respondents", "kinds", "in_code", "not_in_code",
                    "code_coder"):
            if values.get(key) is not None:
                values[key] = _strings(values[key], key)
        if values.get("documents") is not None:
            docs = values["documents"]
            docs = [docs] if isinstance(docs, (int, np.integer)) else list(docs)
            try:
                values["documents"] = tuple(int(d) for d in docs)
            except (TypeError, ValueError):
                raise CodingError("documents must be document ids (whole numbers).") from None
        if values.get("attributes") is not None and not isinstance(values["attributes"], dict):
            raise CodingError("attributes must be a mapping such as {'gender': 'female'}.")
        for key in ("context", "limit"):
            value = values.get(key, 0)
            if (key == "context" or value is not None) and (
                    not isinstance(value, (int, np.integer)) or isinstance(value, bool)
                    or value < 0):
                raise CodingError(f"{key} must be a whole number >= 0, not {value!r}.")
        timeout = values.get("timeout", DEFAULT_TIMEOUT)
        if not isinstance(timeout, (int, float)) or timeout <= 0:
            raise CodingError(f"timeout must be a number of seconds > 0, not {timeout!r}.")
        return cls(**values)

    def to_dict(self) -> dict[str, Any]:
        """The options that differ from the defaults, as JSON-ready values."""
        default = SearchOptions()
        out: dict[str, Any] = {}
        for key, value in asdict(self).items():
            if value != getattr(default, key):
                out[key] = list(value) if isinstance(value, tuple) else value
        return out


def _strings(value: Any, what: str) -> tuple[str, ...]:
    items = [value] if isinstance(value, str) else list(value)
    if not all(isinstance(v, str) and v.strip() for v in items):
        raise CodingError(f"{what} must be names (text), not {value!r}.")
    return tuple(v.strip() for v in items)


# --- parsing queries -------------------------------------------------------------------------

@dataclass(frozen=True)
class Word:
    """One word of a phrase: its text, and whether it ends in a ``*`` (any ending)."""

    text: str
    prefix: bool = False


def parse_query(query: str | Sequence[str]) -> list[list[Word]]:
    """Alternatives, each a phrase of :class:`Word` (lemma and exact modes)."""
    if isinstance(query, str):
        parts = _ALTERNATIVES.split(query.strip())
    else:
        parts = [q for q in query if isinstance(q, str)]
        if len(parts) != len(list(query)):
            raise CodingError("A search is a text or a list of texts (alternatives).")
    alternatives: list[list[Word]] = []
    for part in parts:
        part = part.strip().strip('"').strip()
        if not part:
            continue
        phrase: list[Word] = []
        for piece in part.split():
            star = piece.endswith("*")
            core = piece.rstrip("*")
            if "*" in core:
                raise CodingError(
                    f"{piece!r}: only a * at the end of a word is understood (fund* finds "
                    "fund, funding, funds); use mode='regex' for other patterns.")
            words = index.words_of(core)
            if star and not words:
                raise CodingError(f"{piece!r}: put at least one letter before the *.")
            phrase += [Word(w, prefix=star and i == len(words) - 1) for i, w in enumerate(words)]
        if phrase:
            alternatives.append(phrase)
    return alternatives


def _check_query(query: Any) -> None:
    empty = query is None or (isinstance(query, str) and not query.strip()) or (
        not isinstance(query, str) and isinstance(query, Iterable)
        and not any(isinstance(q, str) and q.strip() for q in query))
    if empty:
        raise CodingError(
            'The search is empty: type a word (fund), a phrase ("joint training"), '
            "alternatives (funding | money) or, with mode='regex', a regular expression.")
    if not isinstance(query, (str, list, tuple)):
        raise CodingError(f"A search is a text or a list of texts, not {type(query).__name__}.")


def compile_regex(pattern: str, case_sensitive: bool = False,
                  whole_words: bool = False) -> regex.Pattern[str]:
    """The compiled pattern, or a :class:`CodingError` saying where it is invalid."""
    flags = regex.V0 | (0 if case_sensitive else regex.IGNORECASE)
    source = rf"\b(?:{pattern})\b" if whole_words else pattern
    try:
        return regex.compile(source, flags)
    except regex.error as exc:
        where = f" at position {exc.pos}" if exc.pos is not None else ""
        raise CodingError(
            f"The regular expression {pattern!r} is not valid: {exc.msg}{where}. Check the "
            "brackets and escapes (a literal dot or bracket needs a backslash: \\. \\( ), or "
            "search with mode='exact' for plain text.") from None


# --- finding occurrences ------------------------------------------------------------------------

def _term_ids(session: Session, word: Word, mode: str, case_sensitive: bool) -> dict[int, int]:
    """Term id -> length of its form, for the index terms one query word matches."""
    text = word.text
    if mode == "exact" and case_sensitive:
        pairs = [(SearchTerm.form, text)]
    elif mode == "exact":
        pairs = [(SearchTerm.lower, text.lower())]
    else:
        keys = sorted({text.lower(), index.lemma_of(text)})
        pairs = [(c, k) for c in (SearchTerm.lower, SearchTerm.lemma) for k in keys]
    if word.prefix:
        conds = [func.substr(c, 1, len(k)) == k for c, k in pairs]
    else:
        conds = [c == k for c, k in pairs]
    stmt = select(SearchTerm.id, SearchTerm.form).where(or_(*conds))
    return {tid: len(form) for tid, form in session.execute(stmt)}


def _phrase_hits(occ: index.Occurrences, phrase_terms: list[dict[int, int]]
                 ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(document, start, end) of every occurrence of a phrase (consecutive positions)."""
    keys = (occ.document_id << _KEY) + occ.position  # sorted: occurrences are in order
    first = np.flatnonzero(np.isin(occ.term_id, list(phrase_terms[0])))
    last = first
    ok = np.ones(len(first), dtype=bool)
    for i, terms in enumerate(phrase_terms[1:], start=1):
        rows = np.flatnonzero(np.isin(occ.term_id, list(terms)))
        if len(rows) == 0:
            ok[:] = False
            break
        wanted = keys[first] + i
        at = np.minimum(np.searchsorted(keys[rows], wanted), len(rows) - 1)
        ok &= keys[rows[at]] == wanted
        last = rows[at]
    first, last = first[ok], last[ok]
    lengths = {t: n for terms in phrase_terms for t, n in terms.items()}
    length_of = np.zeros(max(lengths, default=0) + 1, dtype=np.int64)
    length_of[list(lengths)] = list(lengths.values())
    return occ.document_id[first], occ.start[first], occ.start[last] + length_of[occ.term_id[last]]


def _index_hits(session: Session, alternatives: list[list[Word]], mode: str,
                case_sensitive: bool, live: dict[int, int]
                ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    resolved = [[_term_ids(session, w, mode, case_sensitive) for w in phrase]
                for phrase in alternatives]
    wanted = sorted({t for phrase in resolved for terms in phrase for t in terms})
    occ = index.occurrences(session, wanted, live)
    parts = [_phrase_hits(occ, phrase) for phrase in resolved
             if all(phrase) and len(occ.start)]
    if not parts:
        z = np.zeros(0, dtype=np.int64)
        return z, z, z
    return tuple(np.concatenate(p) for p in zip(*parts))  # type: ignore[return-value]


def _regex_hits(session: Session, pattern: regex.Pattern[str], source: str,
                doc_ids: Sequence[int], timeout: float
                ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    began = time.perf_counter()
    docs: list[int] = []
    starts: list[int] = []
    ends: list[int] = []
    for chunk in index.chunks(list(doc_ids), 200):
        for doc_id, title, text in session.execute(
                select(Document.id, Document.title, Document.text)
                .where(Document.id.in_(chunk)).order_by(Document.id)):
            remaining = timeout - (time.perf_counter() - began)
            try:
                if remaining <= 0:
                    raise TimeoutError
                for m in pattern.finditer(text, timeout=remaining):
                    if m.end() > m.start():
                        docs.append(doc_id)
                        starts.append(m.start())
                        ends.append(m.end())
                        if len(starts) > MAX_HITS:
                            raise CodingError(
                                f"The regular expression {source!r} matches more than "
                                f"{MAX_HITS:,} times: make it more specific.")
            except TimeoutError:
                spent = time.perf_counter() - began
                raise CodingError(
                    f"The regular expression {source!r} was stopped after {spent:.1f} s "
                    f"(time limit {timeout:g} s) while searching {title!r}. It probably "
                    "backtracks catastrophically: avoid nested repeats such as (a+)+ or "
                    "(\\w+\\s?)+, and alternatives that can match the same text such as "
                    "(a|aa)+; anchor it or use a plain word search (mode='lemma' or "
                    "'exact'). If the pattern is sound and the project is large, raise "
                    "timeout=.") from None
    return (np.array(docs, dtype=np.int64), np.array(starts, dtype=np.int64),
            np.array(ends, dtype=np.int64))


# --- documents, filters and codes -----------------------------------------------------------

def documents_frame(session: Session) -> pd.DataFrame:
    """Documents with their respondent: document_id, title, document_kind, respondent,
    label, group, trial, then one column per respondent attribute."""
    rows = session.execute(
        select(Document.id, Document.title, Document.kind, Document.respondent_id,
               Respondent.label, Respondent.group, Respondent.trial, Respondent.attributes)
        .outerjoin(Respondent, Document.respondent_id == Respondent.id)
        .order_by(Document.id)).all()
    frame = pd.DataFrame(
        [{"document_id": r.id, "title": r.title, "document_kind": r.kind,
          "respondent": r.respondent_id, "label": r.label, "group": r.group,
          "trial": r.trial} for r in rows],
        columns=["document_id", "title", "document_kind", "respondent", "label", "group",
                 "trial"])
    names = sorted({k for r in rows for k in (r.attributes or {})})
    for name in names:
        frame[name] = [(r.attributes or {}).get(name) for r in rows]
    frame["respondent"] = frame["respondent"].astype("Int64")
    return frame


def _check_names(session: Session, opts: SearchOptions) -> None:
    if opts.kinds:
        bad = [k for k in opts.kinds if k not in KINDS]
        if bad:
            raise CodingError(f"Document kind {bad[0]!r} is not one of {', '.join(KINDS)}.")
    if opts.groups:
        groups = set(session.scalars(select(Respondent.group).distinct()))
        bad = [g for g in opts.groups if g not in groups]
        if bad:
            raise CodingError(f"No respondent is in group {bad[0]!r}; the groups are "
                              f"{', '.join(sorted(groups)) or 'none yet'}.")
    if opts.respondents:
        labels = set(session.scalars(select(Respondent.label)))
        bad = [r for r in opts.respondents if r not in labels]
        if bad:
            raise CodingError(f"There is no respondent {bad[0]!r} in this project (labels "
                              "as in respondents.csv, e.g. HT3).")
    codes = list(opts.in_code or ()) + list(opts.not_in_code or ())
    if codes:
        known = set(session.scalars(select(Code.id).where(Code.id.in_(codes))))
        bad = [c for c in codes if c not in known]
        if bad:
            raise CodingError(f"There is no code {bad[0]!r} in this project's codebook: "
                              "check the id (Codebook page, or `qualcode codebook list`).")
    if opts.speakers:
        speakers = set(session.scalars(select(Segment.speaker).distinct()))
        bad = [s for s in opts.speakers if s not in speakers]
        if bad:
            named = sorted(s for s in speakers if s)
            raise CodingError(f"No segment has the speaker {bad[0]!r}; speakers are "
                              f"{', '.join(named[:20]) or 'none'}.")


def searched_documents(session: Session, opts: SearchOptions) -> pd.DataFrame:
    """The documents a search with these options looks in (filters on documents applied)."""
    frame = documents_frame(session)
    frame = apply_filters(frame, ExtractFilters(
        groups=opts.groups, attributes=opts.attributes, kinds=opts.kinds, trial=opts.trial,
        respondents=opts.respondents))
    if opts.documents is not None:
        frame = frame[frame["document_id"].isin(list(opts.documents))]
    return frame.reset_index(drop=True)


def _coded_mask(session: Session, codes: Sequence[str], include_descendants: bool,
                coders: Sequence[str] | None, doc: np.ndarray, start: np.ndarray,
                end: np.ndarray) -> np.ndarray:
    """Which spans overlap a coding of the codes (or their descendants)."""
    ids = sorted({x for c in codes for x in (descendants(session, c) if include_descendants
                                             else [c])})
    stmt = select(Coding.document_id, Coding.start, Coding.end).where(Coding.code_id.in_(ids))
    if coders:
        stmt = stmt.where(Coding.coder.in_(list(coders)))
    rows = np.array(session.execute(stmt).all(), dtype=np.int64).reshape(-1, 3)
    if len(rows) == 0 or len(doc) == 0:
        return np.zeros(len(doc), dtype=bool)
    # merge the codings of each document into disjoint intervals, then one binary search
    rows = rows[np.lexsort((rows[:, 1], rows[:, 0]))]
    key_start = (rows[:, 0] << _KEY) + rows[:, 1]
    key_end = (rows[:, 0] << _KEY) + rows[:, 2]
    run_end = np.maximum.accumulate(key_end)
    new = np.r_[True, key_start[1:] > run_end[:-1]]
    group = np.cumsum(new) - 1
    merged_start = key_start[new]
    merged_end = np.zeros(group[-1] + 1, dtype=np.int64)
    np.maximum.at(merged_end, group, key_end)
    hit_start = (doc << _KEY) + start
    hit_end = (doc << _KEY) + end
    i = np.searchsorted(merged_start, hit_end, side="left") - 1
    safe = np.maximum(i, 0)
    return (i >= 0) & (merged_end[safe] > hit_start)


# --- keyword in context ------------------------------------------------------------------------

def empty_hits() -> pd.DataFrame:
    """A hits frame with no rows and the right columns and types."""
    frame = pd.DataFrame({c: pd.Series(dtype=object) for c in HIT_COLUMNS})
    for c in ("document_id", "segment_id", "start", "end"):
        frame[c] = frame[c].astype(np.int64)
    return frame


_SPACES = str.maketrans({"\n": " ", "\r": " ", "\t": " "})


def _kwic(texts: dict[int, str], doc: list[int], start: list[int], end: list[int],
          lo: list[int], hi: list[int], width: int) -> tuple[list[str], list[str], list[str]]:
    """Left context, hit and right context of each hit, kept inside [lo, hi) (its turn)
    and cut at a space so that no word is broken at the outer edges."""
    lefts: list[str] = []
    mids: list[str] = []
    rights: list[str] = []
    text = ""
    current = None
    for d, s, e, a, b in zip(doc, start, end, lo, hi):
        if d != current:
            text, current = texts[d], d
        if s - width > a:
            left = text[s - width:s]
            left = left[left.find(" ") + 1:]
        else:
            left = text[a:s]
        if e + width < b:
            right = text[e:e + width]
            cut = right.rfind(" ")
            right = right[:cut] if cut > 0 else right
        else:
            right = text[e:b]
        lefts.append(left)
        mids.append(text[s:e])
        rights.append(right)
    return lefts, mids, rights


def search(session: Session, query: str | Sequence[str], mode: str = "lemma",
           **filters: Any) -> pd.DataFrame:
    """Search the project; one row per hit (columns :data:`HIT_COLUMNS`), in document order.

    See the module docstring for the query syntax, the modes and the filters. The search
    index is brought up to date first (documents imported since the last search are
    indexed). A query that matches nothing gives an empty frame with the same columns.
    ``frame.attrs`` holds the query, mode, options, searched document ids and seconds.
    """
    began = time.perf_counter()
    if mode not in MODES:
        raise CodingError(f"Search mode {mode!r} is not one of {', '.join(MODES)}.")
    _check_query(query)
    opts = SearchOptions.from_filters(**filters)
    index.ensure_index(session)
    _check_names(session, opts)
    whole = opts.whole_words
    pattern: regex.Pattern[str] | None = None
    alternatives: list[list[Word]] = []
    if mode == "regex":
        if not isinstance(query, str):
            raise CodingError("A regular expression search takes one pattern (a text); "
                              "use | inside it for alternatives.")
        pattern = compile_regex(query, opts.case_sensitive, bool(whole))
    elif mode == "exact" and whole is False:
        texts = [query] if isinstance(query, str) else list(query)
        parts = [p.strip().strip('"') for t in texts for p in _ALTERNATIVES.split(t.strip())]
        parts = [p for p in parts if p]
        if not parts:
            _check_query("")
        pattern = compile_regex("|".join(regex.escape(p) for p in parts), opts.case_sensitive)
    else:
        if mode == "lemma" and opts.case_sensitive:
            raise CodingError("Lemma search ignores case: for case-sensitive matching use "
                              "mode='exact' with case_sensitive=True.")
        if mode == "lemma" and whole is False:
            raise CodingError("Lemma search matches whole words: to find parts of words use "
                              "mode='exact' with whole_words=False, or fund* for any ending.")
        alternatives = parse_query(query)
        if not alternatives:
            raise CodingError(f"The search {query!r} has no words to look for (only "
                              "punctuation): type a word or a phrase.")
    docs = searched_documents(session, opts)
    live = index.live_batches(session)
    doc_ids = [int(d) for d in docs["document_id"] if int(d) in live]
    if pattern is not None:
        doc, start, end = _regex_hits(session, pattern, query if isinstance(query, str)
                                      else " | ".join(query), doc_ids, opts.timeout)
    else:
        doc, start, end = _index_hits(session, alternatives, mode, opts.case_sensitive, live)
        keep = np.isin(doc, doc_ids)
        doc, start, end = doc[keep], start[keep], end[keep]
    # one row per distinct span, in document order
    if len(doc):
        order = np.lexsort((end, start, doc))
        doc, start, end = doc[order], start[order], end[order]
        new = np.r_[True, (doc[1:] != doc[:-1]) | (start[1:] != start[:-1])
                    | (end[1:] != end[:-1])]
        doc, start, end = doc[new], start[new], end[new]
    segs = index.segment_table(session, np.unique(doc).tolist())
    row = segs.locate(doc, start)
    keep = row >= 0
    if not opts.include_interviewer and len(row):
        keep &= ~segs.interviewer[np.maximum(row, 0)]
    doc, start, end, row = doc[keep], start[keep], end[keep], row[keep]
    locators, speakers = segs.locator_speaker(row)
    if opts.speakers:
        keep = np.isin(speakers, list(opts.speakers))
        doc, start, end, row = doc[keep], start[keep], end[keep], row[keep]
        locators, speakers = locators[keep], speakers[keep]
    for codes, inside in ((opts.in_code, True), (opts.not_in_code, False)):
        if codes:
            mask = _coded_mask(session, codes, opts.include_descendants, opts.code_coder,
                               doc, start, end)
            keep = mask if inside else ~mask
            doc, start, end, row = doc[keep], start[keep], end[keep], row[keep]
            locators, speakers = locators[keep], speakers[keep]
    if opts.limit is not None:
        doc, start, end, row = (a[: opts.limit] for a in (doc, start, end, row))
        locators, speakers = locators[: opts.limit], speakers[: opts.limit]
    frame = _frame(session, docs, segs, doc, start, end, row, locators, speakers, opts.context)
    frame.attrs.update({
        "query": query if isinstance(query, str) else list(query), "mode": mode,
        "options": opts.to_dict(), "documents": doc_ids,
        "seconds": time.perf_counter() - began,
    })
    return frame


def _frame(session: Session, docs: pd.DataFrame, segs: index.SegmentTable, doc: np.ndarray,
           start: np.ndarray, end: np.ndarray, row: np.ndarray, locators: np.ndarray,
           speakers: np.ndarray, width: int) -> pd.DataFrame:
    if len(doc) == 0:
        return empty_hits()
    texts: dict[int, str] = {}
    for chunk in index.chunks(np.unique(doc).tolist(), 200):
        for doc_id, text in session.execute(select(Document.id, Document.text)
                                            .where(Document.id.in_(chunk))):
            texts[doc_id] = text.translate(_SPACES)  # one character for one: offsets hold
    info = docs.set_index("document_id")
    label_of = {d: _text_or_none(lab) or _text_or_none(title) for d, lab, title in
                zip(info.index.tolist(), info["label"].tolist(), info["title"].tolist())}
    group_of = {d: _text_or_none(g) for d, g in zip(info.index.tolist(), info["group"].tolist())}
    lefts, mids, rights = _kwic(texts, doc.tolist(), start.tolist(), end.tolist(),
                                segs.block_start[row].tolist(), segs.block_end[row].tolist(),
                                width)
    uniq, inverse = np.unique(doc, return_inverse=True)
    inverse = inverse.reshape(-1)
    labels = np.array([label_of.get(d) for d in uniq.tolist()], dtype=object)[inverse]
    groups = np.array([group_of.get(d) for d in uniq.tolist()], dtype=object)[inverse]

    def text_column(values: Any) -> pd.Series:
        return pd.Series(values, dtype=object)

    return pd.DataFrame({
        "left": text_column(lefts), "hit": text_column(mids), "right": text_column(rights),
        "locator": text_column(locators), "label": text_column(labels),
        "group": text_column(groups),
        "document_id": doc.astype(np.int64), "segment_id": segs.segment_id[row],
        "start": start.astype(np.int64), "end": end.astype(np.int64),
        "speaker": text_column(speakers),
    }, columns=HIT_COLUMNS)


def _text_or_none(value: Any) -> str | None:
    return None if value is None or (isinstance(value, float) and np.isnan(value)) \
        or value is pd.NA else str(value)


# --- counts ------------------------------------------------------------------------------------

class HitCounts(NamedTuple):
    """Hits per document and per group, with words searched and hits per 10,000 words."""

    by_document: pd.DataFrame
    by_group: pd.DataFrame


def hit_counts(session: Session, hits: pd.DataFrame) -> HitCounts:
    """Counts of a search's hits per document and per respondent group.

    ``by_document``: document_id, label, group, title, kind, hits, segments (with a hit),
    words (searched: respondent words unless the search included the interviewer),
    per_10k. ``by_group``: group, documents, documents_with_hits, respondents_with_hits,
    hits, words, per_10k. Every searched document and group is listed, with 0 where
    there is no hit (when ``hits`` came from :func:`search`, whose attrs say which
    documents were searched).
    """
    searched = hits.attrs.get("documents")
    include_interviewer = bool(hits.attrs.get("options", {}).get("include_interviewer"))
    doc_ids = sorted(set(searched) if searched is not None
                     else set(hits["document_id"].astype(int)))
    docs = documents_frame(session)
    docs = docs[docs["document_id"].isin(doc_ids)]
    words_col = SearchDocument.words if include_interviewer else SearchDocument.respondent_words
    words: dict[int, int] = {}
    for chunk in index.chunks(doc_ids):
        words.update(session.execute(select(SearchDocument.document_id, words_col)
                                     .where(SearchDocument.document_id.in_(chunk))).all())
    per_doc = hits.groupby("document_id").agg(hits=("hit", "size"),
                                              segments=("segment_id", "nunique"))
    by_doc = pd.DataFrame({
        "document_id": docs["document_id"].astype(np.int64),
        "label": docs["label"].where(docs["label"].notna(), docs["title"]),
        "group": docs["group"], "title": docs["title"], "kind": docs["document_kind"],
        "respondent": docs["respondent"],
    }).merge(per_doc, left_on="document_id", right_index=True, how="left")
    by_doc[["hits", "segments"]] = by_doc[["hits", "segments"]].fillna(0).astype(np.int64)
    by_doc["words"] = [int(words.get(d, 0)) for d in by_doc["document_id"]]
    by_doc["per_10k"] = _per_10k(by_doc["hits"], by_doc["words"])
    by_doc = by_doc.sort_values(["hits", "document_id"], ascending=[False, True])
    grouped = by_doc.assign(group=by_doc["group"].astype(object).where(
        by_doc["group"].notna(), "(no respondent)"))
    with_hits = grouped[grouped["hits"] > 0]
    by_group = grouped.groupby("group", sort=True).agg(
        documents=("document_id", "size"), hits=("hits", "sum"), words=("words", "sum"))
    by_group["documents_with_hits"] = with_hits.groupby("group")["document_id"].size()
    by_group["respondents_with_hits"] = with_hits.groupby("group")["respondent"].nunique()
    by_group = by_group.fillna(0).astype(np.int64).reset_index()
    by_group["per_10k"] = _per_10k(by_group["hits"], by_group["words"])
    by_group = by_group[["group", "documents", "documents_with_hits", "respondents_with_hits",
                         "hits", "words", "per_10k"]]
    return HitCounts(by_doc.drop(columns="respondent").reset_index(drop=True),
                     by_group.sort_values(["hits", "group"], ascending=[False, True])
                     .reset_index(drop=True))


def _per_10k(hits: pd.Series, words: pd.Series) -> pd.Series:
    rate = hits.astype(float) * 10_000 / words.astype(float).replace(0, np.nan)
    return rate.fillna(0.0).round(2)


# --- what the CLI prints ------------------------------------------------------------------------

def format_hits(hits: pd.DataFrame, counts: HitCounts | None = None, *, width: int = 40,
                max_rows: int | None = 50) -> str:
    """Hits as keyword-in-context lines (reference, left, [hit], right), then counts."""
    lines = []
    total = len(hits)
    mode = hits.attrs.get("mode", "")
    query = hits.attrs.get("query", "")
    lines.append(f"{total} hit(s) for {query!r} ({mode})" if query else f"{total} hit(s)")
    shown = hits if max_rows is None else hits.head(max_rows)
    ref_width = max([len(str(r)) for r in shown["locator"]] + [3])
    for r in shown.itertuples(index=False):
        left = str(r.left)[-width:].rjust(width)
        right = str(r.right)[:width]
        lines.append(f"{r.locator!s:<{ref_width}}  {left}[{r.hit}]{right}")
    if max_rows is not None and total > max_rows:
        lines.append(f"... {total - max_rows} more hit(s) not shown")
    if counts is not None and total:
        lines.append("")
        lines.append("hits by group:")
        for g in counts.by_group.itertuples(index=False):
            lines.append(f"  {g.group:<20} {g.hits:>7} hits  {g.documents_with_hits:>4}/"
                         f"{g.documents} documents  {g.per_10k:>8.2f} per 10k words")
    return "\n".join(lines)
