"""The overview matrix: one row per respondent, one column block per issue (code).

Each block holds the number of positive, negative and neutral codings the respondent
has for that code; a ``total`` block adds up the chosen codes, and a ``total`` row adds
up the respondents. Codings without a respondent (observation notes) are left out.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

import numpy as np
import pandas as pd

from qualcode.errors import QualcodeError
from qualcode.themes.frame import (
    VALENCES,
    apply_filters,
    check_codes,
    check_valence_column,
    filter_respondents,
    ordered,
    prepare,
)

__all__ = ["TOTAL", "overview_matrix"]

TOTAL = "total"
"""Label of the totals row and of the totals column block."""

INFO_COLUMNS: tuple[str, ...] = ("group", "setting_type")


def _natural(label: str) -> tuple[Any, ...]:
    """Sort key putting HT2 before HT10."""
    return tuple(int(p) if p.isdigit() else p for p in re.split(r"(\d+)", str(label)))


def _people(
    df: pd.DataFrame, respondents: pd.DataFrame | None, info: list[str], filters: dict[str, Any]
) -> pd.DataFrame:
    """One row per respondent (index: respondent id) with label and the info columns."""
    from_codings = df.groupby("respondent", sort=False)[["label", *info]].first()
    if respondents is None:
        return from_codings
    people = filter_respondents(respondents, filters)
    people = people.set_index("id")
    people.index.name = "respondent"
    for column in info:  # an attribute only the codings carry
        if column not in people.columns:
            people[column] = from_codings[column].reindex(people.index)
    people = people.reindex(columns=["label", *info])
    extra = from_codings.loc[~from_codings.index.isin(people.index)]
    return pd.concat([people, extra]) if len(extra) else people


def overview_matrix(
    codings: pd.DataFrame,
    codes: Iterable[str],
    respondents: pd.DataFrame | None = None,
    codebook: pd.DataFrame | None = None,
    **filters: Any,
) -> pd.DataFrame:
    """Respondent x code x valence counts: the study's overview matrix.

    Args:
        codings: the frame ``Project.codings()`` returns.
        codes: the code ids to show, in column order. Each must occur in ``codings``,
            or be in ``codebook`` when one is given (then a code without codings shows
            zeros). An unknown id raises :class:`~qualcode.errors.QualcodeError`.
        respondents: the frame ``Project.respondents()`` returns; when given every
            respondent in it has a row (zeros when they have no codings). Without it the
            rows are the respondents with at least one coding (of any code).
        codebook: the frame ``Project.codebook()`` returns, to check ``codes`` against.
        **filters: selection passed to :func:`~qualcode.themes.frame.filter_codings`.

    Returns:
        A frame indexed by respondent label (study group order, then HT2 before HT10),
        columns a MultiIndex ``(code_id, valence)``: first ``("group", "")`` and
        ``("setting_type", "")`` (when that attribute exists), then for each code the
        counts ``"+"``, ``"-"``, ``"0"``, then ``("total", "+" / "-" / "0")`` over the
        chosen codes. The last row, ``total``, sums each count column.
    """
    df = prepare(codings)
    chosen = check_codes(codes, df, codebook)
    if TOTAL in chosen:
        raise QualcodeError(
            f"A code id {TOTAL!r} would clash with the totals block; rename that code."
        )
    df = apply_filters(df, filters)
    check_valence_column(df)
    df = df.loc[df["respondent"].notna()]
    info = [c for c in INFO_COLUMNS if c in df.columns or (
        respondents is not None and c in respondents.columns)]
    for column in info:
        if column not in df.columns:
            df = df.assign(**{column: None})
    people = _people(df, respondents, info, filters)

    sub = df.loc[df["code_id"].isin(chosen)]
    count_columns = pd.MultiIndex.from_product([chosen, list(VALENCES)],
                                               names=["code_id", "valence"])
    counts = (
        sub.groupby(["respondent", "code_id", "valence"], sort=False).size()
        .unstack(["code_id", "valence"], fill_value=0)
        .reindex(index=people.index, columns=count_columns, fill_value=0)
        .fillna(0)
        .astype(np.int64)
    )
    totals = counts.T.groupby(level="valence", sort=False).sum().T.reindex(
        columns=list(VALENCES))
    totals.columns = pd.MultiIndex.from_product([[TOTAL], list(VALENCES)],
                                                names=["code_id", "valence"])

    group_rank = {g: i for i, g in enumerate(ordered(people["group"], "group"))}
    order = sorted(
        people.index,
        key=lambda r: (group_rank.get(people.at[r, "group"], len(group_rank)),
                       _natural(people.at[r, "label"])),
    )
    info_frame = people[info].copy()
    info_frame.columns = pd.MultiIndex.from_tuples([(c, "") for c in info],
                                                   names=["code_id", "valence"])
    body = pd.concat([info_frame, counts, totals], axis=1).loc[order]
    body.index = pd.Index(people.loc[order, "label"].astype(str).tolist(), name="label")

    sums = body[[*count_columns, *totals.columns]].sum(axis=0).astype(np.int64)
    total_row = pd.DataFrame([sums.to_numpy()], columns=sums.index,
                             index=pd.Index([TOTAL], name="label"))
    for column in info:
        total_row[(column, "")] = ""
    total_row = total_row[body.columns]
    result = pd.concat([body, total_row]) if len(body) else total_row
    result = result.astype({c: np.int64 for c in [*count_columns, *totals.columns]})
    result.attrs.update(codes=chosen, respondent_basis="all" if respondents is not None
                        else "coded")
    return result
