"""Editors' changes to a document's description, kept across re-ingest."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy.orm import Session

from kb.db.models import DOC_TYPES, Document, utcnow
from kb.errors import DocumentNotFound, KBError

EDITABLE = ("title", "doc_type", "region", "date", "author", "author_note")


class EditError(KBError):
    """A metadata edit has a value kb cannot store."""


def _clean(field: str, raw: object) -> Any:
    value = str(raw or "").strip()
    if field == "title":
        if not value:
            raise EditError("标题不能为空")
        if len(value) > 500:
            raise EditError("标题过长（最多 500 字）")
        return value
    if field == "doc_type":
        if value not in DOC_TYPES:
            raise EditError(f"文档类型只能是 {'、'.join(DOC_TYPES)}")
        return value
    if field == "date":
        if not value:
            return None
        try:
            return dt.date.fromisoformat(value).isoformat()
        except ValueError:
            raise EditError(f"日期应写成 2022-10-16 这样的格式，而不是“{value}”") from None
    if len(value) > 200:
        raise EditError("内容过长（最多 200 字）")
    return value or None


def apply_edits(document: Document) -> None:
    """Lay the editor's recorded values over whatever detection produced."""
    for field, value in (document.edited or {}).items():
        if field == "date":
            document.date = dt.date.fromisoformat(value) if value else None
            document.year = document.date.year if document.date else None
        elif field == "doc_type":
            document.doc_type = value
            document.doc_type_reason = "编辑人工指定"
        else:
            setattr(document, field, value)


def edit_metadata(session: Session, document_id: int, changes: dict[str, object]) -> Document:
    """Record an editor's values for some of ``EDITABLE`` and apply them."""
    unknown = set(changes) - set(EDITABLE)
    if unknown:
        raise EditError(f"不能修改字段：{'、'.join(sorted(unknown))}")
    document = session.get(Document, document_id)
    if document is None:
        raise DocumentNotFound(f"没有编号为 {document_id} 的文档")
    cleaned = {field: _clean(field, value) for field, value in changes.items()}
    document.edited = {**(document.edited or {}), **cleaned}
    apply_edits(document)
    document.updated_at = utcnow()
    return document
