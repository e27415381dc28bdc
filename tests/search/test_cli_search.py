"""The search and autocode commands, on a copy of the demo study."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import qualcode
from qualcode.cli import main


def test_search_prints_keyword_in_context_and_saves(demo_copy: Path,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["search", str(demo_copy), "fund", "--save", "money"]) == 0
    out = capsys.readouterr().out
    assert "hit(s) for 'fund' (lemma)" in out and "[" in out and "hits by group" in out
    assert main(["search", str(demo_copy), "--saved", "money", "--json"]) == 0
    hits = json.loads(capsys.readouterr().out)
    assert hits and all(h["hit"].lower().startswith("fund") for h in hits)
    assert main(["search", str(demo_copy), "[unclosed", "--mode", "regex"]) == 2


def test_autocode_preview_then_code_then_undo(demo_copy: Path,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["autocode", str(demo_copy), "CAF", "caf", "--preview"]) == 0
    assert "would make" in capsys.readouterr().out
    assert main(["autocode", str(demo_copy), "CAF", "caf", "--coder", "auto"]) == 0
    assert "One undo reverses it" in capsys.readouterr().out
    with qualcode.open_project(str(demo_copy)) as project:
        made = project.codings()
        assert len(made) > 5 and set(made.source) == {"autocode"}
    assert main(["code", str(demo_copy), "--undo", "--coder", "auto"]) == 0
    with qualcode.open_project(str(demo_copy)) as project:
        assert project.codings().empty
    assert main(["autocode", str(demo_copy), "CAF", "no_such_code"]) == 2
