"""Fixtures for workspace tests: a private copy of the demo study per test."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

import qualcode


@pytest.fixture
def demo_copy(demo_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the demo project file that a test may change; settings kept in tmp_path."""
    monkeypatch.setenv("QUALCODE_CONFIG_DIR", str(tmp_path / "config"))
    target = tmp_path / "demo.qualcode"
    with qualcode.open_project(demo_dir / "demo.qualcode") as source, \
            source.engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    shutil.copy(demo_dir / "demo.qualcode", target)
    return target


def app_test(page: str, project: Path, timeout: int = 30):  # type: ignore[no-untyped-def]
    """An AppTest of one page script with the project chosen in the session."""
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(Path(__file__).resolve().parents[2] / page),
                           default_timeout=timeout)
    at.session_state["project_path"] = str(project)
    at.session_state["coder"] = "ui tester"
    return at
