"""Shared helpers for the reader tests: write tiny fixtures, build .docx files, check blocks."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import docx
import pytest

from qualcode.ingest.document import BLOCK_KINDS, KINDS, ParsedDocument
from qualcode.ingest.reader import read_document


def check_invariants(doc: ParsedDocument) -> None:
    """Every block is a non-empty, whitespace-trimmed span inside the text."""
    assert doc.kind in KINDS
    for block in doc.blocks:
        assert 0 <= block.start < block.end <= len(doc.text), block
        words = doc.text[block.start:block.end]
        assert words == words.strip(), (block, words)
        assert block.kind in BLOCK_KINDS


def words(doc: ParsedDocument) -> list[str]:
    """The text of every block."""
    return [doc.text[b.start:b.end] for b in doc.blocks]


@pytest.fixture
def texts() -> Callable[[ParsedDocument], list[str]]:
    """The function giving the text of every block of a document."""
    return words


@pytest.fixture
def check() -> Callable[[ParsedDocument], None]:
    """The offsets-invariant checker, for documents read without ``read_text``."""
    return check_invariants


@pytest.fixture
def read_text(tmp_path: Path) -> Callable[..., list[ParsedDocument]]:
    """Write ``content`` (str as UTF-8, or bytes) to ``tmp_path/name`` and read it."""

    def _read(name: str, content: str | bytes, **kwargs: Any) -> list[ParsedDocument]:
        path = tmp_path / name
        path.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
        docs = read_document(path, **kwargs)
        for doc in docs:
            check_invariants(doc)
        return docs

    return _read


@pytest.fixture
def read_one(read_text: Callable[..., list[ParsedDocument]]) -> Callable[..., ParsedDocument]:
    """Like ``read_text`` but expects exactly one document."""

    def _read(name: str, content: str | bytes, **kwargs: Any) -> ParsedDocument:
        docs = read_text(name, content, **kwargs)
        assert len(docs) == 1
        return docs[0]

    return _read


@pytest.fixture
def make_docx(tmp_path: Path) -> Callable[..., Path]:
    """Build a .docx from items: a str paragraph, a list of ``(text, bold)`` runs, or a
    ``("table", rows)`` tuple."""

    def _make(name: str, items: list[Any]) -> Path:
        document = docx.Document()
        for item in items:
            if isinstance(item, tuple) and item[0] == "table":
                rows = item[1]
                table = document.add_table(rows=len(rows), cols=len(rows[0]))
                for r, row in enumerate(rows):
                    for c, value in enumerate(row):
                        table.cell(r, c).text = value
            elif isinstance(item, list):
                paragraph = document.add_paragraph()
                for text, bold in item:
                    paragraph.add_run(text).bold = bold
            else:
                document.add_paragraph(item)
        path = tmp_path / name
        document.save(str(path))
        return path

    return _make
