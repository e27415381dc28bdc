"""Word frequencies and keyness: which content words respondents use, overall and by group.

Words are counted by lemma, lower-cased (spaCy's English lookup lemmas, as in search:
"funding", "funded" and "Funds" all count as "fund"). Stop words (spaCy's English stop
list, matched on the form and on the lemma), punctuation, numbers and anything with a
digit, words shorter than ``min_length`` and a user stop list are left out. Only
respondents' words count unless ``include_interviewer=True``. Counts come from the search
index (built or updated first), so no text is read again.

Keyness compares each group with the rest of the project: log-likelihood G2 (Rayson and
Garside 2000) on the 2x2 table of the word's count and the words in the group and in the
rest, its p-value (chi-squared, 1 degree of freedom), a sign ("+" used more in the group,
"-" less), the log ratio (Hardie 2014: log2 of the ratio of relative frequencies) and
%DIFF (Gabrielatos and Marchi 2012); for the effect sizes a zero count is taken as 0.5
(both are NaN in the rare case where that correction would point the other way: a word
the group never uses, in a group too small to tell).
Corpus sizes are all the words of the group and of the rest (stop words included).
All results are tidy DataFrames, one row per (group, word).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np
import pandas as pd
from scipy.stats import chi2
from spacy.lang.en.lex_attrs import like_num
from spacy.lang.en.stop_words import STOP_WORDS
from sqlalchemy import select
from sqlalchemy.orm import Session

from qualcode.errors import CodingError
from qualcode.search import index
from qualcode.search.search import SearchOptions, searched_documents
from qualcode.store.models import SearchDocument, SearchTerm

DOCUMENT_FILTERS = ("groups", "attributes", "respondents", "kinds", "documents", "trial")
FIXED_BY = {"group": "group", "label": "label", "respondent": "label",
            "kind": "document_kind", "document_kind": "document_kind",
            "document": "document_id", "document_id": "document_id"}
NONE_VALUE = "(none)"


def _options(filters: dict[str, Any]) -> SearchOptions:
    opts = SearchOptions.from_filters(**filters)
    extra = [k for k in opts.to_dict() if k not in DOCUMENT_FILTERS]
    if extra:
        raise CodingError(f"Word frequencies can be filtered by {', '.join(DOCUMENT_FILTERS)} "
                          f"(and include_interviewer), not {extra[0]!r}.")
    return opts


def _stop_set(stop_words: Iterable[str] | str) -> set[str]:
    if isinstance(stop_words, str):
        stop_words = stop_words.replace(",", " ").split()
    own = {w.strip().lower() for w in stop_words if isinstance(w, str) and w.strip()}
    return set(STOP_WORDS) | own | {index.lemma_of(w) for w in own}


def _content_lemmas(session: Session, term_ids: np.ndarray, stops: set[str],
                    min_length: int) -> dict[int, str]:
    """Term id -> lemma for the terms that are content words."""
    out: dict[int, str] = {}
    for chunk in index.chunks(np.unique(term_ids).tolist()):
        for tid, lower, lemma in session.execute(
                select(SearchTerm.id, SearchTerm.lower, SearchTerm.lemma)
                .where(SearchTerm.id.in_(chunk))):
            if (lower in stops or lemma in stops or len(lemma) < min_length
                    or not any(ch.isalpha() for ch in lemma)
                    or any(ch.isdigit() for ch in lemma) or like_num(lower)):
                continue
            out[tid] = lemma
    return out


def _grouping(session: Session, by: str | None, opts: SearchOptions) -> tuple[pd.DataFrame, str]:
    """Searched documents with a ``value`` column holding each one's group under ``by``."""
    docs = searched_documents(session, opts)
    if by is None:
        return docs.assign(value="all"), "all"
    column = FIXED_BY.get(by, by)
    if column not in docs.columns or column in ("title", "respondent", "trial"):
        attributes = [c for c in docs.columns if c not in (
            "document_id", "title", "document_kind", "respondent", "label", "group", "trial")]
        raise CodingError(f"Cannot group words by {by!r}: use group, label, kind or a "
                          f"respondent attribute ({', '.join(attributes) or 'none yet'}).")
    missing = "(no respondent)" if column in ("group", "label") else NONE_VALUE
    values = [missing if v is None or v is pd.NA or (isinstance(v, float) and np.isnan(v))
              else str(v) for v in docs[column].tolist()]
    return docs.assign(value=values), ("group" if by == "group" else by)


def _counts(session: Session, by: str | None, include_interviewer: bool, stop_words: Any,
            min_length: int, filters: dict[str, Any]
            ) -> tuple[pd.DataFrame, pd.Series, str, pd.DataFrame]:
    """(word counts per group value and document, words per group value, column name,
    documents)."""
    opts = _options(filters)
    index.ensure_index(session)
    docs, name = _grouping(session, by, opts)
    doc_ids = docs["document_id"].astype(int).tolist()
    doc_id, term, count, resp = index.term_counts(session, doc_ids)
    chosen = count if include_interviewer else resp
    lemmas = _content_lemmas(session, term, _stop_set(stop_words), min_length)
    keep = np.isin(term, list(lemmas)) & (chosen > 0)
    value_of = dict(zip(docs["document_id"].astype(int), docs["value"]))
    respondent_of = dict(zip(docs["document_id"].astype(int), docs["respondent"]))
    frame = pd.DataFrame({
        "value": [value_of[d] for d in doc_id[keep].tolist()],
        "document_id": doc_id[keep], "respondent": [respondent_of[d] for d in
                                                    doc_id[keep].tolist()],
        "word": [lemmas[t] for t in term[keep].tolist()], "count": chosen[keep],
    })
    size_col = SearchDocument.words if include_interviewer else SearchDocument.respondent_words
    sizes: dict[int, int] = {}
    for chunk in index.chunks(doc_ids):
        sizes.update(session.execute(select(SearchDocument.document_id, size_col)
                                     .where(SearchDocument.document_id.in_(chunk))).all())
    totals = pd.Series([sizes.get(d, 0) for d in doc_ids], index=docs["value"].tolist())
    return frame, totals.groupby(level=0).sum(), name, docs


def word_frequencies(session: Session, by: str | None = None, n: int = 50, *,
                     stop_words: Iterable[str] | str = (), min_length: int = 2,
                     include_interviewer: bool = False, **filters: Any) -> pd.DataFrame:
    """The ``n`` most frequent content words overall, or in each group of ``by``.

    ``by``: None, "group", "label" (respondent), "kind" (document kind) or any respondent
    attribute. Filters: groups, attributes, respondents, kinds, documents, trial.
    Columns: [by,] word, count, documents, respondents, words (in the group), per_10k,
    rank. Sorted by group, then count (highest first), then word.
    """
    if not isinstance(n, (int, np.integer)) or n < 1:
        raise CodingError(f"n must be a whole number >= 1, not {n!r}.")
    frame, totals, name, _docs = _counts(session, by, include_interviewer, stop_words,
                                         min_length, filters)
    columns = ["word", "count", "documents", "respondents", "words", "per_10k", "rank"]
    if by is not None:
        columns = [name] + columns
    if frame.empty:
        return pd.DataFrame(columns=columns)
    table = (frame.groupby(["value", "word"])
             .agg(count=("count", "sum"), documents=("document_id", "nunique"),
                  respondents=("respondent", "nunique")).reset_index())
    table["words"] = table["value"].map(totals).astype(np.int64)
    table["per_10k"] = (table["count"] * 10_000 / table["words"].replace(0, np.nan)).fillna(0.0)
    table = table.sort_values(["value", "count", "word"], ascending=[True, False, True])
    table["rank"] = table.groupby("value").cumcount() + 1
    table = table[table["rank"] <= n].rename(columns={"value": name})
    for c in ("count", "documents", "respondents"):
        table[c] = table[c].astype(np.int64)
    return table[columns].reset_index(drop=True)


def log_likelihood(a: np.ndarray, b: np.ndarray, c: np.ndarray | float,
                   d: np.ndarray | float) -> np.ndarray:
    """G2 for a word seen ``a`` times in ``c`` words and ``b`` times in ``d`` words."""
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    c, d = np.asarray(c, dtype=float), np.asarray(d, dtype=float)
    e1 = c * (a + b) / (c + d)
    e2 = d * (a + b) / (c + d)
    with np.errstate(divide="ignore", invalid="ignore"):
        t1 = np.where(a > 0, a * np.log(a / e1), 0.0)
        t2 = np.where(b > 0, b * np.log(b / e2), 0.0)
    return 2 * (t1 + t2)


def keyness(session: Session, by: str = "group", n: int = 20, *, min_count: int = 5,
            stop_words: Iterable[str] | str = (), min_length: int = 2,
            include_interviewer: bool = False, **filters: Any) -> pd.DataFrame:
    """Key words of each group of ``by`` against the rest: G2, sign and effect sizes.

    For each group the ``n`` words with the highest G2 used more than in the rest
    (sign "+") and the ``n`` used less (sign "-"), among words seen at least
    ``min_count`` times in the searched documents. Columns: [by], word, count,
    count_rest, words, words_rest, per_10k, per_10k_rest, g2, p_value, sign, log_ratio,
    pct_diff, rank. Sorted by group, sign ("+" first), then G2 (highest first).
    """
    if by is None:
        raise CodingError("Keyness compares groups: give by='group' or a respondent attribute.")
    if not isinstance(n, (int, np.integer)) or n < 1:
        raise CodingError(f"n must be a whole number >= 1, not {n!r}.")
    frame, totals, name, _docs = _counts(session, by, include_interviewer, stop_words,
                                         min_length, filters)
    columns = [name, "word", "count", "count_rest", "words", "words_rest", "per_10k",
               "per_10k_rest", "g2", "p_value", "sign", "log_ratio", "pct_diff", "rank"]
    if len(totals) < 2:
        raise CodingError(f"Keyness compares groups, but the searched documents have only one "
                          f"value of {by!r}: widen the filters or group by something else.")
    if frame.empty:
        return pd.DataFrame(columns=columns)
    pivot = frame.pivot_table(index="word", columns="value", values="count", aggfunc="sum",
                              fill_value=0)
    pivot = pivot.reindex(columns=totals.index, fill_value=0)
    pivot = pivot[pivot.sum(axis=1) >= min_count]
    if pivot.empty:
        return pd.DataFrame(columns=columns)
    total_all = float(totals.sum())
    counts_all = pivot.sum(axis=1).to_numpy(float)
    parts = []
    for value in totals.index:
        a = pivot[value].to_numpy(float)
        b = counts_all - a
        c = float(totals[value])
        d = total_all - c
        if c <= 0 or d <= 0:
            continue
        g2 = log_likelihood(a, b, c, d)
        over = a / c >= b / d
        rel_a = np.maximum(a, 0.5) / c
        rel_b = np.maximum(b, 0.5) / d
        log_ratio = np.log2(rel_a / rel_b)
        # where the 0.5 correction contradicts the counts (a zero in a very small group)
        # the effect size is unknown
        log_ratio = np.where((log_ratio >= 0) == over, log_ratio, np.nan)
        parts.append(pd.DataFrame({
            name: value, "word": pivot.index.to_numpy(), "count": a.astype(np.int64),
            "count_rest": b.astype(np.int64), "words": int(c), "words_rest": int(d),
            "per_10k": a * 10_000 / c, "per_10k_rest": b * 10_000 / d, "g2": g2,
            "p_value": chi2.sf(g2, 1), "sign": np.where(over, "+", "-"),
            "log_ratio": log_ratio,
            "pct_diff": np.where(np.isnan(log_ratio), np.nan, (rel_a - rel_b) / rel_b * 100),
        }))
    if not parts:
        return pd.DataFrame(columns=columns)
    table = pd.concat(parts, ignore_index=True)
    table = table.sort_values([name, "sign", "g2", "word"],
                              ascending=[True, True, False, True], kind="stable")
    table["rank"] = table.groupby([name, "sign"]).cumcount() + 1
    return table[table["rank"] <= n][columns].reset_index(drop=True)
