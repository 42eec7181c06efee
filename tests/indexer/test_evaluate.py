"""The array evaluator finds exactly what Whoosh's own matchers find, on real seed text.

The index under test has two segments and a deleted entry, so docnum offsets and
deletions are exercised as a live index has them after updates.
"""

from __future__ import annotations

import random
import re
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from indexer import evaluate
from indexer.build import update
from indexer.compile import compile_query
from indexer.evaluate import Evaluator, common
from indexer.formats import PackedPositions, pack
from indexer.normalize import normalize
from indexer.postings import POSITION_BITS, PostingsCache, block_positions
from indexer.query import parse_query
from indexer.searcher import Searcher
from indexer.store import IndexStore
from indexer.synonyms import load_synonyms
from indexer.table import DocTable, _numeric_column
from kb.ingest.pipeline import ingest_paths
from tests.conftest import SEEDS_DIR, seed_text
from tests.indexer.conftest import make_index

SEED_FILES = sorted(p for p in SEEDS_DIR.iterdir() if p.is_file())
CURATED = [
    "一定两评三公开",
    "一定兩評三公開",
    "组工",
    "年轻干部",
    '"组织工作"',
    "干部 考核",
    "培养选拔优秀年轻干部",
    "如何培养年轻干部",
    "党建 OR 纪实",
    "干部 -考核",
    "基层党建 type:experience",
    "干部 year:2010-2020",
    "考",
    "year:2015-2024",
    "type:policy",
    "不存在的词语组合",
]


@pytest.fixture(scope="module")
def split_index(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Searcher]:
    home = tmp_path_factory.mktemp("split-index")
    db, store = make_index(home, *SEED_FILES[:3])
    ingest_paths(db, SEED_FILES[3:])
    update(db, store)  # the last two seeds land in a second segment
    ix = store.open()
    with ix.writer() as writer:  # and one entry of the first segment is deleted
        writer.delete_by_term("entry", "d:2")
    ix.close()
    searcher = Searcher(IndexStore(home / "index"))
    yield searcher
    searcher.close()
    db.dispose()


def _random_substrings(count: int) -> list[str]:
    rng = random.Random(7)
    texts = [re.sub(r"\s", "", seed_text(n)) for n in range(5)]
    found = []
    while len(found) < count:
        text = rng.choice(texts)
        start = rng.randrange(len(text) - 12)
        found.append(text[start : start + rng.randint(1, 10)].replace('"', ""))
    return [q for q in found if q.strip()]


def _whoosh_docs(searcher: Searcher, query: object) -> list[int]:
    return sorted(set(searcher._s.docs_for_query(query)))


@pytest.mark.parametrize("dense_share", [evaluate.DENSE_SHARE, 0])  # 0: unions always sort
@pytest.mark.parametrize("text", CURATED + _random_substrings(80))
def test_matches_and_tiers_equal_whooshs_own(
    split_index: Searcher, text: str, dense_share: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(evaluate, "DENSE_SHARE", dense_share)
    searcher = split_index
    table = searcher.table
    assert searcher._s.reader().is_atomic() is False  # two segments
    assert not table.live.all()  # a deleted entry
    compiled = compile_query(parse_query(text), load_synonyms())
    evaluator = Evaluator(searcher._s, table, PostingsCache(searcher._s.reader(), table.live))
    for query in (compiled.match, *compiled.tiers):
        found = evaluator.matches(query)
        assert found.docs.tolist() == _whoosh_docs(searcher, query)
        assert len(found.scores) == len(found.docs)
        if compiled.has_text and len(found):
            assert (found.scores > 0).all()


def test_a_phrase_needs_the_characters_adjacent_not_just_present(split_index: Searcher) -> None:
    searcher = split_index
    compiled = compile_query(parse_query('"干部考核"'), load_synonyms())
    evaluator = Evaluator(
        searcher._s, searcher.table, PostingsCache(searcher._s.reader(), searcher.table.live)
    )
    docs = evaluator.matches(compiled.match).docs
    assert docs.tolist() == _whoosh_docs(searcher, compiled.match)
    for docnum in docs:
        passages = searcher._s.stored_fields(int(docnum))["stored"]["passages"]
        assert any("干部考核" in re.sub(r"\s", "", normalize(p[1])) for p in passages)


def test_a_tiny_cache_evicts_and_still_answers_the_same(split_index: Searcher) -> None:
    searcher = split_index
    reader = searcher._s.reader()
    roomy = PostingsCache(reader, searcher.table.live)
    tiny = PostingsCache(reader, searcher.table.live, budget=2_000)
    for text in ["干 部", "工 作", "组 织", "年 轻", "党 建"]:
        assert roomy.postings("chars", text).docs.tolist() == (
            tiny.postings("chars", text).docs.tolist()
        )
        assert roomy.positions("chars", text).tolist() == tiny.positions("chars", text).tolist()
        assert tiny.cached_bytes <= 2_000
    assert roomy.cached_bytes > 2_000
    assert not len(roomy.postings("chars", "不 存在的"))


def test_common_finds_shared_sorted_values() -> None:
    a = np.array([2, 4, 6, 8, 10], dtype=np.int64)
    b = np.array([1, 4, 5, 10, 11, 12], dtype=np.int64)
    mine, theirs = common(a, b)
    assert a[mine].tolist() == b[theirs].tolist() == [4, 10]
    empty, _ = common(np.zeros(0, dtype=np.int64), b)
    assert not len(empty)
    assert common(b, np.array([99]))[0].tolist() == []


def test_table_counts_facets_most_common_first_and_counts_the_rest(
    split_index: Searcher, tmp_path: Path
) -> None:
    table: DocTable = split_index.table
    docs = np.nonzero(table.live)[0]
    shown, omitted = table.doc_type.counts(docs, limit=1)
    assert len(shown) == 1 and omitted == len(set(table.doc_type.names)) - 1
    counts = list(table.doc_type.counts(docs, limit=10)[0].values())
    assert counts == sorted(counts, reverse=True) and sum(counts) == len(docs)
    tags, more = table.tag_counts(docs, limit=2)
    assert tags and all(len(names) <= 2 for names in tags.values())
    assert all(more[kind] >= 0 for kind in tags)


@pytest.mark.parametrize("text", ["干 部", "党 建", "组 织", "一 定", "部"])
def test_positions_equal_whooshs_own_posting_by_posting(split_index: Searcher, text: str) -> None:
    searcher = split_index
    reader = searcher._s.reader()
    compared = 0
    for field in ("chars", "head_chars", "rest_chars"):
        if (field, text) not in reader:
            continue
        matcher = reader.postings(field, text)  # deletion-aware, one posting at a time
        expected: list[int] = []
        while matcher.is_active():
            expected += [
                (matcher.id() << POSITION_BITS) | pos for pos in matcher.value_as("positions")
            ]
            matcher.next()
        found = PostingsCache(reader, searcher.table.live).positions(field, text)
        assert found.tolist() == expected
        compared += len(expected)
    assert compared


@pytest.mark.parametrize(("field", "text"), [("chars", "干 部"), ("words", "干部"), ("head", "的")])
def test_postings_equal_whooshs_own_posting_by_posting(
    split_index: Searcher, field: str, text: str
) -> None:
    reader = split_index._s.reader()
    matcher = reader.postings(field, text)  # deletion-aware, one posting at a time
    expected: list[tuple[int, float]] = []
    while matcher.is_active():
        expected.append((matcher.id(), matcher.weight()))
        matcher.next()
    found = PostingsCache(reader, split_index.table.live).postings(field, text)
    assert list(zip(found.docs.tolist(), found.weights.tolist(), strict=True)) == expected
    assert expected


def test_a_block_of_packed_positions_decodes_at_once() -> None:
    lists = [[0, 5, 6, 300, 70_000], [2], list(range(0, 3_000, 3)), [2**32 - 1]]
    values = [pack(positions) for positions in lists]
    docs = np.array([3, 4, 9, 12], dtype=np.int64)
    got_docs, got = block_positions(docs, values)
    assert got.tolist() == [p for positions in lists for p in positions]
    assert got_docs.tolist() == [d for d, ps in zip(docs, lists, strict=True) for _ in ps]


def test_packed_positions_answer_whooshs_questions_like_its_positions_format() -> None:
    fmt = PackedPositions(field_boost=3.0)
    value = pack([1, 4, 9])
    assert fmt.supports("positions") and fmt.supports("frequency")
    assert fmt.decode_positions(value) == [1, 4, 9]
    assert fmt.decode_frequency(value) == 3
    assert fmt.decode_weight(value) == 9.0
    assert fmt.combine([value, pack([2, 4])]) == pack([1, 2, 4, 9])


@pytest.mark.parametrize("name", ["doc_id", "canonical", "date", "year"])
def test_numeric_columns_read_whole_equal_whooshs_value_by_value(
    split_index: Searcher, name: str
) -> None:
    reader = split_index._s.reader()
    expected = [int(v) for v in reader.column_reader(name)]
    found = _numeric_column(reader, name, reader.doc_count_all())
    assert found.tolist() == expected
    assert len(set(expected)) > 1


def test_field_lengths_read_whole_equal_whooshs_value_by_value(split_index: Searcher) -> None:
    reader = split_index._s.reader()
    table = split_index.table
    for field in ("chars", "words", "head"):
        expected = [reader.doc_field_length(d, field, 0) for d in range(reader.doc_count_all())]
        assert table.lengths[field].tolist() == pytest.approx(expected)
        assert max(expected) > 0
