"""The document table is built once per committed index state and shared, read-only."""

from __future__ import annotations

from pathlib import Path

import pytest

from indexer.build import update
from indexer.searcher import Searcher
from kb.ingest.pipeline import ingest_paths
from tests.conftest import seed_path
from tests.indexer.conftest import make_index


def test_readers_of_one_state_share_one_table_and_a_commit_brings_a_new_one(
    tmp_path: Path,
) -> None:
    db, store = make_index(tmp_path, seed_path(0), seed_path(1))
    with Searcher(store) as first, Searcher(store) as second:
        table = first.table
        assert second.table is table
        assert table.size == 2
        with pytest.raises(ValueError, match="read-only"):
            table.live[0] = False
        with pytest.raises(ValueError, match="read-only"):
            table.lengths["chars"][0] = 1.0
        ingest_paths(db, [seed_path(2)])
        update(db, store)
        second.refresh()
        assert second.table is not table
        assert int(second.table.live.sum()) == 3
        assert first.table is table  # a reader keeps its own state's table
    db.dispose()
