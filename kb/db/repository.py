"""The queries and writes the rest of kb needs; no SQL outside this module."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator, Sequence

from sqlalchemy import delete, func, or_, select
from sqlalchemy.orm import Session, selectinload

from kb.db.models import Document, DocumentTag, MinhashBand, Passage
from kb.editing import apply_edits
from kb.errors import DocumentNotFound
from kb.ingest.dedupe import Fingerprint
from kb.ingest.document import PreparedDocument
from kb.records import DocumentRecord, PassageRecord, TagRecord


def get_document(session: Session, document_id: int) -> Document:
    """Return the document with ``document_id`` or raise ``DocumentNotFound``."""
    document = session.get(
        Document,
        document_id,
        options=[selectinload(Document.tag_links).selectinload(DocumentTag.tag)],
    )
    if document is None:
        raise DocumentNotFound(f"没有编号为 {document_id} 的文档")
    return document


def find_by_source_key(session: Session, source_key: str) -> Document | None:
    return session.scalars(select(Document).where(Document.source_key == source_key)).first()


def find_by_content_hash(
    session: Session, content_hash: str, *, exclude_id: int | None = None
) -> Document | None:
    """Return the oldest document with this normalized-text hash."""
    query = select(Document).where(Document.content_hash == content_hash)
    if exclude_id is not None:
        query = query.where(Document.id != exclude_id)
    return session.scalars(query.order_by(Document.id)).first()


def near_duplicate_candidates(
    session: Session, fingerprint: Fingerprint, *, exclude_id: int | None = None
) -> list[tuple[int, bytes]]:
    """Return (id, MinHash signature) of documents sharing at least one LSH band."""
    matches = [
        (MinhashBand.band == band) & (MinhashBand.hash == value)
        for band, value in enumerate(fingerprint.bands)
    ]
    ids = select(MinhashBand.document_id).where(or_(*matches)).distinct()
    query = select(Document.id, Document.minhash).where(
        Document.id.in_(ids), Document.minhash.is_not(None)
    )
    if exclude_id is not None:
        query = query.where(Document.id != exclude_id)
    return [(row.id, row.minhash) for row in session.execute(query.order_by(Document.id))]


def canonical_id(session: Session, document_id: int) -> int:
    """Follow ``duplicate_of`` links to the document a chain of copies points at."""
    seen = {document_id}
    current = document_id
    while True:
        parent = session.scalar(select(Document.duplicate_of_id).where(Document.id == current))
        if parent is None or parent in seen:
            return current
        seen.add(parent)
        current = parent


def save_document(
    session: Session,
    prepared: PreparedDocument,
    *,
    source_key: str,
    content_hash: str,
    fingerprint: Fingerprint,
    duplicate_of_id: int | None,
    similarity: float | None,
    existing: Document | None = None,
) -> Document:
    """Insert or update the row for ``prepared``, replacing its passages and bands."""
    raw, meta = prepared.raw, prepared.metadata
    document = existing or Document(source_key=source_key)
    document.source = raw.source
    document.source_format = raw.file_format
    document.encoding = raw.encoding
    document.raw_hash = raw.raw_hash
    document.content_hash = content_hash
    document.title = meta.title
    document.doc_type = meta.doc_type
    document.doc_type_reason = meta.doc_type_reason
    document.region = meta.region
    document.region_code = meta.region_code
    document.date = meta.date
    document.year = meta.year
    document.author = meta.author
    document.author_note = meta.author_note
    document.stated = _jsonable(raw.stated)
    document.original = raw.original
    document.text = prepared.cleaned.text
    document.warnings = list(prepared.cleaned.warnings)
    apply_edits(document)  # an editor's values win over the file and detection
    document.minhash = fingerprint.signature
    document.duplicate_of_id = duplicate_of_id
    document.similarity = similarity
    if existing is None:
        session.add(document)
    else:
        session.execute(delete(Passage).where(Passage.document_id == document.id))
        session.execute(delete(MinhashBand).where(MinhashBand.document_id == document.id))
        session.expire(document, ["passages"])
    session.flush()
    session.add_all(
        Passage(document_id=document.id, ordinal=p.ordinal, text=p.text, start=p.start, end=p.end)
        for p in prepared.passages
    )
    session.add_all(
        MinhashBand(document_id=document.id, band=band, hash=value)
        for band, value in enumerate(fingerprint.bands)
    )
    session.flush()
    return document


def _jsonable(stated: dict[str, object]) -> dict[str, object]:
    out: dict[str, object] = {}
    for key, value in stated.items():
        if isinstance(value, str | int | float | bool) or value is None:
            out[key] = value
        elif isinstance(value, list | tuple):
            out[key] = [str(v) for v in value]
        else:
            out[key] = str(value)
    return out


def list_documents(session: Session) -> Sequence[Document]:
    """All documents, oldest first."""
    return session.scalars(select(Document).order_by(Document.id)).all()


def count_documents(session: Session) -> int:
    return session.scalar(select(func.count(Document.id))) or 0


def duplicates_of(session: Session, document_id: int) -> Sequence[Document]:
    """Documents linked to ``document_id`` as copies of it."""
    return session.scalars(
        select(Document).where(Document.duplicate_of_id == document_id).order_by(Document.id)
    ).all()


def document_records(
    session: Session, ids: Iterable[int] | None = None
) -> Iterator[DocumentRecord]:
    """Yield detached snapshots of documents (all, or those in ``ids``) in id order."""
    query = (
        select(Document)
        .options(
            selectinload(Document.passages),
            selectinload(Document.tag_links).selectinload(DocumentTag.tag),
        )
        .order_by(Document.id)
    )
    queries = [query] if ids is None else [query.where(Document.id.in_(b)) for b in _batches(ids)]
    for batch_query in queries:
        for document in session.scalars(batch_query).yield_per(200):
            yield to_record(document)


def _batches(ids: Iterable[int], size: int = 500) -> list[list[int]]:
    """Split ids into sorted chunks small enough for an ``IN (…)`` on every database."""
    id_list = sorted(set(ids))
    return [id_list[i : i + size] for i in range(0, len(id_list), size)]


def to_record(document: Document) -> DocumentRecord:
    """Snapshot one loaded document."""
    return DocumentRecord(
        id=document.id,
        title=document.title,
        source=document.source,
        doc_type=document.doc_type,
        region=document.region,
        year=document.year,
        date=document.date,
        author=document.author,
        author_note=document.author_note,
        duplicate_of=document.duplicate_of_id,
        text=document.text,
        original=document.original,
        passages=tuple(PassageRecord(p.ordinal, p.start, p.end, p.text) for p in document.passages),
        tags=tuple(
            TagRecord(link.tag.name, link.tag.kind, link.status) for link in document.tag_links
        ),
        updated_at=document.updated_at,
    )


def document_ids(session: Session) -> list[int]:
    """Ids of all stored documents, ascending."""
    return list(session.scalars(select(Document.id).order_by(Document.id)))


def changed_since(session: Session, moment: dt.datetime) -> list[int]:
    """Ids of the documents written at or after ``moment``."""
    query = select(Document.id).where(Document.updated_at >= moment).order_by(Document.id)
    return list(session.scalars(query))


def document_versions(session: Session, ids: Iterable[int] | None = None) -> dict[int, str]:
    """Map each document id (all, or those in ``ids``) to ``updated_at`` as the index keeps it."""
    query = select(Document.id, Document.updated_at)
    queries = [query] if ids is None else [query.where(Document.id.in_(b)) for b in _batches(ids)]
    rows = [row for batch_query in queries for row in session.execute(batch_query)]
    return {row.id: row.updated_at.isoformat() for row in rows}
