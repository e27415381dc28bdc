"""Top concerns and top progress per research question."""

from __future__ import annotations

import pandas as pd
import pytest

from qualcode.errors import QualcodeError
from qualcode.themes.ranking import top_codes
from tests.themes.helpers import CODEBOOK, codings_frame

# concerns: funding 4 (RQ1), staffing 2 (RQ1), training 2 (RQ2), transition 1 (RQ2),
# voice 2 (RQ4); progress: training 3, leadership 1
COUNTS = {("funding", "-"): 4, ("staffing", "-"): 2, ("training", "-"): 2,
          ("transition", "-"): 1, ("voice", "-"): 2, ("training", "+"): 3,
          ("leadership", "+"): 1}


@pytest.fixture
def df() -> pd.DataFrame:
    rows = []
    for (code, valence), n in COUNTS.items():
        for k in range(n):
            doc = 10 if k % 2 == 0 else 30  # HT1 and T1 alternate
            rows.append((doc, k * 10, k * 10 + 5, code, valence))
    return codings_frame(rows)


def test_top_concerns_with_shares_of_all_concerns(df: pd.DataFrame) -> None:
    t = top_codes(df, n=3)
    assert list(t.columns) == ["rank", "code_id", "n", "share", "total"]
    assert t["code_id"].tolist() == ["funding", "staffing", "training"]  # ties by id
    assert t["rank"].tolist() == [1, 2, 3]
    assert t["n"].tolist() == [4, 2, 2]
    assert t["total"].tolist() == [11, 11, 11]
    assert t["share"].tolist() == [4 / 11, 2 / 11, 2 / 11]


def test_top_codes_within_a_research_question(df: pd.DataFrame) -> None:
    t = top_codes(df, rq="RQ2", valence="-", codebook=CODEBOOK)
    assert t["code_id"].tolist() == ["training", "transition"]
    assert t["name"].tolist() == ["Training", "Transition"]
    assert t["share"].tolist() == [2 / 3, 1 / 3]
    progress = top_codes(df, valence="+")
    assert progress["code_id"].tolist() == ["training", "leadership"]
    assert progress["share"].tolist() == [3 / 4, 1 / 4]


def test_top_codes_per_group_and_per_rq(df: pd.DataFrame) -> None:
    t = top_codes(df, by="group", n=2)
    assert t["group"].tolist() == ["head_teacher", "head_teacher", "teacher", "teacher"]
    ht = t[t["group"] == "head_teacher"]
    # HT1 concerns: funding 2, staffing 1, training 1, transition 1, voice 1 (total 6)
    assert ht["code_id"].tolist() == ["funding", "staffing"]
    assert ht["n"].tolist() == [2, 1] and ht["total"].tolist() == [6, 6]
    per_rq = top_codes(df, by="rq", n=1)
    assert per_rq[["rq", "code_id", "n"]].values.tolist() == [
        ["RQ1", "funding", 4], ["RQ2", "training", 2], ["RQ4", "voice", 2]]


def test_top_codes_of_nothing_and_bad_arguments(df: pd.DataFrame) -> None:
    empty = top_codes(df, rq="RQ3", valence="-")
    assert len(empty) == 0 and list(empty.columns) == ["rank", "code_id", "n", "share",
                                                       "total"]
    assert len(top_codes(pd.DataFrame(), by="group")) == 0
    with pytest.raises(QualcodeError, match="n must be"):
        top_codes(df, n=0)
    with pytest.raises(QualcodeError, match="'bad' is not one of"):
        top_codes(df, valence="bad")
    with pytest.raises(QualcodeError, match="Cannot split by 'region'"):
        top_codes(df, by="region")
