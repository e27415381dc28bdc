"""respondents.csv: validated row by row; re-import updates attributes and nothing else."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

import qualcode
from qualcode.errors import RespondentError
from tests.conftest import RESPONDENTS_CSV, count_rows


def write(tmp_path: Path, text: str, name: str = "respondents.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_respondents_with_attributes_are_imported(small_project: qualcode.Project) -> None:
    frame = small_project.respondents().set_index("label")
    assert list(frame.index) == ["HT1", "T1", "O1", "C1"]
    assert frame.loc["HT1", "group"] == "head_teacher"
    assert frame.loc["O1", "trial"]
    assert not frame.loc["HT1", "trial"]
    assert frame.loc["C1", "members"] == 4
    assert frame.loc["HT1", "setting_type"] == "rural primary"
    assert frame.loc["O1", "attributes"] == {"gender": "female"}  # empty cells are left out


def test_reimport_updates_attributes_and_adds_new(small_project: qualcode.Project,
                                                  tmp_path: Path) -> None:
    changed = RESPONDENTS_CSV.replace("1,HT1,head_teacher,no,1,female,rural primary",
                                      "1,HT1,head_teacher,no,1,female,infant school")
    changed += "5,P1,parent,no,1,female,rural primary\n"
    counts = small_project.import_respondents(write(tmp_path, changed, "again.csv"))
    assert counts == {"added": 1, "updated": 4}
    frame = small_project.respondents().set_index("label")
    assert frame.loc["HT1", "setting_type"] == "infant school"
    assert len(frame) == 5


def test_file_like_objects_are_read(project: qualcode.Project) -> None:
    counts = project.import_respondents(io.BytesIO(RESPONDENTS_CSV.encode("utf-8-sig")))
    assert counts["added"] == 4


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("id,label,group\n1,HT1,headteacher\n",
         r"row 2: group 'headteacher' is not one of head_teacher, teacher, officer, parent, child"),
        ("id,label,group\n1,HT1,head_teacher\n1,HT2,head_teacher\n",
         r"row 3: id 1 is already used on row 2"),
        ("id,label,group\n1,HT1,head_teacher\n2,ht1,teacher\n", r"row 3: label 'ht1' is already used"),
        ("id,label\n1,HT1\n", r"missing column\(s\) group"),
        ("id,label,group\nx,HT1,teacher\n", r"row 2: id 'x' is not a whole number"),
        ("id,label,group,trial\n1,HT1,teacher,maybe\n", r"row 2: trial 'maybe' must be yes or no"),
        ("id,label,group,members\n1,C1,child,none\n", r"row 2: members 'none' must be a whole"),
        ("id,label,group\n1,Mrs Smith,teacher\n", r"row 2: label 'Mrs Smith' must be a short"),
        ("", r"is empty"),
        ("id,label,group\n", r"no respondents"),
    ],
)
def test_bad_rows_are_refused_and_nothing_changes(small_project: qualcode.Project,
                                                 tmp_path: Path, text: str, message: str) -> None:
    before = count_rows(small_project)
    attributes_before = small_project.respondents().to_dict()
    with pytest.raises(RespondentError, match=message):
        small_project.import_respondents(write(tmp_path, text, "bad.csv"))
    assert count_rows(small_project) == before
    assert small_project.respondents().to_dict() == attributes_before


def test_a_label_owned_by_another_respondent_is_refused(small_project: qualcode.Project,
                                                        tmp_path: Path) -> None:
    with pytest.raises(RespondentError, match="already belongs to respondent 1"):
        small_project.import_respondents(write(tmp_path, "id,label,group\n9,HT1,teacher\n"))
    assert len(small_project.respondents()) == 4


def test_cli_exits_2_with_the_message(small_project: qualcode.Project, tmp_path: Path,
                                      capsys: pytest.CaptureFixture[str]) -> None:
    from qualcode.cli import main

    db = small_project.engine.url.database
    bad = write(tmp_path, "id,label,group\n1,HT1,nurse\n", "bad.csv")
    assert main(["respondents", db, str(bad)]) == 2
    assert "row 2: group 'nurse'" in capsys.readouterr().err
