"""Segmentation: sentences with exact offsets, the same boundaries as spaCy's sentencizer."""

from __future__ import annotations

import qualcode
from qualcode.coding.segment import segment_document, sentence_pipeline, sentence_starts
from qualcode.ingest.document import Block, ParsedDocument


def test_fast_boundaries_equal_spacy_sentencizer_on_the_demo_study(
        demo: qualcode.Project) -> None:
    nlp = sentence_pipeline()
    texts = demo.segments().groupby("document_id").text.apply(" ".join).tolist()
    texts += ["Really?! Yes... (laughs) \"Fine.\" Then - well. 3. Next", "", "...", "No end"]
    for text in texts:
        expected = [s.start_char for s in nlp(text).sents]
        assert sentence_starts(nlp.make_doc(text)) == expected


def test_blocks_split_into_sentences_and_paragraphs_with_locators() -> None:
    text = "Respondent: One. Two?\n\nThree (laughs). Four"
    doc = ParsedDocument(text=text, kind="transcript", title="t", source="t.txt", sha256="x",
                         blocks=[Block(start=12, end=len(text), kind="turn", speaker="Respondent",
                                       turn=4, question="5")])
    segs = segment_document(doc, "HT3")
    assert [text[s.start:s.end] for s in segs] == ["One.", "Two?", "Three (laughs).", "Four"]
    assert {s.locator for s in segs} == {"HT3/T4"}
    assert [s.ordinal for s in segs] == [0, 1, 2, 3]
