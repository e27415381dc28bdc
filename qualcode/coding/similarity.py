"""Text similarity: TF-IDF features of lemmas, and "code more like this".

:class:`TextFeatures` turns texts into the features the learned suggester is trained on,
and :func:`most_similar` finds, for each query text (or candidate index), the most
similar candidate texts by cosine similarity of those features.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Protocol

import numpy as np
from scipy import sparse
from sklearn.feature_extraction.text import TfidfVectorizer

from qualcode.coding.codebook_match import STOP, WORD
from qualcode.coding.lemmas import check_texts, lemma_strings
from qualcode.errors import CodingError

CHUNK = 512


class TextFeatures:
    """TF-IDF of lemma word n-grams (1-2) and of single lemmas with their prefixes.

    The second block holds each lemma plus the first ``prefix_length`` letters of every
    longer lemma ("referral", "refer" and "referring" share ``refer~``), which catches
    spelling variants and derived forms about as well as character n-grams do at a
    fraction of the cost, and gives single words more weight than word pairs (which
    suits short extracts). The combined rows have unit length.
    """

    def __init__(self, prefix_length: int = 5, max_features: int = 100_000) -> None:
        self.prefix_length = prefix_length
        self.word = TfidfVectorizer(token_pattern=r"\S+", ngram_range=(1, 2), lowercase=False,
                                    sublinear_tf=True, max_features=max_features)
        self.second = TfidfVectorizer(token_pattern=r"\S+", lowercase=False, sublinear_tf=True)

    def _second(self, strings: Sequence[str]) -> list[str]:
        k = self.prefix_length
        out = []
        for s in strings:
            toks = s.split()
            if k > 0:
                toks += [f"{t[:k]}~" for t in toks if len(t) > k]
            out.append(" ".join(toks))
        return out

    def fit(self, strings: Sequence[str]) -> TextFeatures:
        """Learn the vocabularies and IDF weights from lemma strings.

        Raises :class:`CodingError` if the texts hold no words at all.
        """
        try:
            self.word.fit(strings)
            self.second.fit(self._second(strings))
        except ValueError:
            raise CodingError(
                "The texts contain no words to learn from; code some segments with text."
            ) from None
        terms = self.word.get_feature_names_out()
        self.terms = terms
        self.readable = np.array([_readable(t) for t in terms])
        # column -> index of the readable word it stands for (-1: prefixes, stop words),
        # so a word's weight in both blocks is reported as one contribution
        position = {t: i for i, t in enumerate(terms)}
        first = np.where(self.readable, np.arange(len(terms)), -1)
        second = np.array([position.get(t, -1) for t in self.second.get_feature_names_out()],
                          dtype=int)
        second[second >= 0] = first[second[second >= 0]]
        self.labels = np.concatenate([first, second])
        return self

    def transform(self, strings: Sequence[str]) -> tuple[sparse.csr_matrix, sparse.csr_matrix]:
        """(word block, combined matrix with unit-length rows) for lemma strings."""
        W = self.word.transform(strings)
        both = sparse.hstack([W, self.second.transform(self._second(strings))], format="csr")
        return W, normalise_rows(both)

    def content(self, W: sparse.csr_matrix) -> sparse.csr_matrix:
        """The word block restricted to readable terms (no stop words), unit rows: what
        "similar extracts" are judged on, so shared "the" and "and" do not count."""
        return normalise_rows(sparse.csr_matrix(W @ sparse.diags(self.readable.astype(float))))


NEGATORS = frozenset({"no", "not", "never", "nobody", "nothing"})


def _readable(term: str) -> bool:
    """Whether a term is worth showing as a reason: a word that is not a stop word, or a
    pair of such words ("waiting list"), or a negated word ("no time")."""
    words = term.split()
    if not all(WORD.search(w) for w in words) or words[-1] in STOP:
        return False
    return len(words) == 1 or words[0] not in STOP or words[0] in NEGATORS


def normalise_rows(X: sparse.spmatrix) -> sparse.csr_matrix:
    """Rows scaled to unit length (empty rows stay empty)."""
    X = sparse.csr_matrix(X, dtype=float)
    norms = np.sqrt(np.asarray(X.multiply(X).sum(axis=1))).ravel()
    norms[norms == 0] = 1.0
    return sparse.csr_matrix(sparse.diags(1.0 / norms) @ X)


def cosine_rows(A: sparse.spmatrix, B: sparse.spmatrix) -> np.ndarray:
    """Dense cosine similarities of the unit-length rows of A and B."""
    return np.asarray((A @ B.T).todense())


class Vectoriser(Protocol):
    """Anything with a ``vectors(texts)`` method, like a fitted ``CodeSuggester``."""

    def vectors(self, texts: Sequence[str]) -> sparse.csr_matrix: ...


def _is_matrix(x: Any) -> bool:
    return sparse.issparse(x) or isinstance(x, np.ndarray)


def most_similar(query_texts_or_vectors: Any, candidate_texts: Any, n: int = 5,
                 suggester: Vectoriser | None = None) -> list[list[tuple[int, float]]]:
    """The ``n`` candidates most similar to each query, as ``(candidate index, cosine)``.

    Queries may be texts, integer indices into the candidates ("code more like this":
    that candidate is left out of its own results), or a matrix of vectors (rows, e.g.
    from ``CodeSuggester.vectors``). Candidates may be texts or a matrix in the same
    space. Texts are compared with :class:`TextFeatures` fitted on the candidates, or
    with a fitted ``suggester``'s features. Only similarities above 0 are returned,
    most similar first (ties by index), so the lists may be shorter than ``n``.
    """
    if isinstance(n, bool) or not isinstance(n, int) or n < 0:
        raise CodingError(f"n must be a whole number of similar texts, not {n!r}.")
    features: TextFeatures | None = None
    if _is_matrix(candidate_texts):
        cand = sparse.csr_matrix(candidate_texts, dtype=float)
    else:
        candidates = check_texts(candidate_texts, "candidate")
        if suggester is not None:
            cand = suggester.vectors(candidates)
        else:
            strings = lemma_strings(candidates)
            if not any(strings):
                cand = sparse.csr_matrix((len(candidates), 1))
            else:
                features = TextFeatures(max_features=200_000).fit(strings)
                cand = features.transform(strings)[1]
    self_index: list[int | None]
    if _is_matrix(query_texts_or_vectors):
        query = sparse.csr_matrix(query_texts_or_vectors, dtype=float)
        self_index = [None] * query.shape[0]
    else:
        query, self_index = _queries(list(query_texts_or_vectors), cand, features, suggester)
    if query.shape[1] != cand.shape[1]:
        raise CodingError(
            f"Query vectors have {query.shape[1]} columns but candidates {cand.shape[1]}; "
            "make both with the same suggester."
        )
    out: list[list[tuple[int, float]]] = []
    for s in range(0, query.shape[0], CHUNK):
        sims = cosine_rows(query[s : s + CHUNK], cand)
        for b, row in enumerate(sims):
            me = self_index[s + b]
            if me is not None:
                row[me] = -np.inf
            order = np.lexsort((np.arange(len(row)), -row))[:n]
            out.append([(int(i), round(float(row[i]), 4)) for i in order if row[i] > 0])
    return out


def _queries(items: list[Any], cand: sparse.csr_matrix, features: TextFeatures | None,
             suggester: Vectoriser | None) -> tuple[sparse.csr_matrix, list[int | None]]:
    self_index: list[int | None] = []
    texts: list[str] = []
    for q, item in enumerate(items):
        if isinstance(item, (int, np.integer)) and not isinstance(item, bool):
            if not 0 <= int(item) < cand.shape[0]:
                raise CodingError(
                    f"Query {q}: index {item} is not a candidate (there are {cand.shape[0]})."
                )
            self_index.append(int(item))
        elif isinstance(item, str):
            texts.append(item)
            self_index.append(None)
        else:
            raise CodingError(
                f"Query {q} is neither text nor a candidate index (got {type(item).__name__})."
            )
    if texts:
        if suggester is not None:
            text_rows = suggester.vectors(texts)
        elif features is not None:
            text_rows = features.transform(lemma_strings(texts))[1]
        elif cand.shape[1] == 1 and cand.nnz == 0:
            text_rows = sparse.csr_matrix((len(texts), 1))
        else:
            raise CodingError(
                "Text queries against candidate vectors need the suggester that made the "
                "vectors: pass suggester=..."
            )
    rows = []
    t = 0
    for me in self_index:
        if me is not None:
            rows.append(cand[me])
        else:
            rows.append(text_rows[t])
            t += 1
    if not rows:
        return sparse.csr_matrix((0, cand.shape[1])), self_index
    return sparse.vstack(rows, format="csr"), self_index


__all__ = ["TextFeatures", "cosine_rows", "most_similar", "normalise_rows"]
