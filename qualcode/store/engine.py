"""Engines from a project path or a SQLAlchemy URL.

A plain path means an SQLite file (the embedded default, one file per project); anything
with ``://`` is a SQLAlchemy URL (PostgreSQL for teams). SQLite connections get foreign
keys, WAL journaling and a busy timeout so that two processes (two browser tabs, the CLI
and the workspace) can write to one project without losing anything.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from qualcode.errors import ProjectError

BUSY_TIMEOUT_MS = 30_000


def project_url(path_or_url: str | os.PathLike[str]) -> str:
    """The SQLAlchemy URL for a project path (SQLite file) or URL (returned as is)."""
    text = os.fspath(path_or_url)
    if "://" in text:
        return text
    return "sqlite:///" + str(Path(text).expanduser().resolve())


def sqlite_file(url: str) -> Path | None:
    """The SQLite database file behind a URL, or None for other databases and :memory:."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or not parsed.database:
        return None
    if parsed.database == ":memory:":
        return None
    return Path(parsed.database)


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    cursor.close()


def make_engine(path_or_url: str | os.PathLike[str]) -> Engine:
    """Create an engine for a project. Does not create tables (see ``store.migrate``)."""
    url = project_url(path_or_url)
    try:
        parsed = make_url(url)
    except ArgumentError as exc:
        raise ProjectError(
            f"{url!r} is not a project path or a database URL: {exc}. Give a file path "
            "such as study.qualcode, or a URL such as postgresql+psycopg://user@host/db."
        ) from exc
    db_file = sqlite_file(url)
    if db_file is not None:
        if db_file.exists() and db_file.is_dir():
            raise ProjectError(f"{db_file} is a folder, not a project file: give a file path.")
        if not db_file.parent.exists():
            raise ProjectError(
                f"The folder {db_file.parent} does not exist: create it or choose another path."
            )
        engine = create_engine(url, connect_args={"timeout": BUSY_TIMEOUT_MS / 1000})
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    try:
        return create_engine(parsed, pool_pre_ping=True)
    except ImportError as exc:  # a missing database driver
        raise ProjectError(
            f"No driver for {parsed.get_backend_name()}: {exc}. For PostgreSQL install the "
            "extra: pip install 'qualcode[postgres]'."
        ) from exc
