"""The demo study: a project built from transcripts_sample/ and the shipped codebook."""

from __future__ import annotations

import csv
import os
import re
from pathlib import Path

from qualcode.coding import apply, query
from qualcode.errors import QualcodeError
from qualcode.ingest.importer import Progress
from qualcode.project import Project, open_project
from qualcode.store import audit

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


def coded_extracts_path() -> Path:
    """The demo study's hand-coded extracts (text, codes, valence, respondent, group, source)."""
    return sample_dir() / "coded_extracts.csv"


def apply_coded_extracts(project: Project, path: str | os.PathLike[str],
                         coder: str = "demo coder") -> int:
    """Code the project from a CSV of coded extracts, finding each extract in its source.

    Each extract is located in the document imported from its ``source`` file (whitespace
    may differ) and the code is applied to the whole segments it covers, with its valence.
    Returns the number of codings made; an extract that cannot be found is an error.
    """
    with open(path, encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    documents = project.documents()
    made = 0
    with project.session() as session:
        batch = audit.new_batch()
        for line, row in enumerate(rows, start=2):
            candidates = documents[documents["source"] == row["source"]]
            if row.get("respondent") and len(candidates) > 1:
                candidates = candidates[candidates["label"] == row["respondent"]]
            pattern = re.compile(r"\s+".join(re.escape(w) for w in row["text"].split()))
            found = next(((int(d.id), m) for d in candidates.itertuples()
                          if (m := pattern.search(d.text))), None)
            if found is None:
                raise QualcodeError(f"{Path(path).name} row {line}: the extract is not in "
                                    f"{row['source']}: correct its text or source.")
            document_id, match = found
            start, end = query.whole_segments(session, document_id, match.start(), match.end())
            for code_id in filter(None, (c.strip() for c in row["codes"].split(";"))):
                apply.code_span(session, document_id, start, end, code_id, coder,
                                valence=row.get("valence") or "0", source="import",
                                batch=batch)
                made += 1
    return made


def build_demo(directory: str | os.PathLike[str], *, fresh: bool = False, coded: bool = True,
               progress: Progress | None = None) -> Project:
    """Create (or reopen) ``DIR/demo.qualcode`` holding the demo study and its codebook.

    With ``coded`` the hand-coded extracts of the demo study are applied too, so that
    themes, groups and exports have something to show from the start. An existing demo
    project is reopened as it is, keeping any coding done in it, unless ``fresh`` is set,
    which rebuilds it from scratch.
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
    if coded:
        apply_coded_extracts(project, coded_extracts_path())
    return project
