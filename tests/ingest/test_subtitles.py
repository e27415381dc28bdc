"""WebVTT and SRT transcripts: voices, leading names, merging cues, times, questions."""

from __future__ import annotations

import pytest

from qualcode.errors import IngestError
from qualcode.ingest.reader import read_document
from qualcode.ingest.subtitles import format_duration, parse_time

VTT = """WEBVTT
Kind: captions

NOTE Recorded on Teams. Respondent: HT3.
This note has two lines.

STYLE
::cue { color: yellow }

intro-1
00:00:03.120 --> 00:00:09.480 align:start position:10%
<v Interviewer>Thank you. Question 3, how is it led?</v>

2
00:00:09.500 --> 00:00:15.000
<v Jane Smith>Mostly by the cluster,
and the <i>county</i> sets the frame.

3
00:00:15.000 --> 00:00:21.250
<v Jane Smith>Heads &amp; officers meet termly.</v>

4
00:00:21.300 --> 00:41:12.900
<v.loud Interviewer>Right. Number four?
"""

SRT = """1
00:00:01,000 --> 00:00:04,000
Interviewer: Question 5, what gets in the way?

2
00:00:04,500 --> 00:00:07,000
Officer Khan: Caseloads.

3
00:00:07,000 --> 00:00:09,000
Officer Khan: And thresholds:
they keep changing.

4
00:00:09,500 --> 00:00:11,000
Interviewer: Thanks.
"""


def test_vtt_voices_merge_consecutive_cues_of_one_speaker(read_one, texts):
    doc = read_one("HT3_interview.vtt", VTT)
    assert doc.kind == "transcript"
    assert [(b.speaker, b.is_interviewer, b.turn) for b in doc.blocks] == [
        ("Interviewer", True, 1), ("Jane Smith", False, 2), ("Interviewer", True, 3)]
    assert texts(doc) == [
        "Thank you. Question 3, how is it led?",
        "Mostly by the cluster, and the county sets the frame. Heads & officers meet termly.",
        "Right. Number four?",
    ]
    assert doc.text.startswith("Interviewer: Thank you. Question 3, how is it led?\n\n"
                               "Jane Smith: Mostly by the cluster,")


def test_vtt_times_and_duration(read_one):
    doc = read_one("HT3_interview.vtt", VTT)
    first, merged, last = doc.blocks
    assert (first.time_start, first.time_end) == (3.12, 9.48)
    assert (merged.time_start, merged.time_end) == (9.5, 21.25)
    assert last.time_end == pytest.approx(2472.9)
    assert doc.metadata["duration"] == "00:41:12"


def test_vtt_questions_follow_the_interviewer(read_one):
    doc = read_one("HT3_interview.vtt", VTT)
    assert [b.question for b in doc.blocks] == ["3", "3", "4"]


def test_srt_leading_names_commas_and_merging(read_one, texts):
    doc = read_one("O1_interview.srt", SRT)
    assert [(b.speaker, b.is_interviewer) for b in doc.blocks] == [
        ("Interviewer", True), ("Officer Khan", False), ("Interviewer", True)]
    assert texts(doc)[1] == "Caseloads. And thresholds: they keep changing."
    assert (doc.blocks[1].time_start, doc.blocks[1].time_end) == (4.5, 9.0)
    assert [b.question for b in doc.blocks] == ["5", "5", "5"]
    assert doc.metadata["duration"] == "00:00:11"


def test_vtt_zoom_style_names_without_hours(read_one, texts):
    vtt = ("WEBVTT\n\n1\n00:01.000 --> 00:04.000\nsam p: Hello there.\n\n"
           "2\n00:04.000 --> 00:06.500\nParent 1: Hi: fine.\n\n"
           "3\n00:07.000 --> 00:09.000\nsam p: Good.\n")
    doc = read_one("P2.vtt", vtt)
    assert [b.speaker for b in doc.blocks] == ["sam p", "Parent 1", "sam p"]
    assert texts(doc)[1] == "Hi: fine."
    assert doc.blocks[2].time_end == 9.0


def test_colon_in_a_sentence_is_not_a_speaker(read_one, texts):
    vtt = ("WEBVTT\n\n00:00:01.000 --> 00:00:02.000\n<v Interviewer>Why?\n\n"
           "00:00:02.000 --> 00:00:05.000\n<v Ann>Simple: money.\n")
    doc = read_one("t.vtt", vtt)
    assert [b.speaker for b in doc.blocks] == ["Interviewer", "Ann"]
    assert texts(doc)[1] == "Simple: money."


def test_two_voices_in_one_cue(read_one, texts):
    vtt = ("WEBVTT\n\n00:00:01.000 --> 00:00:03.000\n<v Interviewer>Ready?</v>\n"
           "<v Parent A>Yes.</v>\n")
    doc = read_one("t.vtt", vtt)
    assert [(b.speaker, w) for b, w in zip(doc.blocks, texts(doc), strict=True)] == [
        ("Interviewer", "Ready?"), ("Parent A", "Yes.")]


def test_cues_without_speakers_are_one_block_each(read_one, texts):
    srt = "1\n00:00:01,000 --> 00:00:02,000\nHello.\n\n2\n00:00:02,000 --> 00:00:03,000\nHi.\n"
    doc = read_one("t.srt", srt)
    assert texts(doc) == ["Hello.", "Hi."]
    assert [b.speaker for b in doc.blocks] == [None, None]
    assert doc.text == "Hello.\n\nHi.\n\n"


def test_srt_without_blank_lines_between_cues(read_one, texts):
    srt = ("1\n00:00:01,000 --> 00:00:02,000\nInterviewer: One?\n"
           "2\n00:00:02,000 --> 00:00:03,000\nRespondent: Two.\n")
    doc = read_one("t.srt", srt)
    assert texts(doc) == ["One?", "Two."]


def test_subtitle_file_without_cues(tmp_path):
    path = tmp_path / "empty_cues.vtt"
    path.write_text("WEBVTT\n\nNOTE nothing here\n", encoding="utf-8")
    with pytest.raises(IngestError, match="empty_cues.vtt has no subtitle cues"):
        read_document(path)


def test_subtitles_cannot_be_forced_to_another_kind(tmp_path):
    path = tmp_path / "t.srt"
    path.write_text(SRT, encoding="utf-8")
    with pytest.raises(IngestError, match="always transcripts"):
        read_document(path, kind="document")


def test_vtt_in_utf16_with_crlf(read_one, texts):
    doc = read_one("t.vtt", VTT.replace("\n", "\r\n").encode("utf-16"))
    assert texts(doc)[0] == "Thank you. Question 3, how is it led?"


@pytest.mark.parametrize(
    ("value", "seconds"),
    [("00:00:03.120", 3.12), ("00:00:03,120", 3.12), ("01:02:03.5", 3723.5), ("02:03.000", 123)],
)
def test_parse_time(value, seconds):
    assert parse_time(value) == pytest.approx(seconds)


def test_format_duration():
    assert format_duration(2472.9) == "00:41:12"
    assert format_duration(3723) == "01:02:03"
