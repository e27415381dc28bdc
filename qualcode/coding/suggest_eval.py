"""Honest accuracy of code suggestions: coded-extract CSVs and cross-validation.

``load_coded_csv`` reads a table of hand-coded extracts (columns ``text``, ``codes``
and optionally ``valence``, ``respondent``, ``group``, ``source``; several codes in one
cell are separated by ``;``) and checks every code id against the codebook.

``evaluate`` runs stratified k-fold cross-validation (stratified on each extract's
first code, fixed seed) and reports, for the codebook stage alone and for the learned
suggester trained on the other folds:

* ``top1``: share of extracts whose best-scoring code is one of their codes;
* ``top3``: share whose three best-scoring codes include one of their codes;
* ``macro_f1``: F1 per code averaged over the codes in the data, where the suggested
  codes are those shown to the researcher (the top three scoring at least the
  suggester's ``threshold``);
* ``top1_shown`` / ``top3_shown``: as top-1/top-3 but counting an abstention (nothing
  above the threshold) as a miss, and ``abstain``: the share of extracts with no
  suggestion at all;
* ``valence_accuracy`` (when marks are given): share of marked extracts whose
  suggested mark is right; the lexicon for ``codebook_only``, the learned valence
  model for ``learned``.

Top-1/top-3 rank the calibrated scores; they do not depend on the threshold.
"""

from __future__ import annotations

import csv
import io
import os
from collections import Counter
from collections.abc import Sequence
from typing import IO, Any

import numpy as np
from sklearn.model_selection import StratifiedKFold

from qualcode.coding.codebook import Codebook
from qualcode.coding.lemmas import check_texts
from qualcode.coding.suggest import CodeSuggester
from qualcode.coding.valence import lexicon_valence, normalise_mark
from qualcode.errors import CodebookError, CodingError, IngestError
from qualcode.ingest.text import read_text

REQUIRED = ("text", "codes")
OPTIONAL = ("valence", "respondent", "group", "source")
TOP_K = 3


def load_coded_csv(path: str | os.PathLike[str] | IO[Any], codebook: Codebook
                   ) -> tuple[list[str], list[list[str]], list[str | None]]:
    """Texts, code lists and valence marks (or None) from a coded-extracts CSV.

    The header needs ``text`` and ``codes``; ``valence``, ``respondent``, ``group`` and
    ``source`` are optional. Raises :class:`CodingError` for a missing column, an empty
    text or code cell, or a bad valence, and :class:`CodebookError` for a code id that
    is not a codable code of ``codebook``, each naming the row (the header is row 1).
    """
    try:
        text, name = read_text(path, "coded extracts")
    except IngestError as exc:
        raise CodingError(str(exc)) from exc
    if not text.strip():
        raise CodingError(f"{name} is empty: it needs a header row text,codes,valence,...")
    reader = csv.DictReader(io.StringIO(text, newline=""))
    header = [(h or "").strip().lower() for h in reader.fieldnames or []]
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        raise CodingError(
            f"{name}: missing column(s) {', '.join(missing)}. The header must include "
            f"text,codes (and optionally {','.join(OPTIONAL)}); found: {', '.join(header)}."
        )
    reader.fieldnames = header
    all_codes = codebook.by_id()
    codable = {c.id for c in codebook.codable_codes()}
    texts: list[str] = []
    codes: list[list[str]] = []
    valences: list[str | None] = []
    for row_no, row in enumerate(reader, start=2):
        if None in row:
            raise CodingError(f"{name} row {row_no}: more cells than header columns.")
        values = {k: (v or "").strip() for k, v in row.items()}
        if not any(values.values()):
            continue
        where = f"{name} row {row_no}"
        if not values["text"]:
            raise CodingError(f"{where}: the text is empty; add the extract or delete the row.")
        ids = [c.strip() for c in values["codes"].split(";") if c.strip()]
        if not ids:
            raise CodingError(
                f"{where}: no code given; write one or more code ids separated by ';'."
            )
        for cid in ids:
            if cid not in all_codes:
                raise CodebookError(
                    f"{where}: code {cid!r} is not in codebook {codebook.name!r}; correct "
                    "the id or add the code to the codebook."
                )
            if cid not in codable:
                raise CodebookError(
                    f"{where}: code {cid!r} is a category or archived, so it cannot be "
                    "coded; use one of its codable codes."
                )
        texts.append(values["text"])
        codes.append(list(dict.fromkeys(ids)))
        valences.append(normalise_mark(values.get("valence"), where))
    if not texts:
        raise CodingError(f"{name}: no coded extracts found below the header.")
    return texts, codes, valences


def _folds(codes: Sequence[Sequence[str]], folds: int, seed: int) -> list[tuple[Any, Any]]:
    n = len(codes)
    if not isinstance(folds, int) or folds < 2:
        raise CodingError(f"folds must be 2 or more, not {folds!r}.")
    if n < folds:
        raise CodingError(f"Cross-validation with {folds} folds needs at least {folds} coded "
                          f"extracts; there are {n}.")
    strata = [c[0] if c else "(none)" for c in codes]
    counts = Counter(strata)
    # strata smaller than the number of folds are pooled, so every stratum can be split
    strata = [s if counts[s] >= folds else "(rare)" for s in strata]
    if Counter(strata).get("(rare)", folds) < folds:
        rare = [i for i, s in enumerate(strata) if s == "(rare)"]
        largest = Counter(s for s in strata if s != "(rare)").most_common(1)
        for i in rare:
            strata[i] = largest[0][0] if largest else "(rare)"
    splitter = StratifiedKFold(n_splits=folds, shuffle=True, random_state=seed)
    return list(splitter.split(np.zeros(n), strata))


def _metrics(P: np.ndarray, code_ids: list[str], truth: Sequence[Sequence[str]],
             threshold: float, present: list[str]) -> dict[str, Any]:
    index = {c: j for j, c in enumerate(code_ids)}
    T = np.zeros_like(P, dtype=bool)
    for i, row in enumerate(truth):
        for c in row:
            T[i, index[c]] = True
    order = np.argsort(-P, axis=1, kind="stable")[:, :TOP_K]
    hit_rank = np.take_along_axis(T, order, axis=1)
    shown = np.take_along_axis(P, order, axis=1) >= threshold
    top1 = float(hit_rank[:, 0].mean())
    top3 = float(hit_rank.any(axis=1).mean())
    top1_shown = float((hit_rank[:, 0] & shown[:, 0]).mean())
    top3_shown = float((hit_rank & shown).any(axis=1).mean())
    predicted = np.zeros_like(T)
    np.put_along_axis(predicted, order, shown, axis=1)
    f1s = {}
    for c in present:
        j = index[c]
        tp = float((predicted[:, j] & T[:, j]).sum())
        fp = float((predicted[:, j] & ~T[:, j]).sum())
        fn = float((~predicted[:, j] & T[:, j]).sum())
        f1s[c] = 2 * tp / (2 * tp + fp + fn) if tp + fp + fn else 0.0
    return {
        "top1": round(top1, 4),
        "top3": round(top3, 4),
        "macro_f1": round(float(np.mean(list(f1s.values()))) if f1s else 0.0, 4),
        "top1_shown": round(top1_shown, 4),
        "top3_shown": round(top3_shown, 4),
        "abstain": round(float((~shown[:, 0]).mean()), 4),
        "per_code_f1": {c: round(v, 4) for c, v in f1s.items()},
    }


def _valence_accuracy(predicted: Sequence[str], truth: Sequence[str | None]) -> float | None:
    pairs = [(p, t) for p, t in zip(predicted, truth) if t is not None]
    if not pairs:
        return None
    return round(sum(p == t for p, t in pairs) / len(pairs), 4)


def evaluate(codebook: Codebook, texts: Sequence[str], codes: Sequence[Sequence[str]],
             valences: Sequence[object] | None = None, folds: int = 5, seed: int = 0,
             **params: Any) -> dict[str, Any]:
    """Cross-validated accuracy of the codebook stage and of the learned suggester.

    Returns ``{"n", "codes", "code_counts", "folds", "threshold", "codebook_only":
    {...}, "learned": {...}}`` where each stage reports ``top1``, ``top3``,
    ``macro_f1`` (and ``valence_accuracy`` when ``valences`` are given) plus
    ``top1_shown``, ``top3_shown``, ``abstain`` and ``per_code_f1``. Extra keyword
    arguments are passed to :class:`CodeSuggester`. Deterministic for a given ``seed``.
    """
    texts = check_texts(texts, "text")
    if len(codes) != len(texts):
        raise CodingError(f"evaluate got {len(texts)} texts but {len(codes)} code lists.")
    if valences is not None and len(valences) != len(texts):
        raise CodingError(f"evaluate got {len(texts)} texts but {len(valences)} valences.")
    marks = ([normalise_mark(v, f"text {i}") for i, v in enumerate(valences)]
             if valences is not None else None)
    base = CodeSuggester(codebook, **params)
    code_ids = base.code_ids
    base._check_codes(codes, len(texts), {c: j for j, c in enumerate(code_ids)})
    labelled = [i for i, c in enumerate(codes) if c]
    if not labelled:
        raise CodingError("evaluate needs coded extracts; every code list is empty.")
    counts = Counter(c for row in codes for c in row)
    present = [c for c in code_ids if counts[c]]
    threshold = float(base.threshold)

    P_cb = base.predict_proba([texts[i] for i in labelled])
    truth = [codes[i] for i in labelled]
    codebook_only: dict[str, Any] = _metrics(P_cb, code_ids, truth, threshold, present)

    P_learned = np.zeros((len(texts), len(code_ids)))
    val_pred: list[str] = ["0"] * len(texts)
    for train, test in _folds(codes, folds, seed):
        model = CodeSuggester(codebook, **params)
        model.fit([texts[i] for i in train], [codes[i] for i in train],
                  valences=[marks[i] for i in train] if marks is not None else None)
        test_texts = [texts[i] for i in test]
        P_learned[test] = model.predict_proba(test_texts)
        if marks is not None:
            for i, (mark, _p) in zip(test, model.suggest_valence(test_texts)):
                val_pred[i] = mark
    learned: dict[str, Any] = _metrics(P_learned[labelled], code_ids, truth, threshold, present)
    if marks is not None:
        codebook_only["valence_accuracy"] = _valence_accuracy(
            [m for m, _ in lexicon_valence(texts)], marks)
        learned["valence_accuracy"] = _valence_accuracy(val_pred, marks)
    return {
        "n": len(labelled),
        "codes": len(present),
        "code_counts": {c: counts[c] for c in present},
        "folds": folds,
        "threshold": threshold,
        "codebook_only": codebook_only,
        "learned": learned,
    }


__all__ = ["evaluate", "load_coded_csv"]
