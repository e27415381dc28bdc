"""A coded copy of the demo study for the analysis pages' AppTests (deterministic)."""

from __future__ import annotations

import shutil
from pathlib import Path

import qualcode

CLUSTERS: tuple[tuple[str, ...], ...] = (
    ("finance", "structural_issues", "communications_understanding"),
    ("trust", "training", "improving_provision"),
    ("strategic_management", "safeguarding"),
)
"""Codes applied together (so the network has three clear communities)."""

VALENCE_OF_CLUSTER = ("-", "+", "0")


def copy_demo(demo_dir: Path, tmp_path: Path) -> Path:
    """Copy the shared, read-only demo project file (and nothing else) into tmp_path."""
    target = tmp_path / "study.qualcode"
    shutil.copyfile(demo_dir / "demo.qualcode", target)
    return target


def code_demo(path: Path, per_respondent: int = 3) -> int:
    """Code the first respondent segments of every respondent; returns the codings made.

    Segment i gets a code of cluster i % 3 and, every second segment, a partner code of
    the same cluster on the same segment; valence follows the cluster (concerns,
    progress, neutral) except every fourth segment, which is flipped to the other sign.
    """
    made = 0
    with qualcode.open_project(path, coder="tester") as project:
        segments = project.segments()
        segments = segments.loc[~segments["is_interviewer"] & segments["respondent"].notna()]
        chosen = (segments.sort_values(["label", "id"]).groupby("label", sort=True)
                  .head(per_respondent))
        for i, segment_id in enumerate(chosen["id"].tolist()):
            cluster = CLUSTERS[i % len(CLUSTERS)]
            codes = [cluster[i % len(cluster)]]
            if i % 2 == 0:
                codes.append(cluster[(i + 1) % len(cluster)])
            valence = VALENCE_OF_CLUSTER[i % len(CLUSTERS)]
            if i % 4 == 3:
                valence = {"-": "+", "+": "-", "0": "-"}[valence]
            made += len(project.code(int(segment_id), codes, valence=valence))
    return made


def coded_copy(demo_dir: Path, tmp_path: Path) -> Path:
    """A copy of the demo study with about 70 codings across every group."""
    path = copy_demo(demo_dir, tmp_path)
    code_demo(path)
    return path
