"""Support for the analysis pages' AppTests: a coded copy of the demo study
(deterministic) and readers for the charts and tables a page shows."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pandas as pd
from streamlit import dataframe_util
from streamlit.testing.v1 import AppTest

import qualcode

PAGES = Path(__file__).resolve().parents[2] / "app_pages"

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


PER_GROUP: dict[str, int] = {"head_teacher": 5, "officer": 4, "teacher": 3, "parent": 2,
                             "child": 2}
"""Respondent segments coded per respondent of each group (57 segments in all)."""


def code_demo(path: Path) -> int:
    """Code the first respondent segments of every respondent; returns the codings made.

    Segment i (in label order) gets code (i // 3) of cluster i % 3 and, every second
    segment, the next code of the same cluster on the same segment; every fifth segment
    also gets a code of the next cluster (weak links between clusters). Valence follows
    the cluster (concerns, progress, neutral) except every fourth segment, which is
    flipped, and head teachers' neutral remarks, which are positive.
    """
    made = 0
    with qualcode.open_project(path, coder="tester") as project:
        segments = project.segments()
        segments = segments.loc[~segments["is_interviewer"] & segments["respondent"].notna()]
        segments = segments.sort_values(["label", "id"])
        rank = segments.groupby("label", sort=True).cumcount()
        chosen = segments.loc[rank < segments["group"].map(PER_GROUP)]
        for i, (segment_id, group) in enumerate(zip(chosen["id"], chosen["group"])):
            k = i % len(CLUSTERS)
            cluster = CLUSTERS[k]
            codes = [cluster[(i // 3) % len(cluster)]]
            if i % 2 == 0:
                codes.append(cluster[(i // 3 + 1) % len(cluster)])
            if i % 5 == 0:
                following = CLUSTERS[(k + 1) % len(CLUSTERS)]
                codes.append(following[i % len(following)])
            valence = VALENCE_OF_CLUSTER[k]
            if i % 4 == 3:
                valence = {"-": "+", "+": "-", "0": "-"}[valence]
            elif group == "head_teacher" and valence == "0":
                valence = "+"
            made += len(project.code(int(segment_id), list(dict.fromkeys(codes)),
                                     valence=valence))
    return made


def coded_copy(demo_dir: Path, tmp_path: Path) -> Path:
    """A copy of the demo study with about 70 codings across every group."""
    path = copy_demo(demo_dir, tmp_path)
    code_demo(path)
    return path


def chart(at: AppTest, title_start: str) -> tuple[dict[str, Any], list[pd.DataFrame]]:
    """The Vega-Lite spec whose title starts with ``title_start``, and its data sets."""
    for element in at.get("vega_lite_chart"):
        spec = json.loads(element.proto.spec)
        title = spec.get("title", "")
        text = title.get("text", "") if isinstance(title, dict) else str(title)
        if text.startswith(title_start):
            data = [dataframe_util.convert_arrow_bytes_to_pandas_df(d.data.data)
                    for d in element.proto.datasets]
            return spec, data
    titles = [json.loads(e.proto.spec).get("title") for e in at.get("vega_lite_chart")]
    raise AssertionError(f"No chart titled {title_start!r}; charts: {titles}")


def table_with(at: AppTest, *columns: str) -> pd.DataFrame:
    """The first st.dataframe that has all of ``columns``."""
    for frame in at.dataframe:
        value = frame.value
        if all(c in value.columns for c in columns):
            return value
    raise AssertionError(f"No table with columns {columns}")


def texts(at: AppTest) -> str:
    """Every markdown, caption, info, warning, error and success text, joined."""
    parts = [e.value for kind in ("markdown", "caption", "info", "warning", "error",
                                  "success") for e in getattr(at, kind)]
    return "\n".join(str(p) for p in parts)


def open_page(page: str, project_path: Path) -> AppTest:
    """An AppTest of ``app_pages/<page>.py`` with ``project_path`` open, already run."""
    at = AppTest.from_file(str(PAGES / f"{page}.py"), default_timeout=30)
    at.session_state["project_path"] = str(project_path)
    at.session_state["coder"] = "ui tester"
    return at.run()
