"""SQLAlchemy 2 typed models: documents, passages, tags and their links, users, course packs."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

DOC_TYPES = ("policy", "experience", "case")
TAG_KINDS = ("approach", "demonstration", "topic", "policy")
TAG_ORIGINS = ("auto", "editor")
TAG_STATUSES = ("suggested", "confirmed", "rejected")

# Stable constraint names so Alembic migrations are the same on SQLite and PostgreSQL.
NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _one_of(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class Document(Base):
    """One ingested file: its original text, cleaned text and description."""

    __tablename__ = "documents"
    __table_args__ = (CheckConstraint(_one_of("doc_type", DOC_TYPES), name="doc_type"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    source: Mapped[str] = mapped_column(String(1024))
    """Where the file was read from: the path as given or found, or a URL."""
    source_key: Mapped[str] = mapped_column(String(1024), unique=True)
    """The source's identity: the resolved absolute path, so re-ingest finds it again."""
    source_format: Mapped[str] = mapped_column(String(16))
    encoding: Mapped[str | None] = mapped_column(String(32))
    raw_hash: Mapped[str] = mapped_column(String(64))
    """SHA-256 of the file's bytes: an unchanged file is not ingested again."""
    content_hash: Mapped[str] = mapped_column(String(64), index=True)
    """SHA-256 of the normalized text: equal hashes are the same document."""

    title: Mapped[str] = mapped_column(String(500))
    doc_type: Mapped[str] = mapped_column(String(16))
    doc_type_reason: Mapped[str] = mapped_column(Text, default="")
    region: Mapped[str | None] = mapped_column(String(64), index=True)
    region_code: Mapped[str | None] = mapped_column(String(12))
    date: Mapped[dt.date | None] = mapped_column(Date)
    year: Mapped[int | None] = mapped_column(Integer, index=True)
    author: Mapped[str | None] = mapped_column(String(200))
    author_note: Mapped[str | None] = mapped_column(String(500))
    stated: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    """Metadata the file stated itself (front matter); it overrides detection."""
    edited: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    """Metadata an editor set by hand; it overrides the file and detection, on re-ingest too."""

    original: Mapped[str] = mapped_column(Text)
    """The text exactly as decoded."""
    text: Mapped[str] = mapped_column(Text)
    """The cleaned text as Markdown."""
    warnings: Mapped[list[str]] = mapped_column(JSON, default=list)

    minhash: Mapped[bytes | None] = mapped_column(LargeBinary)
    duplicate_of_id: Mapped[int | None] = mapped_column(
        ForeignKey("documents.id", ondelete="SET NULL"), index=True
    )
    similarity: Mapped[float | None] = mapped_column(Float)
    """Estimated similarity to ``duplicate_of`` (1.0 for an exact duplicate)."""
    tagged_with: Mapped[str | None] = mapped_column(String(32))
    """Version of the tag extraction last run on this text (None: never)."""

    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, onupdate=utcnow
    )

    duplicate_of: Mapped[Document | None] = relationship(remote_side=[id])
    passages: Mapped[list[Passage]] = relationship(
        back_populates="document",
        order_by="Passage.ordinal",
        cascade="all, delete-orphan",
        passive_deletes=True,
    )
    tag_links: Mapped[list[DocumentTag]] = relationship(
        back_populates="document", cascade="all, delete-orphan", passive_deletes=True
    )


class Passage(Base):
    """A paragraph-sized piece of a document's cleaned text."""

    __tablename__ = "passages"
    __table_args__ = (
        UniqueConstraint("document_id", "ordinal", name="uq_passages_document_ordinal"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"))
    ordinal: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(Text)
    start: Mapped[int] = mapped_column(Integer)
    """Character offset of the passage in ``Document.text``."""
    end: Mapped[int] = mapped_column(Integer)

    document: Mapped[Document] = relationship(back_populates="passages")


class Tag(Base):
    """A named approach, demonstration, topic or policy reference."""

    __tablename__ = "tags"
    __table_args__ = (
        UniqueConstraint("name", "kind", name="uq_tags_name_kind"),
        CheckConstraint(_one_of("kind", TAG_KINDS), name="kind"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(16))
    key: Mapped[str] = mapped_column(String(200), default="", index=True)
    """Normalized name (simplified script, variants folded): one tag per key and kind."""
    definition: Mapped[str | None] = mapped_column(Text)
    definition_origin: Mapped[str] = mapped_column(String(8), default="auto")
    """``editor`` once an editor wrote the definition: extraction no longer replaces it."""
    rejected: Mapped[bool] = mapped_column(Boolean, default=False)
    """An editor rejected the tag everywhere: extraction never suggests it again."""
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    document_links: Mapped[list[DocumentTag]] = relationship(
        back_populates="tag", cascade="all, delete-orphan", passive_deletes=True
    )
    aliases: Mapped[list[TagAlias]] = relationship(
        back_populates="tag",
        cascade="all, delete-orphan",
        passive_deletes=True,
        order_by="TagAlias.alias",
    )


class TagAlias(Base):
    """Another way the texts write a tag: traditional script, a variant, an old name."""

    __tablename__ = "tag_aliases"
    __table_args__ = (UniqueConstraint("tag_id", "alias", name="uq_tag_aliases_tag_alias"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    tag_id: Mapped[int] = mapped_column(ForeignKey("tags.id", ondelete="CASCADE"), index=True)
    alias: Mapped[str] = mapped_column(String(200))
    key: Mapped[str] = mapped_column(String(200), index=True)

    tag: Mapped[Tag] = relationship(back_populates="aliases")


class DocumentTag(Base):
    """A tag on a document: who put it there, whether it holds, and why."""

    __tablename__ = "document_tags"
    __table_args__ = (
        CheckConstraint(_one_of("origin", TAG_ORIGINS), name="origin"),
        CheckConstraint(_one_of("status", TAG_STATUSES), name="status"),
    )

    document_id: Mapped[int] = mapped_column(
        ForeignKey("documents.id", ondelete="CASCADE"), primary_key=True
    )
    tag_id: Mapped[int] = mapped_column(
        ForeignKey("tags.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    origin: Mapped[str] = mapped_column(String(8), default="auto")
    status: Mapped[str] = mapped_column(String(12), default="suggested")
    evidence: Mapped[str | None] = mapped_column(Text)
    """The sentence of the document that names the tag."""
    reason: Mapped[str | None] = mapped_column(Text)
    """Why the rules assigned it (topics, demonstrations), shown to editors."""

    document: Mapped[Document] = relationship(back_populates="tag_links")
    tag: Mapped[Tag] = relationship(back_populates="document_links")


class MinhashBand(Base):
    """One locality-sensitive hash band of a document's MinHash, for near-duplicate lookup."""

    __tablename__ = "minhash_bands"
    __table_args__ = (Index("ix_minhash_bands_band_hash", "band", "hash"),)

    document_id: Mapped[int] = mapped_column(
        ForeignKey("documents.id", ondelete="CASCADE"), primary_key=True
    )
    band: Mapped[int] = mapped_column(Integer, primary_key=True)
    hash: Mapped[int] = mapped_column(BigInteger)


class User(Base):
    """An editor who may log in to the site."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(64), unique=True)
    password_hash: Mapped[str] = mapped_column(String(256))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class LoginThrottle(Base):
    """Failed logins of one account or one client address, and the lock they earned."""

    __tablename__ = "login_throttles"
    __table_args__ = (
        UniqueConstraint("scope", "key"),
        CheckConstraint(_one_of("scope", ("account", "address")), name="scope"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    scope: Mapped[str] = mapped_column(String(16))
    """``account`` (the name typed) or ``address`` (the client's IP address)."""
    key: Mapped[str] = mapped_column(String(256))
    failures: Mapped[int] = mapped_column(Integer, default=0)
    """Failures in a row (an account's count restarts at a successful login)."""
    last_failure: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    locked_until: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))


class Pack(Base):
    """A course pack (课程素材包): a trainer's cases grouped by theme, exported as a handout."""

    __tablename__ = "packs"

    id: Mapped[int] = mapped_column(primary_key=True)
    owner_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    """The trainer who made it; None for packs made from the command line."""
    title: Mapped[str] = mapped_column(String(200))
    audience: Mapped[str] = mapped_column(String(200), default="")
    purpose: Mapped[str] = mapped_column(Text, default="")
    notes: Mapped[str] = mapped_column(Text, default="")
    share_token: Mapped[str | None] = mapped_column(String(64), unique=True)
    """Random token of the read-only link; None when the pack is not shared."""
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, onupdate=utcnow
    )

    owner: Mapped[User | None] = relationship()
    sections: Mapped[list[PackSection]] = relationship(
        back_populates="pack",
        order_by="(PackSection.ordinal, PackSection.id)",
        cascade="all, delete-orphan",
        passive_deletes=True,
    )


class PackSection(Base):
    """A themed part of a pack (干部工作, 基层党建 …), in the order the trainer chose."""

    __tablename__ = "pack_sections"

    id: Mapped[int] = mapped_column(primary_key=True)
    pack_id: Mapped[int] = mapped_column(ForeignKey("packs.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    ordinal: Mapped[int] = mapped_column(Integer, default=0)

    pack: Mapped[Pack] = relationship(back_populates="sections")
    items: Mapped[list[PackItem]] = relationship(
        back_populates="section",
        order_by="(PackItem.ordinal, PackItem.id)",
        cascade="all, delete-orphan",
        passive_deletes=True,
    )


class PackItem(Base):
    """A whole document or one passage in a pack: a reference and a snapshot taken when added.

    Exports use the snapshot, so later edits to the document never silently change a course;
    the reference tells whether the source has changed or gone since.
    """

    __tablename__ = "pack_items"

    id: Mapped[int] = mapped_column(primary_key=True)
    section_id: Mapped[int] = mapped_column(
        ForeignKey("pack_sections.id", ondelete="CASCADE"), index=True
    )
    ordinal: Mapped[int] = mapped_column(Integer, default=0)
    document_id: Mapped[int | None] = mapped_column(
        ForeignKey("documents.id", ondelete="SET NULL"), index=True
    )
    passage_ordinal: Mapped[int | None] = mapped_column(Integer)
    """The passage taken (``Passage.ordinal``); None for the whole document."""

    title: Mapped[str] = mapped_column(String(500))
    author: Mapped[str | None] = mapped_column(String(200))
    region: Mapped[str | None] = mapped_column(String(64))
    date: Mapped[dt.date | None] = mapped_column(Date)
    year: Mapped[int | None] = mapped_column(Integer)
    source: Mapped[str] = mapped_column(String(1024))
    doc_type: Mapped[str] = mapped_column(String(16))
    text: Mapped[str] = mapped_column(Text)
    """The passage, or the document's cleaned text, when the item was added."""
    text_hash: Mapped[str] = mapped_column(String(64))
    approaches: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    """``[{"name", "definition"}]``: the approaches the text names, as the glossary had them."""
    added_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    note: Mapped[str] = mapped_column(Text, default="")
    """The trainer's note (按语)."""
    questions: Mapped[list[str]] = mapped_column(JSON, default=list)
    """Discussion questions (思考题)."""

    section: Mapped[PackSection] = relationship(back_populates="items")
    document: Mapped[Document | None] = relationship()
