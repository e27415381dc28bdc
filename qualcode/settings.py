"""Per-user settings kept on this machine: the coder's name and recent projects.

Stored as JSON in ``$QUALCODE_CONFIG_DIR`` or ``$XDG_CONFIG_HOME/qualcode`` (by default
``~/.config/qualcode``). Nothing about the interviews is stored here.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

RECENT_LIMIT = 8


def config_dir() -> Path:
    """The folder holding settings.json."""
    if os.environ.get("QUALCODE_CONFIG_DIR"):
        return Path(os.environ["QUALCODE_CONFIG_DIR"])
    base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / "qualcode"


def load() -> dict[str, Any]:
    """The saved settings (empty when none are saved or the file is unreadable)."""
    path = config_dir() / "settings.json"
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def save(**changes: Any) -> dict[str, Any]:
    """Update and save settings; returns them."""
    data = load()
    data.update(changes)
    folder = config_dir()
    try:
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "settings.json").write_text(json.dumps(data, indent=2), encoding="utf-8")
    except OSError:
        pass  # a read-only home must not stop anyone working; settings are a convenience
    return data


def remember_project(path_or_url: str) -> list[str]:
    """Put a project at the top of the recent list; returns the list."""
    recent = [p for p in load().get("recent_projects", []) if p != path_or_url]
    recent.insert(0, path_or_url)
    return save(recent_projects=recent[:RECENT_LIMIT])["recent_projects"]


def recent_projects() -> list[str]:
    """Recently opened projects, newest first."""
    return list(load().get("recent_projects", []))


def coder_name(default: str = "") -> str:
    """The coder name chosen last time on this machine."""
    return str(load().get("coder", default))
