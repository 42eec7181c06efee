"""Snapshots of documents taken into packs, and how the documents have changed since.

An item keeps the text, the description and the approaches of its document (or passage)
as they were when the trainer added it. Exports only ever use that snapshot; the
reference to the document is kept to tell the trainer when the source has changed or
been deleted.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from typing import Any, Literal

from kb.db.models import Document, PackItem, Tag
from kb.packs import PackError
from kb.tagging.names import locate, occurs_in

SourceStatus = Literal["unchanged", "changed", "deleted"]


@dataclass(frozen=True)
class Snapshot:
    """What an item keeps of its document when it is added."""

    title: str
    author: str | None
    region: str | None
    date: dt.date | None
    year: int | None
    source: str
    doc_type: str
    text: str
    text_hash: str
    approaches: list[dict[str, Any]]


def text_hash(text: str) -> str:
    """SHA-256 of a snapshot's text, to tell later whether the source text changed."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def current_text(document: Document, passage: int | None) -> str | None:
    """The document's text now, or its passage ``passage`` (None when it has no such one)."""
    if passage is None:
        return document.text
    for candidate in document.passages:
        if candidate.ordinal == passage:
            return candidate.text
    return None


def _names(tag: Tag) -> list[str]:
    return [tag.name, *(alias.alias for alias in tag.aliases)]


def _position(tag: Tag, text: str) -> int:
    spans = [span for name in _names(tag) if (span := locate(name, text)) is not None]
    return min((start for start, _ in spans), default=len(text))


def named_approaches(document: Document, text: str) -> list[dict[str, Any]]:
    """The document's approaches that ``text`` names, in order of first mention.

    Each is ``{"name", "definition"}`` as the glossary has it now (definition may be None).
    """
    tags = {
        link.tag.id: link.tag
        for link in document.tag_links
        if link.tag.kind == "approach" and link.status != "rejected" and not link.tag.rejected
    }
    named = [tag for tag in tags.values() if any(occurs_in(n, text) for n in _names(tag))]
    named.sort(key=lambda tag: (_position(tag, text), tag.name))
    return [{"name": tag.name, "definition": tag.definition} for tag in named]


def take_snapshot(document: Document, passage: int | None = None) -> Snapshot:
    """Snapshot ``document`` or its passage ``passage`` (its ``Passage.ordinal``)."""
    text = current_text(document, passage)
    if text is None:
        count = len(document.passages)
        raise PackError(
            f"文档 #{document.id} 没有第 {(passage or 0) + 1} 段（共 {count} 段，从 1 数起）"
        )
    return Snapshot(
        title=document.title,
        author=document.author,
        region=document.region,
        date=document.date,
        year=document.year,
        source=document.source,
        doc_type=document.doc_type,
        text=text,
        text_hash=text_hash(text),
        approaches=named_approaches(document, text),
    )


def _description(item: PackItem | Document) -> tuple[object, ...]:
    return (item.title, item.author, item.region, item.date, item.year, item.source)


def source_status(item: PackItem) -> SourceStatus:
    """Compare an item's snapshot with its document now: text and citation fields.

    ``deleted`` when the document is gone, ``changed`` when its text (or the passage) or
    its description differs from the snapshot, else ``unchanged``.
    """
    document = item.document
    if document is None:
        return "deleted"
    text = current_text(document, item.passage_ordinal)
    if text is None or text_hash(text) != item.text_hash:
        return "changed"
    return "unchanged" if _description(document) == _description(item) else "changed"
