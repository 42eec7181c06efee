"""The glossary of approaches (做法词典) and the other tag listings, as plain data."""

from __future__ import annotations

from collections import Counter

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from kb.db.models import Document, DocumentTag, Tag
from kb.tagging.store import find_tags, get_tag


def _live_links(tag: Tag) -> list[DocumentTag]:
    return [link for link in tag.document_links if link.status != "rejected"]


def list_tags(session: Session, kind: str | None = None) -> list[dict[str, object]]:
    """Every tag that holds somewhere, most documents first."""
    query = (
        select(Tag)
        .where(Tag.rejected.is_(False))
        .options(selectinload(Tag.aliases), selectinload(Tag.document_links))
    )
    if kind is not None:
        query = query.where(Tag.kind == kind)
    counted = [(tag, _live_links(tag)) for tag in session.scalars(query)]
    counted.sort(key=lambda item: (-len(item[1]), item[0].kind, item[0].name))
    return [
        {
            "name": tag.name,
            "kind": tag.kind,
            "aliases": [a.alias for a in tag.aliases],
            "definition": tag.definition,
            "documents": len(links),
            "confirmed": sum(link.status == "confirmed" for link in links),
        }
        for tag, links in counted
        if links
    ]


def tag_detail(session: Session, name: str, kind: str | None = None) -> dict[str, object]:
    """One tag with its definition, aliases, documents with evidence, regions and years."""
    tag = get_tag(session, name, kind)
    links = sorted(_live_links(tag), key=lambda link: link.document_id)
    documents: list[Document] = [link.document for link in links]
    regions = Counter(d.region for d in documents if d.region)
    years = Counter(d.year for d in documents if d.year)
    return {
        "name": tag.name,
        "kind": tag.kind,
        "aliases": [a.alias for a in tag.aliases],
        "definition": tag.definition,
        "definition_origin": tag.definition_origin,
        "documents": [
            {
                "id": link.document.id,
                "title": link.document.title,
                "region": link.document.region,
                "year": link.document.year,
                "evidence": link.evidence,
                "status": link.status,
                "origin": link.origin,
                "reason": link.reason,
            }
            for link in links
        ],
        "regions": [region for region, _ in regions.most_common()],
        "years": sorted(years),
    }


def resolve_names(session: Session, names: tuple[str, ...]) -> tuple[str, ...]:
    """Map tag names or aliases (any script) to the names the index knows; keep unknowns."""
    resolved: list[str] = []
    for name in names:
        tags = find_tags(session, name)
        resolved.extend([t.name for t in tags] or [name])
    return tuple(dict.fromkeys(resolved))
