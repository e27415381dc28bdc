"""Ranking: the top concerns (negative) and top areas of progress (positive).

"For each research question, the top five concerns and the top five areas of progress,
in order of strength": strength is the number of codings; ties go to the smaller code id
so the order never changes between runs.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from qualcode.errors import QualcodeError
from qualcode.themes.frame import (
    apply_filters,
    check_by,
    check_valences,
    code_names,
    ordered,
    prepare,
)

__all__ = ["top_codes"]


def _columns(by: str | None, named: bool) -> list[str]:
    return [*([by] if by else []), "rank", "code_id", *(["name"] if named else []),
            "n", "share", "total"]


def top_codes(
    codings: pd.DataFrame,
    rq: str | None = None,
    valence: str | None = "-",
    by: str | None = None,
    n: int = 5,
    codebook: pd.DataFrame | None = None,
    **filters: Any,
) -> pd.DataFrame:
    """The ``n`` codes with most codings of a valence, per research question or group.

    Args:
        codings: the frame ``Project.codings()`` returns.
        rq: keep only codes of this research question (``"RQ1"``); None keeps all.
        valence: ``"-"`` (concerns, the default), ``"+"`` (progress), ``"0"``, or None
            for every coding.
        by: rank within each group (``"group"``), attribute value, or ``"rq"``.
        n: how many codes to keep (per group when ``by`` is given).
        codebook: the frame ``Project.codebook()`` returns; adds a ``name`` column.
        **filters: further selection passed to
            :func:`~qualcode.themes.frame.filter_codings` (``group``, ``coder``, ...).

    Returns:
        ``[<by>,] rank, code_id, [name,] n, share, total``: ``total`` is the number of
        codings of that valence within the research question (and group), the
        denominator of ``share = n / total``. Ranks run 1, 2, 3, ... (ties broken by
        code id). Empty selection: an empty frame with these columns.
    """
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 1:
        raise QualcodeError(f"n must be a whole number 1 or more, not {n!r}.")
    if valence is not None:
        check_valences(valence)
    df = prepare(codings)
    if by is not None:
        check_by(df, by)
    df = apply_filters(df, {**filters, "rq": rq, "valence": valence})
    names = code_names(codebook)
    keys = [by] if by else []
    if by:
        df = df.loc[df[by].notna()]
    if len(df) == 0:
        return pd.DataFrame({c: pd.Series([], dtype=object)
                             for c in _columns(by, codebook is not None)})
    counts = df.groupby([*keys, "code_id"], sort=False).size().rename("n").reset_index()
    if by:
        totals = df.groupby(by, sort=False).size()
        counts["total"] = totals.reindex(counts[by]).to_numpy(dtype=np.int64)
        rank_of = {g: i for i, g in enumerate(ordered(counts[by], by))}
        counts["_order"] = counts[by].map(rank_of)
    else:
        counts["total"] = np.int64(len(df))
        counts["_order"] = 0
    counts["code_id"] = counts["code_id"].astype(str)
    counts = counts.sort_values(["_order", "n", "code_id"], ascending=[True, False, True],
                                kind="mergesort")
    counts["rank"] = counts.groupby("_order", sort=False).cumcount() + 1
    counts = counts.loc[counts["rank"] <= n].reset_index(drop=True)
    counts["share"] = counts["n"] / counts["total"]
    if codebook is not None:
        counts["name"] = counts["code_id"].map(lambda c: names.get(c, c))
    result = counts[_columns(by, codebook is not None)]
    result.attrs.update(rq=rq, valence=valence)
    return result
