"""Postings read from sidecars, or block by block, equal Whoosh's own reads.

The seed index holds five documents, so no term there spans more than one of Whoosh's
128-posting blocks. Here windows of the seeds' real text make a few hundred entries
over two segments with deletions, so frequent terms span several blocks. The index is
written twice: by the kb codec (segments with sidecars, what the product reads) and by
Whoosh's default codec (no sidecars: the block reader).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from whoosh import index as whoosh_index
from whoosh.reading import IndexReader
from whoosh.writing import NO_MERGE

from indexer.codec import KbCodec
from indexer.postings import POSITION_BITS, PostingsCache
from indexer.schema import build_schema
from indexer.sidecar import Sidecar
from tests.conftest import seed_text

WINDOW = 300
STEP = 20


def windows() -> list[str]:
    """Overlapping windows of the seeds' text: a few hundred short entries."""
    texts = [seed_text(n) for n in range(5)]
    return [t[i : i + WINDOW] for t in texts for i in range(0, len(t), STEP)]


def window_entry(n: int, text: str) -> dict[str, str]:
    """The index entry of window ``n``: its text in the text fields, a tag of three."""
    return {
        "entry": f"d:{n}",
        "head": text[:20],
        "words": text,
        "chars": text,
        "tags": f"n:{n % 3}",
    }


@pytest.fixture(scope="module", params=["kb", "whoosh"])
def reader(
    tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest
) -> Iterator[IndexReader]:
    path = tmp_path_factory.mktemp("blocks")
    ix = whoosh_index.create_in(str(path), build_schema())
    codec: dict[str, object] = {"compound": False}  # as indexer.store.committing writes
    if request.param == "kb":
        codec["codec"] = KbCodec()
    entries = windows()
    half = len(entries) // 2
    for part, commit in ((entries[:half], {}), (entries[half:], {"mergetype": NO_MERGE})):
        writer = ix.writer(**codec)
        for n, text in enumerate(part, start=0 if not commit else half):
            writer.add_document(**window_entry(n, text))
        writer.commit(**commit)
    writer = ix.writer(**codec)
    for n in range(0, len(entries), 7):
        writer.delete_by_term("entry", f"d:{n}")
    writer.commit(mergetype=NO_MERGE)
    reader = ix.reader()
    sidecars = [Sidecar.find(leaf.storage(), leaf.segment()) for leaf, _ in reader.leaf_readers()]
    assert len(sidecars) == 2
    assert all(s is not None for s in sidecars) == (request.param == "kb")
    yield reader
    reader.close()
    ix.close()


def whooshs_reads(reader: IndexReader, field: str, text: str) -> tuple[list, list]:
    """Docnums and weights, and position keys (positional fields), as Whoosh's own
    deletion-aware matcher reads them, one posting at a time."""
    matcher = reader.postings(field, text)
    postings, keys = [], []
    positional = reader.schema[field].format.supports("positions")
    while matcher.is_active():
        postings.append((matcher.id(), matcher.weight()))
        if positional:
            keys += [(matcher.id() << POSITION_BITS) | p for p in matcher.value_as("positions")]
        matcher.next()
    return postings, keys


def live_mask(reader: IndexReader) -> np.ndarray:
    """True for each docnum not deleted."""
    return np.array([not reader.is_deleted(d) for d in range(reader.doc_count_all())])


@pytest.mark.parametrize(
    ("field", "text"), [("chars", "干 部"), ("chars", "组 织"), ("words", "干部"), ("words", "的")]
)
def test_docs_weights_and_positions_equal_whooshs(
    reader: IndexReader, field: str, text: str
) -> None:
    postings, keys = whooshs_reads(reader, field, text)
    cache = PostingsCache(reader, live_mask(reader))
    found = cache.postings(field, text)
    assert list(zip(found.docs.tolist(), found.weights.tolist(), strict=True)) == postings
    assert cache.positions(field, text).tolist() == keys
    assert len(postings) > 2 * 128  # several blocks, over both segments


def test_a_keyword_fields_postings_equal_whooshs(reader: IndexReader) -> None:
    expected, _ = whooshs_reads(reader, "tags", "n:1")
    found = PostingsCache(reader, live_mask(reader)).postings("tags", "n:1")
    assert list(zip(found.docs.tolist(), found.weights.tolist(), strict=True)) == expected
    assert len(expected) > 50


def test_the_head_field_carries_its_boost(reader: IndexReader) -> None:
    found = PostingsCache(reader, live_mask(reader)).postings("head", "干部")
    assert len(found) and set(found.weights.tolist()) <= {3.0, 6.0, 9.0}


def test_a_term_missing_from_the_index_has_no_postings(reader: IndexReader) -> None:
    cache = PostingsCache(reader, live_mask(reader))
    assert len(cache.postings("chars", "鑫 鑫")) == 0
    assert len(cache.positions("chars", "鑫 鑫")) == 0


def test_whooshs_phrase_query_reads_the_packed_positions(tmp_path: Path) -> None:
    from whoosh.query import Phrase

    ix = whoosh_index.create_in(str(tmp_path), build_schema())
    with ix.writer() as writer:
        writer.add_document(entry="a", chars="组织工作")
        writer.add_document(entry="b", chars="工作组织")
    with ix.searcher() as searcher:
        hits = searcher.search(Phrase("chars", ["组 织", "织 工", "工 作"]))
        assert [hit["entry"] for hit in hits] == ["a"]


@pytest.mark.parametrize("text", ["干 部", "组 织", "部"])
def test_a_terms_live_frequency_from_its_positions_equals_its_postings_length(
    reader: IndexReader, text: str
) -> None:
    live = live_mask(reader)
    from_positions = PostingsCache(reader, live)
    positions = from_positions.positions("chars", text)
    frequency = from_positions.live_frequency("chars", text, positions)
    assert frequency == len(PostingsCache(reader, live).postings("chars", text))
    assert 0 < frequency < from_positions.doc_frequency("chars", text)  # deletions counted
