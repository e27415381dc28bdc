"""Decoding text files: encodings, line endings, binary and undecodable files, limits."""

from __future__ import annotations

import hashlib
import io

import pytest

from qualcode.errors import IngestError
from qualcode.ingest.reader import read_document
from qualcode.ingest.text import decode_text

TRANSCRIPT = "Interviewer: Was it “good”?\nRespondent: Café au lait – yes.\n"


def test_utf8_without_bom(read_one, texts):
    doc = read_one("t.txt", TRANSCRIPT)
    assert texts(doc) == ["Was it “good”?", "Café au lait – yes."]


def test_utf8_bom_is_stripped_and_offsets_stay_exact(read_one, texts):
    doc = read_one("t.txt", b"\xef\xbb\xbf" + TRANSCRIPT.encode("utf-8"))
    assert doc.text == TRANSCRIPT
    assert texts(doc) == ["Was it “good”?", "Café au lait – yes."]


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-be", "utf-32"])
def test_utf16_and_utf32_with_bom(read_one, texts, encoding):
    data = TRANSCRIPT.encode(encoding)
    if encoding == "utf-16-be":
        data = b"\xfe\xff" + data
    doc = read_one("t.txt", data)
    assert doc.text == TRANSCRIPT
    assert doc.kind == "transcript"
    assert texts(doc)[1] == "Café au lait – yes."


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
def test_utf16_without_bom_is_detected_by_nul_pattern(read_one, texts, encoding):
    doc = read_one("t.txt", TRANSCRIPT.encode(encoding))
    assert doc.text == TRANSCRIPT
    assert texts(doc) == ["Was it “good”?", "Café au lait – yes."]


def test_cp1252_smart_quotes_fall_back(read_one, texts):
    data = b"Interviewer: \x93Joined up\x94 working?\nRespondent: It\x92s \x96 fine \x85\n"
    doc = read_one("t.txt", data)
    assert texts(doc) == ["“Joined up” working?", "It’s – fine …"]


def test_crlf_and_lone_cr_are_normalised_before_offsets(read_one, texts):
    doc = read_one("t.txt", b"Interviewer: One?\r\nRespondent: Two.\rThree.\r\n")
    assert "\r" not in doc.text
    assert doc.text == "Interviewer: One?\nRespondent: Two.\nThree.\n"
    assert texts(doc) == ["One?", "Two.\nThree."]


def test_trailing_spaces_inside_text_are_kept():
    assert decode_text(b"a  \nb\t\n", "x.txt") == "a  \nb\t\n"


@pytest.mark.parametrize(
    ("data", "hint"),
    [
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00", "PNG"),
        (b"PK\x03\x04\x14\x00\x06\x00word/document.xml", ".docx"),
        (b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n", "PDF"),
        (b"Interviewer: hi\x00\x01\x02 there" * 3, "NUL"),
        (b"Respondent: \x01\x02\x03\x04\x05\x06\x07 noise \x1b\x1c", "control"),
    ],
)
def test_binary_file_named_txt_is_refused(tmp_path, data, hint):
    path = tmp_path / "notes.txt"
    path.write_bytes(data)
    with pytest.raises(IngestError) as err:
        read_document(path)
    message = str(err.value)
    assert "notes.txt looks like a binary file, not text" in message
    assert hint in message
    assert "save it as plain text (UTF-8) and import again" in message


def test_bytes_undecodable_in_utf8_and_cp1252_name_file_and_offset(tmp_path):
    data = b"Interviewer: fine\nRespondent: bad \x81 byte\n"
    path = tmp_path / "P1.txt"
    path.write_bytes(data)
    with pytest.raises(IngestError) as err:
        read_document(path)
    message = str(err.value)
    assert message.startswith("P1.txt")
    assert "0x81" in message and f"offset {data.index(0x81)}" in message
    assert "save it as UTF-8" in message


@pytest.mark.parametrize("content", [b"", b"   \n\t\r\n  ", b"\xef\xbb\xbf\r\n"])
def test_empty_or_whitespace_only_file(tmp_path, content):
    path = tmp_path / "blank.txt"
    path.write_bytes(content)
    with pytest.raises(IngestError, match=r"^blank\.txt is empty"):
        read_document(path)


def test_file_over_the_limit_names_size_limit_and_fix(tmp_path):
    path = tmp_path / "big.txt"
    path.write_bytes(b"Interviewer: " + b"x" * 2000)
    with pytest.raises(IngestError) as err:
        read_document(path, max_bytes=1024)
    message = str(err.value)
    assert "big.txt is 2.0 KB" in message
    assert "limit of 1.0 KB" in message
    assert "max_bytes" in message


def test_file_like_over_the_limit_is_refused():
    with pytest.raises(IngestError, match=r"up\.txt is 100 bytes, over the import limit of 50"):
        read_document(io.BytesIO(b"a" * 100), name="up.txt", max_bytes=50)


def test_file_like_source_uses_name_for_suffix_title_and_sha(texts):
    data = TRANSCRIPT.encode("utf-8")
    [doc] = read_document(io.BytesIO(data), name="uploads/HT9_interview.txt")
    assert doc.source == "HT9_interview.txt"
    assert doc.title == "HT9_interview"
    assert doc.sha256 == hashlib.sha256(data).hexdigest()
    assert texts(doc)[0] == "Was it “good”?"


def test_file_like_source_name_attribute_is_used():
    stream = io.BytesIO(TRANSCRIPT.encode("utf-8"))
    stream.name = "/tmp/upload/T4.md"
    [doc] = read_document(stream)
    assert doc.source == "T4.md"


def test_file_like_without_name_asks_for_one():
    with pytest.raises(IngestError, match="pass name="):
        read_document(io.BytesIO(b"Interviewer: hi"))


def test_text_mode_stream_is_refused():
    with pytest.raises(IngestError, match="binary mode"):
        read_document(io.StringIO("Interviewer: hi"), name="t.txt")


def test_sha256_is_of_the_raw_bytes(tmp_path):
    data = b"\xff\xfe" + TRANSCRIPT.encode("utf-16-le")
    path = tmp_path / "t.txt"
    path.write_bytes(data)
    [doc] = read_document(str(path))
    assert doc.sha256 == hashlib.sha256(data).hexdigest()


def test_missing_file(tmp_path):
    with pytest.raises(IngestError, match="nothere.txt: no such file"):
        read_document(tmp_path / "nothere.txt")


@pytest.mark.parametrize("name", ["study.pdf", "notes.doc", "data.xlsx", "README"])
def test_unknown_suffix_lists_the_accepted_ones(tmp_path, name):
    path = tmp_path / name
    path.write_bytes(b"hello")
    with pytest.raises(IngestError) as err:
        read_document(path)
    assert name in str(err.value)
    assert ".txt .md .docx .vtt .srt" in str(err.value)


def test_doc_suffix_suggests_saving_as_docx(tmp_path):
    path = tmp_path / "old.doc"
    path.write_bytes(b"x")
    with pytest.raises(IngestError, match="save it as .docx"):
        read_document(path)


def test_unknown_kind_is_refused(tmp_path):
    path = tmp_path / "t.txt"
    path.write_text(TRANSCRIPT, encoding="utf-8")
    with pytest.raises(IngestError, match="kind 'memo' is not one of transcript"):
        read_document(path, kind="memo")
