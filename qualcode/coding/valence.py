"""Valence: a suggested mark (+ positive, - negative, 0 neutral) for a segment.

Two stages, as for code suggestions:

1. **Lexicon** (works with no marks at all): a small hand-written lexicon of words and
   phrases that signal progress or concern in talk about services working together
   ("improved", "works well", "brilliant" / "frustrating", "waiting", "lack", "cut"),
   matched on lower-cased lemmas. A negator ("not", "no", "never", "n't", "without",
   ...) up to three words before a lexicon entry flips it ("not helpful" is negative,
   "no problem" positive); a negator that flips nothing counts as a mild concern
   ("we refer and hear nothing back"); what follows "but" / "however" weighs more.
2. **Learned** (once the researcher has marked enough segments): a class-balanced
   logistic regression over lemma n-grams (words after a negator marked ``not_``) and
   the lexicon counts. Its probabilities are blended with the lexicon's, shifting
   towards the learned model as marks accumulate (``n / (n + prior_weight)``).

The code suggester adds a third source when it is trained with codes and marks: the
usual marks of the codes it suggests for a text (see
:meth:`qualcode.coding.suggest.CodeSuggester.suggest_valence`).

:class:`ValenceModel` follows the scikit-learn estimator contract.
"""

from __future__ import annotations

import math
import warnings
from collections import Counter
from collections.abc import Sequence

import numpy as np
from scipy import sparse
from sklearn.base import BaseEstimator
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression

from qualcode.coding.lemmas import check_texts, lemmas, phrase
from qualcode.errors import CodingError

MARKS = ("+", "-", "0")
VALENCE_ALIASES = {
    "+": "+", "pos": "+", "positive": "+", "p": "+", "good": "+", "progress": "+",
    "-": "-", "neg": "-", "negative": "-", "n": "-", "concern": "-", "bad": "-",
    "\u2212": "-", "0": "0", "neutral": "0", "=": "0", "o": "0", "average": "0",
}

POSITIVE = [
    "good", "very well", "really well", "went well", "going well", "go well", "better", "best", "great", "brilliant", "excellent", "fantastic",
    "superb", "wonderful", "lovely", "amazing", "improve", "improved", "improvement",
    "works well", "work well", "worked well", "working well", "helpful", "useful",
    "valuable", "invaluable", "effective", "positive", "success", "successful",
    "benefit", "beneficial", "supportive", "easy", "easier", "quick", "quicker", "sooner",
    "faster", "welcome", "pleased", "happy", "glad", "enjoy", "love", "strong", "stronger",
    "valued", "confident", "progress", "smooth", "efficient", "responsive", "approachable",
    "reassuring", "appreciate", "impressed", "flexible", "keen", "committed", "proactive",
    "made a difference", "make a difference", "real difference", "breakthrough", "solved",
    "resolved", "turned around", "joined up", "close working", "working together",
    "clear", "clearer", "willing", "thank", "grateful", "praise", "impressive",
    "best practice", "good practice", "on board", "buy-in", "trust", "rapport",
    "help", "helped", "helps", "made a huge difference", "big difference", "difference",
    "it works", "that works", "it worked", "that worked", "this works", "sorted",
    "sort it out", "solve", "listened", "early", "picked up", "nice", "fine", "rewarding",
    "proud", "value", "regular", "reliable", "consistent", "together", "named person",
]

NEGATIVE = [
    "frustrating", "frustrated", "frustration", "waiting", "wait", "waiting list",
    "delay", "delayed", "lack", "lacking", "cut", "cuts", "problem", "problematic",
    "difficult", "difficulty", "hard", "struggle", "barrier", "obstacle", "poor", "bad",
    "worse", "worst", "slow", "fail", "failure", "failing", "gap", "confusion", "confused",
    "confusing", "unclear", "worry", "worried", "worrying", "concern", "concerned",
    "stress", "stressful", "pressure", "overwhelmed", "exhausted", "burden",
    "bureaucracy", "red tape", "complain", "complaint", "blame", "conflict", "tension",
    "distrust", "mistrust", "suspicious", "defensive", "isolated", "ignored", "shortage",
    "short-staffed", "understaffed", "turnover", "inconsistent", "patchy", "fragmented",
    "disjointed", "duplication", "waste", "waste of time", "chaos", "chaotic", "nightmare",
    "awful", "terrible", "dreadful", "annoying", "angry", "upset", "disappointed",
    "disappointing", "let down", "fall through", "fell through", "slip through",
    "pass the buck", "no response", "hear nothing", "heard nothing", "lost", "lose",
    "refuse", "refused", "unable", "impossible", "insufficient", "inadequate",
    "underfunded", "stretched", "overstretched", "reduced", "reduction", "threat",
    "uncertain", "uncertainty", "insecure", "short-term", "jargon", "misunderstanding",
    "hinder", "blocked", "battle", "fight", "resentment", "reluctant", "unwilling",
    "remote", "far away", "top down", "too long", "too much", "not enough", "no time",
    "no money", "no one", "nobody", "weak", "vague", "withdrawn", "scrapped", "rigid",
    "tick box", "paperwork", "hoops", "chase", "chasing", "passed around", "bounced",
    "crisis", "unsure", "don't know", "cannot", "can't", "fed up", "stuck", "shouted",
    "long way", "long time", "ages", "offload", "dumped", "left out", "on my own",
    "alone", "miss", "missed", "misread", "late", "too late", "only when", "wrong",
    "gone wrong", "different directions", "overloaded", "swamped", "cancelled", "closed",
    "squeezed", "no idea", "not sure", "expensive", "burnt out", "time-consuming",
    "duplicate", "repeat", "again and again", "over and over", "excluded",
]

NEGATORS = frozenset({"not", "no", "never", "nobody", "nothing", "neither", "nor", "without",
                      "hardly", "barely", "none", "lack", "little"})
CONTRAST = frozenset({"but", "however", "although", "though", "yet", "except"})
NEGATION_SCOPE = 3
LONE_NEGATOR_WEIGHT = 0.75
CONTRAST_WEIGHT = 1.5


def _compile(words: Sequence[str]) -> dict[tuple[str, ...], str]:
    table: dict[tuple[str, ...], str] = {}
    for word in words:
        key = phrase(word)
        if key:
            table.setdefault(key, word)
    return table


_Lexicon = tuple[dict[tuple[str, ...], str], dict[tuple[str, ...], str], int, frozenset[str]]
_LEXICON: _Lexicon | None = None


def _lexicon() -> _Lexicon:
    """(positive entries, negative entries, longest entry, first words of entries)."""
    global _LEXICON
    if _LEXICON is None:
        pos, neg = _compile(POSITIVE), _compile(NEGATIVE)
        for key in set(pos) & set(neg):  # a lemma in both lists signals nothing
            del pos[key], neg[key]
        longest = max(len(k) for k in (*pos, *neg))
        _LEXICON = (pos, neg, longest, frozenset(k[0] for k in (*pos, *neg)))
    return _LEXICON


def lexicon_scores(tokens: Sequence[str]) -> tuple[float, float, list[str]]:
    """Positive and negative weight of one text's lemmas, and the cues found.

    Cues read like ``"+ works well"``, ``"- waiting list"`` or ``"- not helpful"``.
    """
    pos, neg, longest, first = _lexicon()
    p = n = 0.0
    cues: list[str] = []
    used_negators: set[int] = set()
    weight = 1.0
    i = 0
    while i < len(tokens):
        if tokens[i] in CONTRAST:
            weight = CONTRAST_WEIGHT
        if tokens[i] not in first:
            i += 1
            continue
        hit = None
        for size in range(min(longest, len(tokens) - i), 0, -1):
            key = tuple(tokens[i : i + size])
            if key in pos:
                hit = (1, key, pos[key])
            elif key in neg:
                hit = (-1, key, neg[key])
            if hit:
                break
        if hit is None:
            i += 1
            continue
        sign, key, word = hit
        negator = next((j for j in range(i - 1, max(-1, i - 1 - NEGATION_SCOPE), -1)
                        if tokens[j] in NEGATORS and j not in used_negators
                        and tokens[j] not in key), None)
        if negator is not None and not any(t in CONTRAST for t in tokens[negator:i]):
            used_negators.add(negator)
            sign = -sign
            word = f"{tokens[negator]} {word}"
        if sign > 0:
            p += weight
            cues.append(f"+ {word}")
        else:
            n += weight
            cues.append(f"- {word}")
        used_negators.update(range(i, i + len(key)))
        i += len(key)
    for j, tok in enumerate(tokens):
        if tok in NEGATORS and j not in used_negators and tok not in ("little", "lack"):
            n += LONE_NEGATOR_WEIGHT
            cues.append(f"- {tok}")
    return p, n, cues


def lexicon_proba(p: float, n: float) -> np.ndarray:
    """Probabilities of (+, -, 0) from the lexicon weights: a soft vote."""
    diff = p - n
    strength = 1.0 - math.exp(-(p + n))
    lean = 1.0 / (1.0 + math.exp(-1.6 * diff))
    neutral = 0.6 * (1.0 - strength) + 0.05
    return np.array([(1 - neutral) * lean, (1 - neutral) * (1 - lean), neutral])


def lexicon_valence(texts: Sequence[str]) -> list[tuple[str, float]]:
    """The lexicon's mark and confidence (0-1) for each text."""
    return ValenceModel().predict(texts)


def normalise_mark(value: object, where: str) -> str | None:
    """A valence mark as '+', '-' or '0' (None for an empty cell), or a CodingError."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    text = str(value).strip().lower()
    if text in ("", "nan", "none"):
        return None
    mark = VALENCE_ALIASES.get(text)
    if mark is None:
        raise CodingError(
            f"{where}: valence {value!r} is not one of '+', '-', '0' "
            "(positive, negative, neutral); correct it or leave it empty."
        )
    return mark


def _negation_marked(tokens: Sequence[str]) -> str:
    """Lemmas with the words after a negator prefixed ``not_`` (scope of three words)."""
    out: list[str] = []
    scope = 0
    for tok in tokens:
        if tok in NEGATORS:
            out.append(tok)
            scope = NEGATION_SCOPE
        elif scope > 0 and tok not in CONTRAST:
            out.append("not_" + tok)
            scope -= 1
        else:
            out.append(tok)
            scope = 0
    return " ".join(out)


class ValenceModel(BaseEstimator):  # type: ignore[misc]
    """Suggests a valence mark for each text: lexicon first, learned from marks later.

    :meth:`predict` works before :meth:`fit` (lexicon only).

    Parameters
    ----------
    C:
        Inverse regularisation strength of the logistic regression.
    prior_weight:
        How many marks the lexicon is worth: the learned model's share of the blend is
        ``n / (n + prior_weight)`` for ``n`` marked texts.
    min_marks:
        Fewer marked texts than this (or fewer than two different marks with two texts
        each) and the model stays with the lexicon (``warning_`` says why).
    """

    def __init__(self, C: float = 16.0, prior_weight: float = 25.0, min_marks: int = 6) -> None:
        self.C = C
        self.prior_weight = prior_weight
        self.min_marks = min_marks

    @staticmethod
    def _lexicon(toks: list[tuple[str, ...]]) -> tuple[np.ndarray, np.ndarray]:
        """Lexicon features and lexicon probabilities of lemmatised texts."""
        feats = np.zeros((len(toks), 3))
        probs = np.zeros((len(toks), 3))
        for i, t in enumerate(toks):
            p, n, _ = lexicon_scores(t)
            feats[i] = (math.log1p(p), math.log1p(n), math.tanh(p - n))
            probs[i] = lexicon_proba(p, n)
        return feats, probs

    def _features(self, toks: list[tuple[str, ...]], lex: np.ndarray) -> sparse.csr_matrix:
        words = self.vectorizer_.transform([_negation_marked(t) for t in toks])
        return sparse.hstack([words, sparse.csr_matrix(lex * 0.5)], format="csr")

    def fit(self, texts: Sequence[str], valences: Sequence[object]) -> ValenceModel:
        """Learn from marked texts (``valences``: '+', '-', '0' or None); returns ``self``."""
        texts = check_texts(texts, "text")
        if isinstance(valences, (str, bytes)) or len(valences) != len(texts):
            got = len(valences) if not isinstance(valences, (str, bytes)) else "a string of"
            raise CodingError(
                f"Got {len(texts)} texts but {got} valences; pass one valence (or None) "
                "per text."
            )
        marks = [normalise_mark(v, f"text {i}") for i, v in enumerate(valences)]
        keep = [i for i, m in enumerate(marks) if m is not None]
        self.n_marks_ = len(keep)
        self.warning_: str | None = None
        self.model_: LogisticRegression | None = None
        y = np.array([marks[i] for i in keep])
        counts = Counter(str(m) for m in y)
        if len(keep) < self.min_marks or sum(1 for c in counts.values() if c >= 2) < 2:
            seen = ", ".join(f"{c} '{m}'" for m, c in sorted(counts.items())) or "none"
            self.warning_ = (
                f"Only {len(keep)} marked texts ({seen}): valence suggestions use the lexicon "
                f"until there are at least {self.min_marks} marks, with two or more texts "
                "for each of two different marks."
            )
            return self
        toks = lemmas([texts[i] for i in keep])
        self.vectorizer_ = TfidfVectorizer(token_pattern=r"\S+", ngram_range=(1, 2),
                                           sublinear_tf=True, lowercase=False)
        self.vectorizer_.fit([_negation_marked(t) for t in toks])
        model = LogisticRegression(C=self.C, class_weight="balanced", max_iter=2000)
        with warnings.catch_warnings():  # convergence notes are not for users
            warnings.simplefilter("ignore")
            model.fit(self._features(toks, self._lexicon(toks)[0]), y)
        self.model_ = model
        return self

    def predict_proba(self, texts: Sequence[str]) -> np.ndarray:
        """Probabilities of ('+', '-', '0') per text (columns in :data:`MARKS` order)."""
        return self.proba_of_lemmas(lemmas(check_texts(texts)))

    def proba_of_lemmas(self, toks: list[tuple[str, ...]]) -> np.ndarray:
        """:meth:`predict_proba` for texts already lemmatised."""
        lex, lex_proba = self._lexicon(toks)
        model = getattr(self, "model_", None)
        if model is None or not toks:
            return lex_proba
        learned = np.zeros((len(toks), len(MARKS)))
        got = model.predict_proba(self._features(toks, lex))
        for j, label in enumerate(model.classes_):
            learned[:, MARKS.index(label)] = got[:, j]
        # the lexicon only votes among the marks the researcher actually uses
        used = np.isin(MARKS, model.classes_)
        lex_used = lex_proba * used
        lex_used /= lex_used.sum(axis=1, keepdims=True)
        share = self.n_marks_ / (self.n_marks_ + self.prior_weight)
        return np.asarray(share * learned + (1 - share) * lex_used)

    def predict(self, texts: Sequence[str]) -> list[tuple[str, float]]:
        """The suggested mark and its probability for each text."""
        proba = self.predict_proba(texts)
        best = proba.argmax(axis=1)
        return [(MARKS[b], round(float(proba[i, b]), 4)) for i, b in enumerate(best)]

    def __sklearn_is_fitted__(self) -> bool:
        return hasattr(self, "n_marks_")


def describe(texts: Sequence[str]) -> list[list[str]]:
    """The lexicon cues behind each text's mark (e.g. ``["- waiting list", "+ improved"]``)."""
    return [lexicon_scores(t)[2] for t in lemmas(check_texts(texts))]


__all__ = [
    "MARKS",
    "ValenceModel",
    "describe",
    "lexicon_scores",
    "lexicon_valence",
    "normalise_mark",
]
