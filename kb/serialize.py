"""Plain-dict views of stored documents, shared by the CLI and the JSON API."""

from __future__ import annotations

from collections.abc import Sequence

from kb.db.models import Document


def document_json(document: Document, *, copies: Sequence[Document] = ()) -> dict[str, object]:
    """Describe ``document`` in full, as ``kb show --json`` prints it."""
    return {
        "id": document.id,
        "title": document.title,
        "source": document.source,
        "doc_type": document.doc_type,
        "doc_type_reason": document.doc_type_reason,
        "region": document.region,
        "date": document.date.isoformat() if document.date else None,
        "year": document.year,
        "author": document.author,
        "author_note": document.author_note,
        "duplicate_of": document.duplicate_of_id,
        "copies": [copy.id for copy in copies],
        "tags": [
            {
                "name": link.tag.name,
                "kind": link.tag.kind,
                "status": link.status,
                "origin": link.origin,
                "evidence": link.evidence,
                "reason": link.reason,
            }
            for link in sorted(document.tag_links, key=lambda link: (link.tag.kind, link.tag.name))
        ],
        "text": document.text,
        "original": document.original,
        "warnings": list(document.warnings),
    }


def document_row(document: Document) -> dict[str, object]:
    """Describe ``document`` in one line's worth of fields, as ``kb list`` prints it."""
    return {
        "id": document.id,
        "title": document.title,
        "source": document.source,
        "doc_type": document.doc_type,
        "region": document.region,
        "year": document.year,
        "duplicate_of": document.duplicate_of_id,
        "warnings": len(document.warnings),
    }
