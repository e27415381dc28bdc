"""Bring a project's schema up to date with Alembic, backing up SQLite files first."""

from __future__ import annotations

import sqlite3
from datetime import datetime
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine

from qualcode.errors import ProjectError
from qualcode.store.engine import sqlite_file

MIGRATIONS = Path(__file__).with_name("migrations")


def alembic_config() -> Config:
    """An Alembic configuration pointing at qualcode's migrations (no alembic.ini needed)."""
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    return cfg


def head_revision() -> str:
    """The newest migration this version of qualcode knows."""
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None
    return head


def current_revision(engine: Engine) -> str | None:
    """The revision the database is at, or None for an empty database."""
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def backup_sqlite(db_file: Path, revision: str) -> Path:
    """Copy an SQLite project (consistently, with the backup API) before a migration."""
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    target = db_file.with_name(f"{db_file.name}.backup-{revision}-{stamp}")
    src = sqlite3.connect(str(db_file))
    try:
        dst = sqlite3.connect(str(target))
        try:
            src.backup(dst)
        finally:
            dst.close()
    finally:
        src.close()
    return target


def upgrade(engine: Engine) -> Path | None:
    """Migrate the database to the newest schema; returns the backup file if one was made."""
    script = ScriptDirectory.from_config(alembic_config())
    head = head_revision()
    current = current_revision(engine)
    if current == head:
        return None
    if current is not None and current not in {r.revision for r in script.walk_revisions()}:
        raise ProjectError(
            f"This project was written by a newer qualcode (schema {current}); "
            "upgrade qualcode to open it."
        )
    backup = None
    db_file = sqlite_file(str(engine.url))
    if current is not None and db_file is not None and db_file.exists():
        backup = backup_sqlite(db_file, current)
    cfg = alembic_config()
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")
    return backup
