"""Tags in the database: apply extracted candidates, keep editors' decisions.

Extraction owns only the links it made and nobody has judged (origin ``auto``, status
``suggested``): re-extraction replaces those and nothing else. A confirmed or rejected
link, a link an editor added, an editor's definition, a rename (the old name becomes an
alias), a merge (the merged tag's names become aliases) and a tag rejected everywhere
all survive re-ingest and re-extraction.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from sqlalchemy import or_, select
from sqlalchemy.orm import Session, selectinload

from kb.db.models import Document, DocumentTag, Tag, TagAlias, utcnow
from kb.errors import KBError, NotFound
from kb.tagging.candidates import KINDS, Candidate, sentence_around
from kb.tagging.names import display_name, is_generic, locate, tag_key
from kb.tagging.topics import load_taxonomy

MAX_NAME = 100
"""Characters a tag's name may have (its column holds 200; no practice is named in more)."""


class TagError(KBError):
    """A tag operation cannot be done as asked."""


class TagNotFound(TagError, NotFound):
    """No tag has the name asked for."""


# -- lookups ------------------------------------------------------------------------------
def find_tags(session: Session, name: str, kind: str | None = None) -> list[Tag]:
    """Tags whose name or an alias has the key of ``name`` (any script or variant)."""
    key = tag_key(name)
    alias_ids = select(TagAlias.tag_id).where(TagAlias.key == key)
    query = select(Tag).where(or_(Tag.key == key, Tag.id.in_(alias_ids)))
    if kind is not None:
        query = query.where(Tag.kind == kind)
    return list(session.scalars(query.order_by(Tag.kind, Tag.id)))


def get_tag(session: Session, name: str, kind: str | None = None) -> Tag:
    """The one tag ``name`` refers to; a clear error when there is none or several."""
    if kind is not None and kind not in KINDS:
        raise TagError(f"未知的标签类别“{kind}”，可选：{'、'.join(KINDS)}")
    tags = find_tags(session, name, kind)
    if not tags:
        raise TagNotFound(f"没有名为“{name}”的标签")
    if len(tags) > 1:
        kinds = "、".join(t.kind for t in tags)
        raise TagError(f"“{name}”在多个类别中都有（{kinds}），请用 --kind 指明")
    return tags[0]


def _touch(documents: Iterable[Document]) -> None:
    """Mark documents changed so the index picks up their new tags."""
    now = utcnow()
    for document in documents:
        document.updated_at = now


def _add_alias(tag: Tag, alias: str) -> None:
    alias = alias.strip()
    if alias and alias != tag.name and alias not in {a.alias for a in tag.aliases}:
        tag.aliases.append(TagAlias(alias=alias, key=tag_key(alias)))


def _tag_for(session: Session, candidate: Candidate) -> Tag:
    tags = find_tags(session, candidate.name, candidate.kind)
    if tags:
        tag = tags[0]
    else:
        tag = Tag(
            name=display_name(candidate.name), kind=candidate.kind, key=tag_key(candidate.name)
        )
        session.add(tag)
    _add_alias(tag, candidate.name)
    if candidate.definition and tag.definition_origin != "editor" and not tag.definition:
        tag.definition = candidate.definition
    return tag


# -- extraction -----------------------------------------------------------------------------
def apply_candidates(
    session: Session, document: Document, candidates: Sequence[Candidate], *, version: str
) -> None:
    """Replace the document's unjudged automatic tags with ``candidates``."""
    text_key = tag_key(document.text + "\n" + document.title)
    links = {link.tag_id: link for link in document.tag_links}
    wanted: set[int] = set()
    for candidate in candidates:
        if len(candidate.name) > MAX_NAME:
            continue  # a sentence caught between quotes, not a name
        if candidate.kind != "topic" and (
            is_generic(candidate.name) or tag_key(candidate.name) not in text_key
        ):
            continue  # never tag a generic word or a name the text does not hold
        tag = _tag_for(session, candidate)
        if tag.rejected:
            continue
        session.flush()
        wanted.add(tag.id)
        link = links.get(tag.id)
        if link is None:
            link = DocumentTag(tag=tag, origin="auto", status="suggested")
            document.tag_links.append(link)
            links[tag.id] = link
        if (link.origin == "auto" and link.status == "suggested") or not link.evidence:
            link.evidence = candidate.evidence
            link.reason = candidate.reason
    for tag_id, link in list(links.items()):
        if tag_id not in wanted and link.origin == "auto" and link.status == "suggested":
            document.tag_links.remove(link)
    document.tagged_with = version
    _touch([document])


# -- editors' decisions ------------------------------------------------------------------
def _links(session: Session, tag: Tag, document_id: int | None) -> list[DocumentTag]:
    query = select(DocumentTag).where(DocumentTag.tag_id == tag.id)
    if document_id is not None:
        query = query.where(DocumentTag.document_id == document_id)
    links = list(session.scalars(query.options(selectinload(DocumentTag.document))))
    if document_id is not None and not links:
        raise TagError(f"文档 #{document_id} 没有标签“{tag.name}”")
    return links


def set_status(
    session: Session,
    name: str,
    status: str,
    *,
    kind: str | None = None,
    document_id: int | None = None,
) -> Tag:
    """Confirm or reject a tag on one document, or everywhere (rejecting it for good)."""
    tag = get_tag(session, name, kind)
    links = _links(session, tag, document_id)
    for link in links:
        link.status = status
    if document_id is None:
        tag.rejected = status == "rejected"
    _touch(link.document for link in links)
    return tag


def rename(session: Session, name: str, new_name: str, *, kind: str | None = None) -> Tag:
    """Give a tag a new name; the old one stays an alias, so extraction still finds it."""
    tag = get_tag(session, name, kind)
    clash = [t for t in find_tags(session, new_name, tag.kind) if t.id != tag.id]
    if clash:
        raise TagError(f"已有标签“{clash[0].name}”，请用 kb tags merge 合并")
    if not display_name(new_name):
        raise TagError("新名称不能为空")
    old = tag.name
    tag.name, tag.key = display_name(new_name), tag_key(new_name)
    _add_alias(tag, old)
    _touch(link.document for link in _links(session, tag, None))
    return tag


def merge(session: Session, source: str, target: str, *, kind: str | None = None) -> Tag:
    """Fold tag ``source`` into ``target``: its documents, names and aliases move over."""
    into = get_tag(session, target, kind)
    merged = get_tag(session, source, into.kind)
    if merged.id == into.id:
        raise TagError("不能把标签合并到它自己")
    existing = {link.document_id: link for link in _links(session, into, None)}
    moved = _links(session, merged, None)
    for link in moved:
        kept = existing.get(link.document_id)
        if kept is None:
            session.add(
                DocumentTag(
                    document_id=link.document_id, tag_id=into.id, origin=link.origin,
                    status=link.status, evidence=link.evidence, reason=link.reason,
                )
            )  # fmt: skip
        elif kept.origin == "auto" and kept.status == "suggested":
            kept.origin, kept.status = link.origin, link.status
    for alias in [merged.name, *(a.alias for a in merged.aliases)]:
        _add_alias(into, alias)
    if not into.definition and merged.definition:
        into.definition, into.definition_origin = merged.definition, merged.definition_origin
    _touch(link.document for link in moved)
    session.delete(merged)
    return into


def add(
    session: Session, name: str, kind: str, document_id: int, *, evidence: str | None = None
) -> Tag:
    """An editor tags a document; the name must occur in it."""
    if kind not in KINDS:
        raise TagError(f"未知的标签类别“{kind}”，可选：{'、'.join(KINDS)}")
    document = session.get(Document, document_id)
    if document is None:
        raise TagError(f"没有编号为 {document_id} 的文档")
    if kind == "topic":
        topics = [t.name for t in load_taxonomy().topics]
        if display_name(name) not in topics:
            raise TagError(f"主题须取自 corpus/taxonomy.yaml：{'、'.join(topics)}")
    elif is_generic(name):
        raise TagError(f"“{name}”过于笼统，不能作为标签")
    elif tag_key(name) not in tag_key(document.text + "\n" + document.title):
        raise TagError(f"文档 #{document_id} 中没有出现“{name}”")
    tag = _tag_for(session, Candidate(name=name, kind=kind, evidence=""))
    tag.rejected = False
    session.flush()
    link = session.get(DocumentTag, (document_id, tag.id))
    if link is None:
        link = DocumentTag(document_id=document_id, tag_id=tag.id)
        session.add(link)
    link.origin, link.status = "editor", "confirmed"
    link.evidence = evidence or _evidence(document.text, name) or link.evidence
    _touch([document])
    return tag


def _evidence(text: str, name: str) -> str | None:
    """The sentence of ``text`` that names ``name`` in whatever script the text uses."""
    span = locate(name, text)
    return None if span is None else sentence_around(text, *span)


def define(session: Session, name: str, definition: str, *, kind: str | None = None) -> Tag:
    """An editor writes (or clears, with an empty text) a tag's definition."""
    tag = get_tag(session, name, kind)
    tag.definition = definition.strip() or None
    tag.definition_origin = "editor"
    return tag
