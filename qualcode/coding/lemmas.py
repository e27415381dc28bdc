"""Lemmas: the lower-cased lookup lemmas of short texts, shared by suggestions and valence.

Texts are lower-cased *before* lemmatising, because the lookup lemmatizer of
``spacy-lookups-data`` is case-sensitive ("Waiting" stays "Waiting", "waiting" becomes
"wait"). Punctuation, whitespace and the possessive ``'s`` are dropped, so
"multi-agency" and "multi agency" give the same lemmas ("multi agency") and
"children's centre" matches "children's centres" as "child centre". "well", "better",
"best", "worse" and "worst" keep their form (the lookup table would turn "as well" into
"as good"). Results are cached
per text, so suggesting, training and evaluating on the same segments lemmatise each
text once per process.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Sequence
from typing import Any

from spacy.attrs import ORTH

from qualcode.coding.segment import lemma_pipeline
from qualcode.errors import CodingError

CACHE_SIZE = 100_000
BATCH = 512
_DROP = {"'s", "'", '"', "`"}
# lookup lemmas that lose meaning: "well" would become "good" (so "as well" read as
# praise) and "better"/"worse" would become "well"/"wrong"
_KEEP = {"well", "better", "best", "worse", "worst", "as"}
_QUOTES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u201c": '"', "\u201d": '"'})

_cache: OrderedDict[str, tuple[str, ...]] = OrderedDict()
_lock = threading.Lock()


def check_texts(texts: object, what: str = "segment") -> list[str]:
    """The texts as a list of strings, or a :class:`CodingError` naming the bad item.

    Empty strings are allowed (they simply get no suggestions); ``None``, numbers and
    other objects are not.
    """
    if isinstance(texts, (str, bytes)):
        raise CodingError(
            f"Expected a list of {what} texts but got a single string; wrap it in a list: [text]."
        )
    try:
        items = list(texts)  # type: ignore[call-overload]
    except TypeError:
        raise CodingError(
            f"Expected a list of {what} texts but got {type(texts).__name__}."
        ) from None
    for i, text in enumerate(items):
        if not isinstance(text, str):
            raise CodingError(
                f"{what.capitalize()} {i} is not text (got {type(text).__name__}): pass each "
                f"{what}'s text as a string (an empty string for a {what} with no text)."
            )
    return items


def _lemma_table() -> tuple[Any, Any, Any]:
    """The shared pipeline's tokenizer, string store and lemma lookup table."""
    nlp = lemma_pipeline()
    table = nlp.get_pipe("lemmatizer").lookups.get_table("lemma_lookup", {})  # type: ignore[attr-defined]
    return nlp.tokenizer, nlp.vocab, table


# ORTH hash -> lemma ("" for a token that is dropped); the lookup lemmatizer depends on
# the token text only, so each word form is lemmatised once per process
_by_orth: dict[int, str] = {}


def _lemmatise(docs: Sequence[str]) -> list[tuple[str, ...]]:
    """What ``lemma_pipeline()`` gives (lookup lemmas), computed once per word form."""
    tokenizer, vocab, table = _lemma_table()
    strings = vocab.strings
    out: list[tuple[str, ...]] = []
    for doc in tokenizer.pipe(docs, batch_size=BATCH):
        toks: list[str] = []
        for h in doc.to_array(ORTH).tolist():
            lemma = _by_orth.get(h)
            if lemma is None:
                lex = vocab[h]
                text = strings[h]
                if lex.is_punct or lex.is_space or text in _DROP:
                    lemma = ""
                elif text in _KEEP:
                    lemma = text
                else:
                    lemma = table.get(text, text)
                _by_orth[h] = lemma
            if lemma:
                toks.append(lemma)
        out.append(tuple(toks))
    return out


def normalise(text: str) -> str:
    """The form of a text that is lemmatised: curly quotes made straight, lower case."""
    return text.translate(_QUOTES).lower()


def lemmas(texts: Sequence[str]) -> list[tuple[str, ...]]:
    """Lower-cased lookup lemmas of each text (punctuation dropped), cached per text."""
    result: list[tuple[str, ...] | None] = [None] * len(texts)
    missing: dict[str, list[int]] = {}
    with _lock:
        for i, text in enumerate(texts):
            hit = _cache.get(text)
            if hit is None:
                missing.setdefault(text, []).append(i)
            else:
                result[i] = hit
    if missing:
        keys = list(missing)
        done = _lemmatise([normalise(k) for k in keys])
        with _lock:
            for key, toks in zip(keys, done):
                _cache[key] = toks
                for i in missing[key]:
                    result[i] = toks
            while len(_cache) > CACHE_SIZE:
                _cache.popitem(last=False)
    return [r if r is not None else () for r in result]


def lemma_strings(texts: Sequence[str]) -> list[str]:
    """Each text's lemmas joined by single spaces (the input of the TF-IDF vectorizers)."""
    return [" ".join(toks) for toks in lemmas(texts)]


def phrase(text: str) -> tuple[str, ...]:
    """The lemmas of a keyword or phrase, as used for matching."""
    return lemmas([text])[0]


def clear_cache() -> None:
    """Forget cached lemmas (frees memory; benchmarks use it to time a cold start)."""
    with _lock:
        _cache.clear()
