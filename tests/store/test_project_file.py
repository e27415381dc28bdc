"""A project is one SQLite file with WAL and foreign keys, migrated by Alembic, backed up."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import text

import qualcode
from qualcode.errors import ProjectError
from qualcode.store.engine import make_engine
from qualcode.store.migrate import alembic_config, current_revision, head_revision


def test_new_project_is_an_sqlite_file_at_the_newest_schema(tmp_path: Path) -> None:
    path = tmp_path / "study.qualcode"
    with qualcode.open_project(path) as project:
        assert current_revision(project.engine) == head_revision()
        with project.engine.connect() as conn:
            assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
            assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
    assert path.exists()
    tables = {r[0] for r in sqlite3.connect(path).execute(
        "select name from sqlite_master where type='table'")}
    assert {"respondents", "documents", "segments", "codes", "codings", "audit_log",
            "alembic_version"} <= tables


def test_reopening_an_up_to_date_project_makes_no_backup(tmp_path: Path) -> None:
    path = tmp_path / "study.qualcode"
    qualcode.open_project(path).close()
    with qualcode.open_project(path) as project:
        assert project.backup is None
    assert not list(tmp_path.glob("*.backup-*"))


def test_an_older_schema_is_backed_up_then_migrated_keeping_the_data(tmp_path: Path) -> None:
    path = tmp_path / "study.qualcode"
    engine = make_engine(path)
    cfg = alembic_config()
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "0001")
    with engine.begin() as conn:
        conn.execute(text("insert into respondents (id, label, \"group\", trial, members, "
                          "attributes) values (1, 'HT1', 'head_teacher', 0, 1, '{}')"))
    engine.dispose()

    with qualcode.open_project(path) as project:
        assert project.backup is not None and project.backup.exists()
        assert current_revision(project.engine) == head_revision()
        assert project.respondents()["label"].tolist() == ["HT1"]
    backup = sqlite3.connect(project.backup)
    assert backup.execute("select version_num from alembic_version").fetchone() == ("0001",)
    assert backup.execute("select label from respondents").fetchall() == [("HT1",)]


def test_a_project_from_a_newer_qualcode_is_refused_untouched(tmp_path: Path) -> None:
    path = tmp_path / "study.qualcode"
    qualcode.open_project(path).close()
    con = sqlite3.connect(path)
    con.execute("update alembic_version set version_num='9999_future'")
    con.commit()
    con.close()
    with pytest.raises(ProjectError, match="newer qualcode"):
        qualcode.open_project(path)
    assert not list(tmp_path.glob("*.backup-*"))


def test_a_project_that_is_not_a_database_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "notes.qualcode"
    path.write_text("this is a transcript, not a project\n" * 100)
    with pytest.raises(ProjectError, match="Cannot open .* as a qualcode project"):
        qualcode.open_project(path)
    assert path.read_text().startswith("this is a transcript")


def test_opening_a_missing_project_without_create_says_so(tmp_path: Path) -> None:
    with pytest.raises(ProjectError, match="No project at"):
        qualcode.open_project(tmp_path / "missing.qualcode", create=False)


def test_missing_folder_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(ProjectError, match="does not exist"):
        qualcode.open_project(tmp_path / "nowhere" / "study.qualcode")


def test_url_projects_work(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'by-url.qualcode'}"
    with qualcode.open_project(url) as project:
        assert project.info()["documents"] == 0
