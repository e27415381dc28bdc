"""Honest accuracy: reading coded extracts and cross-validating the suggester."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from qualcode.coding.codebook import Codebook, CodeSpec
from qualcode.coding.codebook_io import read_codebook
from qualcode.coding.suggest import evaluate, load_coded_csv
from qualcode.errors import CodebookError, CodingError

REPO = Path(__file__).resolve().parents[2]
CODED = REPO / "transcripts_sample" / "coded_extracts.csv"
MAW = REPO / "codebooks" / "multi_agency_working.yaml"


def codebook() -> Codebook:
    return Codebook(name="Eval frame", codes=[
        CodeSpec(id="finance", name="Finance", description="Money and budgets.",
                 keywords=["budget", "money", "funding"]),
        CodeSpec(id="waiting", name="Waiting", description="Waiting lists and referrals.",
                 keywords=["waiting list", "referral"]),
        CodeSpec(id="trust", name="Trust", description="Knowing people and trusting them.",
                 keywords=["trust", "know her"]),
        CodeSpec(id="rq2", name="RQ2", codable=False),
    ])


def dataset() -> tuple[list[str], list[list[str]], list[str]]:
    texts, codes, marks = [], [], []
    for i in range(8):
        texts.append(f"The budget for post {i} was cut and the money ran out.")
        codes.append(["finance"])
        marks.append("-")
        texts.append(f"Family {i} has been on the waiting list since the referral.")
        codes.append(["waiting"])
        marks.append("-")
        texts.append(f"I know her well and trust her judgement, colleague {i}.")
        codes.append(["trust"] if i % 2 else ["trust", "finance"])
        marks.append("+")
    return texts, codes, marks


def test_evaluate_reports_both_stages_with_cross_validation() -> None:
    texts, codes, marks = dataset()
    result = evaluate(codebook(), texts, codes, marks, folds=3, seed=0)
    assert result["n"] == 24 and result["codes"] == 3 and result["folds"] == 3
    for stage in ("codebook_only", "learned"):
        for key in ("top1", "top3", "macro_f1", "valence_accuracy"):
            assert 0.0 <= result[stage][key] <= 1.0
    assert result["learned"]["top1"] >= 0.9
    assert result["learned"]["valence_accuracy"] >= 0.9
    assert evaluate(codebook(), texts, codes, marks, folds=3, seed=0) == result


def test_evaluate_without_valences_and_with_bad_input() -> None:
    texts, codes, _ = dataset()
    result = evaluate(codebook(), texts, codes, folds=2)
    assert "valence_accuracy" not in result["learned"]
    with pytest.raises(CodingError, match="folds must be 2 or more"):
        evaluate(codebook(), texts, codes, folds=1)
    with pytest.raises(CodebookError, match="'nope' is not in codebook"):
        evaluate(codebook(), texts, codes[:-1] + [["nope"]])


CSV = """text,codes,valence,respondent,group
"The budget was cut, again.",finance,-,HT1,head_teacher
The waiting list is long.,waiting;finance,-,T1,teacher
I trust her.,trust,+,P1,parent
"""


def test_load_coded_csv_reads_texts_codes_and_marks() -> None:
    texts, codes, valences = load_coded_csv(io.StringIO(CSV), codebook())
    assert texts[0] == "The budget was cut, again."
    assert codes == [["finance"], ["waiting", "finance"], ["trust"]]
    assert valences == ["-", "-", "+"]


def test_load_coded_csv_names_the_missing_column() -> None:
    with pytest.raises(CodingError, match=r"missing column\(s\) codes"):
        load_coded_csv(io.StringIO("text,valence\nhello,+\n"), codebook())


def test_load_coded_csv_names_the_row_of_an_unknown_code() -> None:
    bad = CSV + "Nobody rings back.,waiting;fundng,-,O1,officer\n"
    with pytest.raises(CodebookError, match=r"row 5: code 'fundng' is not in codebook"):
        load_coded_csv(io.StringIO(bad), codebook())
    with pytest.raises(CodebookError, match=r"row 2: code 'rq2' is a category"):
        load_coded_csv(io.StringIO("text,codes\nhello,rq2\n"), codebook())


def test_load_coded_csv_refuses_empty_cells_and_bad_marks() -> None:
    with pytest.raises(CodingError, match="row 2: no code given"):
        load_coded_csv(io.StringIO("text,codes\nhello,\n"), codebook())
    with pytest.raises(CodingError, match="row 2: the text is empty"):
        load_coded_csv(io.StringIO("text,codes\n,trust\n"), codebook())
    with pytest.raises(CodingError, match=r"row 2: valence 'good-ish'"):
        load_coded_csv(io.StringIO("text,codes,valence\nhi,trust,good-ish\n"), codebook())


@pytest.mark.skipif(not CODED.exists(), reason="the demo study's coded extracts are missing")
def test_demo_study_suggestions_beat_the_codebook_alone() -> None:
    maw = read_codebook(MAW)
    texts, codes, valences = load_coded_csv(CODED, maw)
    result = evaluate(maw, texts, codes, valences, folds=3, seed=0)
    assert result["n"] == len(texts) >= 200
    assert result["codebook_only"]["top3"] >= 0.5
    assert result["learned"]["top3"] >= max(0.7, result["codebook_only"]["top3"])
    assert result["learned"]["top1"] >= 0.5
    assert result["learned"]["valence_accuracy"] >= 0.7
