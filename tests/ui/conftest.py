"""Helpers for workspace tests (the demo_copy fixture is in tests/conftest.py)."""

from __future__ import annotations

from pathlib import Path


def app_test(page: str, project: Path, timeout: int = 30):  # type: ignore[no-untyped-def]
    """An AppTest of one page script with the project chosen in the session."""
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(Path(__file__).resolve().parents[2] / page),
                           default_timeout=timeout)
    at.session_state["project_path"] = str(project)
    at.session_state["coder"] = "ui tester"
    return at
