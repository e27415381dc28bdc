"""Breakdowns of codings by respondent group or attribute, read as shares.

"44 of the 160 head-teacher concerns were structural": every table here gives the count,
the denominator it is a share of (a column), and the share as an exact fraction.
Codings whose split value is missing (observation notes have no respondent group) are
left out of a split table; ``attrs["left_out"]`` says how many.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from qualcode.errors import QualcodeError
from qualcode.themes.frame import (
    VALENCE_NAMES,
    VALENCES,
    apply_filters,
    check_by,
    check_codes,
    check_valence_column,
    check_valences,
    filter_respondents,
    ordered,
    prepare,
    safe_divide,
)

__all__ = ["UNITS", "ChiSquareResult", "breakdown", "chi_square", "valence_by_group"]

UNITS: tuple[str, ...] = ("codings", "segments")
SPAN: list[str] = ["document_id", "start", "end"]


def _split(
    codings: pd.DataFrame, by: str, filters: dict[str, Any]
) -> tuple[pd.DataFrame, int]:
    """Checked, filtered codings with a value for ``by``, and how many were left out."""
    df = prepare(codings)
    check_by(df, by)
    df = apply_filters(df, filters)
    has_value = df[by].notna()
    left_out = int((~has_value).sum())
    if left_out:
        df = df.loc[has_value]
    return df, left_out


def _breakdown_columns(by: str) -> list[str]:
    return [by, "code_id", "n", "share_of_group", "per_respondent", "group_total", "respondents"]


def breakdown(
    codings: pd.DataFrame,
    by: str = "group",
    valence: str | None = None,
    unit: str = "codings",
    respondents: pd.DataFrame | None = None,
    **filters: Any,
) -> pd.DataFrame:
    """Counts of each code per group (or per value of a respondent attribute).

    Args:
        codings: the frame ``Project.codings()`` returns.
        by: ``"group"`` or a respondent attribute (``"setting_type"``, ...); also
            ``document_kind``, ``coder``, ``rq``.
        valence: ``"+"``, ``"-"`` or ``"0"`` to count only those codings.
        unit: ``"codings"`` (every coding) or ``"segments"`` (distinct coded spans
            ``(document_id, start, end)``: a span coded by two coders counts once).
        respondents: the frame ``Project.respondents()`` returns; when given, the
            per-respondent denominator is *every* respondent of the group in it, and its
            groups with no codings appear (with ``n`` 0). Without it, the denominator is
            the respondents of the group with at least one coding in ``codings`` after
            ``filters`` (before ``valence``: a respondent who raised no concern still
            counts when reading concerns per respondent).
        **filters: selection passed to :func:`~qualcode.themes.frame.filter_codings`.

    Returns:
        A tidy frame, one row per group and code (zeros included), sorted by group (the
        study's order for ``group``) then code: ``<by>``, ``code_id``, ``n``,
        ``share_of_group`` (= n / group_total), ``per_respondent`` (= n / respondents),
        ``group_total`` (the group's units of that valence: codings, or distinct coded
        spans), ``respondents``. Shares are NaN where the denominator is 0. With
        ``unit="segments"`` a span with two codes counts once in ``group_total`` and
        once for each code, so a group's shares can add up to more than 1.
        ``attrs["respondent_basis"]`` is ``"coded"`` or ``"all"``.
    """
    if unit not in UNITS:
        raise QualcodeError(f"unit {unit!r} is not one of {', '.join(UNITS)}.")
    valences = check_valences(valence) if valence is not None else None
    df, left_out = _split(codings, by, filters)
    coded = df.groupby(by, sort=False)["respondent"].nunique()
    if respondents is not None:
        if by not in respondents.columns:
            raise QualcodeError(
                f"The respondents frame has no column {by!r}: per-respondent figures by "
                f"{by} need it (or leave respondents out)."
            )
        people = filter_respondents(respondents, filters)
        people = people.loc[people[by].notna()]
        denominators = people.groupby(by, sort=False)["id"].nunique()
        basis = "all"
    else:
        denominators = coded
        basis = "coded"
    if valences is not None:
        df = df.loc[df["valence"].isin(valences)]

    if unit == "segments":
        counted = df.drop_duplicates(subset=[by, *SPAN, "code_id"])
        totals = df.drop_duplicates(subset=[by, *SPAN]).groupby(by, sort=False).size()
    else:
        counted = df
        totals = df.groupby(by, sort=False).size()
    counts = counted.groupby([by, "code_id"], sort=False).size()

    groups = ordered([*coded.index, *denominators.index], by)
    codes = sorted(df["code_id"].astype(str).unique())
    if not groups or not codes:
        empty = pd.DataFrame({c: pd.Series([], dtype=object) for c in _breakdown_columns(by)})
        empty.attrs.update(respondent_basis=basis, left_out=left_out, unit=unit)
        return empty
    full = pd.MultiIndex.from_product([groups, codes], names=[by, "code_id"])
    n = counts.reindex(full, fill_value=0).to_numpy(dtype=np.int64)
    group_total = totals.reindex(groups, fill_value=0).to_numpy(dtype=np.int64)
    people_n = denominators.reindex(groups, fill_value=0).to_numpy(dtype=np.int64)
    repeat = len(codes)
    result = pd.DataFrame(
        {
            by: full.get_level_values(0),
            "code_id": full.get_level_values(1),
            "n": n,
            "share_of_group": safe_divide(n, np.repeat(group_total, repeat)),
            "per_respondent": safe_divide(n, np.repeat(people_n, repeat)),
            "group_total": np.repeat(group_total, repeat),
            "respondents": np.repeat(people_n, repeat),
        }
    )
    result.attrs.update(respondent_basis=basis, left_out=left_out, unit=unit)
    return result


def valence_by_group(
    codings: pd.DataFrame, by: str = "group", unit: str = "codings", **filters: Any
) -> pd.DataFrame:
    """Positive, negative and neutral codings per group, with both kinds of share.

    One row per group (study order) with ``positive``, ``negative``, ``neutral``,
    ``total`` (their sum: the denominator of ``share_positive`` etc.), the shares within
    the group, and for each valence the study-wide total (``all_positive``, the
    denominator) and the group's share of it (``share_of_all_positive``): "151 positive
    comments; head teachers made 78 of them" gives ``share_of_all_positive`` 78/151.
    ``unit`` as in :func:`breakdown`; ``**filters`` as in :func:`breakdown`.
    """
    if unit not in UNITS:
        raise QualcodeError(f"unit {unit!r} is not one of {', '.join(UNITS)}.")
    df, left_out = _split(codings, by, filters)
    check_valence_column(df)
    if unit == "segments":
        df = df.drop_duplicates(subset=[by, *SPAN, "valence"])
    groups = ordered(df[by], by)
    counts = (
        df.groupby([by, "valence"], sort=False).size()
        .unstack(fill_value=0)
        .reindex(index=groups, columns=list(VALENCES), fill_value=0)
    )
    result = pd.DataFrame({by: pd.Index(groups, dtype=object)})
    names = [VALENCE_NAMES[v] for v in VALENCES]
    for v, name in zip(VALENCES, names, strict=True):
        result[name] = counts[v].to_numpy(dtype=np.int64)
    result["total"] = result[names].sum(axis=1).astype(np.int64)
    for name in names:
        result[f"share_{name}"] = safe_divide(result[name], result["total"])
    for name in names:
        everyone = int(result[name].sum())
        result[f"all_{name}"] = np.int64(everyone)
        result[f"share_of_all_{name}"] = safe_divide(result[name], everyone)
    result.attrs.update(left_out=left_out, unit=unit)
    return result


@dataclass(frozen=True)
class ChiSquareResult:
    """A chi-square test of independence of code and group (Pearson's, no continuity
    correction unless asked for).

    ``table`` holds the observed counts (code x group), ``expected`` the counts under
    independence, ``residuals`` the standardised residuals ``(O - E) / sqrt(E)`` and
    ``adjusted_residuals`` ``(O - E) / sqrt(E (1 - row/N) (1 - col/N))`` (beyond about
    +-2 a cell differs from independence). ``warning`` says when the test is unreliable
    (more than 20% of expected counts below 5, or any below 1), else it is None.
    """

    table: pd.DataFrame
    expected: pd.DataFrame
    residuals: pd.DataFrame
    adjusted_residuals: pd.DataFrame
    chi2: float
    dof: int
    p_value: float
    n: int
    warning: str | None


def chi_square(
    codings: pd.DataFrame,
    by: str = "group",
    codes: list[str] | None = None,
    correction: bool = False,
    **filters: Any,
) -> ChiSquareResult:
    """Test whether the spread of codes differs between groups (``scipy.stats.chi2_contingency``).

    Counts codings per code (rows) and group (columns); ``codes`` restricts the rows
    (unknown ids are refused). All-zero rows and columns are dropped. ``correction``
    applies Yates' continuity correction (2 x 2 tables only). Raises
    :class:`~qualcode.errors.QualcodeError` when fewer than two codes or two groups
    have codings. ``**filters`` as in :func:`breakdown` (e.g. ``valence="-"``).
    """
    df, _ = _split(codings, by, filters)
    if codes is not None:
        wanted = check_codes(codes, prepare(codings), None)
        df = df.loc[df["code_id"].isin(wanted)]
    table = pd.crosstab(df["code_id"], df[by])
    table = table.loc[table.sum(axis=1) > 0, table.sum(axis=0) > 0]
    table = table.reindex(columns=ordered(table.columns, by))
    if table.shape[0] < 2 or table.shape[1] < 2:
        raise QualcodeError(
            f"A chi-square test needs codings of at least two codes in at least two "
            f"values of {by}; these codings have {table.shape[0]} code(s) in "
            f"{table.shape[1]} value(s) of {by}. Widen the selection."
        )
    table.index.name, table.columns.name = "code_id", by
    observed = table.to_numpy(dtype=float)
    chi2, p_value, dof, expected = stats.chi2_contingency(observed, correction=correction)
    n = observed.sum()
    row = observed.sum(axis=1, keepdims=True) / n
    col = observed.sum(axis=0, keepdims=True) / n
    residuals = (observed - expected) / np.sqrt(expected)
    adjusted = (observed - expected) / np.sqrt(expected * (1 - row) * (1 - col))
    small = float((expected < 5).mean())
    warning = None
    if small > 0.2 or (expected < 1).any():
        warning = (
            f"{small:.0%} of expected counts are below 5"
            + (f" and {int((expected < 1).sum())} below 1" if (expected < 1).any() else "")
            + ": the chi-square approximation is unreliable; merge codes or groups, or "
            "use an exact test."
        )

    def frame(values: np.ndarray) -> pd.DataFrame:
        return pd.DataFrame(values, index=table.index, columns=table.columns)

    return ChiSquareResult(
        table=table.astype(np.int64),
        expected=frame(expected),
        residuals=frame(residuals),
        adjusted_residuals=frame(adjusted),
        chi2=float(chi2),
        dof=int(dof),
        p_value=float(p_value),
        n=int(n),
        warning=warning,
    )
