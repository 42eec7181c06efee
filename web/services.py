"""What the views use: the database, a warm searcher, and a background index writer.

Requests never write the index: they put document ids on the ``IndexWorker`` queue,
whose single thread runs ``indexer.build.update`` (which itself queues on the index's
write lock). Readers keep their searcher until the new segments land, then refresh.
"""

from __future__ import annotations

import datetime as dt
import logging
import queue
import threading
from collections.abc import Iterable
from dataclasses import dataclass, field

from flask import Flask, current_app

from indexer.build import update
from indexer.searcher import Searcher
from indexer.store import IndexStore
from kb.config import Config
from kb.db import repository
from kb.db.models import utcnow
from kb.db.session import Database
from kb.tagging.candidates import KIND_LABELS

log = logging.getLogger(__name__)

CATCH_UP = dt.timedelta(minutes=10)
"""A starting site worker re-checks the documents written this recently: a worker
killed while it applied their updates (its queue is gone with it) left them behind."""

DOC_TYPE_LABELS = {"policy": "政策文件", "experience": "经验材料", "case": "典型案例"}
STATUS_LABELS = {"suggested": "待确认", "confirmed": "已确认", "rejected": "已否决"}
INGEST_LABELS = {
    "added": "新增",
    "updated": "更新",
    "unchanged": "未变",
    "duplicate": "重复",
    "rejected": "拒收",
}


class IndexWorker:
    """One thread that applies index updates in order, off the request threads."""

    def __init__(self, db: Database, store: IndexStore) -> None:
        self.db, self.store = db, store
        self._queue: queue.Queue[frozenset[int] | None] = queue.Queue()
        self._thread = threading.Thread(target=self._run, name="kb-index-writer", daemon=True)
        self._thread.start()
        self.last_error: str | None = None

    def submit(self, ids: Iterable[int] | None = None) -> None:
        """Ask for the index to catch up with these documents (None: all of them)."""
        self._queue.put(None if ids is None else frozenset(ids))

    def wait(self) -> None:
        """Block until every submitted update has been applied (tests, shutdown)."""
        self._queue.join()

    def _run(self) -> None:
        while True:
            ids = self._queue.get()
            try:
                update(self.db, self.store, ids)
                self.last_error = None
            except Exception as exc:  # keep the writer alive; the next update retries
                log.exception("index update failed")
                self.last_error = str(exc)
            finally:
                self._queue.task_done()


@dataclass
class Services:
    config: Config
    db: Database
    store: IndexStore
    worker: IndexWorker
    _searcher: Searcher | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def searcher(self) -> Searcher:
        """The shared warm searcher, refreshed when the index has changed."""
        with self._lock:
            if self._searcher is None:
                self._searcher = Searcher(self.store, result_cache=self.config.result_cache)
            else:
                self._searcher.refresh()
            return self._searcher


def init_app(app: Flask) -> None:
    config: Config = app.config["KB"]
    config.home.mkdir(parents=True, exist_ok=True)
    db = Database(config.database_url)
    store = IndexStore(config.index_dir)
    if store.status() != "ok":  # at start-up, before any request can read it
        update(db, store)
    worker = IndexWorker(db, store)
    with db.session() as session:
        recent = repository.changed_since(session, utcnow() - CATCH_UP)
    if recent:  # what a worker killed while it applied updates may have left undone
        worker.submit(recent)
    app.extensions["kb"] = Services(config, db, store, worker)


def get_services() -> Services:
    services: Services = current_app.extensions["kb"]
    return services


def template_globals() -> dict[str, object]:
    return {
        "DOC_TYPE_LABELS": DOC_TYPE_LABELS,
        "KIND_LABELS": KIND_LABELS,
        "STATUS_LABELS": STATUS_LABELS,
        "INGEST_LABELS": INGEST_LABELS,
    }
