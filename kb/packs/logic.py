"""Make and change course packs: packs, their sections, their items, sharing.

Every function works inside the caller's session and leaves committing to it. Positions
are counted from 0; ``None`` means "at the end". Sections and items keep plain integer
ordinals, renumbered 0, 1, 2 … after every change, so reordering never fights a
uniqueness constraint.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable, Sequence
from contextlib import AbstractContextManager, nullcontext

from sqlalchemy import select
from sqlalchemy.orm import Session, object_session, selectinload

from kb.db.models import Document, Pack, PackItem, PackSection, utcnow
from kb.db.repository import get_document
from kb.packs import PackError, PackNotFound
from kb.packs.sources import take_snapshot

DEFAULT_SECTION = "未分组"
MAX_TITLE = 200

# Everything pack_json and the exports read, in a handful of queries.
_LOAD = (
    selectinload(Pack.owner),
    selectinload(Pack.sections)
    .selectinload(PackSection.items)
    .selectinload(PackItem.document)
    .selectinload(Document.passages),
)


# -- packs --------------------------------------------------------------------------------
def _title(title: str, what: str) -> str:
    clean = " ".join(title.split())
    if not clean:
        raise PackError(f"{what}不能为空")
    if len(clean) > MAX_TITLE:
        raise PackError(f"{what}不能超过 {MAX_TITLE} 个字")
    return clean


def _touch(pack: Pack) -> None:
    pack.updated_at = utcnow()


def _check_unique_title(
    session: Session, title: str, owner_id: int | None, exclude: Pack | None = None
) -> None:
    query = select(Pack.id).where(Pack.title == title)
    query = query.where(Pack.owner_id.is_(None) if owner_id is None else Pack.owner_id == owner_id)
    if exclude is not None:
        query = query.where(Pack.id != exclude.id)
    if session.scalar(query) is not None:
        raise PackError(f"已有名为“{title}”的素材包")


def create_pack(
    session: Session,
    title: str,
    *,
    audience: str = "",
    purpose: str = "",
    notes: str = "",
    owner_id: int | None = None,
) -> Pack:
    """Create an empty pack; its title must be new among the owner's packs."""
    clean = _title(title, "素材包标题")
    _check_unique_title(session, clean, owner_id)
    pack = Pack(
        title=clean,
        audience=audience.strip(),
        purpose=purpose.strip(),
        notes=notes.strip(),
        owner_id=owner_id,
    )
    session.add(pack)
    session.flush()
    return pack


def update_pack(
    session: Session,
    pack: Pack,
    *,
    title: str | None = None,
    audience: str | None = None,
    purpose: str | None = None,
    notes: str | None = None,
) -> Pack:
    """Change the fields given, leave the others."""
    if title is not None:
        clean = _title(title, "素材包标题")
        _check_unique_title(session, clean, pack.owner_id, exclude=pack)
        pack.title = clean
    if audience is not None:
        pack.audience = audience.strip()
    if purpose is not None:
        pack.purpose = purpose.strip()
    if notes is not None:
        pack.notes = notes.strip()
    _touch(pack)
    return pack


def get_pack(session: Session, ref: int | str) -> Pack:
    """The pack with this id or, failing that, exactly this title."""
    text = str(ref).strip()
    if text.isdigit() and (pack := session.get(Pack, int(text), options=_LOAD)) is not None:
        return pack
    packs = session.scalars(select(Pack).where(Pack.title == text).options(*_LOAD)).all()
    if not packs:
        raise PackNotFound(f"没有编号或标题为“{text}”的素材包")
    if len(packs) > 1:
        ids = "、".join(f"#{p.id}" for p in packs)
        raise PackError(f"有多个素材包名为“{text}”（{ids}），请用编号指明")
    return packs[0]


def list_packs(session: Session, *, owner_id: int | None = None) -> Sequence[Pack]:
    """All packs, or those of ``owner_id``, most recently changed first."""
    query = select(Pack).options(*_LOAD)
    if owner_id is not None:
        query = query.where(Pack.owner_id == owner_id)
    return session.scalars(query.order_by(Pack.updated_at.desc(), Pack.id.desc())).all()


def delete_pack(session: Session, pack: Pack) -> None:
    """Delete a pack with its sections and items (the documents stay)."""
    session.delete(pack)
    session.flush()


# -- sharing ------------------------------------------------------------------------------
def share(pack: Pack, *, renew: bool = False) -> str:
    """Give the pack a read-only link token (a new one with ``renew``) and return it."""
    if pack.share_token is None or renew:
        pack.share_token = secrets.token_urlsafe(24)
        _touch(pack)
    return pack.share_token


def unshare(pack: Pack) -> None:
    """Revoke the read-only link: the old token finds nothing from now on."""
    pack.share_token = None
    _touch(pack)


def pack_by_token(session: Session, token: str) -> Pack:
    """The pack shared under ``token``."""
    if not token or len(token) > 64:
        raise PackNotFound("分享链接无效或已被撤销")
    pack = session.scalar(select(Pack).where(Pack.share_token == token).options(*_LOAD))
    if pack is None:
        raise PackNotFound("分享链接无效或已被撤销")
    return pack


# -- sections -----------------------------------------------------------------------------
def _renumber(rows: Iterable[PackSection | PackItem]) -> None:
    for ordinal, row in enumerate(rows):
        row.ordinal = ordinal


def _no_autoflush(row: object) -> AbstractContextManager[object]:
    """Hold back autoflush while a row moves from one list to another.

    Between leaving one list and joining the next the row is an orphan: a flush then (from
    any lazy load) would delete it.
    """
    session = object_session(row)
    return session.no_autoflush if session is not None else nullcontext()


def _check_position(position: int | None) -> None:
    if position is not None and position < 0:
        raise PackError("位置应从 0 数起，不能为负数")


def _index(position: int | None, length: int) -> int:
    return length if position is None else min(position, length)


def find_section(pack: Pack, title: str) -> PackSection | None:
    """The section of ``pack`` with this title, if any."""
    clean = " ".join(title.split())
    return next((s for s in pack.sections if s.title == clean), None)


def get_section(pack: Pack, ref: int | str) -> PackSection:
    """The section of ``pack`` with this id or title."""
    text = str(ref).strip()
    for section in pack.sections:
        if section.title == text or (text.isdigit() and section.id == int(text)):
            return section
    raise PackNotFound(f"素材包“{pack.title}”中没有“{text}”分组")


def add_section(pack: Pack, title: str, *, position: int | None = None) -> PackSection:
    """Add an empty section (its title must be new in the pack)."""
    clean = _title(title, "分组标题")
    _check_position(position)
    if find_section(pack, clean) is not None:
        raise PackError(f"素材包“{pack.title}”中已有“{clean}”分组")
    section = PackSection(title=clean)
    pack.sections.insert(_index(position, len(pack.sections)), section)
    _renumber(pack.sections)
    _touch(pack)
    return section


def rename_section(section: PackSection, title: str) -> PackSection:
    """Rename a section (the new title must be new in the pack)."""
    clean = _title(title, "分组标题")
    other = find_section(section.pack, clean)
    if other is not None and other is not section:
        raise PackError(f"素材包“{section.pack.title}”中已有“{clean}”分组")
    section.title = clean
    _touch(section.pack)
    return section


def move_section(section: PackSection, position: int) -> None:
    """Put a section at ``position`` among the pack's sections."""
    _check_position(position)
    sections = section.pack.sections
    with _no_autoflush(section):
        sections.remove(section)
        sections.insert(_index(position, len(sections)), section)
    _renumber(sections)
    _touch(section.pack)


def remove_section(session: Session, section: PackSection) -> None:
    """Delete a section together with its items."""
    pack = section.pack
    pack.sections.remove(section)
    _renumber(pack.sections)
    _touch(pack)
    session.flush()


# -- items --------------------------------------------------------------------------------
def _questions(questions: Iterable[str]) -> list[str]:
    return [q.strip() for q in questions if q and q.strip()]


def get_item(pack: Pack, item_id: int) -> PackItem:
    """The item of ``pack`` with this id."""
    for section in pack.sections:
        for item in section.items:
            if item.id == item_id:
                return item
    raise PackNotFound(f"素材包“{pack.title}”中没有编号为 {item_id} 的条目")


def add_item(
    session: Session,
    pack: Pack,
    document_id: int,
    passage: int | None = None,
    section: str | None = None,
    note: str | None = None,
    questions: Iterable[str] = (),
) -> PackItem:
    """Add a document, or its passage ``passage`` (``Passage.ordinal``), to a section.

    The section is made when the pack has none of that title (default ``未分组``). The
    item keeps a snapshot of the text and its description; adding the same document or
    passage twice to one pack is refused.
    """
    document = get_document(session, document_id)
    snapshot = take_snapshot(document, passage)
    for other in (i for s in pack.sections for i in s.items):
        if other.document_id == document_id and other.passage_ordinal == passage:
            what = "该段" if passage is not None else "该文档"
            raise PackError(f"{what}已在素材包的“{other.section.title}”分组中（条目 {other.id}）")
    target = find_section(pack, section or DEFAULT_SECTION) or add_section(
        pack, section or DEFAULT_SECTION
    )
    item = PackItem(
        document_id=document.id,
        passage_ordinal=passage,
        title=snapshot.title,
        author=snapshot.author,
        region=snapshot.region,
        date=snapshot.date,
        year=snapshot.year,
        source=snapshot.source,
        doc_type=snapshot.doc_type,
        text=snapshot.text,
        text_hash=snapshot.text_hash,
        approaches=snapshot.approaches,
        note=(note or "").strip(),
        questions=_questions(questions),
        ordinal=len(target.items),
    )
    item.document = document
    target.items.append(item)
    _touch(pack)
    session.flush()
    return item


def update_item(
    item: PackItem, *, note: str | None = None, questions: Iterable[str] | None = None
) -> PackItem:
    """Change the trainer's note and/or discussion questions of an item."""
    if note is not None:
        item.note = note.strip()
    if questions is not None:
        item.questions = _questions(questions)
    _touch(item.section.pack)
    return item


def refresh_item(session: Session, item: PackItem) -> PackItem:
    """Take a new snapshot of the item's document as it is now (the trainer asked to)."""
    if item.document_id is None:
        raise PackError(f"条目 {item.id} 的原文档已被删除，无法更新")
    snapshot = take_snapshot(get_document(session, item.document_id), item.passage_ordinal)
    for field in ("title", "author", "region", "date", "year", "source", "doc_type", "text"):
        setattr(item, field, getattr(snapshot, field))
    item.text_hash = snapshot.text_hash
    item.approaches = snapshot.approaches
    item.added_at = utcnow()
    _touch(item.section.pack)
    return item


def remove_item(session: Session, item: PackItem) -> None:
    """Take an item out of its pack."""
    section = item.section
    section.items.remove(item)
    _renumber(section.items)
    _touch(section.pack)
    session.flush()


def move_item(
    item: PackItem, *, section: str | None = None, position: int | None = None
) -> PackItem:
    """Move an item to another section (by title, made if missing) and/or position."""
    _check_position(position)
    source = item.section
    pack = source.pack
    target = source
    if section is not None:
        target = find_section(pack, section) or add_section(pack, section)
    with _no_autoflush(item):
        source.items.remove(item)
        target.items.insert(_index(position, len(target.items)), item)
    _renumber(source.items)
    _renumber(target.items)
    _touch(pack)
    return item
