"""Code suggestions: codebook stage, learning from codings, reasons, feedback, next to code."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.exceptions import NotFittedError
from sklearn.utils.validation import check_is_fitted

from qualcode.coding.codebook import Codebook, CodeSpec
from qualcode.coding.suggest import CodeSuggester, Suggestion, most_similar
from qualcode.errors import CodebookError, CodingError, QualcodeError


def make_codebook() -> Codebook:
    return Codebook(name="Tiny frame", codes=[
        CodeSpec(id="barriers", name="Barriers", codable=False, rq="RQ2",
                 description="What gets in the way."),
        CodeSpec(id="finance", name="Finance and funding", parent_id="barriers", rq="RQ2",
                 description="Money, budgets and funding for services and posts.",
                 include="Budget cuts, grants, who pays for a worker.",
                 example="The funding for the family worker runs out in March.",
                 keywords=["budget", "funding", "money", "grant", "cut"]),
        CodeSpec(id="waiting", name="Waiting and referrals", parent_id="barriers", rq="RQ2",
                 description="Referrals to other services and how long families wait.",
                 include="Waiting lists, delays, referrals that are bounced back.",
                 example="The waiting list for the clinic is six months.",
                 keywords=["waiting list", "referral", "delay"]),
        CodeSpec(id="training", name="Joint training", rq="RQ3",
                 description="Training days and courses shared by staff of several services.",
                 include="Joint training, courses, induction for new staff.",
                 example="The joint training day was the best thing we did.",
                 keywords=["training", "joint training", "course"]),
        CodeSpec(id="trust", name="Trust and relationships", rq="RQ3",
                 description="Knowing people personally and trusting their judgement.",
                 include="First-name terms, goodwill, picking up the phone.",
                 example="I know her personally, so I just ring her.",
                 keywords=["trust", "relationship", "know personally"]),
        CodeSpec(id="jargon", name="Jargon and language", rq="RQ2",
                 description="Professional jargon and acronyms that others do not understand.",
                 include="Acronyms, technical terms, different words for the same thing.",
                 example="They talk about tier two and I have no idea what it means.",
                 keywords=["jargon", "acronym"]),
        CodeSpec(id="old_code", name="Old code", archived=True, description="Retired."),
    ])


# texts with no codebook keyword at all: "tea", "cake" and "kitchen" stand for trust in
# this (made-up) project, "minibus" and "petrol" for finance
TRAIN = [
    ("We sort most things out over a cup of tea in the kitchen.", ["trust"]),
    ("She pops into the kitchen for tea and we talk it through.", ["trust"]),
    ("Tea and cake with the health visitor every Friday, that is where it happens.",
     ["trust"]),
    ("The kitchen chats over tea mean I can ask her anything.", ["trust"]),
    ("The minibus costs a fortune in petrol and nobody will pay for it.", ["finance"]),
    ("Petrol for the minibus comes out of the school's own pocket.", ["finance"]),
    ("We had to stop the minibus runs, the petrol bill was too much.", ["finance"]),
    ("The waiting list for speech therapy is a year long.", ["waiting"]),
    ("Our referral was bounced back twice with no explanation.", ["waiting"]),
    ("A joint training day with social care was really useful.", ["training"]),
    ("The induction course for new staff included the health team.", ["training"]),
    ("Nothing much happened at the meeting.", []),
]
TEXTS = [t for t, _ in TRAIN]
CODES = [c for _, c in TRAIN]


@pytest.fixture(scope="module")
def codebook() -> Codebook:
    return make_codebook()


@pytest.fixture(scope="module")
def fitted(codebook: Codebook) -> CodeSuggester:
    return CodeSuggester(codebook).fit(TEXTS, CODES)


def ids(suggestions: list[Suggestion]) -> list[str]:
    return [s.code_id for s in suggestions]


# --- codebook stage, before any coding ----------------------------------------------------


def test_keyword_match_suggests_that_code_first_with_the_keyword_as_reason(
        codebook: Codebook) -> None:
    [first] = CodeSuggester(codebook).suggest(["The budget was cut again this year."])
    assert first[0].code_id == "finance"
    assert "keyword: 'budget'" in first[0].reasons
    assert set(first[0].keywords) == {"budget", "cut"}
    assert first[0].stage == "codebook"


def test_multi_word_keyword_matches_as_a_phrase_of_lemmas_whatever_the_case(
        codebook: Codebook) -> None:
    [result] = CodeSuggester(codebook).suggest(["WAITING LISTS are now eight months."])
    assert result[0].code_id == "waiting"
    assert result[0].keywords == ("waiting list",)
    # the words apart are not the phrase
    [apart] = CodeSuggester(codebook).suggest(["We were waiting; the list was long."])
    assert all("waiting list" not in s.keywords for s in apart)


def test_description_similarity_suggests_without_keywords_and_says_which_words(
        codebook: Codebook) -> None:
    [result] = CodeSuggester(codebook).suggest(
        ["Acronyms everywhere: professionals use technical terms nobody understands."])
    assert result[0].code_id == "jargon"
    assert any(r.startswith("description:") and "technical" in r for r in result[0].reasons)


def test_scores_are_between_0_and_1_best_first_and_at_most_k(codebook: Codebook) -> None:
    suggester = CodeSuggester(codebook, threshold=0.0)
    [result] = suggester.suggest(["Funding for joint training and the waiting list."], k=4)
    scores = [s.score for s in result]
    assert len(result) == 4
    assert scores == sorted(scores, reverse=True)
    assert all(0.0 <= s <= 1.0 for s in scores)
    assert "old_code" not in ids(result) and "barriers" not in ids(result)


def test_abstains_below_the_threshold_instead_of_guessing(codebook: Codebook) -> None:
    text = ["The weather was lovely on Tuesday afternoon."]
    assert CodeSuggester(codebook).suggest(text) == [[]]
    assert len(CodeSuggester(codebook, threshold=0.0).suggest(text, k=2)[0]) == 2
    keyword = ["The budget was cut again this year."]
    assert CodeSuggester(codebook, threshold=0.999).suggest(keyword) == [[]]


def test_empty_segment_gets_no_suggestions_and_non_text_is_refused(codebook: Codebook) -> None:
    suggester = CodeSuggester(codebook)
    assert suggester.suggest(["", "   ", "..."]) == [[], [], []]
    with pytest.raises(CodingError, match="Segment 1 is not text"):
        suggester.suggest(["fine", None])  # type: ignore[list-item]
    with pytest.raises(CodingError, match="single string"):
        suggester.suggest("The budget was cut.")  # type: ignore[arg-type]


def test_excluded_pairs_are_not_suggested_again(codebook: Codebook) -> None:
    texts = ["The budget was cut again.", "The budget was cut again."]
    result = CodeSuggester(codebook).suggest(texts, exclude={(0, "finance")})
    assert "finance" not in ids(result[0])
    assert ids(result[1])[0] == "finance"


def test_codebook_without_codable_codes_is_a_clear_error() -> None:
    empty = Codebook(name="Only categories", codes=[CodeSpec(id="rq1", name="RQ1",
                                                             codable=False)])
    with pytest.raises(CodebookError, match="no codable codes"):
        CodeSuggester(empty).suggest(["anything"])
    with pytest.raises(CodebookError, match="Expected a Codebook"):
        CodeSuggester("codebook.yaml").suggest(["anything"])  # type: ignore[arg-type]


# --- learning from codings ------------------------------------------------------------


def test_fitting_shifts_suggestions_towards_the_codes_taught(
        codebook: Codebook, fitted: CodeSuggester) -> None:
    text = ["Another chat over tea in the kitchen sorted it."]
    assert "trust" not in ids(CodeSuggester(codebook).suggest(text)[0])
    [after] = fitted.suggest(text)
    assert after[0].code_id == "trust"
    assert after[0].stage == "learned"
    assert {"tea", "kitchen"} & {w for w, _ in after[0].words}
    assert any(r.startswith("word: ") for r in after[0].reasons)


def test_reasons_cite_the_most_similar_coded_extracts(fitted: CodeSuggester) -> None:
    [result] = fitted.suggest(["The petrol for the minibus is too expensive."])
    finance = result[0]
    assert finance.code_id == "finance"
    assert finance.neighbours, "a finance extract should be cited"
    for index, similarity in finance.neighbours:
        assert "finance" in CODES[index]
        assert 0.0 < similarity <= 1.0
        assert f"like coded extract #{index} ({similarity:.2f} similar)" in finance.reasons


def test_rejected_pairs_count_against_the_code(codebook: Codebook) -> None:
    text = ["Tea and a chat in the kitchen about the minibus."]
    plain = CodeSuggester(codebook, threshold=0).fit(TEXTS, CODES)
    rejected = CodeSuggester(codebook, threshold=0).fit(
        TEXTS + text, CODES + [["finance"]], rejected={(12, "trust")})
    before = {s.code_id: s.score for s in plain.suggest(text, k=5)[0]}
    after = {s.code_id: s.score for s in rejected.suggest(text, k=5)[0]}
    assert after["trust"] < before["trust"]


def test_fit_with_no_codings_warns_and_keeps_to_the_codebook(codebook: Codebook) -> None:
    suggester = CodeSuggester(codebook).fit(TEXTS, [[] for _ in TEXTS])
    assert suggester.learned_ is False
    assert suggester.warning_ is not None and "codebook" in suggester.warning_
    text = ["The budget was cut again this year."]
    assert suggester.suggest(text) == CodeSuggester(codebook).suggest(text)


def test_fit_with_one_code_only_warns_and_keeps_to_the_codebook(codebook: Codebook) -> None:
    suggester = CodeSuggester(codebook).fit(TEXTS[:4], CODES[:4])
    assert suggester.learned_ is False
    assert suggester.warning_ is not None and "1 code(s)" in suggester.warning_
    assert suggester.suggest(["The budget was cut."])[0][0].code_id == "finance"


def test_fit_with_codes_missing_from_the_codebook_names_the_text_and_code(
        codebook: Codebook) -> None:
    with pytest.raises(CodebookError, match=r"Text 1: code 'fundng' is not in codebook"):
        CodeSuggester(codebook).fit(TEXTS[:2], [["trust"], ["fundng"]])
    with pytest.raises(CodebookError, match="category"):
        CodeSuggester(codebook).fit(TEXTS[:2], [["trust"], ["barriers"]])
    with pytest.raises(CodebookError, match="archived"):
        CodeSuggester(codebook).fit(TEXTS[:2], [["trust"], ["old_code"]])


def test_fit_with_malformed_codes_is_a_clear_error(codebook: Codebook) -> None:
    with pytest.raises(CodingError, match="one list of code ids per text"):
        CodeSuggester(codebook).fit(TEXTS, CODES[:3])
    with pytest.raises(CodingError, match=r'Text 0: codes must be a list'):
        CodeSuggester(codebook).fit(TEXTS[:1], ["trust"])
    with pytest.raises(CodingError, match="Text 2 is not text"):
        CodeSuggester(codebook).fit(["a", "b", 3], [[], [], []])  # type: ignore[list-item]
    assert issubclass(CodingError, QualcodeError)


def test_follows_the_estimator_contract(codebook: Codebook, fitted: CodeSuggester) -> None:
    suggester = CodeSuggester(codebook, threshold=0.4, C=2.0)
    assert suggester.get_params()["threshold"] == 0.4
    copy = clone(suggester)
    assert copy.get_params() == suggester.get_params() and copy is not suggester
    assert suggester.set_params(threshold=0.2) is suggester and suggester.threshold == 0.2
    with pytest.raises(NotFittedError):
        check_is_fitted(suggester)
    with pytest.raises(NotFittedError):
        suggester.next_to_code(TEXTS)
    with pytest.raises(NotFittedError):
        suggester.similar_coded(TEXTS)
    assert suggester.fit(TEXTS, CODES) is suggester
    check_is_fitted(suggester)
    learned = [k for k in vars(fitted) if k.endswith("_") and not k.startswith("_")]
    assert {"coef_", "code_ids_", "stacker_", "warning_"} <= set(learned)
    assert not hasattr(clone(fitted), "coef_")


def test_refit_after_a_codebook_change_is_needed_until_then_codebook_only(
        codebook: Codebook) -> None:
    local = make_codebook()
    suggester = CodeSuggester(local).fit(TEXTS, CODES)
    local.codes.append(CodeSpec(id="minibus", name="Transport", keywords=["minibus"]))
    [result] = suggester.suggest(["The minibus broke down."])
    assert all(s.stage == "codebook" for s in result)
    assert "minibus" in suggester.code_ids


# --- similar texts and what to code next ----------------------------------------------


def test_most_similar_finds_like_texts_and_leaves_the_query_out(fitted: CodeSuggester) -> None:
    [near] = most_similar(["petrol for the minibus"], TEXTS, n=3)
    assert {i for i, _ in near[:2]} <= {4, 5, 6}
    [like_first] = most_similar([0], TEXTS, n=3)
    assert 0 not in [i for i, _ in like_first]
    assert like_first[0][0] in {1, 2, 3}
    assert all(a[1] >= b[1] for a, b in itertools.pairwise(like_first))
    [with_model] = fitted.most_similar(["tea in the kitchen"], TEXTS, n=2)
    assert {i for i, _ in with_model} <= {0, 1, 2, 3}
    vectors = fitted.vectors(TEXTS)
    assert most_similar(vectors[:1], vectors, n=1)[0][0][0] == 0


def test_similar_coded_lists_training_extracts_of_a_code(fitted: CodeSuggester) -> None:
    [near] = fitted.similar_coded(["tea and cake"], code_id="trust", n=2)
    assert near and all("trust" in CODES[i] for i, _ in near)
    with pytest.raises(CodebookError):
        fitted.similar_coded(["tea"], code_id="nope")


def test_next_to_code_prefers_uncertain_and_diverse_texts_deterministically(
        fitted: CodeSuggester) -> None:
    candidates = [
        "The waiting list and the training course.",  # clearly both codes: little to learn
        "Tea in the kitchen about the minibus petrol.",  # trust or finance?
        "Tea in the kitchen about the minibus petrol!",  # the same passage again
        "Some jargon came up at the meeting.",  # jargon, perhaps
        "",
        "A chat about the course over tea.",  # training, and trust perhaps
    ]
    picks = fitted.next_to_code(candidates, n=3)
    assert picks == fitted.next_to_code(candidates, n=3)
    assert picks[0] in (1, 2)
    assert not {1, 2} <= set(picks), "a near-duplicate should not be picked as well"
    assert set(picks) == {picks[0], 3, 5}
    assert fitted.next_to_code(candidates, n=10)[-1] == 0, "the confident text comes last"
    assert fitted.next_to_code(candidates, n=0) == []


def test_predict_proba_has_one_column_per_codable_code(
        codebook: Codebook, fitted: CodeSuggester) -> None:
    P = fitted.predict_proba(["tea in the kitchen", ""])
    assert P.shape == (2, len(fitted.code_ids)) == (2, 5)
    assert np.all(P[1] == 0.0)
    assert fitted.code_ids[int(P[0].argmax())] == "trust"
