"""What every page shares: which project is open, and showing errors as messages."""

from __future__ import annotations

import argparse
import os
import sys

import streamlit as st

from qualcode import Project, QualcodeError, open_project


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
    return open_project(path_or_url)


def current_project() -> Project | None:
    """The open project (cached per path), or None with a message when none is chosen."""
    path = chosen_project()
    if not path:
        return None
    try:
        return _open(path)
    except QualcodeError as exc:
        st.error(str(exc))
        return None


def require_project() -> Project:
    """The open project, or stop the page with a pointer to the Project page."""
    project = current_project()
    if project is None:
        st.info("No project is open: choose one on the Project page.")
        st.stop()
    return project
