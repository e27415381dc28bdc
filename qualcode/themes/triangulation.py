"""Triangulation: how well each finding (code or theme) is supported.

For each code, or each theme when a mapping of themes to code ids is given: how many
codings back it, from how many respondents and respondent groups, from how many kinds
of source (transcript, running record, observation, document), and how many codings
carry the ``in_literature`` flag. The ``support`` label takes the strongest that holds:

- ``literature``: at least one coding is flagged in_literature;
- ``multi-source``: codings come from two or more kinds of source;
- ``multi-group``: codings come from two or more respondent groups;
- ``single-source``: otherwise;
- ``none``: a theme with no codings.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import numpy as np
import pandas as pd

from qualcode.errors import QualcodeError
from qualcode.themes.frame import (
    apply_filters,
    as_list,
    code_names,
    known_codes,
    ordered,
    prepare,
)

__all__ = ["SUPPORT_LABELS", "triangulation_table"]

SUPPORT_LABELS: tuple[str, ...] = (
    "literature", "multi-source", "multi-group", "single-source", "none",
)
KIND_ORDER: tuple[str, ...] = ("transcript", "running_record", "observation", "document")
LITERATURE = "in_literature"


def _has_flag(flags: pd.Series, flag: str) -> np.ndarray:
    """Whether each coding's flags (a list, or comma-separated text) include ``flag``."""

    def has(value: Any) -> bool:
        if isinstance(value, str):
            return flag in (part.strip() for part in value.split(","))
        if isinstance(value, (list, tuple, set, frozenset, np.ndarray)):
            return flag in value
        return False

    return flags.map(has).to_numpy(dtype=bool)


def _joined(values: pd.Series, by: str, order: tuple[str, ...] = ()) -> str:
    present = ordered(values, by)
    if order:
        rank = {k: i for i, k in enumerate(order)}
        present = sorted(present, key=lambda v: (rank.get(str(v), len(rank)), str(v)))
    return ", ".join(str(v) for v in present)


def _columns(key: list[str]) -> list[str]:
    return [*key, "n_codings", "n_respondents", "n_groups", "groups", "n_kinds", "kinds",
            "n_literature", "support"]


def triangulation_table(
    codings: pd.DataFrame,
    codebook: pd.DataFrame | None = None,
    themes: Mapping[str, Iterable[str]] | None = None,
    **filters: Any,
) -> pd.DataFrame:
    """Support for each code (or theme) across groups, sources and the literature.

    Args:
        codings: the frame ``Project.codings()`` returns.
        codebook: the frame ``Project.codebook()`` returns; adds a ``name`` column and
            is what theme code ids are checked against.
        themes: ``{theme name: [code ids]}``; one row per theme (in the given order),
            counting the codings of its codes (a code may be in several themes). Code
            ids must be in the codebook, or in ``codings`` without one.
        **filters: selection passed to :func:`~qualcode.themes.frame.filter_codings`.

    Returns:
        One row per code with codings (sorted by id), or per theme: ``code_id`` [and
        ``name``] or ``theme`` and ``codes``, then ``n_codings``, ``n_respondents``,
        ``n_groups``, ``groups`` (comma-joined, study order), ``n_kinds``, ``kinds``,
        ``n_literature`` (codings flagged in_literature) and ``support``.
    """
    full = prepare(codings)
    df = apply_filters(full, filters)
    names = code_names(codebook)
    if themes is not None:
        if not isinstance(themes, Mapping):
            raise QualcodeError("themes must map each theme name to a list of code ids.")
        known, where = known_codes(full, codebook)
        pairs = [(str(t), str(c)) for t, cs in themes.items() for c in as_list(cs)]
        unknown = sorted({c for _, c in pairs if c not in known})
        if unknown:
            raise QualcodeError(f"Theme code id(s) {', '.join(unknown)} are not in {where}.")
        links = pd.DataFrame(pairs, columns=["theme", "code_id"]).drop_duplicates()
        df = df.assign(code_id=df["code_id"].astype(str)).merge(links, on="code_id")
        key = ["theme"]
        rows = pd.Index([str(t) for t in themes], name="theme")
    else:
        key = ["code_id"]
        rows = pd.Index(sorted(df["code_id"].astype(str).unique()), name="code_id")
        df = df.assign(code_id=df["code_id"].astype(str))

    literature = _has_flag(df["flags"], LITERATURE) if len(df) else np.zeros(0, dtype=bool)
    grouped = df.assign(_lit=literature).groupby(key[0], sort=False)
    result = pd.DataFrame(index=rows)
    result["n_codings"] = grouped.size().reindex(rows, fill_value=0)
    result["n_respondents"] = grouped["respondent"].nunique().reindex(rows, fill_value=0)
    result["n_groups"] = grouped["group"].nunique().reindex(rows, fill_value=0)
    result["groups"] = grouped["group"].agg(
        lambda s: _joined(s, "group")).reindex(rows, fill_value="")
    result["n_kinds"] = grouped["document_kind"].nunique().reindex(rows, fill_value=0)
    result["kinds"] = grouped["document_kind"].agg(
        lambda s: _joined(s, "document_kind", KIND_ORDER)).reindex(rows, fill_value="")
    result["n_literature"] = grouped["_lit"].sum().reindex(rows, fill_value=0)
    for column in ("n_codings", "n_respondents", "n_groups", "n_kinds", "n_literature"):
        result[column] = result[column].fillna(0).astype(np.int64)
    result["groups"] = result["groups"].fillna("").astype(str)
    result["kinds"] = result["kinds"].fillna("").astype(str)
    result["support"] = np.select(
        [result["n_codings"] == 0, result["n_literature"] > 0, result["n_kinds"] >= 2,
         result["n_groups"] >= 2],
        ["none", "literature", "multi-source", "multi-group"],
        default="single-source",
    )
    result = result.reset_index()
    if themes is not None:
        codes_of = {str(t): ", ".join(dict.fromkeys(str(c) for c in as_list(cs)))
                    for t, cs in themes.items()}
        result.insert(1, "codes", result["theme"].map(codes_of))
    elif codebook is not None:
        result.insert(1, "name", result["code_id"].map(lambda c: names.get(c, c)))
    if len(result) == 0:
        return pd.DataFrame({c: pd.Series([], dtype=object) for c in
                             _columns([*key, *(["codes"] if themes is not None else []),
                                       *(["name"] if themes is None and codebook is not None
                                         else [])])})
    return result
