"""Run every extractor on a document and store the result beside editors' decisions."""

from __future__ import annotations

import hashlib
from functools import lru_cache
from pathlib import Path

from sqlalchemy import or_, select
from sqlalchemy.orm import Session, selectinload

from kb.db.models import Document, DocumentTag
from kb.db.session import Database
from kb.tagging.approaches import extract_approaches
from kb.tagging.candidates import Candidate
from kb.tagging.demonstrations import extract_demonstrations
from kb.tagging.store import apply_candidates
from kb.tagging.topics import assign_topics

RULES_VERSION = "1"
"""Bump when an extraction rule changes, so ``kb tags extract`` redoes every document."""

CORPUS = Path(__file__).resolve().parents[2] / "corpus"


@lru_cache(maxsize=1)
def extraction_version() -> str:
    """The rules version plus a digest of the data files the rules read."""
    digest = hashlib.sha256(RULES_VERSION.encode())
    for name in ("taxonomy.yaml", "userdict.txt"):
        path = CORPUS / name
        digest.update(path.read_bytes() if path.is_file() else b"")
    return f"{RULES_VERSION}-{digest.hexdigest()[:12]}"


def extract(text: str, title: str = "") -> list[Candidate]:
    """Every tag the rules find in one document's cleaned text."""
    return [
        *extract_approaches(text),
        *extract_demonstrations(text),
        *assign_topics(text, title),
    ]


def tag_document(session: Session, document: Document) -> None:
    """(Re-)extract one document's tags inside the caller's transaction."""
    apply_candidates(
        session, document, extract(document.text, document.title), version=extraction_version()
    )


def documents_to_tag(session: Session, *, everything: bool = False) -> list[int]:
    """Ids of documents never tagged with the current rules (or all of them)."""
    query = select(Document.id).order_by(Document.id)
    if not everything:
        version = extraction_version()
        query = query.where(or_(Document.tagged_with.is_(None), Document.tagged_with != version))
    return list(session.scalars(query))


def extract_all(db: Database, *, everything: bool = False) -> list[int]:
    """Re-extract tags document by document (one transaction each); return their ids."""
    with db.session() as session:
        ids = documents_to_tag(session, everything=everything)
    for document_id in ids:
        with db.session() as session:
            document = session.get(
                Document,
                document_id,
                options=[selectinload(Document.tag_links).selectinload(DocumentTag.tag)],
            )
            if document is not None:
                tag_document(session, document)
    return ids
