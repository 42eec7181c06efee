"""An index of the five seeds, built once through the real pipeline (SQLite + Whoosh)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from indexer.build import rebuild
from indexer.query import parse_query
from indexer.searcher import Searcher
from indexer.store import IndexStore
from kb.db import repository
from kb.db.session import Database
from kb.ingest.pipeline import ingest_paths
from tests.conftest import SEEDS_DIR


@dataclass
class SeedIndex:
    db: Database
    store: IndexStore
    searcher: Searcher
    ids: dict[int, int]
    """Seed number → document id."""

    def db_text(self, doc_id: int) -> str:
        """The cleaned text the database holds for ``doc_id``."""
        with self.db.session() as session:
            return repository.get_document(session, doc_id).text

    def ranked(self, query: str, *, sort: str = "relevance") -> list[int]:
        """Document ids of every hit, best first."""
        result = self.searcher.search(parse_query(query), per_page=100, sort=sort)
        return [hit.id for hit in result.hits]


@pytest.fixture(scope="session")
def seed_index(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SeedIndex]:
    home = tmp_path_factory.mktemp("seed-index")
    db = Database(f"sqlite:///{home / 'kb.sqlite3'}")
    results = ingest_paths(db, [SEEDS_DIR])
    store = IndexStore(home / "index")
    rebuild(db, store)
    searcher = Searcher(store)
    ids = {n: r.id for n, r in enumerate(results) if r.id is not None}
    yield SeedIndex(db, store, searcher, ids)
    searcher.close()
    db.dispose()


def make_index(home: Path, *paths: Path) -> tuple[Database, IndexStore]:
    """A fresh database and index over ``paths`` in ``home``."""
    db = Database(f"sqlite:///{home / 'kb.sqlite3'}")
    ingest_paths(db, list(paths))
    store = IndexStore(home / "index")
    rebuild(db, store)
    return db, store
