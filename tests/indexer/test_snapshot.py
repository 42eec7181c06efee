"""A searcher's reader, document table and postings always describe one committed state.

Other processes commit while a site worker searches: their merges delete the files of
the segments they merge away. These tests make such commits with Whoosh's own writer
options (a merge of every segment, one segment per commit) and check what a searcher
opened before them, and after them, answers.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from indexer.build import check, document_entry, update
from indexer.query import parse_query
from indexer.searcher import Searcher
from indexer.snapshot import open_snapshot
from indexer.store import IndexStore, committing
from kb.db import repository
from kb.db.session import Database
from kb.ingest.pipeline import ingest_paths
from tests.conftest import seed_path
from tests.indexer.conftest import make_index


def _write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / "files" / name
    path.parent.mkdir(exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def _one_segment_per_commit(db: Database, store: IndexStore, ids: list[int]) -> None:
    """Index each document in a commit of its own (no merge), as small updates do."""
    ix = store.open()
    try:
        for doc_id in ids:
            with db.session() as session:
                (record,) = repository.document_records(session, [doc_id])
            with committing(ix) as writer:
                writer.delete_by_term("doc_key", str(doc_id))
                writer.add_document(**document_entry(record))
                writer.mergetype = _no_merge
    finally:
        ix.close()


def _no_merge(writer: object, segments: list) -> list:
    return segments


def _merge_everything(store: IndexStore) -> None:
    ix = store.open()
    try:
        with committing(ix) as writer:
            writer.optimize = True
    finally:
        ix.close()


@pytest.fixture
def several_segments(tmp_path: Path) -> tuple[Database, IndexStore, list[int]]:
    db, store = make_index(tmp_path, seed_path(0), seed_path(1))
    files = [
        _write(tmp_path, f"n{i}.txt", f"第{i}篇。标记词甲乙{i}丙丁，干部培养。" * 5)
        for i in range(4)
    ]
    results = ingest_paths(db, files)
    ids = [r.id for r in results if r.id is not None]
    _one_segment_per_commit(db, store, ids)
    return db, store, ids


def test_a_snapshot_reads_its_segments_after_a_merge_deleted_their_files(
    several_segments: tuple[Database, IndexStore, list[int]],
) -> None:
    _, store, _ = several_segments
    current = store.current_dir()
    assert current is not None
    before = Searcher(store).search(parse_query("干部"), per_page=50)
    searcher = Searcher(store)  # opened, nothing read yet
    segments_before = {p.name.split(".")[0] for p in current.glob("*.col")}
    assert len(segments_before) > 1
    _merge_everything(store)
    segments_after = {p.name.split(".")[0] for p in current.glob("*.col")}
    assert not segments_before & segments_after  # their files are gone from the folder
    # the snapshot opened before the merge still reads every stored field and column
    again = searcher._search(parse_query("干部"), 1, 50, "relevance")
    assert [h.id for h in again.hits] == [h.id for h in before.hits]
    assert all(h.title for h in again.hits)
    searcher.close()


def test_after_merges_the_table_matches_the_reader_and_nothing_is_counted_twice(
    several_segments: tuple[Database, IndexStore, list[int]],
) -> None:
    db, store, ids = several_segments
    searcher = Searcher(store)
    searcher.search(parse_query("干部"))
    _merge_everything(store)
    _one_segment_per_commit(db, store, ids[:2])  # updates: delete + add
    searcher.refresh()
    assert searcher.table.size == searcher._s.reader().doc_count_all()
    result = searcher.search(parse_query("标记词甲乙"), per_page=50)
    found = sorted(h.id for h in result.hits)
    assert found == sorted(ids)  # each once, though two were deleted and added again
    assert result.total == len(ids)
    assert check(db, store).clean
    searcher.close()


def test_a_refreshed_searcher_sees_updates_from_another_writer(tmp_path: Path) -> None:
    db, store = make_index(tmp_path, seed_path(0))
    searcher = Searcher(store)
    assert searcher.search(parse_query("独一无二的标记词")).total == 0
    (added,) = ingest_paths(db, [_write(tmp_path, "x.txt", "这是独一无二的标记词。" * 3)])
    update(db, store, [added.id])
    searcher.refresh()
    assert [h.id for h in searcher.search(parse_query("独一无二的标记词")).hits] == [added.id]
    searcher.close()


def test_a_snapshot_of_a_generation_that_is_gone_says_so(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        open_snapshot(tmp_path / "gen-000009")


def test_an_empty_index_opens_and_finds_nothing(tmp_path: Path) -> None:
    db = Database(f"sqlite:///{tmp_path / 'kb.sqlite3'}")
    store = IndexStore(tmp_path / "index")
    update(db, store)  # builds an index of nothing
    with Searcher(store) as searcher:
        assert searcher.search(parse_query("干部")).total == 0
    db.dispose()
