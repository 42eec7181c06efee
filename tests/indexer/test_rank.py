"""Ranking and folding: the page's entries equal a full sort of every match, folded."""

from __future__ import annotations

import numpy as np
import pytest

from indexer.rank import rank
from indexer.table import Codes, DocTable, Labels


def _table(canonical: list[int], dates: list[int]) -> DocTable:
    """Entries with doc ids 100, 101, … in docnum order; ``canonical`` names each one's
    group by the docnum of its first member."""
    size = len(canonical)
    doc_id = np.arange(100, 100 + size, dtype=np.int64)
    groups = doc_id[np.array(canonical)]
    counts = np.bincount(canonical, minlength=size)
    return DocTable(
        live=np.ones(size, dtype=bool),
        doc_id=doc_id,
        canonical=groups,
        date=np.array(dates, dtype=np.int64),
        year=np.array(dates, dtype=np.int64) // 10_000,
        doc_type=Codes.encode([""] * size),
        region=Codes.encode([""] * size),
        tag_docs=np.zeros(0, dtype=np.int64),
        tag_codes=np.zeros(0, dtype=np.int64),
        tag_labels=Labels.of([]),
        tag_kinds=np.zeros(0, dtype=np.int32),
        tag_kind_names=[],
        lengths={},
        average_length={},
        has_copies=counts[np.array(canonical)] > 1,
        by_doc_id=np.arange(size),
        sorted_ids=doc_id,
    )


def _full_order(table, docs, scores, tier, sort):  # type: ignore[no-untyped-def]
    """The definition: sort every match, keep each group's first entry."""
    keys = [table.doc_id[docs], -scores, tier]
    if sort == "date":
        keys.append(-table.date[docs])
    order = np.lexsort(keys)
    _, first = np.unique(table.canonical[docs[order]], return_index=True)
    kept = order[np.sort(first)]
    return docs[kept], scores[kept], int((tier[kept] == 0).sum())


@pytest.mark.parametrize("seed", range(40))
@pytest.mark.parametrize("sort", ["relevance", "date"])
def test_the_best_entries_equal_a_full_sort_of_the_folded_matches(seed: int, sort: str) -> None:
    rng = np.random.default_rng(seed)
    size = int(rng.integers(1, 300))
    canonical = list(range(size))
    for i in range(size):  # about one entry in five is a copy of an earlier one
        if i and rng.random() < 0.2:
            canonical[i] = canonical[int(rng.integers(0, i))]
    dates = rng.choice([0, 20150101, 20180601, 20231231], size=size).tolist()
    table = _table(canonical, dates)
    docs = np.sort(rng.choice(size, size=int(rng.integers(0, size + 1)), replace=False))
    scores = rng.choice([0.0, 1.5, 2.25, 7.0], size=len(docs)) + rng.random(len(docs)) * (
        rng.random() < 0.5
    )  # many exact ties half of the time
    tier = rng.integers(0, 3, size=len(docs))
    want_docs, want_scores, want_exact = _full_order(table, docs, scores, tier, sort)
    for limit in (None, 1, 10, max(len(want_docs), 1), len(want_docs) + 5):
        ranked = rank(table, docs, scores, tier, sort=sort, limit=limit)
        assert sorted(ranked.docs.tolist()) == sorted(want_docs.tolist())
        assert ranked.top.tolist() == want_docs[:limit].tolist()
        assert ranked.top_scores.tolist() == want_scores[:limit].tolist()
        assert ranked.exact == want_exact


def test_a_group_of_copies_shows_its_best_entry_once() -> None:
    table = _table([0, 0, 2, 0], [20200101, 20210101, 20220101, 20230101])
    docs = np.array([0, 1, 2, 3])
    scores = np.array([1.0, 5.0, 3.0, 2.0])
    ranked = rank(table, docs, scores, np.zeros(4, dtype=np.int64), sort="relevance", limit=10)
    assert ranked.top.tolist() == [1, 2]
    newest = rank(table, docs, scores, np.zeros(4, dtype=np.int64), sort="date", limit=10)
    assert newest.top.tolist() == [3, 2]
    assert table.copies(1) == [0, 3] and table.copies(2) == []
