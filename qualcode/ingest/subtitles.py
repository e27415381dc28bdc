"""WebVTT and SRT transcripts (Zoom, Teams, captioning tools) as speaker turns.

A cue is an optional id line, a timing line ``00:00:03.120 --> 00:00:09.480`` (SRT uses a
comma; cue settings after the times are ignored) and its text. WebVTT ``NOTE``, ``STYLE``
and ``REGION`` blocks are skipped. The speaker comes from a ``<v Name>`` voice tag (closed
or not; other tags such as ``<i>`` are removed) or a leading ``Name:``. Consecutive cues
of one speaker merge into one turn. The document text is ``Speaker: words`` per turn,
turns separated by a blank line, and each block covers the words only.
"""

from __future__ import annotations

import html
import re
from collections import Counter
from dataclasses import dataclass, field

from qualcode.errors import IngestError
from qualcode.ingest.document import Block
from qualcode.ingest.labels import (
    clean_speaker,
    is_interviewer_name,
    is_known_speaker,
    is_non_speaker,
    speaker_key,
)
from qualcode.ingest.questions import assign_questions

_TIME = r"(?:\d+:)?\d{1,2}:\d{2}(?:[.,]\d{1,3})?"
_TIMING = re.compile(rf"[ \t]*(?P<start>{_TIME})[ \t]*-->[ \t]*(?P<end>{_TIME})(?:[ \t].*)?$")
_VOICE = re.compile(r"<v(?:\.[^\s>]*)?[ \t]+(?P<name>[^>]+)>", re.IGNORECASE)
_TAG = re.compile(r"</?[A-Za-z][^>]*>|<\d[^>]*>")
_SPACES = re.compile(r"\s+")
_LEADING_NAME = re.compile(r"(?P<name>[^:<>\n?!]{1,40}?)[ \t]*:[ \t]+(?P<words>\S.*)$", re.DOTALL)
_SKIPPED_BLOCKS = ("NOTE", "STYLE", "REGION")


@dataclass
class _Cue:
    start: float
    end: float
    lines: list[str] = field(default_factory=list)


@dataclass
class _Piece:
    speaker: str | None
    words: str
    start: float
    end: float


@dataclass
class SubtitleParse:
    """The result of parsing a WebVTT or SRT file."""

    text: str
    blocks: list[Block]
    metadata: dict[str, str]


def parse_time(value: str) -> float:
    """Seconds in a cue time: ``00:00:03.120``, ``00:03,120`` (SRT), ``1:02:03.5``."""
    clock, _, fraction = value.replace(",", ".").partition(".")
    parts = [int(part) for part in clock.split(":")]
    seconds = 0
    for part in parts:
        seconds = seconds * 60 + part
    return seconds + (float(f"0.{fraction}") if fraction else 0.0)


def format_duration(seconds: float) -> str:
    """``HH:MM:SS`` for a number of seconds (``2472.4`` -> ``"00:41:12"``)."""
    whole = int(seconds)
    return f"{whole // 3600:02d}:{whole % 3600 // 60:02d}:{whole % 60:02d}"


def _cues(text: str) -> list[_Cue]:
    cues: list[_Cue] = []
    for chunk in re.split(r"\n[ \t]*\n", text):
        lines = chunk.strip("\n").split("\n")
        if not lines or lines[0].strip().upper().startswith(_SKIPPED_BLOCKS):
            continue
        current: _Cue | None = None
        for line in lines:
            timing = _TIMING.match(line)
            if timing:
                if current is not None and current.lines and current.lines[-1].strip().isdigit():
                    current.lines.pop()  # an SRT index typed without a blank line before it
                current = _Cue(parse_time(timing.group("start")), parse_time(timing.group("end")))
                cues.append(current)
            elif current is not None:
                current.lines.append(line)
    return cues


def _clean(value: str) -> str:
    return _SPACES.sub(" ", html.unescape(_TAG.sub("", value))).strip()


def _voice_pieces(cue: _Cue) -> list[_Piece]:
    raw = "\n".join(cue.lines)
    voices = list(_VOICE.finditer(raw))
    if not voices:
        return [_Piece(None, _clean(raw), cue.start, cue.end)]
    pieces = []
    before = _clean(raw[: voices[0].start()])
    if before:
        pieces.append(_Piece(None, before, cue.start, cue.end))
    for index, voice in enumerate(voices):
        stop = voices[index + 1].start() if index + 1 < len(voices) else len(raw)
        pieces.append(_Piece(clean_speaker(_clean(voice.group("name"))),
                             _clean(raw[voice.end():stop]), cue.start, cue.end))
    return pieces


def _leading_names(pieces: list[_Piece]) -> None:
    """Move a leading ``Name:`` into the speaker when the name is a speaker's."""
    found: list[tuple[_Piece, str, str]] = []
    for piece in pieces:
        if piece.speaker is None:
            match = _LEADING_NAME.match(piece.words)
            if match and len(match.group("name").split()) <= 5:
                found.append((piece, clean_speaker(match.group("name")), match.group("words")))
    counts = Counter(speaker_key(name) for _, name, _ in found)
    for piece, name, words in found:
        if is_non_speaker(name):
            continue
        if counts[speaker_key(name)] >= 2 or is_known_speaker(name):
            piece.speaker = name
            piece.words = words.strip()


def _merge(pieces: list[_Piece]) -> list[_Piece]:
    has_speakers = any(piece.speaker for piece in pieces)
    turns: list[_Piece] = []
    for piece in pieces:
        if not piece.words:
            continue
        last = turns[-1] if turns else None
        same = last is not None and (
            (piece.speaker is None and has_speakers)
            or (piece.speaker is not None and last.speaker is not None
                and speaker_key(piece.speaker) == speaker_key(last.speaker))
        )
        if last is not None and same:
            last.words = f"{last.words} {piece.words}"
            last.end = max(last.end, piece.end)
        else:
            turns.append(_Piece(piece.speaker, piece.words, piece.start, piece.end))
    return turns


def parse_subtitles(text: str, name: str) -> SubtitleParse:
    """Turn the (decoded) text of a .vtt or .srt file into ``Speaker: words`` turns.

    Raises IngestError naming ``name`` when the file has no timed cues.
    """
    cues = _cues(text)
    if not cues:
        raise IngestError(
            f"{name} has no subtitle cues (timing lines like '00:00:03.120 --> "
            "00:00:09.480'): check it is a WebVTT or SRT file, or save the transcript as "
            ".txt or .docx instead."
        )
    pieces = [piece for cue in cues for piece in _voice_pieces(cue)]
    _leading_names(pieces)
    parts: list[str] = []
    blocks: list[Block] = []
    offset = 0
    for turn in _merge(pieces):
        prefix = f"{turn.speaker}: " if turn.speaker else ""
        start = offset + len(prefix)
        blocks.append(
            Block(
                start=start,
                end=start + len(turn.words),
                kind="turn",
                speaker=turn.speaker,
                is_interviewer=bool(turn.speaker) and is_interviewer_name(turn.speaker or ""),
                turn=len(blocks) + 1,
                time_start=turn.start,
                time_end=turn.end,
            )
        )
        piece = f"{prefix}{turn.words}\n\n"
        parts.append(piece)
        offset += len(piece)
    if not blocks:
        raise IngestError(
            f"{name} has timed cues but no words in them: check the file was exported with "
            "its transcript text."
        )
    full = "".join(parts)
    metadata = {"duration": format_duration(max(cue.end for cue in cues))}
    return SubtitleParse(text=full, blocks=assign_questions(full, blocks), metadata=metadata)
