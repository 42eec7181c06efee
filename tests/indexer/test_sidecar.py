"""Every segment the kb codec writes — added, merged, written by several processes —
carries a sidecar whose postings equal Whoosh's own, and loses it with the segment."""

from __future__ import annotations

from pathlib import Path

import pytest
from whoosh import index as whoosh_index
from whoosh.index import FileIndex
from whoosh.reading import IndexReader

from indexer.codec import KbCodec
from indexer.postings import PostingsCache
from indexer.schema import build_schema
from indexer.sidecar import MAGIC, STRIDE, TABLE_EXT, Sidecar
from indexer.store import committing
from kb.errors import IndexProblem
from tests.indexer.test_postings import live_mask, whooshs_reads, window_entry, windows

TERMS = [
    ("chars", "干 部"),
    ("chars", "组 织"),
    ("words", "干部"),
    ("head", "工作"),
    ("tags", "n:2"),
]


def _add(ix: FileIndex, entries: list[str], start: int, **options: object) -> None:
    """Index ``entries`` as the product writes: through ``indexer.store.committing``."""
    with committing(ix, **options) as writer:
        for n, text in enumerate(entries, start=start):
            writer.add_document(**window_entry(n, text))


def _assert_sidecars_match(ix: FileIndex) -> None:
    with ix.reader() as reader:
        leaves = reader.leaf_readers()
        assert all(Sidecar.find(leaf.storage(), leaf.segment()) for leaf, _ in leaves)
        live = live_mask(reader)
        cache = PostingsCache(reader, live)
        for field, text in TERMS:
            postings, keys = whooshs_reads(reader, field, text)
            found = cache.postings(field, text)
            assert list(zip(found.docs.tolist(), found.weights.tolist(), strict=True)) == postings
            assert postings, (field, text)
            if keys:
                assert cache.positions(field, text).tolist() == keys
        segments = {leaf.segment().segment_id() for leaf, _ in leaves}
    tables = {p.name.removesuffix(TABLE_EXT) for p in Path(ix.storage.folder).glob("*.kbt")}
    assert tables == segments  # a merged-away segment's sidecar went with it


def test_merged_segments_get_a_sidecar_and_the_old_ones_go(tmp_path: Path) -> None:
    ix = whoosh_index.create_in(str(tmp_path), build_schema())
    entries = windows()
    third = len(entries) // 3
    for start in (0, third, 2 * third):
        _add(ix, entries[start : start + third], start)  # Whoosh merges small segments
    writer = ix.writer(codec=KbCodec(), compound=False)
    for n in range(0, len(entries), 5):
        writer.delete_by_term("entry", f"d:{n}")
    writer.commit(optimize=True)  # one segment, written by merging, deletions dropped
    with ix.reader() as reader:
        assert len(reader.leaf_readers()) == 1
    _assert_sidecars_match(ix)
    ix.close()


@pytest.mark.parametrize("multisegment", [True, False])
def test_a_build_in_two_processes_writes_sidecars(tmp_path: Path, multisegment: bool) -> None:
    ix = whoosh_index.create_in(str(tmp_path), build_schema())
    _add(ix, windows(), 0, procs=2, multisegment=multisegment, batchsize=50)
    _assert_sidecars_match(ix)
    ix.close()


@pytest.fixture
def segment_reader(tmp_path: Path) -> IndexReader:
    ix = whoosh_index.create_in(str(tmp_path), build_schema())
    _add(ix, windows()[:40], 0)
    reader = ix.reader()
    yield reader
    reader.close()
    ix.close()


def test_an_offset_that_starts_no_term_has_no_row(segment_reader: IndexReader) -> None:
    sidecar = Sidecar.find(segment_reader.storage(), segment_reader.segment())
    assert sidecar is not None
    offset, _ = segment_reader.term_info("chars", "干 部").extent()
    assert sidecar.row(offset) is not None
    assert sidecar.row(offset + 1) is None
    assert sidecar.row(2**62) is None


def test_a_damaged_sidecar_says_to_rebuild_the_index(segment_reader: IndexReader) -> None:
    storage, segment = segment_reader.storage(), segment_reader.segment()
    table = Path(storage.folder) / segment.make_filename(TABLE_EXT)
    data = table.read_bytes()
    assert data.startswith(MAGIC)
    table.write_bytes(b"NOTKB!!!" + data[8:])
    with pytest.raises(IndexProblem, match="kb index rebuild"):
        Sidecar.find(storage, segment)
    table.write_bytes(data)
    postings = Path(storage.folder) / segment.make_filename(".kbp")
    postings.write_bytes(postings.read_bytes()[:8])
    sidecar = Sidecar.find(storage, segment)
    assert sidecar is not None
    row = sidecar.row(segment_reader.term_info("chars", "干 部").extent()[0])
    assert row is not None
    with pytest.raises(IndexProblem, match="截断"):
        sidecar.pairs(row)


def test_every_term_finds_its_own_row(segment_reader: IndexReader) -> None:
    sidecar = Sidecar.find(segment_reader.storage(), segment_reader.segment())
    assert sidecar is not None
    offsets = sorted(
        segment_reader.term_info(field, text).extent()[0]
        for field, text in segment_reader.all_terms()
    )
    assert len(offsets) > 2 * STRIDE  # the lookup crosses blocks of keys
    assert [sidecar.row(offset) for offset in offsets] == list(range(len(offsets)))
