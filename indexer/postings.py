"""Postings decoded into numpy arrays, a block at a time, kept in a cache bounded in bytes.

Whoosh's matchers walk postings one document at a time in Python, and a phrase checks
positions document by document through several layers of matchers: for a query whose
words are in half of the corpus that walk *is* the query's time. Here a term's postings
are read block by block (one unpickle per block) into arrays — docnums and frequencies,
and for phrases the positions, as ``docnum << 32 | position`` keys — which
:mod:`indexer.evaluate` combines with vector operations.

The arrays of recently used terms stay in a least-recently-used cache for the life of
the reader. The terms that cost most to decode are the frequent ones, which are also
the ones queries share (干部, 工作, 组织), so a warm searcher decodes them once.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import chain
from pickle import loads

import numpy as np
from whoosh.codec.whoosh3 import W3LeafMatcher
from whoosh.formats import Positions
from whoosh.matching import Matcher
from whoosh.reading import IndexReader
from whoosh.system import _INT_SIZE

CACHE_BYTES = 256 * 1024 * 1024
"""Upper bound of the decoded postings a searcher keeps. The frequent terms are the
expensive ones and queries share them; at 100,000 documents the benchmark's 48 queries
decode about 150 MB, and a smaller cache (96 MB) made every search decode again (warm
p50 140 ms instead of 17 ms). Each site worker has its own."""
POSITION_BITS = 32


@dataclass(frozen=True)
class Postings:
    """One term's postings over live documents, by ascending docnum."""

    docs: np.ndarray
    """Docnums (int64)."""
    weights: np.ndarray
    """Term frequency in each document, times the field's boost (float64)."""

    @property
    def nbytes(self) -> int:
        return self.docs.nbytes + self.weights.nbytes

    def __len__(self) -> int:
        return len(self.docs)


EMPTY = Postings(np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float64))


class PostingsCache:
    """Decoded postings of one index reader (all its segments), least recently used first out."""

    def __init__(self, reader: IndexReader, live: np.ndarray, budget: int = CACHE_BYTES) -> None:
        self.reader = reader
        self.leaves = reader.leaf_readers()
        self.live = live
        self.budget = budget
        self._entries: OrderedDict[tuple[str, str, str], Postings | np.ndarray] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()

    def postings(self, field: str, text: str) -> Postings:
        """Docnums and weights of ``text`` in ``field`` (empty when the index lacks it)."""
        found = self._cached(("postings", field, text))
        if found is None:
            found = self._store(("postings", field, text), self._read(field, text))
        assert isinstance(found, Postings)
        return found

    def positions(self, field: str, text: str) -> np.ndarray:
        """Sorted ``docnum << 32 | position`` keys of every occurrence of ``text``."""
        found = self._cached(("positions", field, text))
        if found is None:
            found = self._store(("positions", field, text), self._read_positions(field, text))
        assert isinstance(found, np.ndarray)
        return found

    def expand_prefix(self, field: str, prefix: str) -> list[str]:
        """The terms of ``field`` starting with ``prefix``."""
        return [
            t.decode("utf-8") if isinstance(t, bytes) else t
            for t in self.reader.expand_prefix(field, prefix)
        ]

    @property
    def cached_bytes(self) -> int:
        return self._bytes

    # -- cache -------------------------------------------------------------------------
    def _cached(self, key: tuple[str, str, str]) -> Postings | np.ndarray | None:
        with self._lock:
            found = self._entries.get(key)
            if found is not None:
                self._entries.move_to_end(key)
            return found

    def _store(
        self, key: tuple[str, str, str], value: Postings | np.ndarray
    ) -> Postings | np.ndarray:
        size = value.nbytes
        if size > self.budget:
            return value
        with self._lock:
            if key not in self._entries:
                self._entries[key] = value
                self._bytes += size
            while self._bytes > self.budget:
                _, dropped = self._entries.popitem(last=False)
                self._bytes -= dropped.nbytes
        return value

    # -- reading -----------------------------------------------------------------------
    def _matchers(self, field: str, text: str) -> Iterator[tuple[Matcher, int]]:
        """The raw (deletion-unaware) matcher of the term in each segment, with its offset."""
        for leaf, offset in self.leaves:
            if (field, text) in leaf:
                term = leaf._text_to_bytes(field, text)
                yield leaf._terms.matcher(field, term, leaf.schema[field].format), offset

    def _read(self, field: str, text: str) -> Postings:
        docs: list[np.ndarray] = []
        weights: list[np.ndarray] = []
        for matcher, offset in self._matchers(field, text):
            for ids, block_weights, _ in _blocks(matcher, values=False):
                docs.append(np.asarray(ids, dtype=np.int64) + offset)
                weights.append(np.asarray(block_weights, dtype=np.float64))
        if not docs:
            return EMPTY
        all_docs, all_weights = np.concatenate(docs), np.concatenate(weights)
        keep = self.live[all_docs]
        return Postings(all_docs[keep], all_weights[keep])

    def _read_positions(self, field: str, text: str) -> np.ndarray:
        keys: list[np.ndarray] = []
        for matcher, offset in self._matchers(field, text):
            fast = type(matcher.format) is Positions
            for ids, _, values in _blocks(matcher, values=True):
                docs = np.asarray(ids, dtype=np.int64) + offset
                if fast:
                    docs, where = _positions_block(docs, values)
                else:
                    lists = [matcher.format.decode_positions(value) for value in values]
                    docs, where, _ = _flatten(docs, lists)
                keys.append((where | (docs << POSITION_BITS))[self.live[docs]])
        return np.concatenate(keys) if keys else np.zeros(0, dtype=np.int64)


def _positions_block(docs: np.ndarray, values: list[bytes]) -> tuple[np.ndarray, np.ndarray]:
    """Decode a block of Whoosh ``Positions`` values at once: (docnum, position) pairs.

    A value is the position count (4 bytes) then a pickled list of deltas from the
    previous position (the codec may drop the pickle's final ``.``). The deltas of the
    whole block become one array, summed per posting in one vector pass, instead of
    Whoosh's Python loop over every position.
    """
    lists = [loads(v[_INT_SIZE:] if v[-1:] == b"." else v[_INT_SIZE:] + b".") for v in values]
    docs, deltas, lengths = _flatten(docs, lists)
    sums = np.cumsum(deltas)
    starts = np.cumsum(lengths) - lengths
    starts = starts[lengths > 0]
    return docs, sums - np.repeat(sums[starts] - deltas[starts], lengths[lengths > 0])


def _flatten(docs: np.ndarray, lists: list[list[int]]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Each posting's docnum repeated once per item of its list, the items, and each
    list's length."""
    lengths = np.fromiter(map(len, lists), dtype=np.int64, count=len(lists))
    items = np.fromiter(chain.from_iterable(lists), dtype=np.int64, count=int(lengths.sum()))
    return np.repeat(docs, lengths), items, lengths


def _blocks(matcher: Matcher, *, values: bool) -> Iterator[tuple[object, object, object]]:
    """Yield (docnums, weights, values) per posting block of a segment's term matcher.

    Whoosh 3's on-disk matcher is read a block at a time through its block loader (one
    unpickle per block); any other matcher (short postings inlined in the term
    dictionary) posting by posting.
    """
    if isinstance(matcher, W3LeafMatcher):
        while True:
            matcher._read_ids()
            matcher._read_weights()
            if values:
                matcher._read_values()
            yield matcher._ids, matcher._weights, matcher._values
            if matcher._lastblock:
                return
            matcher._goto(matcher._nextoffset)
    ids, weights, found = [], [], []
    while matcher.is_active():
        ids.append(matcher.id())
        weights.append(matcher.weight())
        found.append(matcher.value() if values else None)
        matcher.next()
    yield ids, weights, found
