"""Serve the site with gunicorn: one master, several worker processes, threads in each.

Searching is CPU work in Python, so one process answers one query at a time however
many threads it has (the GIL). Several processes use every core. The master does the
shared, read-only preparation once before it forks — imports, jieba's dictionaries,
OpenCC, the index when there is none yet, the index's document table — and freezes
those objects out of the garbage collector's reach, so the workers share the pages
instead of copying them.

Each worker then builds its own app (``web.create_app``): its own database engine, its
own searcher and its own index-writer thread, because connections, open index files and
threads do not survive a fork. Workers stay consistent without talking to each other:
every search checks the index's current generation on disk, and index writers queue on
the index's file lock.
"""

from __future__ import annotations

import contextlib
import ctypes
import gc
import json
import logging
import os
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from gunicorn import util as gunicorn_util
from gunicorn.app.base import BaseApplication
from gunicorn.http import wsgi as gunicorn_wsgi

from kb.config import Config

if TYPE_CHECKING:
    from indexer.store import IndexStore

DEFAULT_THREADS = 4
"""Threads per worker: enough to keep a slow request (an export) from blocking searches,
few enough that CPU-bound searches do not queue behind each other for the GIL."""


def default_workers() -> int:
    """One worker per core, at most 4 (each holds its own searcher's caches)."""
    return max(1, min(os.cpu_count() or 1, 4))


def bind_address(host: str, port: int) -> str:
    """``host:port`` as gunicorn binds it (IPv6 addresses in brackets).

    >>> bind_address("127.0.0.1", 5000), bind_address("::1", 8000)
    ('127.0.0.1:5000', '[::1]:8000')
    """
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"


def prepare(config: Config) -> None:
    """The master's work before forking: what every worker would otherwise repeat."""
    from indexer.analysis import jieba_tokenizer
    from indexer.build import update
    from indexer.normalize import normalize
    from indexer.store import IndexStore
    from kb.db.session import Database
    from web.views import api, api_packs, documents, edit, pack_edit, packs, search, tags

    del api, api_packs, documents, edit, pack_edit, packs, search, tags  # imported, shared

    config.home.mkdir(parents=True, exist_ok=True)
    db = Database(config.database_url)
    try:
        store = IndexStore(config.index_dir)
        store.tidy()
        if store.status() != "ok":  # built once here, not raced by every worker
            update(db, store)
        preload_table(store)
    finally:
        db.dispose()
    jieba_tokenizer()  # the POS tokenizer (editing only) stays lazy: it costs ~1 s
    normalize("預熱")  # loads OpenCC's dictionaries
    gc.collect()
    release_free_memory()
    share_one_arena()
    gc.freeze()  # keep the collector from touching (and so copying) the shared objects


def preload_table(store: IndexStore) -> None:
    """Build the live index's document table here, so the workers' searchers find it
    (:meth:`indexer.table.DocTable.of`) and share its pages. An unusable index is left
    for the workers to report on each request."""
    from indexer.searcher import Searcher
    from kb.errors import IndexProblem

    with contextlib.suppress(IndexProblem), Searcher(store) as searcher:
        searcher.table  # noqa: B018 - built for what it leaves behind


M_ARENA_MAX = -8
"""glibc's ``mallopt`` parameter number for the most malloc arenas a process may have."""


def release_free_memory() -> None:
    """Give the C heap's free pages back to the system before forking (glibc only).

    Building the document table frees many short-lived objects; pages that stay
    resident in the master would count in every worker's resident size as well.
    """
    with contextlib.suppress(OSError, AttributeError):  # not glibc: nothing to do
        ctypes.CDLL(None).malloc_trim(0)


def share_one_arena() -> None:
    """Make every thread of the processes forked from here allocate from one malloc
    arena (glibc only; set before forking, so the workers inherit it).

    glibc gives each thread that allocates concurrently an arena of its own, and each
    arena keeps the pages its freed blocks leave. A worker's threads allocate a
    query's arrays in turn (the GIL lets one run at a time), so per-thread arenas only
    multiplied what stays resident: at 100,000 documents, under 8 clients, one arena
    took the server from 558 to 439 MB (PSS) at the same requests/s.
    """
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None).mallopt(M_ARENA_MAX, 1)


MAX_REQUEST_LINE = 8190
"""gunicorn's largest request-line limit (bytes)."""
PROTOCOL_ERRORS = {
    400: "请求格式有误",
    403: "请求被拒绝",
    414: f"请求地址过长（超过 {MAX_REQUEST_LINE:,} 字节）；检索词 q 最多 200 字",
    417: "不支持该请求",
    431: "请求头过大",
    500: "服务器出错了，请稍后重试",
    501: "不支持该请求的传输方式",
}
"""What gunicorn answers itself (a request it cannot parse never reaches the app)."""


def write_protocol_error(sock: Any, status: int, reason: str, _detail: str) -> None:
    """gunicorn's answer to a request it could not parse, as the API's JSON error
    (readable on a page too) instead of an HTML page naming the server."""
    message = PROTOCOL_ERRORS.get(status, "请求有误")
    body = json.dumps({"error": {"status": status, "message": message}}, ensure_ascii=False).encode(
        "utf-8"
    )
    head = (
        f"HTTP/1.1 {status} {reason}\r\n"
        "Connection: close\r\n"
        "Content-Type: application/json; charset=utf-8\r\n"
        "X-Content-Type-Options: nosniff\r\n"
        f"Content-Length: {len(body)}\r\n\r\n"
    ).encode("latin-1")
    gunicorn_util.write_nonblock(sock, head + body)


def quiet_gunicorn() -> None:
    """In a worker: name no server software, and answer unparsable requests in JSON."""
    gunicorn_wsgi.SERVER = "kb"
    gunicorn_util.write_error = write_protocol_error


def configure_logging() -> None:
    """Warnings and errors of kb (failed requests, failed logins, tracebacks with their
    request ids) go to standard error with a time stamp and the process id."""
    logging.basicConfig(
        level=logging.WARNING,
        format="%(asctime)s [%(process)d] %(levelname)s %(name)s: %(message)s",
    )


class Site(BaseApplication):  # type: ignore[misc]
    """gunicorn's master and workers running ``web.create_app()``."""

    def __init__(self, options: dict[str, Any], app_factory: Callable[[], Any]) -> None:
        self.options, self.app_factory = options, app_factory
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self) -> Any:
        quiet_gunicorn()
        configure_logging()
        return self.app_factory()


def serve(
    config: Config,
    *,
    host: str,
    port: int,
    workers: int,
    threads: int,
    on_ready: Callable[[], None] = lambda: None,
) -> None:
    """Prepare in this process, then run gunicorn until it is stopped (Ctrl+C, SIGTERM)."""
    from web import create_app

    prepare(config)
    options = {
        "bind": [bind_address(host, port)],
        "workers": workers,
        "worker_class": "gthread",
        "threads": threads,
        "preload_app": False,  # each worker builds its app after the fork
        "proc_name": "kb",
        "accesslog": None,
        "errorlog": "-",
        "loglevel": "warning",
        "graceful_timeout": 10,
        "keepalive": 0,
        # request lines up to gunicorn's largest limit reach the app, which names the
        # parameter that is too long; longer ones get gunicorn's 414, in JSON. (0 would
        # be "unlimited", which gunicorn's parser reads in quadratic time.)
        "limit_request_line": MAX_REQUEST_LINE,
        "control_socket_disable": True,  # no socket written to the user's home folder
        "when_ready": lambda _arbiter: on_ready(),
    }
    Site(options, create_app).run()
