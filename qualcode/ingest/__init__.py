"""Readers: interview files (.txt, .md, .docx, .vtt, .srt) into ParsedDocuments.

``read_document`` is the entry point; each module handles one idea (bytes in, text
decoding, speaker labels, turns, agenda questions, paragraphs, Word, subtitles, running
records).
"""

from qualcode.ingest.document import BLOCK_KINDS, KINDS, Block, ParsedDocument
from qualcode.ingest.reader import ACCEPTED_SUFFIXES, detect_kind, read_document

__all__ = [
    "ACCEPTED_SUFFIXES",
    "BLOCK_KINDS",
    "KINDS",
    "Block",
    "ParsedDocument",
    "detect_kind",
    "read_document",
]
