"""Read-only snapshots of stored documents, handed to the index and the exports."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass


@dataclass(frozen=True)
class PassageRecord:
    ordinal: int
    start: int
    end: int
    text: str


@dataclass(frozen=True)
class TagRecord:
    name: str
    kind: str
    status: str


@dataclass(frozen=True)
class DocumentRecord:
    """Everything the index needs of one document, detached from the database session."""

    id: int
    title: str
    source: str
    doc_type: str
    region: str | None
    year: int | None
    date: dt.date | None
    author: str | None
    author_note: str | None
    duplicate_of: int | None
    text: str
    original: str
    passages: tuple[PassageRecord, ...]
    tags: tuple[TagRecord, ...]
    updated_at: dt.datetime

    @property
    def canonical(self) -> int:
        """The document a search folds this one into: itself unless it is a copy."""
        return self.duplicate_of or self.id

    @property
    def live_tags(self) -> tuple[TagRecord, ...]:
        """Tags that hold: suggested or confirmed, not rejected."""
        return tuple(t for t in self.tags if t.status != "rejected")

    @property
    def stamp(self) -> str:
        """A digest of every indexed value: differs exactly when the index entry is stale."""
        payload = [
            self.title, self.author, self.author_note, self.source,
            self.doc_type, self.region, self.year,
            self.date.isoformat() if self.date else None, self.canonical,
            hashlib.sha256((self.text + self.original).encode("utf-8")).hexdigest(),
            [(p.ordinal, p.start, p.end) for p in self.passages],
            sorted((t.kind, t.name) for t in self.live_tags),
        ]  # fmt: skip
        return hashlib.sha256(json.dumps(payload, ensure_ascii=False).encode()).hexdigest()[:32]
