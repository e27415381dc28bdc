"""Decoding text files and normalising their text; trimming character spans.

Interview transcripts arrive as UTF-8 (with or without a BOM), UTF-16 from Windows tools
(with a BOM, sometimes without) or Windows-1252 from old word processors. ``decode_text``
tells these apart, refuses binary files and bytes no text encoding explains, and returns
the text with line endings normalised to ``\\n`` and the BOM removed. Nothing else is
changed, so character offsets computed on the result are exact.
"""

from __future__ import annotations

import codecs
import os
import re
from typing import IO, Any

from qualcode.errors import IngestError

_SAMPLE = 8192
"""How many leading bytes the binary and UTF-16 sniffing looks at."""

_MAGIC = (
    (b"\x89PNG", "a PNG image"),
    (b"GIF8", "a GIF image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"%PDF", "a PDF file (copy its text into a .txt or .docx file)"),
    (b"PK\x03\x04", "a zip archive (a Word .docx file renamed? then name it .docx)"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",
     "an old Word .doc or other Office file (save it as .docx)"),
)

# C0 control characters that do not occur in text (tab, newline, CR, FF, VT excluded)
_CONTROL = frozenset(range(0x09)) | frozenset(range(0x0E, 0x20))
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_NEWLINES = re.compile(r"\r\n?")


def normalise_newlines(text: str) -> str:
    """``\\r\\n`` and lone ``\\r`` become ``\\n``; a leading BOM is removed."""
    return _NEWLINES.sub("\n", text.removeprefix("\ufeff"))


def _binary(name: str, why: str) -> IngestError:
    return IngestError(
        f"{name} looks like a binary file, not text: {why}. Open it in the program that "
        "made it, save it as plain text (UTF-8) and import again."
    )


def _utf16_without_bom(sample: bytes) -> str | None:
    """``utf-16-le``/``utf-16-be`` when the NUL bytes fall on one side of each pair."""
    sample = sample[: len(sample) - len(sample) % 2]
    pairs = len(sample) // 2
    if pairs < 2:
        return None
    even_nuls = sample[0::2].count(0)
    odd_nuls = sample[1::2].count(0)
    if odd_nuls >= 0.3 * pairs and even_nuls <= 0.05 * pairs:
        return "utf-16-le"
    if even_nuls >= 0.3 * pairs and odd_nuls <= 0.05 * pairs:
        return "utf-16-be"
    return None


def _check_not_binary(data: bytes, name: str) -> None:
    for magic, what in _MAGIC:
        if data.startswith(magic):
            raise _binary(name, f"it starts like {what}")
    sample = data[:_SAMPLE]
    if 0 in sample:
        raise _binary(name, "it contains NUL bytes")
    controls = sum(1 for byte in sample if byte in _CONTROL)
    if controls >= 3 and controls > 0.01 * len(sample):
        raise _binary(name, f"{controls} control characters in its first {len(sample)} bytes")


def _decode_strict(data: bytes, encoding: str, name: str) -> str:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        raise _binary(
            name, f"it looked like {encoding.upper()} text but byte {exc.start} is not valid"
        ) from exc


def decode_text(data: bytes, name: str) -> str:
    """Decode the bytes of a text file and normalise its line endings.

    Tries, in order: a BOM (UTF-8, UTF-16, UTF-32), BOM-less UTF-16 told by its NUL
    pattern, UTF-8, Windows-1252. Raises IngestError naming ``name`` for an empty or
    whitespace-only file, a binary file, or bytes undecodable in UTF-8 and Windows-1252
    (the message gives the byte offset).
    """
    if not data:
        raise empty_error(name)
    text: str | None = None
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            text = _decode_strict(data[len(bom):], encoding, name)
            break
    if text is None:
        utf16 = _utf16_without_bom(data[:_SAMPLE])
        if utf16 is not None:
            text = _decode_strict(data, utf16, name)
    if text is None:
        _check_not_binary(data, name)
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            try:
                text = data.decode("cp1252")
            except UnicodeDecodeError as exc:
                byte = data[exc.start]
                raise IngestError(
                    f"{name}: byte 0x{byte:02X} at offset {exc.start} is neither UTF-8 nor "
                    "Windows-1252 text, so the file's encoding cannot be told. Open it in a "
                    "text editor and save it as UTF-8, then import again."
                ) from exc
    text = normalise_newlines(text)
    if "\x00" in text:
        raise _binary(name, "it contains NUL characters")
    if not text.strip():
        raise empty_error(name)
    return text


def empty_error(name: str) -> IngestError:
    """The error for a file with no text in it."""
    return IngestError(
        f"{name} is empty: it holds no text. Check that you picked the right file and that "
        "it was saved with its contents."
    )


def trim_span(text: str, start: int, end: int) -> tuple[int, int]:
    """Shrink ``[start, end)`` past whitespace at both ends (may become empty)."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def read_text(source: str | os.PathLike[str] | IO[Any], default_name: str) -> tuple[str, str]:
    """The decoded text and file name of a small text file (a CSV): a path, or a file
    object opened in binary or text mode. Raises IngestError as :func:`decode_text` does."""
    from qualcode.ingest.source import read_source, source_name

    if hasattr(source, "read") and not isinstance(source, (str, os.PathLike)):
        name = os.path.basename(str(getattr(source, "name", "") or default_name))
        data = source.read()
        if isinstance(data, str):
            if not data.strip():
                raise empty_error(name)
            return normalise_newlines(data.lstrip("\ufeff")), name
        return decode_text(data, name), name
    name = source_name(source)
    return decode_text(read_source(source).data, name), name
