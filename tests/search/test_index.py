"""The search index: lemmas, lazy building, incremental updates, packing."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import delete

import qualcode
from qualcode.search import index
from qualcode.search.search import search
from qualcode.store.models import Document, SearchDocument


def test_lemmas_are_lower_cased_lookup_lemmas() -> None:
    assert [index.lemma_of(w) for w in ("funding", "Funding", "FUNDED", "funds")] == [
        "fund"] * 4
    assert index.lemma_of("children") == "child"
    # forms whose lookup lemma would change their meaning keep their form
    assert index.lemma_of("better") == "better" and index.lemma_of("'s") == "'s"
    assert index.lemma_of("don\u2019t") == "don't"


def test_query_words_are_tokens_without_punctuation() -> None:
    assert index.words_of("multi-agency working!") == ["multi", "agency", "working"]
    assert index.words_of("don\u2019t") == ["do", "n't"]


def test_the_index_is_built_on_the_first_search_and_updated_incrementally(
        small_project: qualcode.Project, tmp_path: Path) -> None:
    first = tmp_path / "HT1_interview.txt"
    first.write_text("Interviewer: Well?\nRespondent: The funding stopped.\n", encoding="utf-8")
    small_project.import_file(first)
    with small_project.session() as s:
        assert index.index_status(s)["documents_pending"] == 1
        assert len(search(s, "fund")) == 1
        status = index.index_status(s)
    assert status["documents_indexed"] == 1 and status["documents_pending"] == 0
    second = tmp_path / "T1_interview.txt"
    second.write_text("Interviewer: And you?\nRespondent: We were funded twice.\n",
                      encoding="utf-8")
    small_project.import_file(second)
    with small_project.session() as s:
        report = index.ensure_index(s)
        assert report.indexed == 1  # only the new document
        assert index.ensure_index(s).indexed == 0
        assert search(s, "fund")["label"].tolist() == ["HT1", "T1"]


def test_deleted_and_changed_documents_leave_no_stale_hits(
        search_copy: qualcode.Project) -> None:
    with search_copy.session() as s:
        before = search(s, "fund")
        assert "O1" in set(before["label"])
        o1 = int(before.loc[before["label"] == "O1", "document_id"].iloc[0])
        s.execute(delete(Document).where(Document.id == o1))
    with search_copy.session() as s:
        after = search(s, "fund")
        assert "O1" not in set(after["label"])
        assert len(after) == len(before) - 2
        # a document whose source changed is indexed again
        entry = s.get(SearchDocument, int(after["document_id"].iloc[0]))
        assert entry is not None
        entry.sha256 = "changed"
        assert index.ensure_index(s).indexed == 1
        assert search(s, "fund")["start"].tolist() == after["start"].tolist()


def test_a_new_index_version_reindexes_and_small_batches_merge(
        search_copy: qualcode.Project, monkeypatch: pytest.MonkeyPatch) -> None:
    with search_copy.session() as s:
        expected = search(s, "fund")
    monkeypatch.setattr(index, "INDEX_VERSION", index.INDEX_VERSION + 1)
    monkeypatch.setattr(index, "CHUNK_CHARS", 1)  # one batch per document
    monkeypatch.setattr(index, "MAX_BATCHES", 2)
    with search_copy.session() as s:
        assert index.index_status(s)["documents_pending"] == 5
        report = index.ensure_index(s)
        assert report.indexed == 5 and report.merged >= 2
        assert index.index_status(s)["batches"] <= 2
        got = search(s, "fund")
    columns = ["document_id", "start", "end"]
    assert got[columns].values.tolist() == expected[columns].values.tolist()


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 10**6), st.integers(0, 10**6), st.integers(0, 10**6)),
                max_size=50))
def test_packed_arrays_round_trip(rows: list[tuple[int, int, int]]) -> None:
    array = np.array(rows, dtype=np.int64).reshape(-1, 3)
    assert np.array_equal(index.unpack(index.pack(array, delta=True), 3, delta=True)
                          .reshape(-1, 3), array)
    assert np.array_equal(index.unpack(index.pack(array[:, 0])), array[:, 0])


def test_segments_map_offsets_to_segments_and_turns(searched: qualcode.Project) -> None:
    segments = searched.segments()
    with searched.session() as s:
        index.ensure_index(s)
        table = index.segment_table(s, segments["document_id"].unique().tolist())
    rows = table.locate(segments["document_id"].to_numpy(), segments["start"].to_numpy())
    assert table.segment_id[rows].tolist() == segments["id"].tolist()
    locators, speakers = table.locator_speaker(rows)
    assert list(locators) == segments["locator"].tolist()
    assert [x or None for x in speakers] == [
        None if isinstance(x, float) else x for x in segments["speaker"].tolist()]
    outside = table.locate(np.array([1]), np.array([0]))  # the "Interviewer:" label
    assert outside.tolist() == [-1]
