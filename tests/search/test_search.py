"""Text search: lemma, exact and regex modes, filters, keyword in context, bad input."""

from __future__ import annotations

import time

import pandas as pd
import pytest

import qualcode
from qualcode.errors import CodingError
from qualcode.search.search import (
    HIT_COLUMNS,
    format_hits,
    hit_counts,
    parse_query,
    search,
)


def run(project: qualcode.Project, query: object, mode: str = "lemma", **filters: object
        ) -> pd.DataFrame:
    with project.session() as s:
        return search(s, query, mode, **filters)  # type: ignore[arg-type]


def hits_of(frame: pd.DataFrame) -> list[str]:
    return frame["hit"].tolist()


# --- matching ------------------------------------------------------------------------

def test_lemma_search_finds_every_form_of_the_word(searched: qualcode.Project) -> None:
    hits = run(searched, "fund")
    assert hits_of(hits) == ["Funding", "funded", "funds", "FUND", "funding", "funding",
                             "funded", "Funding"]
    assert "Refunds" not in hits_of(hits)  # whole words only


def test_lemma_search_from_an_inflected_form(searched: qualcode.Project) -> None:
    assert hits_of(run(searched, "funding")) == hits_of(run(searched, "fund"))
    assert hits_of(run(searched, "FUNDED")) == hits_of(run(searched, "fund"))


def test_exact_search_matches_the_form_ignoring_case(searched: qualcode.Project) -> None:
    assert hits_of(run(searched, "funding", "exact")) == ["Funding", "funding", "funding",
                                                          "Funding"]
    assert hits_of(run(searched, "Funding", "exact", case_sensitive=True)) == ["Funding",
                                                                              "Funding"]


def test_exact_search_inside_words_on_request(searched: qualcode.Project) -> None:
    hits = run(searched, "fund", "exact", whole_words=False)
    assert ("Re", "fund") in zip(hits["left"].str[-2:], hits["hit"])  # in "Refunds"
    assert len(hits) == len(run(searched, "fund")) + 1


def test_phrase_alternatives_and_prefix(searched: qualcode.Project) -> None:
    phrase = run(searched, '"joint training"')
    assert hits_of(phrase) == ["Joint training", "joint training", "joint training"]
    # "Joint. Training days" in T1 is two sentences: a phrase never spans segments
    assert set(phrase["label"]) == {"HT1", "cluster_observation"}
    either = run(searched, "budget | money")
    assert hits_of(either) == ["budget", "money"]
    assert hits_of(run(searched, "budget OR money")) == hits_of(either)
    assert hits_of(run(searched, ["budget", "money"])) == hits_of(either)
    assert hits_of(run(searched, "train*", "exact")) == ["training", "training", "Training",
                                                         "Training", "training"]


def test_regex_search_is_case_insensitive_by_default(searched: qualcode.Project) -> None:
    hits = run(searched, r"\bfund(s|ed|ing)?\b", "regex")
    assert hits_of(hits) == hits_of(run(searched, "fund"))
    assert hits_of(run(searched, r"\bFund\w*", "regex", case_sensitive=True)) == [
        "Funding", "Funding"]


def test_query_parsing() -> None:
    alternatives = parse_query('funding | "joint training" OR safeguard*')
    assert [[w.text for w in a] for a in alternatives] == [["funding"], ["joint", "training"],
                                                           ["safeguard"]]
    assert alternatives[2][0].prefix
    assert [w.text for w in parse_query("multi-agency")[0]] == ["multi", "agency"]


# --- the keyword-in-context frame --------------------------------------------------------

def test_hits_have_the_kwic_columns_and_true_offsets(searched: qualcode.Project) -> None:
    hits = run(searched, "fund")
    assert list(hits.columns) == HIT_COLUMNS
    texts = dict(zip(searched.documents()["id"], searched.documents()["text"]))
    segments = searched.segments().set_index("id")
    for row in hits.itertuples():
        assert texts[row.document_id][row.start:row.end] == row.hit
        seg = segments.loc[row.segment_id]
        assert seg.start <= row.start < seg.end and seg.locator == row.locator
    first = hits.iloc[0]
    assert (first.label, first.group, first.locator, first.speaker) == (
        "HT1", "head_teacher", "HT1/T2", "Respondent")
    assert first.left == "" and first.right.startswith(" is the problem.")


def test_context_stays_inside_the_turn(searched: qualcode.Project) -> None:
    hits = run(searched, "gone", context=200)
    assert hits.iloc[0].left.startswith("Funding is the problem.")
    assert "Question" not in hits.iloc[0].left + hits.iloc[0].right
    short = run(searched, "funded", "exact", context=12)
    assert all(len(x) <= 12 for x in short["left"])


def test_a_search_that_matches_nothing_is_an_empty_labelled_frame(
        searched: qualcode.Project) -> None:
    for mode in ("lemma", "exact", "regex"):
        hits = run(searched, "zebra", mode)
        assert hits.empty and list(hits.columns) == HIT_COLUMNS
    with searched.session() as s:
        counts = hit_counts(s, run(searched, "zebra"))
    assert counts.by_document["hits"].sum() == 0 and len(counts.by_document) == 5


def test_an_empty_project_has_no_hits_and_limit_keeps_the_first(
        project: qualcode.Project, searched: qualcode.Project) -> None:
    assert run(project, "fund").empty and run(project, "fund", "regex").empty
    assert hits_of(run(searched, "fund", limit=2)) == ["Funding", "funded"]
    with pytest.raises(CodingError, match="context must be a whole number"):
        run(searched, "fund", context=None)


# --- filters ---------------------------------------------------------------------------

def test_interviewer_turns_are_left_out_unless_asked_for(searched: qualcode.Project) -> None:
    assert len(run(searched, "fund", include_interviewer=True)) == len(run(searched, "fund")) + 1
    assert len(run(searched, "question", "exact")) == 0


def test_filters_by_group_attribute_kind_respondent_speaker(searched: qualcode.Project) -> None:
    assert set(run(searched, "fund", groups=["officer"])["label"]) == {"O1"}
    assert set(run(searched, "fund", group="teacher")["label"]) == {"T1"}
    assert set(run(searched, "fund", attributes={"gender": "female"})["label"]) == {"HT1", "O1"}
    assert set(run(searched, "fund", trial=False)["label"]) == {"HT1", "T1", "C1"}
    assert hits_of(run(searched, "fund", kinds="observation")) == ["Funding"]
    assert set(run(searched, "fund", respondents=["HT1", "C1"])["label"]) == {"HT1", "C1"}
    child_b = run(searched, "key worker", speakers="Child B")
    assert len(child_b) == 1 and child_b.iloc[0].speaker == "Child B"


def test_filter_inside_and_outside_a_code_with_descendants(search_copy: qualcode.Project
                                                           ) -> None:
    o1 = search_copy.segments().query("label == 'O1' and not is_interviewer")
    search_copy.code(int(o1.id.iloc[0]), "short_term_funding")
    inside = run(search_copy, "fund", in_code="finance")
    assert hits_of(inside) == ["funding"] and inside.iloc[0].label == "O1"
    assert run(search_copy, "fund", in_code="finance", include_descendants=False).empty
    outside = run(search_copy, "fund", not_in_code="finance")
    assert len(outside) == len(run(search_copy, "fund")) - 1


def test_unknown_filters_and_names_are_clear_errors(searched: qualcode.Project) -> None:
    with pytest.raises(CodingError, match="Unknown search option 'colour'"):
        run(searched, "fund", colour="red")
    with pytest.raises(CodingError, match="group 'headteacher'.*head_teacher"):
        run(searched, "fund", groups="headteacher")
    with pytest.raises(CodingError, match="kind 'memo'"):
        run(searched, "fund", kinds="memo")
    with pytest.raises(CodingError, match="no code 'nope'"):
        run(searched, "fund", in_code="nope")
    with pytest.raises(CodingError, match="speaker 'Child Z'"):
        run(searched, "fund", speakers="Child Z")
    with pytest.raises(CodingError, match="mode='exact'"):
        run(searched, "fund", case_sensitive=True)
    with pytest.raises(CodingError, match="not one of lemma, exact, regex"):
        run(searched, "fund", "fuzzy")


# --- bad queries --------------------------------------------------------------------------

@pytest.mark.parametrize("query", ["", "   ", [], ["", " "], None])
def test_an_empty_query_is_refused(searched: qualcode.Project, query: object) -> None:
    with pytest.raises(CodingError, match="The search is empty"):
        run(searched, query)


def test_a_query_of_punctuation_only_is_refused(searched: qualcode.Project) -> None:
    with pytest.raises(CodingError, match="no words to look for"):
        run(searched, "...")


def test_an_invalid_regular_expression_says_where(searched: qualcode.Project) -> None:
    with pytest.raises(CodingError, match=r"not valid: missing \) at position 5"):
        run(searched, "fund(", "regex")
    with pytest.raises(CodingError, match="only a \\* at the end"):
        run(searched, "*fund")


def test_a_catastrophic_regular_expression_is_stopped(search_copy: qualcode.Project,
                                                      tmp_path: object) -> None:
    from pathlib import Path
    path = Path(str(tmp_path)) / "HT1_long_interview.txt"
    path.write_text("Interviewer: Question 1. Well?\nRespondent: " + "a" * 5000 + "!\n",
                    encoding="utf-8")
    search_copy.import_file(path)
    start = time.perf_counter()
    with pytest.raises(CodingError) as caught:
        run(search_copy, "(a+)+$", "regex", timeout=0.3)
    assert time.perf_counter() - start < 10
    message = str(caught.value)
    assert "stopped after" in message and "time limit 0.3 s" in message
    assert "nested repeats" in message and "HT1_long_interview" in message


# --- counts and printing ------------------------------------------------------------------

def test_counts_per_document_and_group(searched: qualcode.Project) -> None:
    hits = run(searched, "fund")
    with searched.session() as s:
        by_document, by_group = hit_counts(s, hits)
    assert by_document.set_index("label")["hits"].to_dict() == {
        "HT1": 3, "O1": 2, "T1": 1, "C1": 1, "cluster_observation": 1}
    groups = by_group.set_index("group")
    assert groups.loc["head_teacher", "hits"] == 3
    assert groups.loc["(no respondent)", "hits"] == 1
    assert groups["hits"].sum() == len(hits)
    assert (groups["per_10k"] > 0).all()
    with searched.session() as s:
        text = format_hits(hits, hit_counts(s, hits))
    assert "8 hit(s) for 'fund' (lemma)" in text and "[funded]" in text
    assert "head_teacher" in text


def test_the_demo_study_search_is_consistent(demo: qualcode.Project) -> None:
    with demo.session() as s:
        hits = search(s, "fund")
        regex_hits = search(s, r"\bfund(s|ed|ing)?\b", "regex")
    assert len(hits) >= 10
    assert set(zip(hits.document_id, hits.start)) == set(
        zip(regex_hits.document_id, regex_hits.start))
    assert hits["speaker"].ne("Interviewer").all()
