"""Assisted coding: code suggestions from the codebook, then from the project's own codings.

Two stages, combined per code:

1. **Codebook stage** (:mod:`qualcode.coding.codebook_match`), which works before
   anything is coded: keyword phrases matched with spaCy on lower-cased lemmas, plus
   TF-IDF similarity to each code's description, include notes, example and keywords,
   turned into a 0-1 score.
2. **Learned stage**, after :meth:`CodeSuggester.fit`: one class-balanced logistic
   regression per code (one-vs-rest, so a text can get several codes) over TF-IDF of
   lemma words, word pairs and word prefixes (:class:`~qualcode.coding.similarity.
   TextFeatures`). The codebook's own text (description, include notes, example,
   keywords) is added as extra training examples, so a code taught a few times still
   knows its vocabulary. A small "stacker", ``sigmoid(a * decision + b *
   logit(codebook score) + c)``, fitted on decision values from an internal
   cross-validation (so as unsure as on new texts), calibrates the result and decides
   how much the codebook stage still adds.

The blended score of a code is ``w * learned + (1 - w) * codebook`` with ``w = n / (n +
prior_strength)`` for a code coded ``n`` times, so suggestions shift from the codebook
to the learned model as codings accumulate and a handful of codings cannot make them
worse than the codebook alone. A code never used in the training codings keeps its
codebook score but fades as the number of coded texts ``N`` grows (``w = N / (N +
prior_strength * unused_patience)`` towards its near-zero base rate): having coded many
texts without using a code is evidence that it is rare. When ``fit`` also gets valence
marks, codes whose usual mark matches the text's predicted tone move up a little
(``valence_link``). Codes scoring below ``threshold`` are not suggested: the suggester
abstains rather than guesses.

Every :class:`Suggestion` explains itself: the keywords matched, the words that pushed
the learned model up (or the words shared with the code's description), and the most
similar texts already coded with that code (indices into the training texts).

Estimator contract (house rule 6): ``__init__`` only stores parameters,
:meth:`~CodeSuggester.fit` returns ``self``, learned attributes end in ``_``.
:meth:`~CodeSuggester.suggest`, :meth:`~CodeSuggester.predict_proba` and
:meth:`~CodeSuggester.suggest_valence` work before fitting (codebook stage and valence
lexicon); :meth:`~CodeSuggester.next_to_code`, :meth:`~CodeSuggester.similar_coded` and
:meth:`~CodeSuggester.vectors` need a fitted suggester and raise
:class:`sklearn.exceptions.NotFittedError` otherwise. After the codebook changes, call
``fit`` again: until then suggestions come from the (new) codebook stage only.

Bad input. ``fit`` with no codings, with fewer than ``min_coded`` coded texts, or with
only one code used does not raise: the suggester stays in codebook mode and says why in
``warning_`` (``learned_`` is False). Unknown code ids, categories, archived codes,
mismatched lengths and segments that are not text raise
:class:`~qualcode.errors.CodebookError` or :class:`~qualcode.errors.CodingError` naming
the item. An empty segment gets no suggestions.
"""

from __future__ import annotations

import warnings
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field
from operator import itemgetter
from typing import Any

import numpy as np
from scipy import sparse
from sklearn.base import BaseEstimator
from sklearn.exceptions import NotFittedError
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import KFold

from qualcode.coding.codebook import Codebook
from qualcode.coding.codebook_match import (
    CodebookEvidence,
    CodebookStage,
    codable,
    code_examples,
)
from qualcode.coding.lemmas import check_texts, lemmas
from qualcode.coding.similarity import TextFeatures, cosine_rows, most_similar
from qualcode.coding.valence import MARKS, ValenceModel, normalise_mark
from qualcode.errors import CodebookError, CodingError

CHUNK = 2048  # texts scored at once by suggest()
NEIGHBOUR_CHUNK = 512
CALIBRATION_ROWS = 600  # the internal cross-validation uses at most this many texts
REJECTED_WEIGHT = 3.0  # a rejected suggestion counts as three ordinary negatives
MIN_NEIGHBOUR_SIMILARITY = 0.1
VALENCE_TABLE_PRIOR = 0.5  # pseudo-count of each mark per code
DEFAULT_STACKER = np.array([1.5, 0.6, -1.0])


@dataclass(frozen=True)
class Suggestion:
    """One suggested code for one text.

    ``score`` is a calibrated 0-1 score (roughly the chance that the code applies).
    ``reasons`` are short sentences a researcher can check, e.g. ``"keyword: 'waiting
    list'"``, ``"word: funding (+0.42)"``, ``"like coded extract #12 (0.61 similar)"``.
    The same evidence is kept structured: ``keywords`` (as written in the codebook),
    ``words`` (word, contribution to the learned score), ``neighbours`` (index into the
    training texts, cosine similarity). ``stage`` is "codebook" or "learned".
    """

    code_id: str
    score: float
    reasons: list[str] = field(default_factory=list, hash=False, compare=False)
    keywords: tuple[str, ...] = ()
    words: tuple[tuple[str, float], ...] = ()
    neighbours: tuple[tuple[int, float], ...] = ()
    stage: str = "codebook"


@dataclass
class _Scored:
    """Final scores of some texts (rows) for every code (columns), with their evidence."""

    P: np.ndarray
    ev: CodebookEvidence
    W: sparse.csr_matrix | None = None  # word block of the learned features
    X: sparse.csr_matrix | None = None  # all learned features


def _sigmoid(z: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-np.clip(z, -35, 35)))


def _logit(p: np.ndarray) -> np.ndarray:
    p = np.clip(p, 1e-4, 1 - 1e-4)
    return np.log(p / (1.0 - p))


class CodeSuggester(BaseEstimator):  # type: ignore[misc]
    """Suggests codes for texts: from the codebook at once, from the codings after ``fit``.

    Parameters
    ----------
    codebook:
        The :class:`~qualcode.coding.codebook.Codebook`; its codable codes are suggested.
    threshold:
        Suggestions scoring below this (0-1) are not made.
    C:
        Inverse regularisation strength of each code's logistic regression.
    prefix_length:
        Word prefixes of this many letters are features too ("refer~" for referral,
        referring), for derived forms and spelling variants; 0 switches them off.
    codebook_examples:
        Sample weight of the codebook's own text added as training examples; 0 = off.
    prior_strength:
        How many codings the codebook stage is worth in the blend, per code.
    unused_patience:
        A code never used in the training codings fades once about
        ``prior_strength * unused_patience`` texts are coded.
    calibration_folds:
        Folds of the internal cross-validation behind the calibrated scores.
    n_words, n_neighbours:
        How many influential words and similar coded extracts a suggestion cites.
    min_coded:
        With fewer coded texts than this (or one code only) ``fit`` keeps the
        suggester in codebook mode and says why in ``warning_``.
    valence_prior, valence_C:
        How many marks the valence lexicon is worth, and the inverse regularisation of
        the valence classifier (see :class:`~qualcode.coding.valence.ValenceModel`).
    valence_link:
        When trained with codes and marks, how strongly a text's predicted tone moves
        codes that usually carry that mark (in the study, concerns go under RQ2 codes
        and progress under RQ3): ``logit(score) += valence_link * log(fit)``; 0 = off.
    random_state:
        Seed of the internal cross-validation (results are deterministic).

    Learned attributes (after ``fit``): ``code_ids_``, ``learned_``, ``warning_``,
    ``n_texts_``, ``n_positive_``, ``blend_``, ``train_codes_``, and when learned:
    ``features_``, ``coef_``, ``intercept_``, ``trained_``, ``stacker_``,
    ``base_rate_``, ``neighbour_vectors_``; after valence marks: ``valence_``,
    ``valence_by_code_`` and ``mark_rates_``.
    """

    def __init__(
        self,
        codebook: Codebook,
        threshold: float = 0.25,
        C: float = 4.0,
        prefix_length: int = 5,
        codebook_examples: float = 1.0,
        prior_strength: float = 4.0,
        unused_patience: float = 5.0,
        calibration_folds: int = 3,
        n_words: int = 3,
        n_neighbours: int = 2,
        min_coded: int = 4,
        valence_prior: float = 25.0,
        valence_C: float = 16.0,
        valence_link: float = 0.5,
        random_state: int = 0,
    ) -> None:
        self.codebook = codebook
        self.threshold = threshold
        self.C = C
        self.prefix_length = prefix_length
        self.codebook_examples = codebook_examples
        self.prior_strength = prior_strength
        self.unused_patience = unused_patience
        self.calibration_folds = calibration_folds
        self.n_words = n_words
        self.n_neighbours = n_neighbours
        self.min_coded = min_coded
        self.valence_prior = valence_prior
        self.valence_C = valence_C
        self.valence_link = valence_link
        self.random_state = random_state

    # -- the codebook stage (built on first use, rebuilt when the codebook changes) ------
    def _codebook_key(self) -> tuple[Any, ...]:
        codable(self.codebook)
        return tuple(
            (c.id, c.name, c.description, c.include, c.example, tuple(c.keywords),
             c.codable, c.archived)
            for c in self.codebook.codes
        )

    def _stage(self) -> CodebookStage:
        key = self._codebook_key()
        fitted = getattr(self, "codebook_stage_", None)
        if fitted is not None and self._fitted_key == key:
            return fitted
        cached = getattr(self, "_cached_stage", None)
        if cached is None or cached[0] != key:
            self._cached_stage = (key, CodebookStage(self.codebook))
        return self._cached_stage[1]

    @property
    def code_ids(self) -> list[str]:
        """The codes this suggester suggests: the codebook's codable codes, in order."""
        return list(self._stage().code_ids)

    # -- fitting ---------------------------------------------------------------------------
    def _check_codes(self, codes: Any, n: int, index: dict[str, int]) -> np.ndarray:
        """Code lists as a texts x codes boolean matrix, or an error naming the text."""
        if isinstance(codes, (str, bytes)) or not hasattr(codes, "__len__") or len(codes) != n:
            got = (f"{len(codes)} code lists" if hasattr(codes, "__len__")
                   and not isinstance(codes, (str, bytes)) else repr(codes)[:40])
            raise CodingError(
                f"Got {n} texts but {got}; pass one list of code ids per text "
                "(an empty list for a text coded with nothing)."
            )
        all_ids = self.codebook.by_id()
        Y = np.zeros((n, len(index)), dtype=bool)
        for i, row in enumerate(codes):
            if isinstance(row, (str, bytes)) or not isinstance(row, Iterable):
                raise CodingError(
                    f"Text {i}: codes must be a list of code ids, not {row!r}; "
                    "write [\"finance\"] rather than \"finance\"."
                )
            for cid in row:
                j = index.get(cid) if isinstance(cid, str) else None
                if j is not None:
                    Y[i, j] = True
                    continue
                spec = all_ids.get(cid) if isinstance(cid, str) else None
                if spec is None:
                    raise CodebookError(
                        f"Text {i}: code {cid!r} is not in codebook {self.codebook.name!r}; "
                        "correct the code id or add the code to the codebook."
                    )
                why = "archived" if spec.archived else "a category that only groups codes"
                raise CodebookError(
                    f"Text {i}: code {cid!r} is {why}, so it cannot be suggested; code "
                    "the text with one of the codable codes instead."
                )
        return Y

    def fit(self, texts: Sequence[str], codes: Sequence[Sequence[str]],
            valences: Sequence[object] | None = None,
            rejected: Collection[tuple[int, str]] | None = None) -> CodeSuggester:
        """Learn from coded texts; returns ``self``.

        ``codes[i]`` lists the code ids of ``texts[i]`` (an empty list makes the text a
        negative example for every code). ``valences`` optionally gives each text's
        mark ('+', '-', '0' or None) to train the valence suggestions too. ``rejected``
        holds ``(text index, code id)`` pairs the researcher rejected as suggestions;
        each counts as a negative example worth three ordinary ones.
        """
        texts = check_texts(texts, "text")
        stage = CodebookStage(self.codebook)
        self.codebook_stage_ = stage
        self._fitted_key = self._codebook_key()
        self.code_ids_ = list(stage.code_ids)
        Y = self._check_codes(codes, len(texts), {c: j for j, c in enumerate(self.code_ids_)})
        self.n_texts_ = len(texts)
        self.n_positive_ = Y.sum(axis=0).astype(int)
        self.train_codes_ = Y
        self.warning_: str | None = None
        self.learned_ = False
        n_coded = int(Y.any(axis=1).sum())
        used = int((self.n_positive_ > 0).sum())
        if n_coded < self.min_coded or used < 2:
            self.warning_ = (
                f"Only {n_coded} coded text(s) using {used} code(s): suggestions come from the "
                f"codebook until at least {self.min_coded} texts are coded with two or more "
                "different codes."
            )
        else:
            self._fit_learned(lemmas(texts), Y, rejected or ())
        n_pos = self.n_positive_.astype(float)
        unused = self.n_texts_ / (self.n_texts_ + self.prior_strength * self.unused_patience)
        self.blend_ = (np.where(n_pos > 0, n_pos / (n_pos + self.prior_strength), unused)
                       if self.learned_ else np.zeros_like(n_pos))
        if valences is not None:
            self.fit_valence(texts, valences, codes)
        return self

    def _fit_learned(self, toks: list[tuple[str, ...]], Y: np.ndarray,
                     rejected: Collection[tuple[int, str]]) -> None:
        strings = [" ".join(t) for t in toks]
        n = len(strings)
        extra = code_examples(codable(self.codebook)) if self.codebook_examples > 0 else []
        extra_strings = [" ".join(t) for t in lemmas([text for text, _j in extra])]
        Y_extra = np.zeros((len(extra), Y.shape[1]), dtype=bool)
        for r, (_text, j) in enumerate(extra):
            Y_extra[r, j] = True
        w_extra = np.full(len(extra), float(self.codebook_examples))
        features = TextFeatures(self.prefix_length).fit(strings + extra_strings)
        W, X = features.transform(strings)
        X_extra = features.transform(extra_strings)[1] if extra else X[:0]
        penalty = np.ones_like(Y, dtype=float)
        index = {cid: j for j, cid in enumerate(self.code_ids_)}
        for i, cid in rejected:
            col = index.get(cid)
            if col is not None and isinstance(i, (int, np.integer)) and 0 <= i < n \
                    and not Y[i, col]:
                penalty[i, col] = REJECTED_WEIGHT
        trainable = [j for j in range(Y.shape[1]) if Y[:, j].any() and not Y[:, j].all()]
        data = (X_extra, Y_extra, w_extra)
        coef, self.intercept_ = self._fit_codes(X, Y, penalty, data, trainable)
        self.coef_ = np.asfortranarray(coef)  # so X @ coef_.T needs no copy
        self.trained_ = np.zeros(Y.shape[1], dtype=bool)
        self.trained_[trainable] = True
        P_codebook = self.codebook_stage_.analyse(toks).P
        self.stacker_ = self._fit_stacker(X, Y, penalty, data, trainable, P_codebook)
        self.base_rate_ = (self.n_positive_ + 0.5) / (n + 1.0)
        self.features_ = features
        self.neighbour_vectors_ = features.content(W).astype(np.float32)
        self.learned_ = True

    def _fit_codes(self, X: sparse.csr_matrix, Y: np.ndarray, penalty: np.ndarray,
                   extra: tuple[sparse.csr_matrix, np.ndarray, np.ndarray],
                   trainable: Sequence[int]) -> tuple[np.ndarray, np.ndarray]:
        """One class-balanced logistic regression per trainable code (one-vs-rest)."""
        X_extra, Y_extra, w_extra = extra
        X_all = sparse.vstack([X, X_extra], format="csr")
        coef = np.zeros((Y.shape[1], X.shape[1]))
        intercept = np.full(Y.shape[1], -10.0)
        for j in trainable:
            y = np.concatenate([Y[:, j], Y_extra[:, j]])
            if y.all() or not y.any():
                continue
            model = LogisticRegression(C=self.C, class_weight="balanced", solver="liblinear",
                                       dual=True, max_iter=500)
            with warnings.catch_warnings():  # liblinear's convergence notes are not for users
                warnings.simplefilter("ignore")
                model.fit(X_all, y, sample_weight=np.concatenate([penalty[:, j], w_extra]))
            coef[j], intercept[j] = model.coef_[0], float(model.intercept_[0])
        return coef, intercept

    def _fit_stacker(self, X: sparse.csr_matrix, Y: np.ndarray, penalty: np.ndarray,
                     extra: tuple[sparse.csr_matrix, np.ndarray, np.ndarray],
                     trainable: list[int], P_codebook: np.ndarray) -> np.ndarray:
        """``(a, b, c)`` of ``p = sigmoid(a * decision + b * logit(codebook) + c)``, fitted
        on cross-validated decision values pooled over the trained codes."""
        n = X.shape[0]
        folds = min(self.calibration_folds, n)
        if folds < 2:
            return DEFAULT_STACKER.copy()
        rng = np.random.RandomState(self.random_state)
        rows = (np.sort(rng.choice(n, CALIBRATION_ROWS, replace=False))
                if n > CALIBRATION_ROWS else np.arange(n))
        D = np.zeros((len(rows), Y.shape[1]))
        for train, test in KFold(folds, shuffle=True, random_state=self.random_state).split(rows):
            tr, te = rows[train], rows[test]
            coef, intercept = self._fit_codes(X[tr], Y[tr], penalty[tr], extra, trainable)
            D[test] = X[te] @ coef.T + intercept
        y = Y[rows][:, trainable].ravel().astype(int)
        if y.min() == y.max():
            return DEFAULT_STACKER.copy()
        Z = np.column_stack([D[:, trainable].ravel(),
                             _logit(P_codebook[rows][:, trainable]).ravel()])
        model = LogisticRegression(C=10.0).fit(Z, y)
        return np.array([model.coef_[0, 0], model.coef_[0, 1], model.intercept_[0]])

    # -- scoring ---------------------------------------------------------------------------
    def _check_fitted(self, what: str, learned: bool = False) -> None:
        if not hasattr(self, "code_ids_"):
            raise NotFittedError(
                f"{what} needs a fitted suggester: call fit(texts, codes) with the project's "
                "coded texts first."
            )
        if learned and not self.learned_:
            raise NotFittedError(f"{what} needs a suggester trained on codings. {self.warning_}")

    def _score(self, toks: list[tuple[str, ...]]) -> _Scored:
        stage = self._stage()
        ev = stage.analyse(toks)
        if not getattr(self, "learned_", False) or stage is not self.codebook_stage_:
            return _Scored(ev.P, ev)
        W, X = self.features_.transform([" ".join(t) for t in toks])
        a, b, c = self.stacker_
        L = _sigmoid(a * (X @ self.coef_.T + self.intercept_) + b * _logit(ev.P) + c)
        L[:, ~self.trained_] = self.base_rate_[~self.trained_]
        P = self.blend_ * L + (1.0 - self.blend_) * ev.P
        table = getattr(self, "valence_by_code_", None)
        if self.valence_link > 0 and table is not None and table.shape[0] == P.shape[1]:
            # codes whose usual mark fits the text's tone move up, the others down
            tone = self.valence_.proba_of_lemmas(toks) / self.mark_rates_
            fit = np.maximum(tone @ table.T, 1e-9)
            P = _sigmoid(_logit(P) + self.valence_link * np.log(fit))
        return _Scored(P, ev, W, X)

    def predict_proba(self, texts: Sequence[str]) -> np.ndarray:
        """Scores (0-1) of every codable code for each text (columns: :attr:`code_ids`).

        Works before ``fit`` (codebook stage). Empty texts score 0 everywhere.
        """
        texts = check_texts(texts)
        toks = lemmas(texts)
        P = self._score(toks).P
        P[np.array([not t for t in toks], dtype=bool)] = 0.0
        return P

    def suggest(self, texts: Sequence[str], k: int = 3,
                exclude: Collection[tuple[int, str]] | None = None) -> list[list[Suggestion]]:
        """Up to ``k`` suggestions per text, best first, each with its reasons.

        Codes scoring below ``threshold`` are left out, so a text may get fewer or no
        suggestions. ``exclude`` holds ``(text index, code id)`` pairs never to suggest
        (e.g. rejected before). Works before :meth:`fit` (codebook stage only).
        """
        texts = check_texts(texts)
        if isinstance(k, bool) or not isinstance(k, int) or k < 0:
            raise CodingError(f"k must be a whole number of suggestions (0 or more), not {k!r}.")
        blocked: dict[int, set[str]] = {}
        for i, cid in exclude or ():
            blocked.setdefault(int(i), set()).add(cid)
        stage = self._stage()
        out: list[list[Suggestion]] = []
        for start in range(0, len(texts), CHUNK):
            toks = lemmas(texts[start : start + CHUNK])
            scored = self._score(toks)
            picks: list[list[int]] = []
            for r, row in enumerate(scored.P):
                chosen: list[int] = []
                skip = blocked.get(start + r, set())
                for j in np.argsort(-row, kind="stable"):
                    if len(chosen) >= k or row[j] < self.threshold or not toks[r]:
                        break
                    if stage.code_ids[j] not in skip:
                        chosen.append(int(j))
                picks.append(chosen)
            near = self._neighbours(scored, picks)
            out += [[self._explain(stage, scored, r, j, near.get((r, j), ())) for j in chosen]
                    for r, chosen in enumerate(picks)]
        return out

    # -- reasons ---------------------------------------------------------------------------
    def _neighbours(self, scored: _Scored, picks: list[list[int]]
                    ) -> dict[tuple[int, int], tuple[tuple[int, float], ...]]:
        """For each (text, suggested code), the most similar training texts with that code."""
        if scored.W is None or self.n_neighbours <= 0:
            return {}
        rows = [r for r, chosen in enumerate(picks) if chosen]
        if not rows:
            return {}
        Q = self.features_.content(scored.W[rows]).astype(np.float32)
        members = {j: np.flatnonzero(self.train_codes_[:, j])
                   for j in {j for r in rows for j in picks[r]}}
        m = self.n_neighbours
        out: dict[tuple[int, int], tuple[tuple[int, float], ...]] = {}
        for s in range(0, len(rows), NEIGHBOUR_CHUNK):
            block = rows[s : s + NEIGHBOUR_CHUNK]
            sims = cosine_rows(Q[s : s + len(block)], self.neighbour_vectors_)
            for b, r in enumerate(block):
                for j in picks[r]:
                    idx = members[j]
                    if len(idx) == 0:
                        continue
                    vals = sims[b, idx]
                    top = np.argpartition(-vals, m - 1)[:m] if len(vals) > m else np.arange(len(vals))
                    top = top[np.lexsort((idx[top], -vals[top]))]
                    out[(r, j)] = tuple((int(idx[t]), round(float(vals[t]), 2))
                                        for t in top if vals[t] >= MIN_NEIGHBOUR_SIMILARITY)
        return out

    def _explain(self, stage: CodebookStage, scored: _Scored, r: int, j: int,
                 near: tuple[tuple[int, float], ...]) -> Suggestion:
        ev = scored.ev
        keywords = stage.keywords_for(ev.hits[r], j)
        reasons = [f"keyword: {kw!r}" for kw in keywords]
        words: tuple[tuple[str, float], ...] = ()
        learned = scored.X is not None and bool(self.trained_[j])
        if learned:
            words = self._top_words(scored.X, r, j)
            reasons += [f"word: {w} ({c:+.2f})" for w, c in words]
        if not words and ev.S[r, j] > 0:
            shared = stage.shared_words(ev.V, r, j)
            if shared:
                reasons.append(f"description: {', '.join(shared)} ({ev.S[r, j]:.2f} similar)")
        reasons += [f"like coded extract #{i} ({s:.2f} similar)" for i, s in near]
        return Suggestion(code_id=stage.code_ids[j], score=round(float(scored.P[r, j]), 4),
                          reasons=reasons, keywords=keywords, words=words, neighbours=near,
                          stage="learned" if learned else "codebook")

    def _top_words(self, X: sparse.csr_matrix, r: int, j: int) -> tuple[tuple[str, float], ...]:
        """Readable words whose features pushed code ``j`` up most for text ``r``."""
        lo, hi = X.indptr[r], X.indptr[r + 1]
        cols = X.indices[lo:hi]
        contrib = X.data[lo:hi] * self.coef_[j, cols]
        total: dict[int, float] = {}
        for label, value in zip(self.features_.labels[cols].tolist(), contrib.tolist()):
            if label >= 0:
                total[label] = total.get(label, 0.0) + value
        best = sorted(total.items(), key=itemgetter(1), reverse=True)[: self.n_words]
        return tuple((str(self.features_.terms[label]), round(value, 2))
                     for label, value in best if value > 0)

    # -- similar texts and what to code next ---------------------------------------------
    def vectors(self, texts: Sequence[str]) -> sparse.csr_matrix:
        """Unit-length feature vectors of texts, for :func:`most_similar`. Needs ``fit``."""
        self._check_fitted("vectors", learned=True)
        return self.features_.transform([" ".join(t) for t in lemmas(check_texts(texts))])[1]

    def most_similar(self, texts: Sequence[str | int], candidate_texts: Sequence[str],
                     n: int = 5) -> list[list[tuple[int, float]]]:
        """:func:`~qualcode.coding.similarity.most_similar` with this suggester's features
        (or, before ``fit``, features fitted on the candidates)."""
        fitted = hasattr(self, "code_ids_") and self.learned_
        return most_similar(texts, candidate_texts, n, suggester=self if fitted else None)

    def similar_coded(self, texts: Sequence[str], code_id: str | None = None, n: int = 5
                      ) -> list[list[tuple[int, float]]]:
        """For each text, the most similar training texts as ``(training index,
        cosine)``, most similar first; only those coded ``code_id`` if given."""
        self._check_fitted("similar_coded", learned=True)
        W, _X = self.features_.transform([" ".join(t) for t in lemmas(check_texts(texts))])
        sims = cosine_rows(self.features_.content(W), self.neighbour_vectors_)
        if code_id is not None:
            if code_id not in self.code_ids_:
                raise CodebookError(f"Code {code_id!r} is not a codable code of this codebook.")
            sims[:, ~self.train_codes_[:, self.code_ids_.index(code_id)]] = -1.0
        return [[(int(i), round(float(row[i]), 4))
                 for i in np.lexsort((np.arange(len(row)), -row))[:n] if row[i] > 0]
                for row in sims]

    def next_to_code(self, texts: Sequence[str], n: int = 10, pool: int | None = None
                     ) -> list[int]:
        """Indices of ``texts`` (uncoded segments) to code next, best first.

        Uncertainty sampling with diversity: a text is uncertain when the scores of its
        best three codes are near 0.5 (summed binary entropy: does this code apply or
        not?); a text that clearly has a code, or clearly has none, teaches little.
        Among the ``pool`` most uncertain texts (default ``max(5 n, 50)``), texts are
        picked greedily for uncertainty and for being unlike the texts already picked
        (max-min cosine), so one kind of passage is not asked about ten times.
        Deterministic (ties by position). Needs a fitted suggester.
        """
        self._check_fitted("next_to_code")
        texts = check_texts(texts)
        if isinstance(n, bool) or not isinstance(n, int) or n < 0:
            raise CodingError(f"n must be a whole number of texts, not {n!r}.")
        toks = lemmas(texts)
        usable = np.array([bool(t) for t in toks], dtype=bool)
        if n == 0 or not usable.any():
            return []
        P = self._score(toks).P
        top = np.clip(-np.sort(-P, axis=1)[:, :3], 1e-9, 1 - 1e-9)
        entropy = -(top * np.log2(top) + (1 - top) * np.log2(1 - top))
        uncertainty = entropy.sum(axis=1)
        uncertainty[~usable] = -np.inf
        size = min(int(usable.sum()), pool if pool is not None else max(5 * n, 50))
        candidates = np.argsort(-uncertainty, kind="stable")[:size]
        strings = [" ".join(toks[i]) for i in candidates]
        V = (self.features_.transform(strings)[1] if self.learned_
             else self._stage().text_vectors(strings))
        sims = cosine_rows(V, V)
        u = uncertainty[candidates]
        u = (u - u.min()) / (u.max() - u.min() + 1e-12)
        chosen = [0]
        closest = sims[0].copy()
        while len(chosen) < min(n, len(candidates)):
            gain = 0.5 * u + 0.5 * (1.0 - closest)
            gain[chosen] = -np.inf
            best = int(np.argmax(gain))
            chosen.append(best)
            closest = np.maximum(closest, sims[best])
        return [int(candidates[c]) for c in chosen]

    # -- valence ---------------------------------------------------------------------------
    def fit_valence(self, texts: Sequence[str], valences: Sequence[object],
                    codes: Sequence[Sequence[str]] | None = None) -> CodeSuggester:
        """Learn valence marks ('+', '-', '0'; None for unmarked); returns ``self``.

        With ``codes`` (as for :meth:`fit`) it also learns how often each code carries
        each mark (in the study, RQ2 codes hold concerns and RQ3 codes progress), and
        :meth:`suggest_valence` then averages the text model with the usual marks of
        the codes it would suggest.
        """
        texts = check_texts(texts, "text")
        model = ValenceModel(C=self.valence_C, prior_weight=self.valence_prior)
        self.valence_ = model.fit(texts, valences)
        self.valence_by_code_: np.ndarray | None = None
        if codes is not None and model.model_ is not None:
            ids = self._stage().code_ids
            Y = self._check_codes(codes, len(texts), {c: j for j, c in enumerate(ids)})
            table = np.full((len(ids), len(MARKS)), VALENCE_TABLE_PRIOR)
            for i, value in enumerate(valences):
                mark = normalise_mark(value, f"text {i}")
                if mark is not None:
                    table[Y[i], MARKS.index(mark)] += 1.0
            used = np.isin(MARKS, model.model_.classes_)
            table[:, ~used] = 0.0
            self.valence_by_code_ = table / table.sum(axis=1, keepdims=True)
            known = [normalise_mark(v, f"text {i}") for i, v in enumerate(valences)]
            counts = np.array([sum(m == mark for m in known) for mark in MARKS], dtype=float)
            self.mark_rates_ = np.where(used, (counts + 1.0) / (counts[used].sum() + 3.0), 1.0)
        return self

    def suggest_valence(self, texts: Sequence[str]) -> list[tuple[str, float]]:
        """A suggested mark ('+', '-' or '0') and its probability for each text.

        Uses the lexicon until :meth:`fit_valence` (or ``fit(..., valences=...)``) has
        seen enough marks, then blends in the learned model (and, when trained with
        codes, the usual marks of the codes suggested for the text).
        """
        texts = check_texts(texts)
        model = getattr(self, "valence_", None) or ValenceModel(prior_weight=self.valence_prior)
        proba = model.predict_proba(texts)
        table = getattr(self, "valence_by_code_", None)
        if table is not None and texts and table.shape[0] == len(self._stage().code_ids):
            weights = self._score(lemmas(texts)).P ** 2
            total = weights.sum(axis=1, keepdims=True)
            by_codes = np.where(total > 0, (weights @ table) / np.maximum(total, 1e-12), proba)
            proba = 0.5 * proba + 0.5 * by_codes
        best = proba.argmax(axis=1)
        return [(MARKS[b], round(float(proba[i, b]), 4)) for i, b in enumerate(best)]


def evaluate(codebook: Codebook, texts: Sequence[str], codes: Sequence[Sequence[str]],
             valences: Sequence[object] | None = None, folds: int = 5, seed: int = 0,
             **params: Any) -> dict[str, Any]:
    """Cross-validated accuracy; see :func:`qualcode.coding.suggest_eval.evaluate`."""
    from qualcode.coding.suggest_eval import evaluate as _evaluate

    return _evaluate(codebook, texts, codes, valences, folds=folds, seed=seed, **params)


def load_coded_csv(path: Any, codebook: Codebook
                   ) -> tuple[list[str], list[list[str]], list[str | None]]:
    """Read coded extracts; see :func:`qualcode.coding.suggest_eval.load_coded_csv`."""
    from qualcode.coding.suggest_eval import load_coded_csv as _load

    return _load(path, codebook)


__all__ = ["CodeSuggester", "Suggestion", "evaluate", "load_coded_csv", "most_similar"]
