"""Word frequencies and keyness by group and attribute."""

from __future__ import annotations

import math

import numpy as np
import pytest

import qualcode
from qualcode.errors import CodingError
from qualcode.search.words import keyness, log_likelihood, word_frequencies


def counts(frame: object, by: str | None = None) -> dict[object, int]:
    import pandas as pd
    assert isinstance(frame, pd.DataFrame)
    if by is None:
        return dict(zip(frame["word"], frame["count"]))
    return {(g, w): c for g, w, c in zip(frame[by], frame["word"], frame["count"])}


def test_words_are_counted_by_lemma_without_stop_words_or_numbers(
        searched: qualcode.Project) -> None:
    with searched.session() as s:
        frame = word_frequencies(s, n=100)
    words = counts(frame)
    assert words["fund"] == 8  # Funding, funded, funds, FUND, funding x2, funded, Funding
    assert words["train"] == 5 and words["worker"] == 2
    assert not {"the", "is", "be", "12", "twelve", "do", "n't"} & set(words)
    # interviewer turns are left out: "question" is only asked
    assert "question" not in words
    assert frame.columns.tolist() == ["word", "count", "documents", "respondents", "words",
                                      "per_10k", "rank"]
    assert frame["rank"].tolist() == list(range(1, len(frame) + 1))
    assert frame.iloc[0]["word"] == "fund"


def test_user_stop_words_interviewer_and_n(searched: qualcode.Project) -> None:
    with searched.session() as s:
        words = counts(word_frequencies(s, n=100, stop_words=["funding", "worker"]))
        with_interviewer = counts(word_frequencies(s, n=100, include_interviewer=True))
        top = word_frequencies(s, n=2)
    assert "fund" not in words and "worker" not in words  # the lemma of a stop word goes too
    assert with_interviewer["fund"] == 9 and with_interviewer["question"] == 5
    assert len(top) == 2


def test_frequencies_by_group_and_attribute(searched: qualcode.Project) -> None:
    with searched.session() as s:
        by_group = word_frequencies(s, by="group", n=100)
        by_gender = word_frequencies(s, by="gender", n=100, kinds="transcript")
    assert by_group.columns[0] == "group"
    assert counts(by_group, "group")[("head_teacher", "fund")] == 3
    assert counts(by_group, "group")[("(no respondent)", "fund")] == 1
    assert counts(by_gender, "gender")[("female", "fund")] == 5  # HT1 and O1
    assert set(by_gender["gender"]) == {"female", "male", "mixed"}
    totals = by_group.groupby("group")["words"].first()
    assert (totals > 0).all()


def test_log_likelihood_matches_a_hand_calculation() -> None:
    a, b, c, d = 10.0, 5.0, 1000.0, 2000.0
    e1, e2 = c * (a + b) / (c + d), d * (a + b) / (c + d)
    expected = 2 * (a * math.log(a / e1) + b * math.log(b / e2))
    assert log_likelihood(np.array([a]), np.array([b]), c, d)[0] == pytest.approx(expected)
    assert log_likelihood(np.array([0.0]), np.array([7.0]), c, d)[0] == pytest.approx(
        2 * 7 * math.log(7 / (d * 7 / (c + d))))


def test_keyness_of_each_group_against_the_rest(searched: qualcode.Project) -> None:
    with searched.session() as s:
        table = keyness(s, by="group", n=5, min_count=2)
    assert table.columns.tolist() == [
        "group", "word", "count", "count_rest", "words", "words_rest", "per_10k",
        "per_10k_rest", "g2", "p_value", "sign", "log_ratio", "pct_diff", "rank"]
    row = table[(table["group"] == "child") & (table["word"] == "worker")].iloc[0]
    assert (row["count"], row["count_rest"], row["sign"]) == (2, 0, "+")
    assert row["g2"] == pytest.approx(log_likelihood(np.array([2.0]), np.array([0.0]),
                                                     row["words"], row["words_rest"])[0])
    assert row["log_ratio"] > 0 and row["pct_diff"] > 0 and 0 < row["p_value"] < 1
    under = table[table["sign"] == "-"]
    assert (under["log_ratio"].dropna() < 0).all() and (under["pct_diff"].dropna() < 0).all()
    assert (table[table["sign"] == "+"]["log_ratio"] > 0).all()
    assert (table.groupby(["group", "sign"])["g2"].apply(
        lambda g: list(g) == sorted(g, reverse=True))).all()


def test_bad_groupings_are_clear_errors(searched: qualcode.Project) -> None:
    with searched.session() as s:
        with pytest.raises(CodingError, match="Cannot group words by 'shoe_size'.*gender"):
            word_frequencies(s, by="shoe_size")
        with pytest.raises(CodingError, match="only one value of 'group'"):
            keyness(s, by="group", groups="teacher")
        with pytest.raises(CodingError, match="not 'speakers'"):
            word_frequencies(s, speakers="Child A")
        with pytest.raises(CodingError, match="n must be"):
            word_frequencies(s, n=0)


def test_an_empty_project_has_no_words(project: qualcode.Project) -> None:
    with project.session() as s:
        frame = word_frequencies(s, by="group")
    assert frame.empty and frame.columns.tolist()[:2] == ["group", "word"]
