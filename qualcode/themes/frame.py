"""The codings frame every analysis takes: its columns, its checks and its filters.

``Project.codings()`` returns one row per coding with fixed columns (``id``,
``document_id``, ``start``, ``end``, ``code_id``, ``coder``, ``valence``, ``flags``,
``respondent``, ``label``, ``group``, ``document_kind``, ``trial``, ``rq``, ...) and then
one column per respondent attribute (``gender``, ``setting_type``, ...). The functions
here are shared by the modules of :mod:`qualcode.themes`: they check a frame, tell the
attribute columns from the fixed ones, and select codings (:func:`filter_codings`).
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping
from typing import Any

import numpy as np
import pandas as pd

from qualcode.errors import QualcodeError
from qualcode.ingest.respondents import GROUPS

VALENCES: tuple[str, ...] = ("+", "-", "0")
"""Valences in table order: positive, negative, neutral."""

VALENCE_NAMES: dict[str, str] = {"+": "positive", "-": "negative", "0": "neutral"}

FLAGS: tuple[str, ...] = ("in_literature", "surprising", "follow_up")

REQUIRED_COLUMNS: tuple[str, ...] = (
    "id", "document_id", "start", "end", "code_id", "coder", "valence", "flags",
    "respondent", "label", "group", "document_kind", "trial", "rq",
)
"""Columns the analyses read; a non-empty frame without one of them is refused."""

CORE_COLUMNS: frozenset[str] = frozenset(REQUIRED_COLUMNS) | {
    "dimension", "memo", "source", "text", "locator", "created_at", "updated_at",
    "members", "attributes", "document_title", "title", "segment_id", "guid", "name",
}
"""Fixed columns of the codings frame: every other column is a respondent attribute."""

SPLIT_COLUMNS: tuple[str, ...] = (
    "group", "document_kind", "coder", "rq", "dimension", "label", "source", "trial",
)
"""Fixed columns a table may be split by (``by=``), besides the respondent attributes."""

RESPONDENT_FIXED: frozenset[str] = frozenset(
    {"id", "label", "group", "trial", "members", "attributes"}
)
"""Fixed columns of ``Project.respondents()``: every other column is an attribute."""


def prepare(codings: pd.DataFrame) -> pd.DataFrame:
    """Check that ``codings`` is a codings frame and return it (unchanged when valid,
    except that code ids that are not text are turned into text).

    An empty frame may lack columns (``pd.DataFrame()``): it gets them, empty, so every
    analysis returns an empty, well-labelled result. A non-empty frame missing a column
    the analyses need raises :class:`~qualcode.errors.QualcodeError` naming it.
    """
    if not isinstance(codings, pd.DataFrame):
        raise QualcodeError(
            f"codings must be a pandas DataFrame (as Project.codings() returns), "
            f"not {type(codings).__name__}."
        )
    missing = [c for c in REQUIRED_COLUMNS if c not in codings.columns]
    if not missing:
        code_id = codings["code_id"]
        if len(codings) and not pd.api.types.is_string_dtype(code_id):
            # code ids are text (slugs); numbers would not match the ids asked for
            codings = codings.assign(code_id=code_id.where(code_id.isna(), code_id.astype(str)))
        return codings
    if len(codings) == 0:
        extra = pd.DataFrame({c: pd.Series([], dtype=object) for c in missing})
        return pd.concat([codings.reset_index(drop=True), extra], axis=1)
    raise QualcodeError(
        f"The codings frame lacks the column(s) {', '.join(missing)}; pass the frame "
        "Project.codings() returns (columns " + ", ".join(REQUIRED_COLUMNS) + ", ...)."
    )


def attribute_columns(codings: pd.DataFrame) -> list[str]:
    """The respondent attribute columns of a codings frame, in frame order.

    ``codings.attrs["attributes"]`` (a list of column names), when the frame carries it,
    says which columns are attributes; otherwise every column outside
    :data:`CORE_COLUMNS` is one.
    """
    declared = codings.attrs.get("attributes")
    if declared is not None:
        names = {str(a) for a in declared}
        return [c for c in codings.columns if c in names]
    return [c for c in codings.columns if c not in CORE_COLUMNS]


def respondent_attribute_columns(respondents: pd.DataFrame) -> list[str]:
    """The attribute columns of a respondents frame (``Project.respondents()``)."""
    return [c for c in respondents.columns if c not in RESPONDENT_FIXED]


def check_by(codings: pd.DataFrame, by: str) -> str:
    """Check that ``by`` names a column a table can be split by, and return it.

    Allowed: ``group``, the respondent attributes of the frame, and the fixed columns
    in :data:`SPLIT_COLUMNS` (``document_kind``, ``coder``, ``rq``, ...).
    """
    attributes = attribute_columns(codings)
    if isinstance(by, str) and (by in attributes or (by in SPLIT_COLUMNS and by in codings)):
        return by
    known = ", ".join(attributes) if attributes else "none"
    raise QualcodeError(
        f"Cannot split by {by!r}: it is not group nor an attribute any respondent has. "
        f"Respondent attributes in these codings: {known}. Other columns you can split "
        f"by: {', '.join(SPLIT_COLUMNS)}."
    )


def as_list(value: Any) -> list[Any]:
    """``value`` as a list: a string (or other scalar) becomes a one-item list."""
    if value is None:
        return []
    if isinstance(value, (str, bytes)) or not isinstance(value, Iterable):
        return [value]
    return list(value)


def check_valences(valence: Any) -> list[str]:
    """The valences asked for, checked against ``+``, ``-``, ``0``."""
    values = [str(v) for v in as_list(valence)]
    bad = [v for v in values if v not in VALENCES]
    if bad:
        raise QualcodeError(
            f"Valence {', '.join(map(repr, bad))} is not one of '+' (positive), "
            "'-' (negative) or '0' (neutral)."
        )
    return values


def check_valence_column(codings: pd.DataFrame) -> None:
    """Refuse codings whose valence is not ``+``, ``-`` or ``0`` (naming them)."""
    bad = ~codings["valence"].isin(VALENCES)
    if bad.any():
        ids = codings.loc[bad, "id"].head(5).tolist()
        values = sorted({str(v) for v in codings.loc[bad, "valence"]})
        raise QualcodeError(
            f"Coding(s) {', '.join(map(str, ids))} have valence {', '.join(values)}; "
            "valence must be '+', '-' or '0'. Fix those codings first."
        )


def _is_true(column: pd.Series) -> np.ndarray:
    """Rows whose value is True (missing counts as False), as a numpy bool array."""
    return column.eq(True).fillna(False).to_numpy(dtype=bool)


def _match(column: pd.Series, values: list[Any]) -> pd.Series:
    """Rows whose value is one of ``values``, comparing as text when types differ."""
    mask = column.isin(values).fillna(False).astype(bool)
    text = {str(v) for v in values}
    if not mask.all():
        mask |= (column.notna() & column.astype(str).isin(text)).fillna(False).astype(bool)
    return mask


def filter_codings(
    codings: pd.DataFrame,
    rq: str | Iterable[str] | None = None,
    group: str | Iterable[str] | None = None,
    attribute: str | None = None,
    value: Any = None,
    valence: str | Iterable[str] | None = None,
    coder: str | Iterable[str] | None = None,
    include_trial: bool = True,
) -> pd.DataFrame:
    """Select codings; every argument left at its default selects everything.

    - ``rq``: research question(s) of the code (``"RQ1"`` or ``["RQ1", "RQ2"]``);
    - ``group``: respondent group(s) (head_teacher, teacher, officer, parent, child);
    - ``attribute`` and ``value``: a respondent attribute and the value(s) to keep
      (``attribute="setting_type", value="rural primary"``); both or neither;
    - ``valence``: ``"+"``, ``"-"``, ``"0"`` or several;
    - ``coder``: coder name(s);
    - ``include_trial``: ``False`` drops codings of trial (pilot) interviews.

    Returns the selected rows (the frame itself when nothing is filtered). Raises
    :class:`~qualcode.errors.QualcodeError` for an unknown group, valence or attribute.
    """
    codings = prepare(codings)
    mask = np.ones(len(codings), dtype=bool)
    if rq is not None:
        mask &= _match(codings["rq"], as_list(rq)).to_numpy(dtype=bool)
    if group is not None:
        groups = as_list(group)
        bad = [g for g in groups if g not in GROUPS]
        if bad:
            raise QualcodeError(
                f"Group {', '.join(map(repr, bad))} is not one of {', '.join(GROUPS)}."
            )
        mask &= codings["group"].isin(groups).to_numpy(dtype=bool)
    if (attribute is None) != (value is None):
        raise QualcodeError(
            "Give both attribute and value to select by a respondent attribute "
            "(e.g. attribute='setting_type', value='rural primary'), or neither."
        )
    if attribute is not None:
        attributes = attribute_columns(codings)
        if attribute not in attributes:
            known = ", ".join(attributes) if attributes else "none"
            raise QualcodeError(
                f"No respondent has the attribute {attribute!r}. Attributes in these "
                f"codings: {known}."
            )
        mask &= _match(codings[attribute], as_list(value)).to_numpy(dtype=bool)
    if valence is not None:
        mask &= codings["valence"].isin(check_valences(valence)).to_numpy(dtype=bool)
    if coder is not None:
        mask &= codings["coder"].isin(as_list(coder)).to_numpy(dtype=bool)
    if not include_trial:
        mask &= ~_is_true(codings["trial"])
    if mask.all():
        return codings
    return codings.loc[mask]


FILTER_KEYS: frozenset[str] = frozenset(
    {"rq", "group", "attribute", "value", "valence", "coder", "include_trial"}
)


def apply_filters(codings: pd.DataFrame, filters: Mapping[str, Any]) -> pd.DataFrame:
    """:func:`filter_codings` with keyword filters collected by an analysis function."""
    unknown = sorted(set(filters) - FILTER_KEYS)
    if unknown:
        raise QualcodeError(
            f"Unknown filter(s) {', '.join(unknown)}; filters are "
            f"{', '.join(sorted(FILTER_KEYS))}."
        )
    return filter_codings(codings, **filters)


def filter_respondents(respondents: pd.DataFrame, filters: Mapping[str, Any]) -> pd.DataFrame:
    """Apply the respondent-level filters (group, attribute/value, include_trial)."""
    if not isinstance(respondents, pd.DataFrame):
        raise QualcodeError(
            "respondents must be a pandas DataFrame (as Project.respondents() returns)."
        )
    missing = [c for c in ("id", "label", "group") if c not in respondents.columns]
    if missing:
        raise QualcodeError(
            f"The respondents frame lacks the column(s) {', '.join(missing)}; pass the "
            "frame Project.respondents() returns."
        )
    mask = np.ones(len(respondents), dtype=bool)
    if filters.get("group") is not None:
        mask &= respondents["group"].isin(as_list(filters["group"])).to_numpy(dtype=bool)
    attribute = filters.get("attribute")
    if attribute is not None and attribute in respondents.columns:
        mask &= _match(respondents[attribute], as_list(filters.get("value"))).to_numpy(
            dtype=bool)
    if filters.get("include_trial") is False and "trial" in respondents.columns:
        mask &= ~_is_true(respondents["trial"])
    return respondents.loc[mask]


def ordered(values: Iterable[Hashable], by: str) -> list[Hashable]:
    """Distinct non-missing ``values`` in table order: the study's order for ``group``
    (head_teacher, teacher, officer, parent, child); otherwise numbers in numeric order
    and anything else sorted as text."""
    if isinstance(values, (pd.Series, pd.Index)):
        values = values.dropna().unique().tolist()
    distinct = {v for v in values if not pd.isna(v)}  # type: ignore[call-overload]
    if by == "group":
        rank = {g: i for i, g in enumerate(GROUPS)}
        return sorted(distinct, key=lambda v: (rank.get(str(v), len(rank)), str(v)))
    if all(isinstance(v, (int, float, np.number)) for v in distinct):
        return sorted(distinct)  # type: ignore[type-var]
    return sorted(distinct, key=str)


def code_names(codebook: pd.DataFrame | None) -> dict[str, str]:
    """Code id -> name from a codebook frame (``Project.codebook()``); empty without one."""
    if codebook is None:
        return {}
    check_codebook(codebook)
    names = codebook.set_index("id")["name"] if "name" in codebook else pd.Series(dtype=str)
    return {str(k): str(v) for k, v in names.items() if not pd.isna(v)}


def code_rqs(codebook: pd.DataFrame | None) -> dict[str, str]:
    """Code id -> research question from a codebook frame; empty without one."""
    if codebook is None or "rq" not in codebook:
        return {}
    check_codebook(codebook)
    pairs = zip(codebook["id"], codebook["rq"], strict=True)
    return {str(k): str(v) for k, v in pairs if not pd.isna(v)}


def check_codebook(codebook: pd.DataFrame) -> None:
    """Refuse a codebook that is not a frame with an ``id`` column."""
    if not isinstance(codebook, pd.DataFrame) or "id" not in codebook.columns:
        raise QualcodeError(
            "codebook must be a DataFrame with columns id, name, parent_id, rq "
            "(as Project.codebook() returns)."
        )


def known_codes(codings: pd.DataFrame, codebook: pd.DataFrame | None
                ) -> tuple[set[str], str]:
    """The code ids a caller may name, and where they come from (for messages): the
    codebook's when one is given, else those that occur in ``codings``."""
    if codebook is not None:
        check_codebook(codebook)
        return set(codebook["id"].astype(str)), "the codebook"
    return (set(codings["code_id"].dropna().astype(str).unique().tolist()),
            "these codings (pass codebook= to allow codes that have no codings yet)")


def check_codes(
    codes: Iterable[str], codings: pd.DataFrame, codebook: pd.DataFrame | None
) -> list[str]:
    """Check code ids asked for by the caller; return them without repeats, in order.

    With a codebook the ids must be in it (a code with no codings is allowed); without
    one they must occur in ``codings``. An unknown id raises a QualcodeError naming it.
    """
    wanted = list(dict.fromkeys(str(c) for c in as_list(codes)))
    if not wanted:
        raise QualcodeError("No codes given: name at least one code id.")
    known, where = known_codes(codings, codebook)
    unknown = [c for c in wanted if c not in known]
    if unknown:
        raise QualcodeError(f"Unknown code id(s) {', '.join(unknown)}: not in {where}.")
    return wanted


def safe_divide(numerator: Any, denominator: Any) -> np.ndarray:
    """``numerator / denominator`` as floats, NaN where the denominator is 0."""
    num = np.asarray(numerator, dtype=float)
    den = np.asarray(denominator, dtype=float)
    out = np.full(np.broadcast(num, den).shape, np.nan)
    np.divide(num, den, out=out, where=den != 0)
    return out
