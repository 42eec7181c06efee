"""Each segment's postings again, as flat arrays a search reads without decoding.

Whoosh stores a term's postings in blocks of 128, each pickled and zlib-compressed:
reading a frequent term costs one ``pickle.loads`` and one ``zlib.decompress`` per
block, and at 100,000 documents the first run of a query spent most of its time there.
While Whoosh writes a segment, :mod:`indexer.codec` hands every posting to a
:class:`SidecarWriter` too, which lays the segment's postings out in three files:

    <segment>.kbt   term table: magic, then little-endian uint64s: T, and three arrays —
                    the term's offset in Whoosh's postings file (T, ascending: the key),
                    its first posting (T + 1) and its first position (T + 1)
    <segment>.kbp   postings: per posting two little-endian uint32 — the docnum, and
                    for fields with packed positions the number of positions
                    (the weight is that times the field's boost), otherwise the weight
                    as a float32
    <segment>.kbx   positions: little-endian uint32, a posting's positions ascending

A reader finds a term's row from its Whoosh term info (the postings offset is unique
per term) and slices the files with ``os.pread``: nothing unpickled, nothing
decompressed, nothing mapped; the bytes come from the operating system's page cache,
which every server process shares. The files are named like Whoosh's own segment files, so
Whoosh deletes them with their segment.
"""

from __future__ import annotations

import os
import weakref
from array import array
from collections.abc import Sequence
from pathlib import Path

import numpy as np
from whoosh.codec.base import Segment
from whoosh.filedb.filestore import Storage

from indexer.formats import little_endian
from kb.errors import IndexProblem

TABLE_EXT = ".kbt"
POSTINGS_EXT = ".kbp"
POSITIONS_EXT = ".kbx"
MAGIC = b"KBSIDE01"
"""First bytes of a term table; a new layout needs a new magic (and SCHEMA_VERSION)."""
DAMAGED = "检索索引的文件已损坏，请运行 kb index rebuild 重建"
WORD = np.dtype("<u4")
KEY = np.dtype("<u8")
STRIDE = 512
"""A reader keeps every STRIDE-th term's key in memory (see :class:`Sidecar`)."""
PAIR_BYTES = 2 * WORD.itemsize

assert array("I").itemsize == WORD.itemsize and array("Q").itemsize == 8


class SidecarWriter:
    """Write one segment's sidecar, a term at a time, in Whoosh's term order."""

    def __init__(self, storage: Storage, segment: Segment) -> None:
        self._postings = segment.create_file(storage, POSTINGS_EXT)
        self._positions = segment.create_file(storage, POSITIONS_EXT)
        self._table = segment.create_file(storage, TABLE_EXT)
        self._offsets = array("Q")
        self._first_posting = array("Q", [0])
        self._first_position = array("Q", [0])

    def add_packed(self, offset: int, pairs: array, values: Sequence[bytes]) -> None:  # type: ignore[type-arg]
        """Add a term of a packed-positions field: ``pairs`` alternates docnum and
        position count, ``values`` are the postings' packed positions."""
        self._add(offset, little_endian(pairs), b"".join(values))

    def add_weighted(self, offset: int, docs: array, weights: array) -> None:  # type: ignore[type-arg]
        """Add a term of any other field: its docnums and weights."""
        pairs = np.empty((len(docs), 2), dtype=WORD)
        pairs[:, 0] = docs
        pairs[:, 1] = np.asarray(weights, dtype="<f4").view(WORD)
        self._add(offset, pairs.tobytes(), b"")

    def _add(self, offset: int, pairs: bytes, positions: bytes) -> None:
        assert not self._offsets or offset > self._offsets[-1], "terms out of order"
        self._offsets.append(offset)
        self._postings.write(pairs)
        self._positions.write(positions)
        self._first_posting.append(self._first_posting[-1] + len(pairs) // PAIR_BYTES)
        self._first_position.append(self._first_position[-1] + len(positions) // WORD.itemsize)

    def close(self) -> None:
        """Write the term table and close the files."""
        count = array("Q", [len(self._offsets)])
        self._table.write(MAGIC)
        for values in (count, self._offsets, self._first_posting, self._first_position):
            self._table.write(little_endian(values))
        for handle in (self._postings, self._positions, self._table):
            handle.close()


class Sidecar:
    """One segment's sidecar, open for reading (thread-safe: reads use ``os.pread``).

    Nothing is mapped into memory: a term's row is found in two steps — every
    :data:`STRIDE`-th key, kept in memory, then one block of keys read from the table —
    so a search touches a few pages of the table, not the binary search's path through a
    table of millions of terms (each mapped page would count in every worker's memory).
    Its files stay open for as long as the object lives.
    """

    def __init__(self, folder: Path, segment: Segment) -> None:
        self._table = os.open(folder / segment.make_filename(TABLE_EXT), os.O_RDONLY)
        self._postings = os.open(folder / segment.make_filename(POSTINGS_EXT), os.O_RDONLY)
        self._positions = os.open(folder / segment.make_filename(POSITIONS_EXT), os.O_RDONLY)
        # closed when the last search using this sidecar lets go of it: never while a
        # thread may still read (a closed descriptor's number can be reused)
        weakref.finalize(self, _close, self._table, self._postings, self._positions)
        header = os.pread(self._table, 16, 0)
        if header[:8] != MAGIC:
            raise IndexProblem(f"{DAMAGED}（{segment.make_filename(TABLE_EXT)} 不是检索辅助文件）")
        self._count = count = int(np.frombuffer(header, dtype=KEY, offset=8)[0])
        # where each array starts in the table, counted in KEY-sized values
        self._keys_at, self._postings_at, self._positions_at = 2, 2 + count, 3 + 2 * count
        keys = _read(self._table, KEY, self._keys_at, self._keys_at + count)
        self._sample = keys[::STRIDE].copy()

    @classmethod
    def find(cls, storage: Storage, segment: Segment) -> Sidecar | None:
        """The segment's sidecar, or None when it has none (written by another codec)."""
        folder = getattr(storage, "folder", None)
        if folder is None or not storage.file_exists(segment.make_filename(TABLE_EXT)):
            return None
        return cls(Path(folder), segment)

    def row(self, offset: int) -> int | None:
        """The row of the term whose Whoosh postings start at ``offset``."""
        key = np.uint64(offset)  # a Python int would cast the keys to float
        block = int(np.searchsorted(self._sample, key, side="right")) - 1
        if block < 0:
            return None
        start = block * STRIDE
        end = min(start + STRIDE, self._count)
        keys = _read(self._table, KEY, self._keys_at + start, self._keys_at + end)
        at = int(np.searchsorted(keys, key))
        return start + at if at < len(keys) and keys[at] == key else None

    def pairs(self, row: int) -> np.ndarray:
        """The term's postings as an (n, 2) uint32 array (see the module docstring)."""
        start, end = self._extent(self._postings_at + row)
        return _read(self._postings, WORD, start * 2, end * 2).reshape(-1, 2)

    def positions(self, row: int) -> np.ndarray:
        """The term's positions, posting after posting (uint32)."""
        start, end = self._extent(self._positions_at + row)
        return _read(self._positions, WORD, start, end)

    def _extent(self, at: int) -> tuple[int, int]:
        """The two table values from ``at`` on: where a term's data starts and ends."""
        start, end = _read(self._table, KEY, at, at + 2).tolist()
        return start, end


def _close(*fds: int) -> None:
    for fd in fds:
        os.close(fd)


def _read(fd: int, dtype: np.dtype, start: int, end: int) -> np.ndarray:
    size = dtype.itemsize
    data = os.pread(fd, (end - start) * size, start * size)
    if len(data) != (end - start) * size:
        raise IndexProblem(f"{DAMAGED}（检索辅助文件被截断：缺少第 {start} 项起的数据）")
    return np.frombuffer(data, dtype=dtype)
