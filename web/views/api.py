"""JSON API: the same data as the command line's ``--json`` output."""

from __future__ import annotations

from flask import Blueprint, jsonify, request
from flask.typing import ResponseReturnValue
from werkzeug.datastructures import MultiDict

from kb.db import repository
from kb.serialize import document_json
from kb.tagging import glossary
from kb.tagging.candidates import KINDS
from web.params import BadParameter, optional_number, shown
from web.search_params import parse_params, run_search
from web.services import get_services

bp = Blueprint("api", __name__, url_prefix="/api")


def _kind() -> str | None:
    kind = request.args.get("kind") or None
    if kind is not None and kind not in KINDS:
        raise BadParameter("kind", f"参数 kind 只能是 {'、'.join(KINDS)}，而不是“{shown(kind)}”")
    return kind


def _limit(default: int = 10) -> int:
    return optional_number(request.args.get("limit"), "limit", default=default, low=1, high=100)


@bp.get("/search")
def search() -> ResponseReturnValue:
    """``kb search --json``: q, type, region, year, tag, sort, page, limit (or per_page)."""
    args = MultiDict(request.args)
    if "limit" in args and "per_page" not in args:
        _limit()  # checked under its own name
        args["per_page"] = args["limit"]
    return jsonify(run_search(parse_params(args)).to_json())


@bp.get("/documents/<int:doc_id>")
def document(doc_id: int) -> ResponseReturnValue:
    """``kb show --json``."""
    with get_services().db.session() as session:
        found = repository.get_document(session, doc_id)
        data = document_json(found, copies=repository.duplicates_of(session, doc_id))
    return jsonify(data)


@bp.get("/documents/<int:doc_id>/similar")
def similar(doc_id: int) -> ResponseReturnValue:
    """``kb similar --json``: documents about the same things (``limit``, default 10)."""
    limit = _limit()
    with get_services().db.session() as session:
        repository.get_document(session, doc_id)
    return jsonify(get_services().searcher().similar(doc_id, limit=limit).to_json())


@bp.get("/tags")
def tags() -> ResponseReturnValue:
    """``kb tags list --json`` (``kind`` to narrow)."""
    with get_services().db.session() as session:
        return jsonify(glossary.list_tags(session, _kind()))


@bp.get("/tags/<path:name>")
def tag(name: str) -> ResponseReturnValue:
    """``kb tags show --json``: by name or any alias, either script (``kind`` if ambiguous)."""
    with get_services().db.session() as session:
        return jsonify(glossary.tag_detail(session, name, _kind()))
