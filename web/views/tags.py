"""The 做法词典 (approaches), demonstrations, topics and policy references: index and tag pages."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from flask import Blueprint, abort, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user
from markupsafe import Markup, escape

from kb.tagging import glossary
from kb.tagging.candidates import KINDS
from kb.tagging.names import locate
from web.services import get_services

bp = Blueprint("tags", __name__)

MAX_FILTER_CHARS = 100
INDEX_TITLES = {
    "approach": "做法词典",
    "demonstration": "典型示范",
    "topic": "主题",
    "policy": "政策文件引用",
}


def known_kind(kind: str) -> str:
    """The kind from the URL, or 404 for one kb does not have."""
    if kind not in KINDS:
        abort(404)
    return kind


def _filter(name: str) -> str | None:
    value = request.args.get(name, "").strip()
    if len(value) > MAX_FILTER_CHARS:
        abort(400, description=f"筛选条件过长（最多 {MAX_FILTER_CHARS} 字）")
    return value or None


@bp.get("/tags/<kind>")
def index(kind: str) -> ResponseReturnValue:
    """The tags of one kind with definitions and counts, filterable by topic and region."""
    kind = known_kind(kind)
    topic, region = _filter("topic"), _filter("region")
    with get_services().db.session() as session:
        data = glossary.glossary_index(session, kind, topic=topic, region=region)
    return render_template("tags/index.html", title=INDEX_TITLES[kind], **data)


def _page(kind: str, name: str) -> dict[str, Any]:
    editing = bool(current_user.is_authenticated)
    with get_services().db.session() as session:
        tag = glossary.tag_detail(session, name, kind, include_rejected=editing)
        targets = (
            [row["name"] for row in glossary.list_tags(session, kind) if row["name"] != tag["name"]]
            if editing
            else []
        )
    return {"tag": tag, "merge_targets": targets, "index_title": INDEX_TITLES[kind]}


def render_tag_page(kind: str, name: str, *, error: str, status: int) -> ResponseReturnValue:
    """The tag page again, with what was wrong with an editor's form."""
    return render_template("tags/show.html", error=error, **_page(kind, name)), status


@bp.get("/tags/<kind>/<path:name>")
def show(kind: str, name: str) -> ResponseReturnValue:
    """One tag: definition, aliases, regions, years and its documents with evidence."""
    page = _page(known_kind(kind), name)
    if page["tag"]["name"] != name:  # an alias, the other script or an old name
        return redirect(url_for("tags.show", kind=kind, name=page["tag"]["name"]))
    return render_template("tags/show.html", error=None, **page)


@bp.app_template_filter("mark_tag")
def mark_tag(evidence: str | None, names: Iterable[str]) -> Markup:
    """The evidence sentence with the first of ``names`` it contains in ``<mark>``."""
    text = evidence or ""
    for name in names:
        span = locate(name, text)
        if span is not None:
            start, end = span
            return (
                escape(text[:start])
                + Markup("<mark>")
                + escape(text[start:end])
                + Markup("</mark>")
                + escape(text[end:])
            )
    return escape(text)
