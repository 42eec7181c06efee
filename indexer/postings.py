"""Postings read into numpy arrays, kept in a cache bounded in bytes.

Whoosh's matchers walk postings one document at a time in Python, and a phrase checks
positions document by document through several layers of matchers: for a query whose
words are in half of the corpus that walk *is* the query's time. Here a term's postings
are read whole into arrays — docnums and weights, and for phrases the positions, as
``docnum << 32 | position`` keys — which :mod:`indexer.evaluate` combines with vector
operations. Each segment's postings come from its sidecar (:mod:`indexer.sidecar`:
flat arrays, sliced); a segment without one is read block by block (one unpickle per
128 postings).

The arrays of recently used terms stay in a least-recently-used cache for the life of
the reader. The terms that cost most to decode are the frequent ones, which are also
the ones queries share (干部, 工作, 组织), so a warm searcher decodes them once.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import numpy as np
from whoosh.codec.whoosh3 import W3LeafMatcher, W3TermInfo
from whoosh.matching import Matcher
from whoosh.reading import IndexReader, SegmentReader, TermInfo, TermNotFound

from indexer.formats import POSITION_DTYPE, POSITION_SIZE, PackedPositions
from indexer.sidecar import Sidecar

CACHE_BYTES = 32 * 1024 * 1024
"""Upper bound of the decoded postings a searcher keeps (each site worker has its own).
Reading a term from its sidecar is a slice and a widening, but the frequent terms'
positions are millions of values, and queries share those terms (干部, 工作, 组织):
keeping them spares part of a warm search's reading. At 100,000 documents the
benchmark's 48 queries fill 64 MB; warm p50 / p95 with a 256, 64, 32 and 16 MB
budget: 13.8 / 30.2, 15.2 / 31.1, 15.4 / 33.7 and 16.4 / 39.5 ms (one process, one
run each). 32 MB is the knee, and two workers' caches fit the server's memory target."""
POSITION_BITS = 32
ENTRY_BYTES = 300
"""Rough cost of a cache entry besides its arrays (key, dict node, array headers)."""


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
        self.leaves = [
            _Leaf(leaf, offset, Sidecar.find(leaf.storage(), leaf.segment()))
            for leaf, offset in reader.leaf_readers()
        ]
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

    def doc_frequency(self, field: str, text: str) -> int:
        """How many entries have ``text`` in ``field``, deleted ones included (read from
        the term dictionary, no postings decoded): good for ordering terms by rarity."""
        return int(self.reader.doc_frequency(field, text))

    def live_frequency(self, field: str, text: str, positions: np.ndarray) -> int:
        """How many live entries have ``text``, given its :meth:`positions` (the length
        of its postings, without decoding them when they are not cached)."""
        key = ("frequency", field, text)
        found = self._cached(key)
        if found is None:
            postings = self._cached(("postings", field, text))
            if isinstance(postings, Postings):
                count = len(postings)
            else:
                docs = positions >> POSITION_BITS
                count = int(len(docs) and 1 + np.count_nonzero(docs[1:] != docs[:-1]))
            found = self._store(key, np.array([count], dtype=np.int64))
        assert isinstance(found, np.ndarray)
        return int(found[0])

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
        size = _size(value)
        if size > self.budget:
            return value
        with self._lock:
            if key not in self._entries:
                self._entries[key] = value
                self._bytes += size
            while self._bytes > self.budget:
                _, dropped = self._entries.popitem(last=False)
                self._bytes -= _size(dropped)
        return value

    # -- reading -----------------------------------------------------------------------
    def _terms(self, field: str, text: str) -> Iterator[tuple[_Leaf, TermInfo]]:
        """Each segment holding the term, with the term's info there."""
        for leaf in self.leaves:
            try:
                info = leaf.reader.term_info(field, text)
            except TermNotFound:  # not in this segment (or no such field)
                continue
            yield leaf, info

    def _read(self, field: str, text: str) -> Postings:
        found = [leaf.postings(field, text, info) for leaf, info in self._terms(field, text)]
        if not found:
            return EMPTY
        docs = np.concatenate([d for d, _ in found])
        weights = np.concatenate([w for _, w in found])
        keep = self.live[docs]
        return Postings(docs[keep], weights[keep])

    def _read_positions(self, field: str, text: str) -> np.ndarray:
        # every positional field of the schema packs its positions (indexer.schema)
        assert isinstance(self.reader.schema[field].format, PackedPositions), field
        keys = [leaf.keys(field, text, info, self.live) for leaf, info in self._terms(field, text)]
        if len(keys) == 1:
            return keys[0]
        return np.concatenate(keys) if keys else np.zeros(0, dtype=np.int64)


@dataclass(frozen=True)
class _Leaf:
    """One segment of the reader: where its docnums start, and its sidecar if it has one.

    A term is read from the sidecar (:mod:`indexer.sidecar`: two slices, no decoding);
    a segment without one (written by Whoosh's own codec) is read block by block.
    Docnums come back with the segment's offset added, deleted ones included.
    """

    reader: SegmentReader
    offset: int
    sidecar: Sidecar | None

    def postings(self, field: str, text: str, info: TermInfo) -> tuple[np.ndarray, np.ndarray]:
        """Docnums (int64) and weights (float64) of the term."""
        row = self._row(info)
        if row is None:
            blocks = list(_blocks(self._matcher(field, text), values=False))
            docs = np.concatenate([ids for ids, _, _ in blocks])
            return docs + self.offset, np.concatenate([w for _, w, _ in blocks])
        assert self.sidecar is not None
        pairs = self.sidecar.pairs(row)
        docs = pairs[:, 0].astype(np.int64) + self.offset
        format_ = self.reader.schema[field].format
        if isinstance(format_, PackedPositions):  # the second column counts positions
            return docs, pairs[:, 1] * float(format_.field_boost)
        return docs, pairs[:, 1].view(np.float32).astype(np.float64)

    def keys(self, field: str, text: str, info: TermInfo, live: np.ndarray) -> np.ndarray:
        """``docnum << 32 | position`` of each occurrence in a live document, ascending.

        A frequent term has millions of occurrences: the keys are built in place in one
        array, the docnums' own, so a read holds little more than the result.
        """
        row = self._row(info)
        if row is None:
            blocks = [
                block_positions(ids + self.offset, values)
                for ids, _, values in _blocks(self._matcher(field, text), values=True)
                if values is not None
            ]
            keys = np.concatenate([d for d, _ in blocks])
            where = np.concatenate([w for _, w in blocks])
        else:
            assert self.sidecar is not None
            pairs = self.sidecar.pairs(row)
            keys = np.repeat(pairs[:, 0].astype(np.int64) + self.offset, pairs[:, 1])
            where = self.sidecar.positions(row)
        keep = live[keys]
        keys <<= POSITION_BITS
        keys |= where
        return keys if keep.all() else keys[keep]

    def _row(self, info: TermInfo) -> int | None:
        """The term's row in the sidecar (None: read Whoosh's postings instead)."""
        if self.sidecar is None or not isinstance(info, W3TermInfo) or info.is_inlined():
            return None
        offset, _ = info.extent()
        return self.sidecar.row(offset)

    def _matcher(self, field: str, text: str) -> Matcher:
        """Whoosh's raw (deletion-unaware) matcher of the term in this segment."""
        reader = self.reader
        term = reader._text_to_bytes(field, text)
        return reader._terms.matcher(field, term, reader.schema[field].format)


def _size(value: Postings | np.ndarray) -> int:
    """What a cache entry costs: its arrays and, roughly, the entry around them."""
    return value.nbytes + ENTRY_BYTES


def block_positions(docs: np.ndarray, values: Sequence[bytes]) -> tuple[np.ndarray, np.ndarray]:
    """Decode a block of :class:`~indexer.formats.PackedPositions` values at once.

    Returns each occurrence's docnum and position (int64). The values are joined and
    read as one array; a value's length says how many positions it holds.
    """
    counts = np.fromiter(map(len, values), dtype=np.int64, count=len(values)) // POSITION_SIZE
    where = np.frombuffer(b"".join(values), dtype=POSITION_DTYPE).astype(np.int64)
    return np.repeat(docs, counts), where


Block = tuple[np.ndarray, np.ndarray, "Sequence[bytes] | None"]


def _blocks(matcher: Matcher, *, values: bool) -> Iterator[Block]:
    """Yield (docnums, weights, values) per posting block of a segment's term matcher.

    Whoosh 3's on-disk matcher is read a block at a time: one unpickle per block, the
    delta-coded docnums summed and the weights widened by numpy (Whoosh's own
    ``_read_ids``/``_read_weights`` loop over every posting in Python). Any other
    matcher (postings inlined in the term dictionary) is read posting by posting.
    """
    if isinstance(matcher, W3LeafMatcher) and not matcher._byteids:
        while True:
            if matcher._data is None:
                matcher._read_data()
            ids, weights, found = matcher._data
            docs = np.cumsum(np.asarray(ids, dtype=np.int64))
            yield docs, _block_weights(weights, len(docs)), found if values else None
            if matcher._lastblock:
                return
            matcher._goto(matcher._nextoffset)
    ids, weights, found = [], [], []
    while matcher.is_active():
        ids.append(matcher.id())
        weights.append(matcher.weight())
        if values:
            found.append(matcher.value())
        matcher.next()
    yield (
        np.asarray(ids, dtype=np.int64),
        np.asarray(weights, dtype=np.float64),
        found if values else None,
    )


def _block_weights(stored: object, count: int) -> np.ndarray:
    """A block's weights as Whoosh 3 minified them: None (all 1), one float (all that
    float), or one per posting."""
    if stored is None:
        return np.ones(count, dtype=np.float64)
    if isinstance(stored, float):
        return np.full(count, stored, dtype=np.float64)
    return np.asarray(stored, dtype=np.float64)
