"""The pack page's forms for items and sections: notes, questions, order, removal.

Each is a plain POST that works without JavaScript and comes back to the pack page; the
page's script does the same moves through the JSON API without reloading. A GET of one
of these addresses (after logging in, say) just shows the pack.
"""

from __future__ import annotations

from flask import Blueprint, abort, request
from flask.typing import ResponseReturnValue
from flask_login import login_required
from sqlalchemy.orm import Session

from kb.db.models import Pack
from kb.packs import logic
from web.pack_params import (
    MAX_FIELD,
    back_to_pack,
    int_field,
    own_pack_first,
    question_lines,
    section_by_id,
    text_field,
)
from web.views.packs import change_pack

bp = Blueprint("pack_edit", __name__, url_prefix="/packs/<int:pack_id>")
bp.before_request(own_pack_first)

METHODS = ["GET", "POST"]


def _direction() -> str | None:
    direction = request.form.get("direction") or None
    if direction not in (None, "up", "down"):
        abort(400, description="移动方向只能是上移（up）或下移（down）")
    return direction


def _step(index: int, length: int, direction: str) -> int | None:
    """The new index one step up or down, or None at the edge.

    >>> _step(0, 3, "up"), _step(0, 3, "down"), _step(2, 3, "down")
    (None, 1, None)
    """
    new = index - 1 if direction == "up" else index + 1
    return new if 0 <= new < length else None


# -- items ----------------------------------------------------------------------------------
@bp.route("/items/<int:item_id>/update", methods=METHODS)
@login_required
def update_item(pack_id: int, item_id: int) -> ResponseReturnValue:
    """Save an item's note and questions (one per line)."""
    if request.method == "GET":
        return back_to_pack(pack_id)
    note = text_field(request.form.get("note"), "讲师按语")
    questions = question_lines(text_field(request.form.get("questions"), "思考题"))

    def change(session: Session, pack: Pack) -> str:
        logic.update_item(logic.get_item(pack, item_id), note=note, questions=questions)
        return "已保存按语和思考题"

    return change_pack(pack_id, change, anchor=f"item-{item_id}")


@bp.route("/items/<int:item_id>/move", methods=METHODS)
@login_required
def move_item(pack_id: int, item_id: int) -> ResponseReturnValue:
    """Move an item one place up or down (``direction``), or to the end of ``section`` (id)."""
    if request.method == "GET":
        return back_to_pack(pack_id)
    direction = _direction()
    section_id = int_field(request.form.get("section"), "分组编号")
    if direction is None and section_id is None:
        abort(400, description="请选择上移、下移或要移到的分组")

    def change(session: Session, pack: Pack) -> str:
        item = logic.get_item(pack, item_id)
        if section_id is not None:
            target = section_by_id(pack, section_id)
            if target is item.section:
                return f"该条目已在“{target.title}”分组"
            logic.move_item(item, section=target.title)
            return f"已移到“{target.title}”分组"
        siblings = item.section.items
        new = _step(siblings.index(item), len(siblings), direction or "")
        if new is None:
            return "已是本分组第一条" if direction == "up" else "已是本分组最后一条"
        logic.move_item(item, position=new)
        return "已上移" if direction == "up" else "已下移"

    return change_pack(pack_id, change, anchor=f"item-{item_id}")


@bp.route("/items/<int:item_id>/remove", methods=METHODS)
@login_required
def remove_item(pack_id: int, item_id: int) -> ResponseReturnValue:
    """Take an item out of the pack."""
    if request.method == "GET":
        return back_to_pack(pack_id)

    def change(session: Session, pack: Pack) -> str:
        item = logic.get_item(pack, item_id)
        heading = item.title
        logic.remove_item(session, item)
        return f"已移除《{heading}》"

    return change_pack(pack_id, change)


@bp.route("/items/<int:item_id>/refresh", methods=METHODS)
@login_required
def refresh_item(pack_id: int, item_id: int) -> ResponseReturnValue:
    """Replace an item's snapshot with its document's text as it is now."""
    if request.method == "GET":
        return back_to_pack(pack_id)

    def change(session: Session, pack: Pack) -> str:
        logic.refresh_item(session, logic.get_item(pack, item_id))
        return "已更新为原文现在的内容"

    return change_pack(pack_id, change, anchor=f"item-{item_id}")


# -- sections -------------------------------------------------------------------------------
def _section_title() -> str:
    return text_field(request.form.get("title"), "分组名称", limit=MAX_FIELD)


@bp.route("/sections/add", methods=METHODS)
@login_required
def add_section(pack_id: int) -> ResponseReturnValue:
    """Add an empty section at the end."""
    if request.method == "GET":
        return back_to_pack(pack_id)
    title = _section_title()

    def change(session: Session, pack: Pack) -> str:
        section = logic.add_section(pack, title)
        session.flush()
        return f"已添加分组“{section.title}”"

    return change_pack(pack_id, change)


@bp.route("/sections/<int:section_id>/rename", methods=METHODS)
@login_required
def rename_section(pack_id: int, section_id: int) -> ResponseReturnValue:
    """Rename a section."""
    if request.method == "GET":
        return back_to_pack(pack_id)
    title = _section_title()

    def change(session: Session, pack: Pack) -> str:
        section = logic.rename_section(section_by_id(pack, section_id), title)
        return f"已改名为“{section.title}”"

    return change_pack(pack_id, change, anchor=f"section-{section_id}")


@bp.route("/sections/<int:section_id>/move", methods=METHODS)
@login_required
def move_section(pack_id: int, section_id: int) -> ResponseReturnValue:
    """Move a section one place up or down."""
    if request.method == "GET":
        return back_to_pack(pack_id)
    direction = _direction()
    if direction is None:
        abort(400, description="请选择上移或下移")

    def change(session: Session, pack: Pack) -> str:
        section = section_by_id(pack, section_id)
        new = _step(pack.sections.index(section), len(pack.sections), direction)
        if new is None:
            return "已是第一个分组" if direction == "up" else "已是最后一个分组"
        logic.move_section(section, new)
        return "已上移" if direction == "up" else "已下移"

    return change_pack(pack_id, change, anchor=f"section-{section_id}")


@bp.route("/sections/<int:section_id>/remove", methods=METHODS)
@login_required
def remove_section(pack_id: int, section_id: int) -> ResponseReturnValue:
    """Delete a section with its items."""
    if request.method == "GET":
        return back_to_pack(pack_id)

    def change(session: Session, pack: Pack) -> str:
        section = section_by_id(pack, section_id)
        title = section.title
        logic.remove_section(session, section)
        return f"已删除分组“{title}”"

    return change_pack(pack_id, change)
