"""Typed SQLAlchemy 2.0 models: the project's tables.

Every schema change goes through an Alembic migration in ``store/migrations``; these
models are the single source the migrations are written from.
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> datetime:
    """The current time in UTC (timezone-aware)."""
    return datetime.now(timezone.utc)


class Base(DeclarativeBase):
    """Declarative base with the constraint naming convention Alembic needs."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map: ClassVar[dict[Any, Any]] = {dict[str, Any]: JSON, list[Any]: JSON}


class Respondent(Base):
    """A person or group interviewed. Names are never stored: label and id only."""

    __tablename__ = "respondents"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    label: Mapped[str] = mapped_column(String(32), unique=True)
    group: Mapped[str] = mapped_column(String(32), index=True)
    trial: Mapped[bool] = mapped_column(Boolean, default=False)
    members: Mapped[int] = mapped_column(Integer, default=1)
    attributes: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class Document(Base):
    """One imported source: its immutable plain text and where it came from."""

    __tablename__ = "documents"

    id: Mapped[int] = mapped_column(primary_key=True)
    respondent_id: Mapped[int | None] = mapped_column(
        ForeignKey("respondents.id", ondelete="RESTRICT"), index=True
    )
    kind: Mapped[str] = mapped_column(String(32))
    title: Mapped[str] = mapped_column(String(300))
    source: Mapped[str] = mapped_column(String(300))
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    text: Mapped[str] = mapped_column(Text)
    meta: Mapped[dict[str, Any]] = mapped_column("metadata", JSON, default=dict)
    imported_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    respondent: Mapped[Respondent | None] = relationship()


class Segment(Base):
    """A sentence of a turn, note or paragraph, with offsets into its document's text."""

    __tablename__ = "segments"
    __table_args__ = (Index("ix_segments_document_ordinal", "document_id", "ordinal"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"))
    ordinal: Mapped[int] = mapped_column(Integer)
    start: Mapped[int] = mapped_column("start_offset", Integer)
    end: Mapped[int] = mapped_column("end_offset", Integer)
    speaker: Mapped[str | None] = mapped_column(String(100))
    is_interviewer: Mapped[bool] = mapped_column(Boolean, default=False)
    question: Mapped[str | None] = mapped_column(String(16))
    page: Mapped[int | None] = mapped_column(Integer)
    turn: Mapped[int | None] = mapped_column(Integer)
    locator: Mapped[str] = mapped_column(String(100))
    time_start: Mapped[float | None] = mapped_column(Float)


class Code(Base):
    """A code of the project's codebook; ``id`` is a stable slug, ``guid`` for exchange."""

    __tablename__ = "codes"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    guid: Mapped[str] = mapped_column(String(36), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    parent_id: Mapped[str | None] = mapped_column(
        ForeignKey("codes.id", ondelete="RESTRICT"), index=True
    )
    position: Mapped[int] = mapped_column(Integer, default=0)
    rq: Mapped[str | None] = mapped_column(String(16))
    description: Mapped[str] = mapped_column(Text, default="")
    include: Mapped[str] = mapped_column(Text, default="")
    exclude: Mapped[str] = mapped_column(Text, default="")
    example: Mapped[str] = mapped_column(Text, default="")
    keywords: Mapped[list[Any]] = mapped_column(JSON, default=list)
    colour: Mapped[str | None] = mapped_column(String(7))
    origin: Mapped[str] = mapped_column(String(16), default="a_priori")
    origin_note: Mapped[str] = mapped_column(Text, default="")
    codable: Mapped[bool] = mapped_column(Boolean, default=True)
    archived: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class Coding(Base):
    """A code applied to a span of a document by a coder, with the study's marks."""

    __tablename__ = "codings"
    __table_args__ = (
        UniqueConstraint(
            "document_id", "start_offset", "end_offset", "code_id", "coder",
            name="uq_codings_span_code_coder",
        ),
        Index("ix_codings_document_span", "document_id", "start_offset"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"))
    start: Mapped[int] = mapped_column("start_offset", Integer)
    end: Mapped[int] = mapped_column("end_offset", Integer)
    code_id: Mapped[str] = mapped_column(
        ForeignKey("codes.id", ondelete="RESTRICT", onupdate="CASCADE"), index=True
    )
    coder: Mapped[str] = mapped_column(String(100))
    valence: Mapped[str] = mapped_column(String(1), default="0")
    flags: Mapped[list[Any]] = mapped_column(JSON, default=list)
    dimension: Mapped[str | None] = mapped_column(String(16))
    memo: Mapped[str | None] = mapped_column(Text)
    source: Mapped[str] = mapped_column(String(16), default="manual")
    locator: Mapped[str] = mapped_column(String(200), default="", server_default="")
    """The reference of the coded span, from its segments (derived once: text is immutable)."""
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, onupdate=utcnow
    )


issue_codings = Table(
    "issue_codings",
    Base.metadata,
    Column("issue_id", ForeignKey("issues.id", ondelete="CASCADE"), primary_key=True),
    Column("coding_id", ForeignKey("codings.id", ondelete="CASCADE"), primary_key=True),
)


class Issue(Base):
    """An analyst's statement about a code, linked to the codings that support it."""

    __tablename__ = "issues"

    id: Mapped[int] = mapped_column(primary_key=True)
    code_id: Mapped[str] = mapped_column(
        ForeignKey("codes.id", ondelete="RESTRICT", onupdate="CASCADE"), index=True
    )
    text: Mapped[str] = mapped_column(Text)
    coder: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class AuditEntry(Base):
    """One change to the project: who, when, what, before and after."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)
    coder: Mapped[str] = mapped_column(String(100))
    action: Mapped[str] = mapped_column(String(40))
    entity: Mapped[str] = mapped_column(String(40))
    entity_id: Mapped[str] = mapped_column(String(100))
    before: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    after: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    reason: Mapped[str | None] = mapped_column(Text)
    batch: Mapped[str | None] = mapped_column(String(36), index=True)
    """Entries of one user action share a batch id: undo and redo work on whole batches."""
    undone: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())


class SuggestionFeedback(Base):
    """A researcher's decision on a suggested code for a segment (accepted or rejected),
    so a rejected suggestion is not made again and both feed the next training."""

    __tablename__ = "suggestion_feedback"
    __table_args__ = (
        UniqueConstraint("segment_id", "code_id", "coder", name="uq_suggestion_feedback_decision"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    segment_id: Mapped[int] = mapped_column(
        ForeignKey("segments.id", ondelete="CASCADE"), index=True
    )
    code_id: Mapped[str] = mapped_column(
        ForeignKey("codes.id", ondelete="CASCADE", onupdate="CASCADE")
    )
    coder: Mapped[str] = mapped_column(String(100))
    decision: Mapped[str] = mapped_column(String(10))
    score: Mapped[float | None] = mapped_column(Float)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class SavedSearch(Base):
    """A named text search that can be run again after new interviews are imported."""

    __tablename__ = "saved_searches"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    query: Mapped[str] = mapped_column(Text)
    mode: Mapped[str] = mapped_column(String(16), default="lemma")
    options: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    coder: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


theme_codes = Table(
    "theme_codes",
    Base.metadata,
    Column("theme_id", ForeignKey("themes.id", ondelete="CASCADE"), primary_key=True),
    Column("code_id", ForeignKey("codes.id", ondelete="CASCADE", onupdate="CASCADE"),
           primary_key=True),
)


class Theme(Base):
    """A named group of codes (possibly from several research questions)."""

    __tablename__ = "themes"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    rq: Mapped[str | None] = mapped_column(String(16))
    description: Mapped[str] = mapped_column(Text, default="")
    colour: Mapped[str | None] = mapped_column(String(7))
    coder: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class ThemeLink(Base):
    """An analyst's link between two themes, with a note on what links them."""

    __tablename__ = "theme_links"
    __table_args__ = (UniqueConstraint("source_id", "target_id", name="uq_theme_links_pair"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    source_id: Mapped[int] = mapped_column(ForeignKey("themes.id", ondelete="CASCADE"))
    target_id: Mapped[int] = mapped_column(ForeignKey("themes.id", ondelete="CASCADE"))
    note: Mapped[str] = mapped_column(Text, default="")
    coder: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class SearchTerm(Base):
    """A distinct word form of the text-search index, with its lower-cased form and lemma.

    The index (``qualcode.search.index``) is built lazily on the first search and kept up
    to date for newly imported documents; it can always be rebuilt from the documents.
    """

    __tablename__ = "search_terms"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    form: Mapped[str] = mapped_column(String(100), unique=True)
    lower: Mapped[str] = mapped_column(String(100), index=True)
    lemma: Mapped[str] = mapped_column(String(100), index=True)


class SearchDocument(Base):
    """A document's entry in the text-search index: which batch holds its postings, its
    word counts, its segments and per-term counts (packed arrays), and the locator of each
    speaker turn and the distinct speakers (texts joined by the separator U+001E)."""

    __tablename__ = "search_documents"

    document_id: Mapped[int] = mapped_column(
        ForeignKey("documents.id", ondelete="CASCADE"), primary_key=True, autoincrement=False
    )
    batch: Mapped[int] = mapped_column(Integer, index=True)
    version: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    words: Mapped[int] = mapped_column(Integer)
    respondent_words: Mapped[int] = mapped_column(Integer)
    segment_count: Mapped[int] = mapped_column(Integer)
    segments: Mapped[bytes] = mapped_column()
    counts: Mapped[bytes] = mapped_column()
    locators: Mapped[str] = mapped_column(Text, default="")
    speakers: Mapped[str] = mapped_column(Text, default="")
    indexed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class SearchPosting(Base):
    """Where one word form occurs in the documents of one index batch (a packed array of
    document id, word position and character offset per occurrence)."""

    __tablename__ = "search_postings"

    term_id: Mapped[int] = mapped_column(
        ForeignKey("search_terms.id", ondelete="CASCADE"), primary_key=True, autoincrement=False
    )
    batch: Mapped[int] = mapped_column(Integer, primary_key=True, index=True,
                                       autoincrement=False)
    count: Mapped[int] = mapped_column(Integer)
    data: Mapped[bytes] = mapped_column()
