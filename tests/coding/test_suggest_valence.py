"""Valence suggestions (+ / - / 0): the lexicon first, learned from the researcher's marks."""

from __future__ import annotations

import pytest

from qualcode.coding.codebook import Codebook, CodeSpec
from qualcode.coding.suggest import CodeSuggester
from qualcode.coding.valence import ValenceModel, describe, lexicon_valence
from qualcode.errors import CodingError


def marks(texts: list[str]) -> list[str]:
    return [m for m, _ in lexicon_valence(texts)]


def test_lexicon_reads_concerns_and_progress() -> None:
    assert marks([
        "The waiting list is frustrating and there is a lack of staff.",
        "Things have improved a lot; the new team works well.",
        "It was brilliant.",
        "Our budget was cut again.",
        "The meeting is on Tuesday in the school hall.",
    ]) == ["-", "+", "+", "-", "0"]


def test_lexicon_handles_negation_simply() -> None:
    assert marks(["It is not helpful at all.", "No problem getting hold of her.",
                  "We never hear back."]) == ["-", "+", "-"]
    assert describe(["It is not helpful."]) == [["- not helpful"]]


def test_lexicon_does_not_read_as_well_as_praise() -> None:
    assert marks(["Well, I go to the cluster meetings as well."]) == ["0"]


def test_learned_valence_picks_up_the_researchers_own_cues() -> None:
    # in this project "minibus" talk is always a concern and "allotment" talk progress,
    # which no lexicon knows
    texts = [f"The minibus {x}." for x in ("again", "on Monday", "this term", "for trips",
                                            "and the drivers")]
    texts += [f"The allotment {x}." for x in ("again", "on Monday", "this term",
                                               "for trips", "and the parents")]
    valences = ["-"] * 5 + ["+"] * 5
    model = ValenceModel(prior_weight=2.0).fit(texts, valences)
    assert model.warning_ is None
    [(minibus, _), (allotment, _)] = model.predict(["The minibus at the weekend.",
                                                     "The allotment at the weekend."])
    assert (minibus, allotment) == ("-", "+")
    assert marks(["The minibus at the weekend."]) == ["0"]


def test_too_few_marks_keep_the_lexicon_and_say_why() -> None:
    model = ValenceModel().fit(["Great.", "Awful."], ["+", "-"])
    assert model.model_ is None
    assert model.warning_ is not None and "lexicon" in model.warning_
    assert model.predict(["It was brilliant."])[0][0] == "+"


def test_bad_marks_are_a_clear_error() -> None:
    with pytest.raises(CodingError, match=r"text 1: valence 'meh'"):
        ValenceModel().fit(["a", "b"], ["+", "meh"])
    with pytest.raises(CodingError, match="2 texts but 1 valences"):
        ValenceModel().fit(["a", "b"], ["+"])


def test_suggester_valence_works_before_fit_and_learns_with_codes() -> None:
    codebook = Codebook(name="Two", codes=[
        CodeSpec(id="barrier", name="Barrier", description="What gets in the way",
                 keywords=["minibus"]),
        CodeSpec(id="progress", name="Progress", description="What has got better",
                 keywords=["allotment"]),
    ])
    suggester = CodeSuggester(codebook)
    assert suggester.suggest_valence(["This is frustrating."])[0][0] == "-"
    texts = [f"The minibus {i}." for i in range(6)] + [f"The allotment {i}." for i in range(6)]
    codes = [["barrier"]] * 6 + [["progress"]] * 6
    suggester.fit(texts, codes, valences=["-"] * 6 + ["+"] * 6)
    assert suggester.valence_by_code_ is not None
    result = suggester.suggest_valence(["Trouble with the minibus.", "The allotment grows."])
    assert [m for m, _ in result] == ["-", "+"]
    assert all(0.5 < p <= 1.0 for _, p in result)
