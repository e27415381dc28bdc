"""Running-record books: headings, question numbers, page breaks, one document per interview."""

from __future__ import annotations

import pytest

from qualcode.errors import IngestError


def notes(doc):
    return [(b.question, b.page, doc.text[b.start:b.end]) for b in doc.blocks]


def one_page(body: str, number: int = 4, page: int = 22) -> str:
    return f"Interview summary number {number} page {page}\n\n{body}"


@pytest.mark.parametrize(
    ("line", "question", "words"),
    [
        ("3. Briefed by cluster.", "3", "Briefed by cluster."),
        ("3 . Briefed by cluster.", "3", "Briefed by cluster."),
        ("10a. A CAF for a year 6 boy.", "10a", "A CAF for a year 6 boy."),
        ("10a . A CAF for a year 6 boy.", "10a", "A CAF for a year 6 boy."),
        ("2c Still don't know who to ring.", "2c", "Still don't know who to ring."),
        ("2c. Still don't know who to ring.", "2c", "Still don't know who to ring."),
        ("1 a. Round the table.", "1a", "Round the table."),
        ("  7) Leads unclear.", "7", "Leads unclear."),
    ],
)
def test_question_number_forms(read_one, line, question, words):
    doc = read_one("rr.txt", one_page(line))
    assert notes(doc) == [(question, 22, words)]
    assert doc.blocks[0].kind == "note"


@pytest.mark.parametrize(("mark", "part"), [("a/", "a"), ("b/", "b"), ("b.", "b"), ("c)", "c")])
def test_lettered_parts_belong_to_the_last_numbered_question(read_one, mark, part):
    doc = read_one("rr.txt", one_page(f"10. CAF is new.\n{mark} Paperwork heavy.\n"))
    assert notes(doc) == [("10", 22, "CAF is new."), (f"10{part}", 22, "Paperwork heavy.")]


def test_lettered_part_after_a_lettered_question_uses_its_number(read_one):
    doc = read_one("rr.txt", one_page("2a. Monthly.\nb/ By the SENCO.\nc) Don't know.\n"))
    assert [b.question for b in doc.blocks] == ["2a", "2b", "2c"]


@pytest.mark.parametrize(
    "line",
    ["12 months waiting for CAMHS.", "5yrs in post, knows everyone.", "2 way traffic now.",
     "3.5 days a week.", "10:30 start, late."],
)
def test_numbers_followed_by_words_are_content(read_one, line):
    doc = read_one("rr.txt", one_page(f"6. Communication poor.\n{line}\n"))
    assert notes(doc) == [("6", 22, f"Communication poor.\n{line}")]


def test_bare_number_moving_the_agenda_on_by_one_is_a_question(read_one):
    body = "12. Children's views heard at CAF.\n13 Yes, the nurture group. Works well.\n"
    doc = read_one("rr.txt", one_page(body))
    assert notes(doc) == [("12", 22, "Children's views heard at CAF."),
                          ("13", 22, "Yes, the nurture group. Works well.")]


def test_bare_number_jumping_ahead_is_content(read_one):
    doc = read_one("rr.txt", one_page("3. Cluster leads.\n5 heads meet monthly.\n"))
    assert notes(doc) == [("3", 22, "Cluster leads.\n5 heads meet monthly.")]


def test_bare_one_starts_the_first_question(read_one):
    doc = read_one("rr.txt", one_page("1 Agencies round the table.\n2 . Health.\n"))
    assert [b.question for b in doc.blocks] == ["1", "2"]


def test_dotted_number_is_always_a_question_even_going_back(read_one):
    doc = read_one("rr.txt", one_page("5. Time.\n3. Back to leadership.\n4 Funding short.\n"))
    assert [b.question for b in doc.blocks] == ["5", "3", "4"]


def test_note_runs_over_lines_until_the_next_question(read_one):
    doc = read_one("rr.txt", one_page("4. Knowing people.\nTrust.\n\n  Same faces.\n5. Time.\n"))
    assert notes(doc)[0] == ("4", 22, "Knowing people.\nTrust.\n\n  Same faces.")


def test_note_crossing_a_page_break_is_two_blocks_with_the_same_question(read_one):
    text = (
        "Interview summary number 7 page 41\n"
        "9. Joint training with health was\n"
        "Interview summary number 7 page 42\n"
        "really useful.\n"
        "10. CAF.\n"
    )
    doc = read_one("rr.txt", text)
    assert notes(doc) == [("9", 41, "Joint training with health was"),
                          ("9", 42, "really useful."),
                          ("10", 42, "CAF.")]
    assert all("summary" not in doc.text[b.start:b.end] for b in doc.blocks)
    assert doc.metadata["pages"] == [41, 42]


def test_headings_are_case_and_space_tolerant(read_one):
    text = ("INTERVIEW   Summary  number 7   page  41  \n1. A.\n"
            "interview summary number 7 page 42\n2. B.\n")
    doc = read_one("rr.txt", text)
    assert [(b.question, b.page) for b in doc.blocks] == [("1", 41), ("2", 42)]


def test_one_document_per_interview_with_pages_running_on(read_text):
    text = (
        "Running record book 2, spring term.\n\n"
        "Interview summary number 4 page 22\n"
        "1 . Agencies round the table.\n"
        "Interview summary number 4 page 23\n"
        "2a. More meetings.\n"
        "Interview summary number 12 page 24\n"
        "1. Depends on need.\n"
        "Interview summary number 12 page 25\n"
        "5 . Time.\n"
    )
    docs = read_text("running_records.txt", text)
    assert len(docs) == 2
    first, second = docs
    assert [d.respondent_ref for d in docs] == ["4", "12"]
    assert [d.title for d in docs] == ["Running record, interview 4",
                                       "Running record, interview 12"]
    assert [d.kind for d in docs] == ["running_record", "running_record"]
    assert first.metadata == {"pages": [22, 23], "book": "running_records.txt",
                              "preamble": "Running record book 2, spring term."}
    assert second.metadata == {"pages": [24, 25], "book": "running_records.txt"}
    assert first.text.startswith("Interview summary number 4 page 22")
    assert first.text.endswith("2a. More meetings.\n")
    assert second.text.startswith("Interview summary number 12 page 24")
    assert first.sha256 == second.sha256
    assert [d.source for d in docs] == ["running_records.txt"] * 2
    assert notes(second) == [("1", 24, "Depends on need."), ("5", 25, "Time.")]


def test_question_state_resets_for_each_interview(read_text):
    text = ("Interview summary number 4 page 22\n12. Views.\n"
            "Interview summary number 5 page 23\nb/ not a part\n13 Yes.\n")
    docs = read_text("rr.txt", text)
    assert notes(docs[1]) == [(None, 23, "b/ not a part\n13 Yes.")]


def test_text_before_the_first_question_of_an_interview_has_no_question(read_one):
    doc = read_one("rr.txt", one_page("Head, rural primary, 40 mins.\n1. Meets weekly.\n"))
    assert notes(doc) == [(None, 22, "Head, rural primary, 40 mins."), ("1", 22, "Meets weekly.")]


def test_empty_note_is_skipped_but_moves_the_agenda(read_one):
    doc = read_one("rr.txt", one_page("3.\n4 Funding cut.\n"))
    assert notes(doc) == [("4", 22, "Funding cut.")]


def test_repeated_interview_later_in_the_book_is_a_separate_document(read_text):
    text = ("Interview summary number 4 page 1\n1. A.\nInterview summary number 5 page 2\n1. B.\n"
            "Interview summary number 4 page 3\n2. C.\n")
    docs = read_text("rr.txt", text)
    assert [d.respondent_ref for d in docs] == ["4", "5", "4"]
    assert docs[2].title == "Running record, interview 4 (part 2)"


def test_forcing_running_record_without_headings_is_an_error(tmp_path):
    from qualcode.ingest.reader import read_document

    path = tmp_path / "notes.txt"
    path.write_text("1. Something.\n2. Else.\n", encoding="utf-8")
    with pytest.raises(IngestError, match="notes.txt .* no page headings"):
        read_document(path, kind="running_record")


def test_running_record_in_markdown_with_emphasised_headings(read_text):
    text = ("## Interview summary number 2 page 5\n\n1. Weekly.\n\n"
            "**Interview summary number 2 page 6**\n\n2. Rarely.\n")
    [doc] = read_text("rr.md", text)
    assert notes(doc) == [("1", 5, "Weekly."), ("2", 6, "Rarely.")]
