"""House rules a reviewer would otherwise have to check by eye."""

from __future__ import annotations

import re
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "qualcode"


def test_library_never_imports_streamlit() -> None:
    offenders = [
        str(p.relative_to(PACKAGE))
        for p in PACKAGE.rglob("*.py")
        if re.search(r"^\s*(import streamlit|from streamlit)", p.read_text(), re.MULTILINE)
    ]
    assert offenders == []


def test_library_never_prints() -> None:
    allowed = {"cli.py"}
    offenders = [
        str(p.relative_to(PACKAGE))
        for p in PACKAGE.rglob("*.py")
        if p.name not in allowed and re.search(r"^\s*print\(", p.read_text(), re.MULTILINE)
    ]
    assert offenders == []


def test_streamlit_sends_no_usage_statistics_and_binds_to_loopback() -> None:
    config = (PACKAGE.parent / ".streamlit" / "config.toml").read_text()
    assert re.search(r"gatherUsageStats\s*=\s*false", config)
    assert re.search(r'address\s*=\s*"127\.0\.0\.1"', config)
