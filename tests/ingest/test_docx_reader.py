"""Word files: paragraphs and tables in order, bold and table speaker labels, bad files."""

from __future__ import annotations

import io
import zipfile

import docx
import pytest

from qualcode.errors import IngestError
from qualcode.ingest.reader import read_document


def read(path, check, **kwargs):
    docs = read_document(path, **kwargs)
    for doc in docs:
        check(doc)
    return docs


def test_bold_labels_even_with_unusual_names(make_docx, check, texts):
    path = make_docx("HT2_interview.docx", [
        [("Mrs Okafor-Smith:", True), (" Shall we begin?", False)],
        [("Head of Year 9", True), (": Yes, fine.", False)],
        [("Interviewer:", True), (" Question 4, what helps?", False)],
        [("Head of Year 9:", True), (" Knowing people.", False)],
    ])
    [doc] = read(path, check)
    assert doc.kind == "transcript"
    assert [b.speaker for b in doc.blocks] == [
        "Mrs Okafor-Smith", "Head of Year 9", "Interviewer", "Head of Year 9"]
    assert texts(doc) == ["Shall we begin?", "Yes, fine.", "Question 4, what helps?",
                          "Knowing people."]
    assert [b.question for b in doc.blocks] == [None, None, "4", "4"]
    assert doc.text.split("\n")[0] == "Mrs Okafor-Smith: Shall we begin?"


def test_plain_text_labels_in_paragraphs(make_docx, check, texts):
    path = make_docx("O3.docx", ["Date: 4 May 2009", "Respondent: O3", "",
                                 "Interviewer: Question 1. What does MAW mean?",
                                 "Respondent: Working together.", "It takes time."])
    [doc] = read(path, check)
    assert doc.kind == "transcript"
    assert doc.respondent_ref == "O3"
    assert doc.metadata == {"date": "4 May 2009"}
    assert texts(doc) == ["Question 1. What does MAW mean?", "Working together.\nIt takes time."]


def test_bold_date_header_is_metadata_not_a_turn(make_docx, check):
    path = make_docx("t.docx", [[("Date:", True), (" 1 June 2009", False)],
                                "Interviewer: Hello.", "Respondent: Hi."])
    [doc] = read(path, check)
    assert doc.metadata["date"] == "1 June 2009"
    assert [b.speaker for b in doc.blocks] == ["Interviewer", "Respondent"]


def test_bold_text_without_colon_is_not_a_label(make_docx, check):
    path = make_docx("t.docx", [[("Important", True), (" point about funding.", False)],
                                "Interviewer: Hello.", "Respondent: Hi."])
    [doc] = read(path, check)
    assert [b.speaker for b in doc.blocks] == ["Interviewer", "Respondent"]
    assert doc.metadata["preamble"] == "Important point about funding."


def test_all_bold_paragraph_with_colon_is_a_heading_not_a_label(make_docx, check, texts):
    path = make_docx("t.docx", [[("Key finding: trust matters", True)],
                                "Interviewer: Hello.", "Respondent: Hi.",
                                [("Second point: time matters", True)]])
    [doc] = read(path, check)
    assert [b.speaker for b in doc.blocks] == ["Interviewer", "Respondent"]
    assert texts(doc)[1] == "Hi.\nSecond point: time matters"


def test_bold_label_alone_with_words_in_the_next_paragraph(make_docx, check, texts):
    path = make_docx("t.docx", [[("Ms Achebe:", True)], "Yes, weekly.",
                                [("Interviewer:", True)], "Thanks."])
    [doc] = read(path, check)
    assert [(b.speaker, w) for b, w in zip(doc.blocks, texts(doc), strict=True)] == [
        ("Ms Achebe", "Yes, weekly."), ("Interviewer", "Thanks.")]


def test_two_column_speaker_table_gives_turns(make_docx, check, texts):
    path = make_docx("T2_interview.docx", [
        "Teacher interview T2",
        ("table", [["Speaker", "Words"],
                   ["Interviewer", "Question 6, communication?"],
                   ["Teacher", "Emails go unanswered."],
                   ["", "Sometimes for weeks."],
                   ["Interviewer:", "Thanks."]]),
    ])
    [doc] = read(path, check)
    assert doc.kind == "transcript"
    assert doc.text.split("\n") == [
        "Teacher interview T2",
        "Interviewer: Question 6, communication?",
        "Teacher: Emails go unanswered.",
        "Sometimes for weeks.",
        "Interviewer: Thanks.",
    ]
    assert [(b.speaker, b.is_interviewer, b.question) for b in doc.blocks] == [
        ("Interviewer", True, "6"), ("Teacher", False, "6"), ("Interviewer", True, "6")]
    assert texts(doc)[1] == "Emails go unanswered.\nSometimes for weeks."
    assert doc.metadata["preamble"] == "Teacher interview T2"


def test_speaker_table_with_unusual_names_without_header(make_docx, check):
    path = make_docx("t.docx", [("table", [["Sam", "Hello"], ["Jo Bloggs", "Hi"],
                                           ["Sam", "How are you?"]])])
    [doc] = read(path, check)
    assert [b.speaker for b in doc.blocks] == ["Sam", "Jo Bloggs", "Sam"]


def test_other_tables_keep_body_order_as_joined_rows(make_docx, check, texts):
    path = make_docx("policy.docx", [
        "Before the table.",
        ("table", [["Agency", "Contact", "Frequency"], ["Health", "School nurse", "Weekly"]]),
        "After the table.",
    ])
    [doc] = read(path, check)
    assert doc.kind == "document"
    assert texts(doc) == ["Before the table.", "Agency | Contact | Frequency",
                          "Health | School nurse | Weekly", "After the table."]
    assert all(b.kind == "paragraph" for b in doc.blocks)


def test_two_column_table_that_is_not_speakers(make_docx, check, texts):
    path = make_docx("policy.docx", [("table", [["Health", "Weekly meetings"],
                                                ["Housing", "Rarely, by phone"]])])
    [doc] = read(path, check)
    assert doc.kind == "document"
    assert texts(doc) == ["Health | Weekly meetings", "Housing | Rarely, by phone"]


def test_docx_document_paragraph_per_block(make_docx, check, texts):
    path = make_docx("observation_panel.docx", ["Date: 3 June 2009", "Chair opened.", "",
                                                "Officer left early."])
    [doc] = read(path, check)
    assert doc.kind == "observation"
    assert doc.metadata == {"date": "3 June 2009"}
    assert texts(doc) == ["Chair opened.", "Officer left early."]


def test_docx_running_record(make_docx, check, texts):
    path = make_docx("book.docx", ["Interview summary number 3 page 9", "1. Meets weekly.",
                                   "2 . Health and social care.",
                                   "Interview summary number 4 page 10", "1. Rarely."])
    docs = read(path, check)
    assert [d.respondent_ref for d in docs] == ["3", "4"]
    assert [(b.question, b.page) for b in docs[0].blocks] == [("1", 9), ("2", 9)]
    assert texts(docs[1]) == ["Rarely."]


def test_docx_line_breaks_and_tabs_are_kept(tmp_path, check, texts):
    document = docx.Document()
    paragraph = document.add_paragraph("Interviewer: One")
    paragraph.add_run().add_break()
    paragraph.add_run("two\tthree")
    document.add_paragraph("Respondent: Four")
    path = tmp_path / "t.docx"
    document.save(str(path))
    [doc] = read(path, check)
    assert texts(doc) == ["One\ntwo\tthree", "Four"]


def test_docx_from_file_like(make_docx, check):
    path = make_docx("x.docx", ["Interviewer: Hi.", "Respondent: Hello."])
    [doc] = read(io.BytesIO(path.read_bytes()), check, name="HT2_interview.docx")
    assert doc.source == "HT2_interview.docx"
    assert doc.kind == "transcript"


def test_empty_docx(make_docx):
    path = make_docx("blank.docx", ["", "   "])
    with pytest.raises(IngestError, match=r"^blank\.docx is empty"):
        read_document(path)


def test_docx_that_is_not_a_zip(tmp_path):
    path = tmp_path / "broken.docx"
    path.write_bytes(b"This is really a text file with the wrong suffix.")
    with pytest.raises(IngestError) as err:
        read_document(path)
    assert "broken.docx is not a valid Word .docx file" in str(err.value)
    assert "save it again" in str(err.value)


def test_truncated_docx(make_docx, tmp_path):
    data = make_docx("x.docx", ["Interviewer: Hi."]).read_bytes()
    path = tmp_path / "cut.docx"
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(IngestError, match="cut.docx is not a valid Word .docx file"):
        read_document(path)


def test_docx_missing_document_xml(make_docx, tmp_path):
    data = make_docx("x.docx", ["Interviewer: Hi."]).read_bytes()
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for item in source.namelist():
            if item != "word/document.xml":
                target.writestr(item, source.read(item))
    path = tmp_path / "hollow.docx"
    path.write_bytes(out.getvalue())
    with pytest.raises(IngestError) as err:
        read_document(path)
    assert "hollow.docx is a damaged Word file" in str(err.value)
    assert "word/document.xml" in str(err.value)


def test_docx_with_broken_xml(make_docx, tmp_path):
    data = make_docx("x.docx", ["Interviewer: Hi."]).read_bytes()
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for item in source.namelist():
            body = source.read(item)
            target.writestr(item, body[:200] if item == "word/document.xml" else body)
    path = tmp_path / "garbled.docx"
    path.write_bytes(out.getvalue())
    with pytest.raises(IngestError, match="garbled.docx is a damaged Word file"):
        read_document(path)


def test_zip_that_is_not_word(tmp_path):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        target.writestr("notes.txt", "hello")
    path = tmp_path / "archive.docx"
    path.write_bytes(out.getvalue())
    with pytest.raises(IngestError, match="archive.docx is a damaged Word file"):
        read_document(path)


def test_password_protected_docx(tmp_path):
    path = tmp_path / "secret.docx"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 512)
    with pytest.raises(IngestError) as err:
        read_document(path)
    message = str(err.value)
    assert "secret.docx is password-protected (encrypted)" in message
    assert "remove the password" in message and ".docx" in message
