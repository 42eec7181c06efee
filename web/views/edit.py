"""Editors' pages (login required): upload, metadata, tag curation, re-extraction.

Every change is written to the database in the request and handed to the background
``IndexWorker``; requests never write the index themselves.
"""

from __future__ import annotations

import datetime as dt
import re
import threading
import uuid
from collections.abc import Callable
from pathlib import Path

from flask import (
    Blueprint,
    abort,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_login import login_required
from sqlalchemy.orm import Session
from werkzeug.datastructures import FileStorage

from kb.db import repository
from kb.db.models import DOC_TYPES, Document, Tag
from kb.editing import EDITABLE, EditError, edit_metadata
from kb.ingest.pipeline import IngestResult, ingest_file
from kb.ingest.sources import FORMATS
from kb.tagging import store
from kb.tagging.extract import extract_all
from kb.tagging.store import TagError
from web.params import whole_number
from web.security import safe_next
from web.services import get_services
from web.views.tags import known_kind, render_tag_page

bp = Blueprint("edit", __name__)

ACCEPT = ",".join(FORMATS)
"""The suffixes the upload form offers (kb reads these)."""

MAX_NAME_BYTES = 200
_UNSAFE = re.compile(r'[\x00-\x1f\x7f/\\:*?"<>|]')
_upload_lock = threading.Lock()
"""Uploads of one process replace and restore files one at a time."""


# -- upload -------------------------------------------------------------------------------
def safe_filename(filename: str) -> str:
    """Return a file name safe to save, keeping Chinese characters (unlike secure_filename).

    >>> safe_filename("../../etc/通知 (2022).DOCX")
    '通知 (2022).DOCX'
    >>> safe_filename("..\\\\.hidden.txt")
    'hidden.txt'
    """
    name = filename.replace("\\", "/").rsplit("/", 1)[-1]
    name = _UNSAFE.sub("_", name).strip().lstrip(". ").strip()
    stem, dot, suffix = name.rpartition(".")
    if not dot:
        stem, suffix = name, ""
    suffix = suffix[:16]
    while stem and len(f"{stem}.{suffix}".encode()) > MAX_NAME_BYTES:
        stem = stem[:-1]
    if not stem:
        stem = "upload"
    return f"{stem}.{suffix}" if suffix else stem


def _ingest_upload(upload: FileStorage, name: str, folder: Path) -> IngestResult:
    """Save the upload as ``folder/name`` and ingest it; a rejected file is not kept.

    The saved file is the document's source, so uploading the same name again the same
    day updates that document. Its previous version is restored if the new one is refused.
    """
    services = get_services()
    source = (upload.filename or "").replace("\\", "/").rsplit("/", 1)[-1] or name
    target = folder / name
    with _upload_lock:
        previous = None
        try:
            folder.mkdir(parents=True, exist_ok=True)
            if target.exists():
                previous = folder / f".previous-{uuid.uuid4().hex}"
                target.replace(previous)
            upload.save(target)
        except OSError as exc:
            result = IngestResult(source, "rejected", reason=f"无法保存上传的文件：{exc.strerror}")
        else:
            result = ingest_file(services.db, source, target, limits=services.config.limits)
        if result.status == "rejected":
            if previous is not None:
                previous.replace(target)
            else:
                target.unlink(missing_ok=True)
        elif previous is not None:
            previous.unlink(missing_ok=True)
    return result


def _upload_page(status: int = 200) -> ResponseReturnValue:
    max_mb = get_services().config.max_file_bytes / (1024 * 1024)
    return render_template("edit/upload.html", accept=ACCEPT, max_mb=f"{max_mb:g}"), status


def _upload_folder() -> Path:
    return get_services().config.home / "uploads" / dt.date.today().isoformat()


@bp.route("/edit/upload", methods=["GET", "POST"])
@login_required
def upload() -> ResponseReturnValue:
    """Upload form; POST ingests the files and shows (or, ``?format=json``, returns) the report."""
    as_json = request.args.get("format") == "json"
    if request.method == "GET":
        return _upload_page()
    files = [f for f in request.files.getlist("files") if f.filename]
    if not files:
        message = "请选择要上传的文件"
        if as_json:
            return jsonify({"error": {"status": 400, "message": message}}), 400
        flash(message, "error")
        return _upload_page(400)
    folder = _upload_folder()
    results: list[IngestResult] = []
    used: set[str] = set()
    for upload_file in files:
        name = safe_filename(upload_file.filename or "")
        if name in used:  # two files of one batch with the same name stay two documents
            name = f"{Path(name).stem}-{len(used) + 1}{Path(name).suffix}"
        used.add(name)
        results.append(_ingest_upload(upload_file, name, folder))
    changed = [r.id for r in results if r.id is not None and r.status != "unchanged"]
    if changed:
        get_services().worker.submit(changed)
    if as_json:
        return jsonify([r.to_json() for r in results])
    return render_template("edit/report.html", results=results)


# -- a document's metadata ----------------------------------------------------------------
def _form_values(document: Document) -> dict[str, str]:
    values = {field: getattr(document, field) for field in EDITABLE}
    return {
        field: value.isoformat() if isinstance(value, dt.date) else str(value or "")
        for field, value in values.items()
    }


@bp.route("/documents/<int:doc_id>/edit", methods=["GET", "POST"])
@login_required
def document(doc_id: int) -> ResponseReturnValue:
    """Edit the metadata editors may change; the values survive re-ingest."""
    services = get_services()
    with services.db.session() as session:
        stored = repository.get_document(session, doc_id)
        current = _form_values(stored)
        edited = sorted(stored.edited or {})
        doc_type_reason = stored.doc_type_reason
    if request.method == "GET":
        return _document_form(doc_id, current, edited, doc_type_reason)
    submitted = {f: request.form[f].strip() for f in EDITABLE if f in request.form}
    changes: dict[str, object] = {f: v for f, v in submitted.items() if v != current[f]}
    if not changes:
        flash("没有改动", "info")
        return redirect(url_for("documents.show", doc_id=doc_id))
    try:
        with services.db.session() as session:
            edit_metadata(session, doc_id, changes)
    except EditError as error:
        values = {**current, **submitted}
        return _document_form(doc_id, values, edited, doc_type_reason, str(error), 400)
    services.worker.submit([doc_id])
    flash("已保存文档信息", "success")
    return redirect(url_for("documents.show", doc_id=doc_id))


def _document_form(
    doc_id: int,
    values: dict[str, str],
    edited: list[str],
    doc_type_reason: str,
    error: str | None = None,
    status: int = 200,
) -> ResponseReturnValue:
    return render_template(
        "edit/document.html",
        doc_id=doc_id,
        values=values,
        edited=edited,
        doc_type_reason=doc_type_reason,
        doc_types=DOC_TYPES,
        error=error,
    ), status


# -- tag curation ---------------------------------------------------------------------------
def _field(name: str, label: str, *, required: bool = True, limit: int = 200) -> str:
    value = request.form.get(name, "").strip()
    if required and not value:
        abort(400, description=f"请填写{label}")
    if len(value) > limit:
        abort(400, description=f"{label}过长（最多 {limit} 字）")
    return value


def _doc_id_field() -> int | None:
    raw = request.form.get("doc_id", "").strip()
    return whole_number(raw, "doc_id", label="文档编号") if raw else None


def _curate(
    kind: str, name: str, change: Callable[[Session], Tag], done: Callable[[Tag], str]
) -> ResponseReturnValue:
    """Apply one tag decision, then back to the (possibly renamed or merged) tag's page.

    An unknown tag is a 404; a decision kb refuses (a name clash, a merge into an
    unknown tag …) shows the tag page again with the reason, as a 400.
    """
    services = get_services()
    with services.db.session() as session:
        store.get_tag(session, name, kind)
    try:
        with services.db.session() as session:
            tag = change(session)
            message, new_name = done(tag), tag.name
    except TagError as error:
        return render_tag_page(kind, name, error=str(error), status=400)
    services.worker.submit()
    flash(message, "success")
    return redirect(url_for("tags.show", kind=kind, name=new_name))


def _back_to_tag(kind: str, name: str) -> ResponseReturnValue:
    """A GET of a curation address (e.g. after logging in): the tag page has the forms."""
    return redirect(url_for("tags.show", kind=kind, name=name))


def _decide(kind: str, name: str, status: str) -> ResponseReturnValue:
    kind = known_kind(kind)
    if request.method == "GET":
        return _back_to_tag(kind, name)
    doc_id = _doc_id_field()
    where = f"文档 #{doc_id} 上" if doc_id else "所有文档上"
    verb = {"confirmed": "确认", "rejected": "否决"}[status]
    return _curate(
        kind,
        name,
        lambda s: store.set_status(s, name, status, kind=kind, document_id=doc_id),
        lambda tag: f"已在{where}{verb}标签“{tag.name}”",
    )


@bp.route("/tags/<kind>/<path:name>/confirm", methods=["GET", "POST"])
@login_required
def confirm(kind: str, name: str) -> ResponseReturnValue:
    """Confirm a tag on one document (``doc_id``) or everywhere."""
    return _decide(kind, name, "confirmed")


@bp.route("/tags/<kind>/<path:name>/reject", methods=["GET", "POST"])
@login_required
def reject(kind: str, name: str) -> ResponseReturnValue:
    """Reject a tag on one document (``doc_id``), or everywhere for good."""
    return _decide(kind, name, "rejected")


@bp.route("/tags/<kind>/<path:name>/rename", methods=["GET", "POST"])
@login_required
def rename(kind: str, name: str) -> ResponseReturnValue:
    """Rename a tag; the old name stays an alias."""
    kind = known_kind(kind)
    if request.method == "GET":
        return _back_to_tag(kind, name)
    new_name = _field("new_name", "新名称")
    return _curate(
        kind,
        name,
        lambda s: store.rename(s, name, new_name, kind=kind),
        lambda tag: f"已改名为“{tag.name}”，原名“{name}”保留为别名",
    )


@bp.route("/tags/<kind>/<path:name>/merge", methods=["GET", "POST"])
@login_required
def merge(kind: str, name: str) -> ResponseReturnValue:
    """Merge this tag into another of the same kind; its names become aliases there."""
    kind = known_kind(kind)
    if request.method == "GET":
        return _back_to_tag(kind, name)
    into = _field("into", "要合并到的标签")
    return _curate(
        kind,
        name,
        lambda s: store.merge(s, name, into, kind=kind),
        lambda tag: f"已把“{name}”合并到“{tag.name}”",
    )


@bp.route("/tags/<kind>/<path:name>/define", methods=["GET", "POST"])
@login_required
def define(kind: str, name: str) -> ResponseReturnValue:
    """Write (or clear) a tag's definition; extraction never replaces it afterwards."""
    kind = known_kind(kind)
    if request.method == "GET":
        return _back_to_tag(kind, name)
    text = _field("definition", "释义", required=False, limit=2000)
    return _curate(
        kind,
        name,
        lambda s: store.define(s, name, text, kind=kind),
        lambda tag: f"已更新“{tag.name}”的释义" if text else f"已清除“{tag.name}”的释义",
    )


@bp.route("/documents/<int:doc_id>/tags/add", methods=["GET", "POST"])
@login_required
def add_tag(doc_id: int) -> ResponseReturnValue:
    """Tag a document by hand; the name must occur in it."""
    services = get_services()
    with services.db.session() as session:
        title = repository.get_document(session, doc_id).title
    form = {"name": request.form.get("name", "").strip(), "kind": request.form.get("kind", "")}
    if request.method == "GET":
        return _add_tag_form(doc_id, title, form)
    try:
        if not form["name"]:
            raise TagError("请填写标签名称")
        with services.db.session() as session:
            tag_name = store.add(session, form["name"], form["kind"], doc_id).name
    except TagError as error:
        return _add_tag_form(doc_id, title, form, str(error), 400)
    services.worker.submit([doc_id])
    flash(f"文档 #{doc_id} 已加上标签“{tag_name}”", "success")
    return redirect(url_for("documents.show", doc_id=doc_id))


def _add_tag_form(
    doc_id: int, title: str, form: dict[str, str], error: str | None = None, status: int = 200
) -> ResponseReturnValue:
    return render_template(
        "edit/add_tag.html", doc_id=doc_id, title=title, form=form, error=error
    ), status


# -- re-extraction ------------------------------------------------------------------------
def _back(default: str) -> str:
    """Where the form came from, if it is a path on this site."""
    return safe_next(request.form.get("next"), default)


@bp.route("/edit/reextract", methods=["GET", "POST"])
@login_required
def reextract() -> ResponseReturnValue:
    """Re-run tag extraction (stale documents, or every one) and update the index."""
    if request.method == "GET":
        return redirect(url_for("edit.upload"))
    services = get_services()
    ids = extract_all(services.db, everything=bool(request.form.get("everything")))
    if ids:
        services.worker.submit(ids)
    flash(f"已重新提取 {len(ids)} 篇文档的标签" if ids else "所有文档的标签都已是最新", "success")
    return redirect(_back(url_for("edit.upload")))
