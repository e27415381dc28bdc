"""Codebook matching: how well a text fits each code, judged from the codebook alone.

This is the first stage of the code suggester (:mod:`qualcode.coding.suggest`), and the
only one before anything has been coded. Two kinds of evidence:

* **Keywords.** Each code's keywords and phrases are matched with spaCy's
  ``PhraseMatcher`` on lower-cased lemmas (see :mod:`qualcode.coding.lemmas`), so
  "waiting lists" matches the keyword "waiting list" and "CAF forms" the keyword
  "caf form". A multi-word keyword counts more than a single word; a keyword shared by
  several codes counts less for each.
* **Description similarity.** TF-IDF cosine between the text and each code's own words
  (name, description, include notes, example, keywords), with IDF taken across the
  codes, so words every code uses ("child", "agency") weigh nothing.

Both become a 0-1 score through a fixed logistic curve, ``sigmoid(2 * keywords + 12 *
similarity - 4)``, whose three numbers were fitted once (a logistic regression over
text-code pairs) on the demo study's coded extracts, so that the score reads roughly as
the chance that the code applies: a short note holding one keyword ("The budget.")
scores about 0.5, a long passage that only shares one keyword about 0.1-0.2, and a
passage with no keyword needs a cosine of about 0.33 with the code's words to reach 0.5.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy import sparse
from sklearn.feature_extraction.text import CountVectorizer
from spacy.lang.en.stop_words import STOP_WORDS
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc

from qualcode.coding.codebook import Codebook, CodeSpec
from qualcode.coding.lemmas import lemmas
from qualcode.coding.segment import lemma_pipeline
from qualcode.errors import CodebookError

STOP = frozenset(STOP_WORDS) | {"'", "s"}
WORD = re.compile(r"[a-z]")
KEYWORD_WEIGHT = 2.0
SIMILARITY_WEIGHT = 12.0
BIAS = -4.0


def codable(codebook: object) -> list[CodeSpec]:
    """The codable codes of a codebook, or a :class:`CodebookError` saying what is wrong."""
    if not isinstance(codebook, Codebook):
        raise CodebookError(
            f"Expected a Codebook (e.g. from read_codebook) but got {type(codebook).__name__}."
        )
    codes = codebook.codable_codes()
    if not codes:
        raise CodebookError(
            f"Codebook {codebook.name!r} has no codable codes (all are categories or "
            "archived); add codes before asking for suggestions."
        )
    return codes


def code_document(code: CodeSpec) -> str:
    """All the words a code is described with (the name counts twice)."""
    parts = [code.name, code.name, code.description, code.include, code.example,
             " ; ".join(k for k in code.keywords if isinstance(k, str))]
    return " . ".join(p for p in parts if p)


def code_examples(codes: Sequence[CodeSpec]) -> list[tuple[str, int]]:
    """The codebook's own text as ``(text, code index)`` training examples: each code's
    description, include notes, example and keyword list."""
    out: list[tuple[str, int]] = []
    for j, c in enumerate(codes):
        keywords = ", ".join(k for k in c.keywords if isinstance(k, str))
        for part in (c.description, c.include, c.example, keywords):
            if part and part.strip():
                out.append((part, j))
    return out


@dataclass
class CodebookEvidence:
    """The codebook stage's view of some texts (rows) and codes (columns).

    ``hits``: indices of keyword phrases found per text; ``K``: keyword evidence in
    [0, 1); ``V``: texts in the description space; ``S``: cosine similarity to each
    code's words; ``P``: the calibrated 0-1 score.
    """

    hits: list[list[int]]
    K: np.ndarray
    V: sparse.csr_matrix
    S: np.ndarray
    P: np.ndarray


class CodebookStage:
    """Keyword matching and description similarity for the codable codes of a codebook."""

    def __init__(self, codebook: Codebook) -> None:
        codes = codable(codebook)
        self.code_ids = [c.id for c in codes]
        self._build_keywords(codes)
        self._build_documents(codes)

    # keywords -------------------------------------------------------------------------
    def _build_keywords(self, codes: list[CodeSpec]) -> None:
        owners: dict[tuple[str, ...], dict[int, str]] = {}
        keywords = [[k for k in c.keywords if isinstance(k, str) and k.strip()] for c in codes]
        phrases = lemmas([k for ks in keywords for k in ks])
        it = iter(phrases)
        for ci, ks in enumerate(keywords):
            for kw in ks:
                key = next(it)
                if key:
                    owners.setdefault(key, {}).setdefault(ci, kw)
        self.phrases = list(owners)
        self.phrase_owners = [owners[p] for p in self.phrases]
        # a phrase of two or more words is more telling than one word; shared ones less so
        self.phrase_weight = np.array([
            (1.0 + 0.5 * min(len(p) - 1, 2)) / len(owners[p]) for p in self.phrases
        ])
        vocab = lemma_pipeline().vocab
        self.vocab = vocab
        self.matcher = PhraseMatcher(vocab, attr="ORTH")
        self._match_index: dict[int, int] = {}
        for i, p in enumerate(self.phrases):
            label = f"qualcode_keyword_{i}"
            self.matcher.add(label, [Doc(vocab, words=list(p))])
            self._match_index[vocab.strings[label]] = i

    def keyword_hits(self, toks: Sequence[tuple[str, ...]]) -> list[list[int]]:
        """Indices of the keyword phrases found in each text's lemmas (each once)."""
        vocab = self.vocab
        out: list[list[int]] = []
        for t in toks:
            if not t:
                out.append([])
                continue
            matches = self.matcher(Doc(vocab, words=list(t)))
            out.append(sorted({self._match_index[m] for m, _start, _end in matches}))
        return out

    def keyword_matrix(self, hits: list[list[int]]) -> np.ndarray:
        """Per text and code, the saturated keyword evidence ``1 - exp(-weight)``."""
        K = np.zeros((len(hits), len(self.code_ids)))
        for i, found in enumerate(hits):
            for p in found:
                for ci in self.phrase_owners[p]:
                    K[i, ci] += self.phrase_weight[p]
        return 1.0 - np.exp(-K)

    def keywords_for(self, found: list[int], ci: int) -> tuple[str, ...]:
        """The keywords (as written in the codebook) of code ``ci`` among ``found``."""
        return tuple(self.phrase_owners[p][ci] for p in found if ci in self.phrase_owners[p])

    # descriptions -----------------------------------------------------------------------
    def _build_documents(self, codes: list[CodeSpec]) -> None:
        docs = [" ".join(t) for t in lemmas([code_document(c) for c in codes])]
        self.counter = CountVectorizer(token_pattern=r"\S+", lowercase=False,
                                       stop_words=sorted(STOP))
        try:
            counts = self.counter.fit_transform(docs)
        except ValueError:  # no code has any description words
            self.counter = CountVectorizer(token_pattern=r"\S+", lowercase=False)
            counts = self.counter.fit_transform([*docs, "_"])[: len(docs)]
        n = counts.shape[0]
        df = np.bincount(counts.indices, minlength=counts.shape[1])
        self.idf = np.log((n + 1.0) / (df + 0.5))
        self.terms = self.counter.get_feature_names_out()
        self.D = self._weigh(counts)
        self.D_dense = self.D.toarray()

    def _weigh(self, counts: sparse.spmatrix) -> sparse.csr_matrix:
        X = sparse.csr_matrix(counts, dtype=float)
        X.data = 1.0 + np.log(X.data)
        X = sparse.csr_matrix(X @ sparse.diags(self.idf))
        norms = np.sqrt(np.asarray(X.multiply(X).sum(axis=1))).ravel()
        norms[norms == 0] = 1.0
        return sparse.csr_matrix(sparse.diags(1.0 / norms) @ X)

    def text_vectors(self, strings: Sequence[str]) -> sparse.csr_matrix:
        """Texts (lemma strings) in the codebook's description space, unit length."""
        return self._weigh(self.counter.transform(strings))

    def shared_words(self, V: sparse.csr_matrix, r: int, ci: int, n: int = 3) -> list[str]:
        """The words of text ``r`` that make it most similar to code ``ci``'s description."""
        lo, hi = V.indptr[r], V.indptr[r + 1]
        cols = V.indices[lo:hi]
        contrib = V.data[lo:hi] * self.D_dense[ci, cols]
        order = [o for o in np.argsort(-contrib, kind="stable")[:n] if contrib[o] > 0]
        return [str(self.terms[cols[o]]) for o in order]

    # scores -------------------------------------------------------------------------
    def analyse(self, toks: Sequence[tuple[str, ...]]) -> CodebookEvidence:
        """Keyword hits, description similarity and calibrated 0-1 scores of texts."""
        hits = self.keyword_hits(toks)
        K = self.keyword_matrix(hits)
        V = self.text_vectors([" ".join(t) for t in toks])
        S = np.asarray((V @ self.D.T).todense())
        z = KEYWORD_WEIGHT * K + SIMILARITY_WEIGHT * S + BIAS
        return CodebookEvidence(hits, K, V, S, 1.0 / (1.0 + np.exp(-z)))


__all__ = ["CodebookEvidence", "CodebookStage", "codable", "code_document", "code_examples"]
