"""What the pack pages and the pack API read from a request, and the editor's own pack.

Values come from forms (text) or JSON bodies (any type): anything but the expected type,
too long or out of range is a 400 with a Chinese message. ``owned_pack`` is the one way
to a pack: another editor's pack is "not found" (404), never "forbidden", so ids do not
leak.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import NoReturn

from flask import redirect, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user
from sqlalchemy.orm import Session

from kb.db.models import Pack, PackSection
from kb.packs import PackNotFound, logic
from web.params import MAX_ID, BadParameter, whole_number

MAX_FIELD = 200
"""Audience and section titles are short columns."""
MAX_TEXT = 10_000
"""Purpose, notes, an item's note and questions: long enough for any handout."""
PACK_FIELDS = {
    "title": ("标题", MAX_FIELD),
    "audience": ("培训对象", MAX_FIELD),
    "purpose": ("教学目的", MAX_TEXT),
    "notes": ("课程说明", MAX_TEXT),
}
"""A pack's own fields: label and longest value."""


def owned_pack(session: Session, pack_id: int) -> Pack:
    """The logged-in editor's pack ``pack_id``; anyone else's is "not found"."""
    try:
        pack = logic.get_pack(session, pack_id) if pack_id <= MAX_ID else None
    except PackNotFound:
        pack = None
    # get_pack falls back to titles: "7" may name another pack than #7
    if pack is None or pack.id != pack_id or pack.owner_id != current_user.id:
        raise PackNotFound(f"没有编号为 {pack_id} 的素材包")
    return pack


def own_pack_first() -> None:
    """Before a pack route reads anything else: another editor's pack is "not found",
    whatever else the request has wrong (a blueprint's ``before_request``)."""
    from web.services import get_services

    pack_id = (request.view_args or {}).get("pack_id")
    if pack_id is None or not current_user.is_authenticated:
        return  # no pack named, or login_required answers first
    with get_services().db.session() as session:
        owned_pack(session, pack_id)


def back_to_pack(pack_id: int) -> ResponseReturnValue:
    """A GET of a pack's form address goes to the pack's page — if it is the editor's
    own pack; anyone else's is "not found" here too."""
    from web.services import get_services

    with get_services().db.session() as session:
        owned_pack(session, pack_id)
    return redirect(url_for("packs.show", pack_id=pack_id))


def section_by_id(pack: Pack, section_id: int) -> PackSection:
    """The section of ``pack`` with this id (never by title, as ``logic.get_section`` may)."""
    for section in pack.sections:
        if section.id == section_id:
            return section
    raise PackNotFound(f"素材包“{pack.title}”中没有编号为 {section_id} 的分组")


def _bad(label: str, problem: str) -> NoReturn:
    """Refuse a value with a 400; a Latin label (a JSON key) gets a space before the rest."""
    space = " " if label[-1:].isascii() else ""
    raise BadParameter(label.removeprefix("参数 "), f"{label}{space}{problem}")


def text_field(value: object, label: str, *, limit: int = MAX_TEXT) -> str:
    """A text value of a form or a JSON body; too long or not text is a 400."""
    if value is None:
        return ""
    if not isinstance(value, str):
        _bad(label, "应为文字")
    if len(value) > limit:
        _bad(label, f"过长（最多 {limit} 字）")
    return value


def int_field(value: object, label: str) -> int | None:
    """A non-negative whole number from a form or a JSON body; empty is None."""
    if value is None or value == "":
        return None
    return whole_number(value, label.removeprefix("参数 "), label=label)


def question_lines(text: str) -> list[str]:
    """Questions typed one per line.

    >>> question_lines("第一问？\\n\\n 第二问？ ")
    ['第一问？', '第二问？']
    """
    return [line.strip() for line in text.splitlines() if line.strip()]


def pack_fields(values: Mapping[str, object], *, given_only: bool = False) -> dict[str, str]:
    """A pack's title, audience, purpose and notes from a form or a JSON body.

    ``given_only``: leave out the fields that are missing or null (a JSON PATCH).
    """
    return {
        name: text_field(values.get(name), label, limit=limit)
        for name, (label, limit) in PACK_FIELDS.items()
        if not given_only or values.get(name) is not None
    }
