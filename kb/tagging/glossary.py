"""The glossary of approaches (做法词典) and the other tag listings, as plain data."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from kb.db.models import Document, DocumentTag, Tag
from kb.tagging.candidates import KINDS
from kb.tagging.names import tag_key
from kb.tagging.store import TagError, find_tags, get_tag


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


def tag_detail(
    session: Session, name: str, kind: str | None = None, *, include_rejected: bool = False
) -> dict[str, object]:
    """One tag with its definition, aliases, documents with evidence, regions and years.

    ``include_rejected`` also lists the documents an editor rejected it on (for curation);
    regions and years always count only the documents it holds on.
    """
    tag = get_tag(session, name, kind)
    live = _live_links(tag)
    shown = tag.document_links if include_rejected else live
    links = sorted(shown, key=lambda link: link.document_id)
    documents: list[Document] = [link.document for link in live]
    regions = Counter(d.region for d in documents if d.region)
    years = Counter(d.year for d in documents if d.year)
    return {
        "name": tag.name,
        "kind": tag.kind,
        "aliases": [a.alias for a in tag.aliases],
        "definition": tag.definition,
        "definition_origin": tag.definition_origin,
        "rejected": tag.rejected,
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


def _by_key(values: Iterable[str | None], wanted: str) -> set[str]:
    """The values that are ``wanted`` in any script (濮陽 finds 濮阳)."""
    key = tag_key(wanted)
    return {v for v in values if v and tag_key(v) == key}


def glossary_index(
    session: Session, kind: str, *, topic: str | None = None, region: str | None = None
) -> dict[str, object]:
    """The tags of one kind (the 做法词典 for approaches), filtered by topic and region.

    Each entry has its definition, aliases, the number of documents it holds on and
    their regions and years, counting only the documents that pass the filters. Beside
    the entries come the filter values with how many entries each would leave, so a
    page can offer them: ``topics`` under the region filter, ``regions`` under the topic.
    An unknown topic is an error (topics are a fixed taxonomy); a region no document
    has just leaves nothing.
    """
    if kind not in KINDS:
        raise TagError(f"未知的标签类别“{kind}”，可选：{'、'.join(KINDS)}")
    topic_name: str | None = None
    if topic:
        found = find_tags(session, topic, "topic")
        if not found:
            raise TagError(f"未知的主题“{topic}”")
        topic_name = found[0].name

    rows = session.execute(
        select(DocumentTag.tag_id, Document.id, Document.region, Document.year)
        .join(Tag, Tag.id == DocumentTag.tag_id)
        .join(Document, Document.id == DocumentTag.document_id)
        .where(Tag.kind == kind, Tag.rejected.is_(False), DocumentTag.status != "rejected")
    ).all()
    documents_of: dict[int, set[int]] = defaultdict(set)
    places: dict[int, tuple[str | None, int | None]] = {}
    for tag_id, document_id, doc_region, year in rows:
        documents_of[tag_id].add(document_id)
        places[document_id] = (doc_region, year)

    topics_of: dict[int, set[str]] = defaultdict(set)
    for document_id, name in session.execute(
        select(DocumentTag.document_id, Tag.name)
        .join(Tag, Tag.id == DocumentTag.tag_id)
        .where(Tag.kind == "topic", Tag.rejected.is_(False), DocumentTag.status != "rejected")
    ):
        topics_of[document_id].add(name)

    in_region = set(places)
    region_name = region or None
    if region:
        matching = _by_key((r for r, _ in places.values()), region)
        in_region = {d for d, (r, _) in places.items() if r in matching}
        region_name = min(matching, default=region)
    in_topic = set(places)
    if topic_name is not None:
        in_topic = {d for d in places if topic_name in topics_of[d]}
    selected = in_region & in_topic

    topic_counts: Counter[str] = Counter()
    region_counts: Counter[str] = Counter()
    for docs in documents_of.values():
        topic_counts.update({t for d in docs & in_region for t in topics_of[d]})
        region_counts.update({r for d in docs & in_topic if (r := places[d][0])})

    kept = {t: docs & selected for t, docs in documents_of.items() if docs & selected}
    tags = session.scalars(
        select(Tag)
        .where(Tag.kind == kind, Tag.rejected.is_(False))
        .options(selectinload(Tag.aliases))
    )
    entries: list[dict[str, object]] = []
    for tag in sorted((t for t in tags if t.id in kept), key=lambda t: (-len(kept[t.id]), t.name)):
        docs = kept[tag.id]
        regions = Counter(r for d in docs if (r := places[d][0]))
        entries.append(
            {
                "name": tag.name,
                "kind": tag.kind,
                "aliases": [a.alias for a in tag.aliases],
                "definition": tag.definition,
                "documents": len(docs),
                "regions": [r for r, _ in regions.most_common()],
                "years": sorted({y for d in docs if (y := places[d][1]) is not None}),
            }
        )
    return {
        "kind": kind,
        "topic": topic_name,
        "region": region_name,
        "total": len(documents_of),
        "entries": entries,
        "topics": [{"name": n, "count": c} for n, c in topic_counts.most_common()],
        "regions": [{"name": n, "count": c} for n, c in region_counts.most_common()],
    }
