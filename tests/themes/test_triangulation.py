"""Triangulation of findings across groups, sources and the literature."""

from __future__ import annotations

import pandas as pd
import pytest

from qualcode.errors import QualcodeError
from qualcode.themes.triangulation import triangulation_table
from tests.themes.helpers import CODEBOOK, codings_frame

LIT = ["in_literature"]
ROWS = [
    # funding: HT1 transcript + HT1 running record + observation -> multi-source
    (10, 0, 5, "funding", "-"), (11, 0, 5, "funding", "-"), (90, 0, 5, "funding", "-"),
    # staffing: HT1 and T1 transcripts -> multi-group
    (10, 10, 15, "staffing", "-"), (30, 0, 5, "staffing", "-"),
    # training: one head teacher, flagged in the literature -> literature
    (20, 0, 5, "training", "+", "ana", LIT), (20, 10, 15, "training", "+", "ana", ["surprising"]),
    # voice: one teacher only -> single-source
    (30, 10, 15, "voice", "0"),
]


@pytest.fixture
def df() -> pd.DataFrame:
    return codings_frame(ROWS)


def test_triangulation_per_code(df: pd.DataFrame) -> None:
    t = triangulation_table(df, codebook=CODEBOOK).set_index("code_id")
    assert t.index.tolist() == ["funding", "staffing", "training", "voice"]
    assert t["support"].tolist() == ["multi-source", "multi-group", "literature",
                                     "single-source"]
    f = t.loc["funding"]
    assert (f["n_codings"], f["n_respondents"], f["n_groups"], f["n_kinds"]) == (3, 1, 1, 3)
    assert f["kinds"] == "transcript, running_record, observation"
    assert f["groups"] == "head_teacher"
    assert t.loc["staffing", "groups"] == "head_teacher, teacher"
    assert t.loc["training", "n_literature"] == 1
    assert t.loc["voice", "name"] == "Pupil voice"


def test_triangulation_per_theme(df: pd.DataFrame) -> None:
    themes = {"resources": ["funding", "staffing"], "growth": ["training"],
              "later": ["transition"]}
    t = triangulation_table(df, codebook=CODEBOOK, themes=themes).set_index("theme")
    assert t.index.tolist() == ["resources", "growth", "later"]
    assert t.loc["resources", "codes"] == "funding, staffing"
    assert t.loc["resources", "n_codings"] == 5
    assert t.loc["resources", "n_groups"] == 2 and t.loc["resources", "n_kinds"] == 3
    assert t.loc["resources", "support"] == "multi-source"
    assert t.loc["growth", "support"] == "literature"
    assert (t.loc["later", "n_codings"], t.loc["later", "support"]) == (0, "none")


def test_triangulation_flags_given_as_text_are_read(df: pd.DataFrame) -> None:
    text = df.assign(flags=df["flags"].map(lambda f: ",".join(f)))
    t = triangulation_table(text).set_index("code_id")
    assert t.loc["training", "n_literature"] == 1


def test_triangulation_refuses_unknown_theme_codes(df: pd.DataFrame) -> None:
    with pytest.raises(QualcodeError, match="transition"):
        triangulation_table(df, themes={"later": ["transition"]})
    with pytest.raises(QualcodeError, match="not in the codebook"):
        triangulation_table(df, codebook=CODEBOOK, themes={"x": ["nope"]})


def test_triangulation_of_nothing(df: pd.DataFrame) -> None:
    t = triangulation_table(df.iloc[0:0])
    assert len(t) == 0 and "support" in t.columns
    assert len(triangulation_table(pd.DataFrame())) == 0
