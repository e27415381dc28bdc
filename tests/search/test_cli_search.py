"""The search and autocode commands, on a copy of the demo study."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

import qualcode
from qualcode.cli import main


@pytest.fixture
def demo_file(demo_dir: Path, tmp_path: Path) -> str:
    with qualcode.open_project(demo_dir / "demo.qualcode") as source:
        with source.engine.connect() as conn:
            conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    shutil.copy(demo_dir / "demo.qualcode", tmp_path / "demo.qualcode")
    return str(tmp_path / "demo.qualcode")


def test_search_prints_keyword_in_context_and_saves(demo_file: str,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["search", demo_file, "fund", "--save", "money"]) == 0
    out = capsys.readouterr().out
    assert "hit(s) for 'fund' (lemma)" in out and "[" in out and "hits by group" in out
    assert main(["search", demo_file, "--saved", "money", "--json"]) == 0
    hits = json.loads(capsys.readouterr().out)
    assert hits and all(h["hit"].lower().startswith("fund") for h in hits)
    assert main(["search", demo_file, "[unclosed", "--mode", "regex"]) == 2


def test_autocode_preview_then_code_then_undo(demo_file: str,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["autocode", demo_file, "CAF", "caf", "--preview"]) == 0
    assert "would make" in capsys.readouterr().out
    assert main(["autocode", demo_file, "CAF", "caf", "--coder", "auto"]) == 0
    assert "One undo reverses it" in capsys.readouterr().out
    with qualcode.open_project(demo_file) as project:
        made = project.codings()
        assert len(made) > 5 and set(made.source) == {"autocode"}
    assert main(["code", demo_file, "--undo", "--coder", "auto"]) == 0
    with qualcode.open_project(demo_file) as project:
        assert project.codings().empty
    assert main(["autocode", demo_file, "CAF", "no_such_code"]) == 2
