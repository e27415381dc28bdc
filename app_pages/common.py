"""What every page shares: the open project, the coder, and errors shown as messages."""

from __future__ import annotations

import argparse
import math
import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

import streamlit as st

from qualcode import Project, QualcodeError, open_project, settings

T = TypeVar("T")


def _project_from_command_line() -> str | None:
    parser = argparse.ArgumentParser(add_help=False)
    parser.add_argument("--project")
    args, _unknown = parser.parse_known_args(sys.argv[1:])
    return args.project


def chosen_project() -> str | None:
    """The project path or URL: chosen in this session, else --project, else QUALCODE_PROJECT."""
    return (
        st.session_state.get("project_path")
        or _project_from_command_line()
        or os.environ.get("QUALCODE_PROJECT")
    )


@st.cache_resource(show_spinner=False)
def _open(path_or_url: str) -> Project:
    # Cached per path for every session: never mutated (coders get for_coder copies).
    return open_project(path_or_url)


def coder() -> str:
    """This browser session's coder name (remembered on this machine)."""
    if "coder" not in st.session_state:
        st.session_state["coder"] = settings.coder_name() or "analyst"
    return str(st.session_state["coder"])


def current_project() -> Project | None:
    """The open project acting for this session's coder, or None when none is chosen."""
    path = chosen_project()
    if not path:
        return None
    try:
        return _open(path).for_coder(coder())
    except QualcodeError as exc:
        st.error(str(exc))
        return None


def require_project() -> Project:
    """The open project, or stop the page with a pointer to the Project page."""
    project = current_project()
    if project is None:
        st.info("No project is open: choose one on the Project page.")
        st.page_link("app_pages/project.py", label="Go to the Project page")
        st.stop()
    st.sidebar.caption(f"Project **{md(project.name)}** · coding as **{md(coder())}** "
                       "(change it on the Project page)")
    return project


@contextmanager
def user_errors() -> Iterator[None]:
    """Show a QualcodeError as a message that says what to do, never as a traceback."""
    try:
        yield
    except QualcodeError as exc:
        st.error(str(exc))


def attempt(action: Callable[[], T], success: str | None = None) -> T | None:
    """Run a library call; show its error as a message, or the success note, and return it."""
    try:
        result = action()
    except QualcodeError as exc:
        st.error(str(exc))
        return None
    if success:
        st.toast(success)
    return result


def act(action: Callable[[], object], success: str) -> bool:
    """Run a library call that changes the project. On success keep ``success`` to show
    after the rerun and return True; on a QualcodeError show it and return False."""
    try:
        action()
    except QualcodeError as exc:
        st.error(str(exc))
        return False
    flash(success)
    return True


def flash(message: str) -> None:
    """A message to show once after the next rerun (e.g. after a button changed data)."""
    st.session_state.setdefault("_flash", []).append(message)


def show_flash() -> None:
    """Show and clear pending flash messages."""
    for message in st.session_state.pop("_flash", []):
        st.success(message)


def code_options(project: Project, codable_only: bool = True) -> dict[str, str]:
    """Codes for a picker: label 'name (id)' with indentation by depth -> code id."""
    book = project.codebook()
    depth: dict[str, int] = {}
    options: dict[str, str] = {}
    for row in book.itertuples():
        parent = row.parent_id if isinstance(row.parent_id, str) else None
        depth[row.id] = depth.get(parent, -1) + 1 if parent else 0
        if codable_only and (not row.codable or row.archived):
            continue
        prefix = "  " * depth[row.id]
        rq = f"[{row.rq}] " if isinstance(row.rq, str) and row.rq else ""
        options[f"{prefix}{rq}{row.name} ({row.id})"] = row.id
    return options


def text(value: object) -> str:
    """A cell as text: '' for a missing value (None or NaN), else its string."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    return str(value)


_MARKDOWN_SPECIAL = "\\`*_{}[]()#+-.!|<>~$="


def md(text: object) -> str:
    """Escape user text (transcripts, code names, memos) for st.markdown, so that HTML,
    links and Markdown syntax in it show as the characters they are."""
    out = []
    for char in str(text):
        out.append("\\" + char if char in _MARKDOWN_SPECIAL else char)
    return "".join(out).replace("\n", "  \n")


def frame_height(rows: int, row_px: int = 35, limit: int = 600) -> Any:
    """A dataframe height that fits ``rows`` without a scroll bar, up to ``limit`` pixels."""
    return min(limit, 38 + row_px * max(rows, 1))
