"""Timed work run in a fresh process each, so every run starts cold and alone.

Each task prints one JSON object; its clock starts after the imports (and, for jieba,
after the dictionary is loaded), so interpreter start-up is not counted against anyone.

    python -m bench.tasks ingest KB_HOME DOCS     files → database → index (kb ingest)
    python -m bench.tasks rebuild KB_HOME         database → new index (kb index rebuild)
    python -m bench.tasks jieba MANIFEST.json     jieba.lcut over the same text, one core
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path


def _config(home: str):  # type: ignore[no-untyped-def]
    os.environ["KB_HOME"] = home
    from kb.config import load_config

    return load_config()


def ingest(home: str, docs: str) -> dict[str, object]:
    from collections import Counter

    from indexer.build import update
    from indexer.store import IndexStore
    from kb.db.session import Database
    from kb.ingest.pipeline import ingest_paths

    config = _config(home)
    start = time.perf_counter()
    db = Database(config.database_url)
    results = ingest_paths(db, [docs], limits=config.limits)
    ingested = time.perf_counter()
    update(db, IndexStore(config.index_dir), [r.id for r in results if r.id is not None])
    end = time.perf_counter()
    return {
        "seconds": end - start,
        "database_seconds": ingested - start,
        "index_seconds": end - ingested,
        "statuses": dict(Counter(r.status for r in results)),
    }


def rebuild(home: str) -> dict[str, object]:
    from indexer.build import rebuild as rebuild_index
    from indexer.store import IndexStore
    from kb.db.session import Database

    config = _config(home)
    db = Database(config.database_url)
    store = IndexStore(config.index_dir)
    start = time.perf_counter()
    report = rebuild_index(db, store)
    seconds = time.perf_counter() - start
    current = store.current_dir()
    assert current is not None
    size = sum(f.stat().st_size for f in current.iterdir())
    return {"seconds": seconds, "documents": report.documents, "index_bytes": size}


def jieba_floor(manifest: str) -> dict[str, object]:
    """jieba alone, precise mode with its defaults, over every file's text."""
    import jieba

    texts = [Path(item["path"]).read_text(encoding="utf-8") for item in _load(manifest)]
    jieba.initialize()
    start = time.perf_counter()
    words = sum(len(jieba.lcut(text)) for text in texts)
    return {"seconds": time.perf_counter() - start, "words": words}


def _load(path: str) -> list[dict[str, str]]:
    return json.loads(Path(path).read_text(encoding="utf-8"))


def main(argv: list[str]) -> None:
    tasks = {"ingest": ingest, "rebuild": rebuild, "jieba": jieba_floor}
    if not argv or argv[0] not in tasks:
        raise SystemExit(__doc__)
    print(json.dumps(tasks[argv[0]](*argv[1:])))


if __name__ == "__main__":
    main(sys.argv[1:])
