"""A document's page: metadata, tags, the rendered text, similar precedents, copies, citation."""

from __future__ import annotations

from dataclasses import dataclass

from flask import Blueprint, current_app, render_template, request, url_for
from flask.typing import ResponseReturnValue

from indexer.results import SearchResult
from kb.db import repository
from kb.errors import DocumentNotFound
from kb.script import to_simplified
from kb.serialize import document_json, document_row
from web.params import decorative_number
from web.render import Passage, passage_lines, query_needles, render_markdown
from web.services import get_services

bp = Blueprint("documents", __name__)

SIMILAR_LIMIT = 5


@dataclass(frozen=True)
class StoredDocument:
    """One document as the page shows it, read in one database session."""

    data: dict[str, object]
    """``kb show --json``'s description (``kb.serialize.document_json``)."""
    passages: tuple[Passage, ...]
    copies: tuple[dict[str, object], ...]
    original: dict[str, object] | None
    """The document this one copies, if it is a copy."""


def load_document(doc_id: int) -> StoredDocument:
    """Read the document, its passages, its copies and its original; unknown ids raise."""
    with get_services().db.session() as session:
        document = repository.get_document(session, doc_id)
        copies = repository.duplicates_of(session, doc_id)
        return StoredDocument(
            data=document_json(document, copies=copies),
            passages=tuple(Passage(p.ordinal, p.start) for p in document.passages),
            copies=tuple(document_row(copy) for copy in copies),
            original=document_row(document.duplicate_of) if document.duplicate_of else None,
        )


def similar_documents(doc_id: int) -> SearchResult | None:
    """Other documents about the same things; None while the index has not caught up."""
    try:
        return get_services().searcher().similar(doc_id, limit=SIMILAR_LIMIT)
    except DocumentNotFound:  # stored but not indexed yet: the page still shows the text
        return None


def citation(data: dict[str, object]) -> str:
    """「title」，author，region，date，source — the parts the document has.

    >>> citation({"title": "题", "author": None, "region": "濮阳", "date": None,
    ...           "year": 2016, "source": "a.txt"})
    '「题」，濮阳，2016，a.txt'
    """
    parts = [f"「{data['title']}」", data.get("author"), data.get("region")]
    parts += [data.get("date") or data.get("year"), data.get("source")]
    return "，".join(str(part) for part in parts if part not in (None, ""))


@bp.route("/documents/<int:doc_id>")
def show(doc_id: int) -> ResponseReturnValue:
    """The document; ``q`` marks the query's terms, ``p`` the passage a hit pointed at.

    ``p`` and ``q`` only decorate the page: a ``p`` that names no passage and a
    malformed ``q`` are ignored rather than refused. ``script=simplified`` shows the
    text and title in simplified script.
    """
    stored = load_document(doc_id)
    q = request.args.get("q", "")
    simplified = request.args.get("script") == "simplified"
    lines = passage_lines(str(stored.data["text"]), stored.passages)
    current = decorative_number(request.args.get("p"))
    if current not in lines:
        current = None
    here: dict[str, object] = {"doc_id": doc_id, "q": q or None, "p": current}
    here["_anchor"] = "passage" if current is not None else None
    text, title = str(stored.data["text"]), str(stored.data["title"])
    if simplified:
        text, title = to_simplified(text), to_simplified(title)
    html = render_markdown(
        text,
        needles=query_needles(q, get_services().searcher().synonyms),
        lines=lines,
        current=current,
    )
    return render_template(
        "documents/show.html",
        doc=stored.data,
        title=title,
        html=html,
        copies=stored.copies,
        original=stored.original,
        similar=similar_documents(doc_id),
        citation=citation({**stored.data, "title": title}),
        q=q,
        p=current,
        simplified=simplified,
        script_urls={
            "original": url_for("documents.show", **here),
            "simplified": url_for("documents.show", **here, script="simplified"),
        },
        can_edit="edit.document" in current_app.view_functions,
    )
