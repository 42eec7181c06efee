"""Detached views of a pack, for the exports, ``kb pack show`` and the JSON API.

``pack_view`` reads a loaded pack once into frozen dataclasses; the exporters take that
view and never touch the database. ``pack_json`` is the same view as plain data.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from kb.db.models import Pack, PackItem
from kb.packs.citation import format_citation, passage_label
from kb.packs.sources import SourceStatus, source_status


@dataclass(frozen=True)
class ApproachView:
    """An approach the item's text names, with its glossary definition when it was added."""

    name: str
    definition: str | None


@dataclass(frozen=True)
class ItemView:
    """One item as exported: the snapshot, the trainer's note and questions."""

    id: int
    document_id: int | None
    passage: int | None
    title: str
    author: str | None
    region: str | None
    date: dt.date | None
    year: int | None
    source: str
    doc_type: str
    text: str
    note: str
    questions: tuple[str, ...]
    approaches: tuple[ApproachView, ...]
    source_status: SourceStatus

    @property
    def heading(self) -> str:
        """The title, marked as an excerpt when the item is one passage."""
        label = passage_label(self.passage)
        return f"{self.title}（节选·{label}）" if label else self.title

    @property
    def citation(self) -> str:
        """Where the text comes from, passage included."""
        return self._cite(self.passage)

    @property
    def document_citation(self) -> str:
        """Where the document comes from, without the passage: the appendix's entry."""
        return self._cite(None)

    def _cite(self, passage: int | None) -> str:
        return format_citation(
            title=self.title,
            author=self.author,
            region=self.region,
            date=self.date,
            year=self.year,
            source=self.source,
            passage=passage,
        )


@dataclass(frozen=True)
class SectionView:
    id: int
    title: str
    items: tuple[ItemView, ...]


@dataclass(frozen=True)
class PackView:
    """A whole pack, detached from the database."""

    id: int
    title: str
    audience: str
    purpose: str
    notes: str
    owner: str | None
    shared: bool
    sections: tuple[SectionView, ...]

    @property
    def items(self) -> tuple[ItemView, ...]:
        return tuple(item for section in self.sections for item in section.items)

    @property
    def sources(self) -> tuple[str, ...]:
        """The citations of the documents used, each once, in order of first use."""
        return tuple(dict.fromkeys(item.document_citation for item in self.items))


def item_view(item: PackItem) -> ItemView:
    return ItemView(
        id=item.id,
        document_id=item.document_id,
        passage=item.passage_ordinal,
        title=item.title,
        author=item.author,
        region=item.region,
        date=item.date,
        year=item.year,
        source=item.source,
        doc_type=item.doc_type,
        text=item.text,
        note=item.note,
        questions=tuple(item.questions),
        approaches=tuple(
            ApproachView(str(a["name"]), a.get("definition") or None) for a in item.approaches
        ),
        source_status=source_status(item),
    )


def pack_view(pack: Pack) -> PackView:
    """Read a pack (loaded in a live session) into a detached view."""
    return PackView(
        id=pack.id,
        title=pack.title,
        audience=pack.audience,
        purpose=pack.purpose,
        notes=pack.notes,
        owner=pack.owner.name if pack.owner is not None else None,
        shared=pack.share_token is not None,
        sections=tuple(
            SectionView(s.id, s.title, tuple(item_view(i) for i in s.items)) for s in pack.sections
        ),
    )


def _item_json(item: ItemView) -> dict[str, object]:
    return {
        "id": item.id,
        "document_id": item.document_id,
        "passage": item.passage,
        "title": item.title,
        "heading": item.heading,
        "citation": {
            "title": item.title,
            "author": item.author,
            "region": item.region,
            "date": item.date.isoformat() if item.date else None,
            "year": item.year,
            "source": item.source,
            "passage": item.passage,
            "text": item.citation,
        },
        "doc_type": item.doc_type,
        "text": item.text,
        "note": item.note,
        "questions": list(item.questions),
        "approaches": [{"name": a.name, "definition": a.definition} for a in item.approaches],
        "source_status": item.source_status,
    }


def pack_json(pack: Pack | PackView) -> dict[str, object]:
    """Describe a pack in full, as ``kb pack show --json`` and the API print it."""
    view = pack if isinstance(pack, PackView) else pack_view(pack)
    return {
        "id": view.id,
        "title": view.title,
        "audience": view.audience,
        "purpose": view.purpose,
        "notes": view.notes,
        "owner": view.owner,
        "shared": view.shared,
        "sections": [
            {"id": s.id, "title": s.title, "items": [_item_json(i) for i in s.items]}
            for s in view.sections
        ],
    }


def pack_row(pack: Pack) -> dict[str, object]:
    """Describe a pack in one line's worth of fields, as ``kb pack list`` prints it."""
    items = [item for section in pack.sections for item in section.items]
    return {
        "id": pack.id,
        "title": pack.title,
        "audience": pack.audience,
        "owner": pack.owner.name if pack.owner is not None else None,
        "shared": pack.share_token is not None,
        "sections": len(pack.sections),
        "items": len(items),
        "changed": sum(source_status(item) != "unchanged" for item in items),
        "updated_at": pack.updated_at.isoformat(),
    }
