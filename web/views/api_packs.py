"""JSON API of course packs (``/api/packs``), as the pack page's script uses it.

Every endpoint is the logged-in editor's: anonymous calls are ``401``, another editor's
pack is ``404``. Changes need the CSRF token in the ``X-CSRFToken`` header. Bad input is
``400`` with ``{"error": {"status", "message"}}``, like the rest of the API.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar, cast

from flask import Blueprint, abort, jsonify, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user

from kb.db.models import Pack, PackItem, PackSection
from kb.packs import logic
from kb.packs.data import pack_json, pack_row
from web.errors import respond
from web.pack_params import (
    MAX_FIELD,
    int_field,
    own_pack_first,
    owned_pack,
    pack_fields,
    question_lines,
    section_by_id,
    text_field,
)
from web.services import get_services

bp = Blueprint("api_packs", __name__, url_prefix="/api/packs")
bp.before_request(own_pack_first)

View = TypeVar("View", bound=Callable[..., ResponseReturnValue])


def api_login_required(view: View) -> View:
    """Like ``login_required``, but a JSON 401 instead of a redirect to the login page."""

    @wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> ResponseReturnValue:
        if not current_user.is_authenticated:
            return respond(401, "请先登录")
        return view(*args, **kwargs)

    return cast(View, wrapper)


def _body() -> dict[str, Any]:
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        abort(400, description="请求体应为 JSON 对象")
    return data


def _questions(value: object) -> list[str] | None:
    """A list of questions, or one text with a question per line."""
    if value is None:
        return None
    if isinstance(value, list) and all(isinstance(q, str) for q in value):
        return question_lines("\n".join(text_field(q, "思考题") for q in value))
    return question_lines(text_field(value, "思考题"))


def _sections_json(pack: Pack) -> list[dict[str, Any]]:
    data: dict[str, Any] = pack_json(pack)
    return list(data["sections"])


def _section_json(section: PackSection) -> dict[str, Any]:
    """A section as ``pack_json`` writes it: id, title, items."""
    return next(s for s in _sections_json(section.pack) if s["id"] == section.id)


def _item_json(item: PackItem) -> dict[str, Any]:
    """An item as ``pack_json`` writes it, with the section it is in."""
    items = (i for s in _sections_json(item.section.pack) for i in s["items"])
    found = next(i for i in items if i["id"] == item.id)
    return {**found, "section": {"id": item.section.id, "title": item.section.title}}


# -- packs ----------------------------------------------------------------------------------
@bp.get("")
@api_login_required
def packs() -> ResponseReturnValue:
    """The editor's packs (``kb pack list --json`` rows, with their sections' titles)."""
    with get_services().db.session() as session:
        rows = [
            {**pack_row(p), "section_titles": [s.title for s in p.sections]}
            for p in logic.list_packs(session, owner_id=current_user.id)
        ]
    return jsonify(rows)


@bp.post("")
@api_login_required
def create_pack() -> ResponseReturnValue:
    """Make a pack: ``{title, audience?, purpose?, notes?}``."""
    fields = pack_fields(_body())
    with get_services().db.session() as session:
        pack = logic.create_pack(session, **fields, owner_id=current_user.id)
        data: dict[str, Any] = pack_json(pack)
    return jsonify(data), 201, {"Location": url_for("api_packs.pack", pack_id=data["id"])}


@bp.get("/<int:pack_id>")
@api_login_required
def pack(pack_id: int) -> ResponseReturnValue:
    """``kb pack show --json``."""
    with get_services().db.session() as session:
        return jsonify(pack_json(owned_pack(session, pack_id)))


@bp.patch("/<int:pack_id>")
@api_login_required
def update_pack(pack_id: int) -> ResponseReturnValue:
    """Change any of ``title``, ``audience``, ``purpose``, ``notes``."""
    fields = pack_fields(_body(), given_only=True)
    with get_services().db.session() as session:
        found = owned_pack(session, pack_id)
        logic.update_pack(session, found, **fields)
        return jsonify(pack_json(found))


@bp.delete("/<int:pack_id>")
@api_login_required
def delete_pack(pack_id: int) -> ResponseReturnValue:
    """Delete the pack (the documents stay)."""
    with get_services().db.session() as session:
        logic.delete_pack(session, owned_pack(session, pack_id))
    return "", 204


@bp.post("/<int:pack_id>/share")
@api_login_required
def share(pack_id: int) -> ResponseReturnValue:
    """Make a read-only link (``{"renew": true}`` for a new one): ``{token, url}``."""
    body = request.get_json(silent=True)
    renew = isinstance(body, dict) and bool(body.get("renew"))
    with get_services().db.session() as session:
        token = logic.share(owned_pack(session, pack_id), renew=renew)
    return jsonify({"token": token, "url": url_for("packs.shared", token=token, _external=True)})


@bp.delete("/<int:pack_id>/share")
@api_login_required
def unshare(pack_id: int) -> ResponseReturnValue:
    """Revoke the read-only link."""
    with get_services().db.session() as session:
        logic.unshare(owned_pack(session, pack_id))
    return "", 204


# -- items ----------------------------------------------------------------------------------
def _target_section(found: Pack, value: object) -> str | None:
    """The title of the section a move names by id (a number) or by title (made if missing)."""
    if value is None or value == "":
        return None
    if isinstance(value, str):
        return text_field(value, "分组名称", limit=MAX_FIELD)
    section_id = int_field(value, "参数 section")
    return None if section_id is None else section_by_id(found, section_id).title


@bp.post("/<int:pack_id>/items")
@api_login_required
def add_item(pack_id: int) -> ResponseReturnValue:
    """Add ``{document_id, passage?, section?, note?, questions?}`` (passage: its ordinal)."""
    body = _body()
    document_id = int_field(body.get("document_id"), "参数 document_id")
    if document_id is None:
        abort(400, description="缺少 document_id")
    passage = int_field(body.get("passage"), "参数 passage")
    section = text_field(body.get("section"), "分组名称", limit=MAX_FIELD).strip() or None
    note = text_field(body.get("note"), "讲师按语")
    questions = _questions(body.get("questions")) or []
    with get_services().db.session() as session:
        found = owned_pack(session, pack_id)
        item = logic.add_item(session, found, document_id, passage, section, note, questions)
        data = _item_json(item)
        data["pack"] = {"id": found.id, "title": found.title}
    return jsonify(data), 201


@bp.patch("/<int:pack_id>/items/<int:item_id>")
@api_login_required
def update_item(pack_id: int, item_id: int) -> ResponseReturnValue:
    """Change ``note``, ``questions``; move with ``section`` (id or title) and ``position``."""
    body = _body()
    note = text_field(body["note"], "讲师按语") if body.get("note") is not None else None
    questions = _questions(body.get("questions"))
    position = int_field(body.get("position"), "参数 position")
    section = body.get("section")
    with get_services().db.session() as session:
        found = owned_pack(session, pack_id)
        item = logic.get_item(found, item_id)
        if note is not None or questions is not None:
            logic.update_item(item, note=note, questions=questions)
        title = _target_section(found, section)
        if title is not None or position is not None:
            logic.move_item(item, section=title, position=position)
        session.flush()
        return jsonify(_item_json(item))


@bp.delete("/<int:pack_id>/items/<int:item_id>")
@api_login_required
def remove_item(pack_id: int, item_id: int) -> ResponseReturnValue:
    """Take an item out of the pack."""
    with get_services().db.session() as session:
        logic.remove_item(session, logic.get_item(owned_pack(session, pack_id), item_id))
    return "", 204


# -- sections -------------------------------------------------------------------------------
@bp.post("/<int:pack_id>/sections")
@api_login_required
def add_section(pack_id: int) -> ResponseReturnValue:
    """Add ``{title, position?}``."""
    body = _body()
    title = text_field(body.get("title"), "分组名称", limit=MAX_FIELD)
    position = int_field(body.get("position"), "参数 position")
    with get_services().db.session() as session:
        section = logic.add_section(owned_pack(session, pack_id), title, position=position)
        session.flush()
        return jsonify(_section_json(section)), 201


@bp.patch("/<int:pack_id>/sections/<int:section_id>")
@api_login_required
def update_section(pack_id: int, section_id: int) -> ResponseReturnValue:
    """Rename (``title``) and/or move (``position``) a section."""
    body = _body()
    title = text_field(body["title"], "分组名称", limit=MAX_FIELD) if "title" in body else None
    position = int_field(body.get("position"), "参数 position")
    with get_services().db.session() as session:
        section = section_by_id(owned_pack(session, pack_id), section_id)
        if title is not None:
            logic.rename_section(section, title)
        if position is not None:
            logic.move_section(section, position)
        session.flush()
        return jsonify(_section_json(section))


@bp.delete("/<int:pack_id>/sections/<int:section_id>")
@api_login_required
def remove_section(pack_id: int, section_id: int) -> ResponseReturnValue:
    """Delete a section with its items."""
    with get_services().db.session() as session:
        logic.remove_section(session, section_by_id(owned_pack(session, pack_id), section_id))
    return "", 204
