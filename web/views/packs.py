"""Course packs (课程素材包): the editor's list, a pack's page, adding a case, exports, sharing.

A pack belongs to the editor who made it: another editor's pack answers 404, not 403, so
ids do not leak. The read-only link (``/packs/shared/<token>``) needs no login. Changes
to items and sections are in ``pack_edit``; the JSON API the page's script uses is in
``api_packs``.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from urllib.parse import quote

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_required
from sqlalchemy.orm import Session

from kb.db import repository
from kb.db.models import Pack
from kb.packs import PackError, logic
from kb.packs.citation import passage_label
from kb.packs.data import PackView, pack_row, pack_view
from kb.packs.export import FORMATS, export_pack
from web.errors import status_for
from web.pack_params import (
    MAX_FIELD,
    back_to_pack,
    int_field,
    own_pack_first,
    owned_pack,
    pack_fields,
    text_field,
)
from web.security import safe_next
from web.services import get_services

bp = Blueprint("packs", __name__)
bp.before_request(own_pack_first)

_UNSAFE_NAME = re.compile(r'[\x00-\x1f\x7f/\\:*?"<>|]')


# -- the pack page, and the forms that come back to it -------------------------------------
def render_pack(pack_id: int, *, status: int = 200) -> ResponseReturnValue:
    """The owner's page of a pack (also after a refused change, with the reason flashed)."""
    with get_services().db.session() as session:
        pack = owned_pack(session, pack_id)
        view, token = pack_view(pack), pack.share_token
    share_url = url_for("packs.shared", token=token, _external=True) if token else None
    return render_template(
        "packs/show.html", pack=view, share_url=share_url, formats=EXPORTS
    ), status


def change_pack(
    pack_id: int, change: Callable[[Session, Pack], str | None], *, anchor: str | None = None
) -> ResponseReturnValue:
    """Apply one change from a form, say what it did, and go back to the pack page.

    A refused change (a clashing title …) shows the page again with the reason, as a
    400; an unknown pack, section or item is a 404.
    """
    try:
        with get_services().db.session() as session:
            message = change(session, owned_pack(session, pack_id))
    except PackError as error:
        if status_for(error) == 404:
            raise
        flash(str(error), "error")
        return render_pack(pack_id, status=400)
    if message:
        flash(message, "success")
    return redirect(url_for("packs.show", pack_id=pack_id, _anchor=anchor))


# -- the list and a new pack ----------------------------------------------------------------
def _local_time(iso: str) -> str:
    moment = dt.datetime.fromisoformat(iso)
    if moment.tzinfo is None:  # SQLite hands back naive UTC
        moment = moment.replace(tzinfo=dt.UTC)
    return moment.astimezone().strftime("%Y-%m-%d %H:%M")


def _index_page(
    form: dict[str, str] | None = None, error: str | None = None, status: int = 200
) -> ResponseReturnValue:
    with get_services().db.session() as session:
        rows = [pack_row(p) for p in logic.list_packs(session, owner_id=current_user.id)]
    for row in rows:
        row["updated"] = _local_time(str(row["updated_at"]))
    return render_template("packs/index.html", packs=rows, form=form or {}, error=error), status


@bp.get("/packs")
@login_required
def index() -> ResponseReturnValue:
    """The editor's packs, most recently changed first, and the form for a new one."""
    return _index_page()


@bp.route("/packs/new", methods=["GET", "POST"])
@login_required
def create() -> ResponseReturnValue:
    """Create a pack from the list page's form."""
    if request.method == "GET":
        return redirect(url_for("packs.index"))
    fields = pack_fields(request.form.to_dict())
    try:
        with get_services().db.session() as session:
            pack = logic.create_pack(session, **fields, owner_id=current_user.id)
            pack_id, title = pack.id, pack.title
    except PackError as error:
        return _index_page(fields, str(error), 400)
    flash(f"已创建素材包《{title}》", "success")
    return redirect(url_for("packs.show", pack_id=pack_id))


# -- one pack ---------------------------------------------------------------------------------
@bp.get("/packs/<int:pack_id>")
@login_required
def show(pack_id: int) -> ResponseReturnValue:
    """The pack: sections and items to reorder and annotate, exports, sharing."""
    return render_pack(pack_id)


@bp.route("/packs/<int:pack_id>/edit", methods=["GET", "POST"])
@login_required
def update(pack_id: int) -> ResponseReturnValue:
    """Change the title, audience, purpose and notes."""
    if request.method == "GET":
        return back_to_pack(pack_id)
    fields = pack_fields(request.form.to_dict())

    def change(session: Session, pack: Pack) -> str:
        logic.update_pack(session, pack, **fields)
        return "已保存素材包信息"

    return change_pack(pack_id, change)


@bp.route("/packs/<int:pack_id>/delete", methods=["GET", "POST"])
@login_required
def delete(pack_id: int) -> ResponseReturnValue:
    """Delete the pack (the documents stay)."""
    if request.method == "GET":
        return back_to_pack(pack_id)
    with get_services().db.session() as session:
        pack = owned_pack(session, pack_id)
        title = pack.title
        logic.delete_pack(session, pack)
    flash(f"已删除素材包《{title}》", "success")
    return redirect(url_for("packs.index"))


@bp.route("/packs/<int:pack_id>/share", methods=["GET", "POST"])
@login_required
def share(pack_id: int) -> ResponseReturnValue:
    """Make (or keep) a read-only link; ``renew`` replaces the old one."""
    if request.method == "GET":
        return back_to_pack(pack_id)
    renew = bool(request.form.get("renew"))

    def change(session: Session, pack: Pack) -> str:
        logic.share(pack, renew=renew)
        return "已生成新的只读链接，旧链接已失效" if renew else "已生成只读分享链接"

    return change_pack(pack_id, change, anchor="share")


@bp.route("/packs/<int:pack_id>/unshare", methods=["GET", "POST"])
@login_required
def unshare(pack_id: int) -> ResponseReturnValue:
    """Revoke the read-only link."""
    if request.method == "GET":
        return back_to_pack(pack_id)

    def change(session: Session, pack: Pack) -> str:
        logic.unshare(pack)
        return "已撤销分享链接"

    return change_pack(pack_id, change, anchor="share")


# -- exports ----------------------------------------------------------------------------------
EXPORTS = {"docx": "Word（.docx）", "md": "Markdown", "html": "打印版 HTML"}
"""The export buttons, in FORMATS' names."""


def download_name(title: str, suffix: str) -> str:
    """A file name from the pack's title, safe on every system.

    >>> download_name("2026年/春季 培训", ".docx")
    '2026年_春季 培训.docx'
    """
    stem = _UNSAFE_NAME.sub("_", title).strip(" .") or "素材包"
    return f"{stem[:100]}{suffix}"


def _export(view: PackView, fmt: str) -> Response:
    if fmt not in FORMATS:
        abort(404)
    chosen = FORMATS[fmt]
    data = export_pack(view, fmt, today=dt.date.today())
    response = Response(data, content_type=chosen.media_type)
    name = download_name(view.title, chosen.suffixes[0])
    response.headers["Content-Disposition"] = (
        f'attachment; filename="pack-{view.id}{chosen.suffixes[0]}"; '
        f"filename*=UTF-8''{quote(name, safe='')}"
    )
    return response


@bp.get("/packs/<int:pack_id>/export/<fmt>")
@login_required
def export(pack_id: int, fmt: str) -> ResponseReturnValue:
    """The pack as a Word handout, Markdown or a printable page, as a download."""
    with get_services().db.session() as session:
        view = pack_view(owned_pack(session, pack_id))
    return _export(view, fmt)


# -- the read-only link -----------------------------------------------------------------------
def _shared_view(token: str) -> PackView:
    with get_services().db.session() as session:
        return pack_view(logic.pack_by_token(session, token))


@bp.get("/packs/shared/<token>")
def shared(token: str) -> ResponseReturnValue:
    """The pack as its readers see it: no login, no editing."""
    return render_template(
        "packs/shared.html", pack=_shared_view(token), token=token, formats=EXPORTS
    )


@bp.get("/packs/shared/<token>/export/<fmt>")
def shared_export(token: str, fmt: str) -> ResponseReturnValue:
    """A shared pack's export."""
    return _export(_shared_view(token), fmt)


# -- adding a document or a passage -----------------------------------------------------------
def _add_page(
    values: dict[str, object], error: str | None = None, status: int = 200
) -> ResponseReturnValue:
    document_id = int_field(values.get("document_id"), "文档编号")
    if document_id is None:
        abort(400, description="缺少文档编号")
    passage = int_field(values.get("passage"), "段落序号")
    with get_services().db.session() as session:
        title = repository.get_document(session, document_id).title
        packs = logic.list_packs(session, owner_id=current_user.id)
        choices = [(p.id, p.title) for p in packs]
        sections = sorted({s.title for p in packs for s in p.sections})
    return render_template(
        "packs/add.html",
        document_id=document_id,
        passage=passage,
        what=f"《{title}》{passage_label(passage)}",
        choices=choices,
        sections=sections,
        values=values,
        back=safe_next(str(values.get("next") or ""), ""),
        error=error,
    ), status


@bp.route("/packs/add", methods=["GET", "POST"])
@login_required
def add() -> ResponseReturnValue:
    """Add a document, or one passage (``passage``: its ordinal), to a pack.

    POST: ``document_id``, ``passage``, ``pack_id`` or ``new_title``, ``section``,
    ``next`` (where to go back to).
    """
    if request.method == "GET":
        return _add_page(request.args.to_dict())
    form = request.form.to_dict()
    document_id = int_field(form.get("document_id"), "文档编号")
    if document_id is None:
        abort(400, description="缺少文档编号")
    passage = int_field(form.get("passage"), "段落序号")
    pack_id = int_field(form.get("pack_id"), "素材包编号")
    new_title = text_field(form.get("new_title"), "新素材包标题", limit=MAX_FIELD)
    section = text_field(form.get("section"), "分组名称", limit=MAX_FIELD).strip() or None
    try:
        with get_services().db.session() as session:
            if pack_id is None:
                if not new_title.strip():
                    raise PackError("请选择一个素材包，或填写新素材包的标题")
                pack = logic.create_pack(session, new_title, owner_id=current_user.id)
            else:
                pack = owned_pack(session, pack_id)
            logic.add_item(session, pack, document_id, passage, section)
            pack_id, title = pack.id, pack.title
    except PackError as error:
        if status_for(error) == 404:
            raise
        return _add_page(form, str(error), 400)
    flash(f"已加入《{title}》", "success")
    return redirect(safe_next(form.get("next"), url_for("packs.show", pack_id=pack_id)))
