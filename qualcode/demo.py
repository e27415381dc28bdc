"""The demo study: a project built from transcripts_sample/ and the shipped codebook."""

from __future__ import annotations

import os
from pathlib import Path

from qualcode.ingest.importer import Progress
from qualcode.project import Project, open_project

REPO_ROOT = Path(__file__).resolve().parent.parent
SAMPLE_FILES = (".txt", ".md", ".docx", ".vtt", ".srt")
DEMO_FILE = "demo.qualcode"


def sample_dir() -> Path:
    """The demo study folder (``QUALCODE_SAMPLE_DIR`` overrides the repository's own)."""
    return Path(os.environ.get("QUALCODE_SAMPLE_DIR", REPO_ROOT / "transcripts_sample"))


def codebook_path() -> Path:
    """The shipped multi-agency working codebook."""
    return REPO_ROOT / "codebooks" / "multi_agency_working.yaml"


def sample_files(folder: Path | None = None) -> list[Path]:
    """The demo study's documents in name order (respondents.csv and README excluded)."""
    folder = folder or sample_dir()
    return sorted(p for p in folder.iterdir()
                  if p.suffix.lower() in SAMPLE_FILES and p.name.lower() != "readme.md")


def build_demo(directory: str | os.PathLike[str], *, fresh: bool = False,
               progress: Progress | None = None) -> Project:
    """Create (or reopen) ``DIR/demo.qualcode`` holding the demo study and its codebook.

    An existing demo project is reopened as it is, keeping any coding done in it, unless
    ``fresh`` is set, which rebuilds it from scratch.
    """
    folder = Path(directory)
    folder.mkdir(parents=True, exist_ok=True)
    db = folder / DEMO_FILE
    if fresh:
        for path in folder.glob(DEMO_FILE + "*"):
            path.unlink()
    existed = db.exists()
    project = open_project(db, coder="demo")
    if existed and project.info()["documents"]:
        return project
    project.import_respondents(sample_dir() / "respondents.csv")
    project.load_codebook(codebook_path(), reason="shipped multi-agency working frame")
    project.import_files(sample_files(), progress=progress)
    return project
