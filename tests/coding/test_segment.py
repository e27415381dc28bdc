"""Segmentation: sentences with exact offsets, the same boundaries as spaCy's sentencizer."""

from __future__ import annotations

import qualcode
from qualcode.coding.segment import segment_document, sentence_pipeline, sentence_starts
from qualcode.ingest.document import Block, ParsedDocument


def _spacy_starts_with_openings_moved(nlp, text: str) -> list[int]:  # type: ignore[no-untyped-def]
    """spaCy's sentencizer boundaries, with an opening bracket before a sentence moved in."""
    doc = nlp(text)
    out = []
    for sent in doc.sents:
        i = sent.start
        while (i >= 2 and doc[i - 1].is_left_punct and doc[i - 2].whitespace_
               and not doc[i - 1].whitespace_ and i - 1 > (out[-1][0] if out else 0)):
            i -= 1
        out.append((i, doc[i].idx))
    return [idx for _i, idx in out]


def test_fast_boundaries_follow_spacy_sentencizer_on_the_demo_study(
        demo: qualcode.Project) -> None:
    nlp = sentence_pipeline()
    texts = demo.segments().groupby("document_id").text.apply(" ".join).tolist()
    texts += ["Really?! Yes... (laughs) \"Fine.\" Then - well. 3. Next", "", "...", "No end"]
    for text in texts:
        assert sentence_starts(nlp.make_doc(text)) == _spacy_starts_with_openings_moved(nlp,
                                                                                          text)


def test_an_opening_bracket_starts_the_next_sentence_not_the_last() -> None:
    nlp = sentence_pipeline()
    text = 'Nobody puts their hand up. (laughs) So it is me. He said "Fine." Then we went.'
    starts = sentence_starts(nlp.make_doc(text))
    pieces = [text[a:b].strip() for a, b in zip(starts, [*starts[1:], len(text)])]
    assert pieces == ["Nobody puts their hand up.", "(laughs) So it is me.",
                      'He said "Fine."', "Then we went."]


def test_blocks_split_into_sentences_and_paragraphs_with_locators() -> None:
    text = "Respondent: One. Two?\n\nThree (laughs). Four"
    doc = ParsedDocument(text=text, kind="transcript", title="t", source="t.txt", sha256="x",
                         blocks=[Block(start=12, end=len(text), kind="turn", speaker="Respondent",
                                       turn=4, question="5")])
    segs = segment_document(doc, "HT3")
    assert [text[s.start:s.end] for s in segs] == ["One.", "Two?", "Three (laughs).", "Four"]
    assert {s.locator for s in segs} == {"HT3/T4"}
    assert [s.ordinal for s in segs] == [0, 1, 2, 3]
