"""Build and maintain the index from the database, the source of truth.

``document_entry`` is pure: one record in, its Whoosh entry out. Only this module
and ``indexer.store`` touch a writer.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from indexer.analysis import jieba_tokenizer
from indexer.normalize import normalize
from indexer.snapshot import open_searcher
from indexer.store import IndexStore, committing
from kb.db import repository
from kb.db.session import Database
from kb.ingest.clean import strip_pinyin
from kb.records import DocumentRecord


def tag_key(kind: str, name: str) -> str:
    """Index form of a tag: ``approach:一定两评三公开``."""
    return f"{kind}:{normalize(name).replace(',', '，')}"


def residue(original: str, cleaned: str) -> str:
    r"""Lines of the original whose text is not in the cleaned text (site furniture, bylines).

    >>> original = "標題\n導語:不代表本站觀點\n正文，第二句。\n第三句，\n接上。"
    >>> residue(original, "正文,第二句.\n第三句,接上.")  # re-punctuated, re-joined: kept
    '標題\n導語:不代表本站觀點'
    """
    kept = _letters(cleaned)
    # most lines come through cleaning whole: a set finds them without scanning the
    # text once per line, which grows with the square of a long document's size
    whole = {_letters(line) for line in cleaned.splitlines()}
    dropped = []
    for line in strip_pinyin(original).splitlines():
        letters = _letters(line)
        if line.strip() and letters not in whole and letters not in kept:
            dropped.append(line.strip())
    return "\n".join(dropped)


def _letters(text: str) -> str:
    """``text``'s search form without punctuation and spaces: what two versions of a line
    still share when cleaning re-punctuated or re-spaced it.

    >>> _letters("党的组织路线，是为政治路线服务的。")
    '党的组织路线是为政治路线服务的'
    """
    return re.sub(r"\W", "", normalize(text))


def stored_passages(record: DocumentRecord) -> list[tuple[int, str, str | None]]:
    """Each passage as ``(ordinal, text, normalized)``; ``normalized`` None when the text
    is its own search form (simplified script, no full-width or capital letters).

    Highlighting finds the query's strings in a passage's normalized form; keeping the
    form here spares every search converting traditional passages again. The whole
    text is normalized once and sliced (normalization keeps offsets).
    """
    normalized = normalize(record.text)
    out: list[tuple[int, str, str | None]] = []
    for p in record.passages:
        if record.text[p.start : p.end] == p.text:
            form = normalized[p.start : p.end]
        else:
            form = normalize(p.text)
        out.append((p.ordinal, p.text, None if form == p.text else form))
    return out


def document_entry(record: DocumentRecord) -> dict[str, object]:
    """Return the index entry of ``record``; its passages are stored in it for display."""
    head = "\n".join(filter(None, [record.title, record.author, record.author_note]))
    doc: dict[str, object] = {
        "doc_key": str(record.id),
        "doc_id": record.id,
        "canonical": record.canonical,
        "entry": f"d:{record.id}",
        "kind": "doc",
        "head": head,
        "head_chars": head,
        "rest_chars": residue(record.original, record.text),
        "words": record.text,
        "chars": record.text,
        "doc_type": record.doc_type,
        "tags": ",".join(tag_key(t.kind, t.name) for t in record.live_tags),
        "stored": {
            "title": record.title,
            "source": record.source,
            "doc_type": record.doc_type,
            "region": record.region,
            "year": record.year,
            "date": record.date.isoformat() if record.date else None,
            "author": record.author,
            "duplicate_of": record.duplicate_of,
            "tags": [(t.name, t.kind) for t in record.live_tags],
            "updated": record.updated_at.isoformat(),
            "stamp": record.stamp,
            "passages": stored_passages(record),
        },
    }
    # Every sortable field gets a value ("" / 0 = none): a segment in which no entry had
    # one would otherwise carry an empty column that the DocTable cannot read.
    doc["region"] = record.region or ""
    doc["year"] = record.year or 0
    doc["date"] = int(record.date.strftime("%Y%m%d")) if record.date else 0
    return doc


@dataclass
class UpdateReport:
    """What an index update or rebuild changed."""

    added: list[int] = field(default_factory=list)
    updated: list[int] = field(default_factory=list)
    removed: list[int] = field(default_factory=list)
    rebuilt: bool = False
    documents: int = 0


def rebuild(db: Database, store: IndexStore) -> UpdateReport:
    """Build a fresh generation from every stored document and make it live."""
    with store.write_lock():
        return _rebuild_locked(db, store)


PARALLEL_FROM = 500
"""Documents from which a rebuild indexes in one process per core (fewer: not worth it)."""


def build_options(documents: int, cores: int | None = None) -> dict[str, object]:
    """Writer options for indexing ``documents`` at once.

    From :data:`PARALLEL_FROM` documents Whoosh's multiprocessing writer analyses them in
    one process per core (jieba is loaded before the processes fork, so each has it
    without reloading) and keeps one segment per process instead of merging them.

    >>> build_options(10), build_options(10_000, cores=2)
    ({}, {'procs': 2, 'multisegment': True, 'limitmb': 256})
    """
    cores = cores or os.cpu_count() or 1
    if documents < PARALLEL_FROM or cores < 2:
        return {}
    return {"procs": min(cores, 8), "multisegment": True, "limitmb": 256}


def _rebuild_locked(db: Database, store: IndexStore) -> UpdateReport:
    path, ix = store.new_generation()
    report = UpdateReport(rebuilt=True)
    with db.session() as session:
        options = build_options(repository.count_documents(session))
    if options:
        jieba_tokenizer()  # load it once, before Whoosh forks its writer processes
    try:
        with committing(ix, **options) as writer, db.session() as session:
            for record in repository.document_records(session):
                writer.add_document(**document_entry(record))
                report.added.append(record.id)
    finally:
        ix.close()
    store.publish(path)
    report.documents = len(report.added)
    return report


def indexed_versions(
    store: IndexStore, ids: Iterable[int] | None = None
) -> dict[int, dict[str, object]]:
    """Map each indexed document id (all, or those in ``ids``) to its stored fields."""
    ix, searcher = open_searcher(store.usable_dir())
    try:
        if ids is None:
            found = searcher.documents(kind="doc")
        else:
            found = (searcher.document(entry=f"d:{i}") for i in ids)
        return {int(f["doc_id"]): f["stored"] for f in found if f is not None}
    finally:
        searcher.close()
        ix.close()


def update(db: Database, store: IndexStore, ids: Iterable[int] | None = None) -> UpdateReport:
    """Bring the index in line with the database, touching only what changed.

    A missing or outdated index is rebuilt. ``ids`` limits the work to those documents
    (e.g. the ones an ingest just wrote); by default every document is compared.
    """
    with store.write_lock():
        if store.status() != "ok":
            return _rebuild_locked(db, store)
        wanted = None if ids is None else set(ids)
        indexed = indexed_versions(store, wanted)
        with db.session() as session:
            stored = repository.document_versions(session, wanted)
        if wanted is None:
            wanted = set(stored) | set(indexed)
        report = UpdateReport(documents=len(stored))
        stale = sorted(
            i
            for i in wanted
            if i in stored and (i not in indexed or indexed[i]["updated"] != stored[i])
        )
        report.removed = sorted(i for i in wanted if i in indexed and i not in stored)
        if not stale and not report.removed:
            return report
        ix = store.open()
        try:
            with committing(ix) as writer, db.session() as session:
                for doc_id in report.removed:
                    writer.delete_by_term("doc_key", str(doc_id))
                for record in repository.document_records(session, stale):
                    if record.id in indexed:
                        writer.delete_by_term("doc_key", str(record.id))
                        report.updated.append(record.id)
                    else:
                        report.added.append(record.id)
                    writer.add_document(**document_entry(record))
        finally:
            ix.close()
        return report


@dataclass
class DriftReport:
    """Differences between the database and the index, document by document."""

    status: str
    documents: int = 0
    missing: list[int] = field(default_factory=list)
    stale: list[int] = field(default_factory=list)
    extra: list[int] = field(default_factory=list)

    @property
    def clean(self) -> bool:
        return self.status == "ok" and not (self.missing or self.stale or self.extra)


def check(db: Database, store: IndexStore) -> DriftReport:
    """Compare every document's indexed values with the database's (and remove the
    generations killed writers left, when no writer is at work)."""
    store.tidy()
    status = store.status()
    if status != "ok":
        return DriftReport(status=status)
    indexed = indexed_versions(store)
    report = DriftReport(status=status)
    seen: set[int] = set()
    with db.session() as session:
        for record in repository.document_records(session):
            seen.add(record.id)
            if record.id not in indexed:
                report.missing.append(record.id)
            elif indexed[record.id]["stamp"] != record.stamp:
                report.stale.append(record.id)
    report.documents = len(seen)
    report.extra = sorted(set(indexed) - seen)
    return report


__all__ = ["DriftReport", "UpdateReport", "check", "document_entry", "rebuild", "update"]
