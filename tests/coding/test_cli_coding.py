"""The coding commands of the CLI: code, undo, extracts, coverage."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

import qualcode
from qualcode.cli import main
from tests.conftest import seg


def test_code_extracts_coverage_and_undo(coding_project: qualcode.Project, tmp_path: Path,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    db = coding_project.engine.url.database
    a = seg(coding_project, "Funding, mostly.")
    b = seg(coding_project, "The money stops after a year.")
    assert main(["code", db, "--segments", f"{a}-{b}", "--codes", "finance", "--valence", "-",
                 "--coder", "cli"]) == 0
    assert main(["extracts", db, "finance", "--json"]) == 0
    out = capsys.readouterr().out
    rows = json.loads(out[out.index("["):])
    assert rows[0]["text"] == "Funding, mostly. The money stops after a year."
    assert rows[0]["locator"] == "HT1/T2" and rows[0]["valence"] == "-"
    target = tmp_path / "extracts.csv"
    assert main(["extracts", db, "finance", "--csv", str(target)]) == 0
    with target.open(encoding="utf-8-sig") as fh:
        written = list(csv.DictReader(fh))
    assert written[0]["valence"] == "'-"  # neutralised so a spreadsheet shows it as text
    assert main(["coverage", db, "--json"]) == 0
    cov = json.loads(capsys.readouterr().out.split("\n", 1)[1])
    assert cov[-1]["title"] == "All documents" and cov[-1]["coded"] == 2
    assert main(["code", db, "--undo", "--coder", "cli"]) == 0
    assert "Undone" in capsys.readouterr().out
    assert coding_project.codings().empty


def test_bad_code_command_exits_2(coding_project: qualcode.Project,
                                  capsys: pytest.CaptureFixture[str]) -> None:
    db = coding_project.engine.url.database
    assert main(["code", db, "--segments", "1", "--codes", "nope"]) == 2
    assert "no code 'nope'" in capsys.readouterr().err
    assert main(["extracts", db, "finance AND ("]) == 2
