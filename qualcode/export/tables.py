"""CSV and XLSX tables that a spreadsheet opens safely.

UTF-8 with a header row. A cell that starts with ``=``, ``+``, ``-`` or ``@`` (or a tab or
carriage return) is neutralised with a leading apostrophe so that Excel or LibreOffice
shows it as text instead of running it as a formula; valence marks ``+`` and ``-``
therefore read ``'+`` and ``'-`` in a spreadsheet, exactly as typed.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import IO, Any

import pandas as pd

DANGEROUS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: Any) -> Any:
    """Make one cell safe for a spreadsheet (text starting like a formula gets a ``'``)."""
    if isinstance(value, str) and value.startswith(DANGEROUS):
        return "'" + value
    if isinstance(value, (list, tuple, set)):
        return neutralise("; ".join(str(v) for v in value))
    if isinstance(value, dict):
        return neutralise("; ".join(f"{k}={v}" for k, v in value.items()))
    return value


def safe_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of the frame with every text cell neutralised and lists joined with '; '."""
    out = frame.copy()
    for column in out.columns:
        if out[column].dtype == object or pd.api.types.is_string_dtype(out[column]):
            out[column] = out[column].map(neutralise)
    if isinstance(out.columns, pd.MultiIndex):
        out.columns = [" ".join(str(p) for p in col if str(p)) for col in out.columns]
    return out


def write_csv(frame: pd.DataFrame, target: str | os.PathLike[str] | IO[str]) -> None:
    """Write a table as UTF-8 CSV (with BOM, so Excel reads the accents) and a header row."""
    safe_frame(frame).to_csv(target, index=False, encoding="utf-8-sig")


def write_xlsx(sheets: Mapping[str, pd.DataFrame], target: str | os.PathLike[str] | IO[bytes]
               ) -> None:
    """Write one or more tables as sheets of an XLSX workbook (openpyxl)."""
    with pd.ExcelWriter(target, engine="openpyxl") as writer:
        for name, frame in sheets.items():
            safe_frame(frame).to_excel(writer, sheet_name=name[:31] or "Sheet", index=False)
