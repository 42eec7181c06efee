"""Query compilation: how much of a longer query a document must match."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from indexer.compile import content_words
from indexer.query import parse_query
from indexer.searcher import Searcher
from tests.indexer.conftest import make_index

DOCS = {
    "exact.txt": "即墨區委組織部研究出臺了意見，培養選拔優秀年輕干部，進行重點培養。",
    "two_of_three.txt": "濮陽市從基層一線選拔了一批優秀年輕干部到重點崗位掛職鍛煉。",
    "one_of_three.txt": "西寧市注重培養專業人才，開辦了人才大講堂。",
    "unrelated.txt": "群眾滿意是檢驗組織工作成效的標尺。",
}


@pytest.fixture
def searcher(tmp_path: Path) -> Iterator[Searcher]:
    folder = tmp_path / "docs"
    folder.mkdir()
    for name, text in DOCS.items():
        (folder / name).write_text(text, encoding="utf-8")
    db, store = make_index(tmp_path, folder)
    with Searcher(store) as searcher:
        yield searcher
    db.dispose()


def _titles(searcher: Searcher, query: str) -> list[str]:
    return [Path(h.source).name for h in searcher.search(parse_query(query)).hits]


def test_content_words_drop_question_words() -> None:
    assert content_words("如何培养选拔优秀年轻干部") == ["培养", "选拔", "优秀年轻干部"]


def test_a_natural_query_needs_most_of_its_words_and_ranks_the_exact_text_first(
    searcher: Searcher,
) -> None:
    assert _titles(searcher, "如何培养选拔优秀年轻干部") == ["exact.txt", "two_of_three.txt"]


def test_a_two_word_query_needs_both_words(searcher: Searcher) -> None:
    assert _titles(searcher, "培养人才") == ["one_of_three.txt"]
