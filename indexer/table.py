"""Per-reader arrays over document entries: facets, folding and ranking without stored fields.

Built once per index state from its columns — each read whole, in docnum order — into
numpy arrays indexed by Whoosh docnum, so counting facets, sorting and folding copies
over a whole result set are a few vector operations and never read stored documents.

A process keeps the last table it built (:meth:`DocTable.of`) and hands it to any
reader of the same committed state: the site's master builds it before forking, so its
workers share those pages instead of building a copy each (at 100,000 documents the
build takes seconds and a few hundred MB). The arrays are read-only.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, fields

import numpy as np
from whoosh.codec.whoosh3 import LENGTHS_COLUMN
from whoosh.columns import NumericColumn
from whoosh.fields import NUMERIC
from whoosh.reading import IndexReader
from whoosh.util.numeric import byte_to_length

MISSING = 2**32 - 1
"""What an unsigned 32-bit numeric column holds for a document that has no value."""

LENGTH_OF_BYTE = np.array([byte_to_length(b) for b in range(256)], dtype=np.float32)
"""Whoosh stores field lengths as one byte each; this decodes a whole column at once."""


@dataclass
class Codes:
    """A categorical column: one small integer per docnum (-1: none) and the names."""

    codes: np.ndarray
    names: list[str]

    @classmethod
    def encode(cls, values: list[str]) -> Codes:
        names = sorted({v for v in values if v})
        index = {name: i for i, name in enumerate(names)}
        return cls(np.array([index.get(v, -1) for v in values], dtype=np.int32), names)

    def counts(self, docnums: np.ndarray, limit: int) -> tuple[dict[str, int], int]:
        """How many of ``docnums`` carry each name: the ``limit`` most common (ties by
        name) and how many other names occur."""
        codes = self.codes[docnums]
        tally = np.bincount(codes[codes >= 0], minlength=len(self.names))
        return top_counts(tally, np.arange(len(self.names)), self.names, limit)


@dataclass(frozen=True)
class Labels:
    """Many short strings kept in one buffer, decoded when asked for.

    At 100,000 documents the bench corpus has 267,000 distinct tags: as Python strings
    (and tuples with their kinds) they took some 50 MB of every server process, for
    facets that show ten names at a time.

    >>> labels = Labels.of(["一定两评三公开", "", "x"])
    >>> len(labels), labels[0], labels[1], labels[2]
    (3, '一定两评三公开', '', 'x')
    """

    data: bytes
    ends: np.ndarray
    """Where each string's UTF-8 bytes end in ``data``."""

    @classmethod
    def of(cls, strings: Iterable[str]) -> Labels:
        encoded = [s.encode("utf-8") for s in strings]
        ends = np.cumsum([len(e) for e in encoded], dtype=np.int64)
        ends.flags.writeable = False
        return cls(b"".join(encoded), ends)

    def __len__(self) -> int:
        return len(self.ends)

    def __getitem__(self, index: int) -> str:
        start = int(self.ends[index - 1]) if index else 0
        return self.data[start : int(self.ends[index])].decode("utf-8")


def top_counts(
    tally: np.ndarray, codes: np.ndarray, names: Sequence[str] | Labels, limit: int
) -> tuple[dict, int]:
    """The ``limit`` largest non-zero ``tally[codes]``, by name, and how many others.

    Codes are numbered in name order, so the lower code wins a tie.
    """
    present = codes[tally[codes] > 0]
    order = present[np.lexsort((present, -tally[present]))]
    return {names[i]: int(tally[i]) for i in order[:limit]}, max(len(order) - limit, 0)


@dataclass
class DocTable:
    """What the searcher needs to know of each document entry, by Whoosh docnum."""

    live: np.ndarray
    """True for the docnums of live (not deleted) document entries."""
    doc_id: np.ndarray
    canonical: np.ndarray
    """Id of the document each entry is a copy of (its own id when it is no copy)."""
    date: np.ndarray
    """yyyymmdd, 0 when unknown."""
    year: np.ndarray
    """0 when unknown."""
    doc_type: Codes
    region: Codes
    tag_docs: np.ndarray
    tag_codes: np.ndarray
    """One row per (document, tag): the docnum and the tag's code. Codes are numbered
    in (kind, normalized name) order."""
    tag_labels: Labels
    """Each tag code's normalized name."""
    tag_kinds: np.ndarray
    """Each tag code's kind, an index into ``tag_kind_names``."""
    tag_kind_names: list[str]
    lengths: dict[str, np.ndarray]
    """Field name → each docnum's length in tokens (BM25's document length)."""
    average_length: dict[str, float]
    has_copies: np.ndarray
    """True for live entries whose group of copies has another live entry."""
    by_doc_id: np.ndarray
    """Docnums of the live entries ordered by ``doc_id``."""
    sorted_ids: np.ndarray
    """``doc_id[by_doc_id]``: the ids a binary search by id looks in."""

    @property
    def size(self) -> int:
        return len(self.live)

    def docnum(self, doc_id: int) -> int | None:
        """The docnum of the live entry of document ``doc_id``, if it is indexed."""
        ids = self.sorted_ids
        at = int(np.searchsorted(ids, doc_id))
        return int(self.by_doc_id[at]) if at < len(ids) and ids[at] == doc_id else None

    def copies(self, docnum: int) -> list[int]:
        """Docnums of the other live entries in ``docnum``'s group of copies."""
        if not self.has_copies[docnum]:
            return []
        same = np.nonzero((self.canonical == self.canonical[docnum]) & self.live)[0]
        return [int(d) for d in same if d != docnum]

    def tag_counts(
        self, docnums: np.ndarray, limit: int
    ) -> tuple[dict[str, dict[str, int]], dict[str, int]]:
        """Per tag kind: the ``limit`` tags most of ``docnums`` carry, with their counts,
        and how many other tags of that kind they carry."""
        chosen = np.zeros(self.size, dtype=bool)
        chosen[docnums] = True
        tally = np.bincount(self.tag_codes[chosen[self.tag_docs]], minlength=len(self.tag_labels))
        counts: dict[str, dict[str, int]] = {}
        omitted: dict[str, int] = {}
        for number, kind in enumerate(self.tag_kind_names):
            codes = np.nonzero(self.tag_kinds == number)[0]
            shown, others = top_counts(tally, codes, self.tag_labels, limit)
            if shown:
                counts[kind], omitted[kind] = shown, others
        return counts, omitted

    @classmethod
    def of(cls, reader: IndexReader, text_fields: list[str]) -> DocTable:
        """The table of ``reader``'s committed state: the one this process built last
        if the state is the same, else a new one (which becomes the one kept)."""
        global _kept
        key = (state_key(reader), tuple(text_fields))
        with _kept_lock:
            if _kept is not None and _kept[0] == key:
                return _kept[1]
            table = cls.build(reader, text_fields)
            table.freeze()
            _kept = (key, table)
            return table

    def freeze(self) -> None:
        """Make every array read-only: a table may be shared by readers and processes."""
        for item in fields(self):
            value = getattr(self, item.name)
            if isinstance(value, Codes):
                value = value.codes
            for array in value.values() if isinstance(value, dict) else [value]:
                if isinstance(array, np.ndarray):
                    array.flags.writeable = False

    @classmethod
    def build(cls, reader: IndexReader, text_fields: list[str]) -> DocTable:
        size = reader.doc_count_all()
        if size == 0:  # an index of no documents has no segments and no columns
            return cls.empty(text_fields)
        live = np.zeros(size, dtype=bool)
        live[list(reader.all_doc_ids())] = True  # every entry is a document's

        def numbers(name: str) -> np.ndarray:
            values = _numeric_column(reader, name, size)
            values[values == MISSING] = 0
            return values

        tag_docs, tag_codes, tag_names = _tag_rows(_column(reader, "tags"))
        kind_names = sorted({kind for kind, _ in tag_names})
        kind_number = {kind: i for i, kind in enumerate(kind_names)}
        lengths = {name: _lengths(reader, name, size) for name in text_fields}
        count = max(int(live.sum()), 1)
        doc_id, canonical = numbers("doc_id"), numbers("canonical")
        live_docnums = np.nonzero(live)[0]
        _, group_of, sizes = np.unique(
            canonical[live_docnums], return_inverse=True, return_counts=True
        )
        has_copies = np.zeros(size, dtype=bool)
        has_copies[live_docnums] = sizes[group_of] > 1
        by_doc_id = live_docnums[np.argsort(doc_id[live_docnums], kind="stable")]
        return cls(
            live=live,
            doc_id=doc_id,
            canonical=canonical,
            date=numbers("date"),
            year=numbers("year"),
            doc_type=Codes.encode(_column(reader, "doc_type")),
            region=Codes.encode(_column(reader, "region")),
            tag_docs=tag_docs,
            tag_codes=tag_codes,
            tag_labels=Labels.of(name for _, name in tag_names),
            tag_kinds=np.fromiter(
                (kind_number[kind] for kind, _ in tag_names), dtype=np.int32, count=len(tag_names)
            ),
            tag_kind_names=kind_names,
            lengths=lengths,
            average_length={
                name: max(float(values[live].sum()) / count, 1.0)
                for name, values in lengths.items()
            },
            has_copies=has_copies,
            by_doc_id=by_doc_id,
            sorted_ids=doc_id[by_doc_id],
        )

    @classmethod
    def empty(cls, text_fields: list[str]) -> DocTable:
        """The table of an index without documents."""
        none = np.zeros(0, dtype=np.int64)
        return cls(
            live=np.zeros(0, dtype=bool),
            doc_id=none,
            canonical=none,
            date=none,
            year=none,
            doc_type=Codes(np.zeros(0, dtype=np.int32), []),
            region=Codes(np.zeros(0, dtype=np.int32), []),
            tag_docs=none,
            tag_codes=none,
            tag_labels=Labels.of([]),
            tag_kinds=np.zeros(0, dtype=np.int32),
            tag_kind_names=[],
            lengths={name: np.zeros(0, dtype=np.float32) for name in text_fields},
            average_length={name: 1.0 for name in text_fields},
            has_copies=np.zeros(0, dtype=bool),
            by_doc_id=none,
            sorted_ids=none,
        )


_kept: tuple[tuple[object, ...], DocTable] | None = None
_kept_lock = threading.Lock()


def state_key(reader: IndexReader) -> tuple[object, ...]:
    """What identifies a reader's committed state: the commit's generation and each
    segment (ids are random, so unique across index folders) with its count of live
    documents — Whoosh never revives a deleted document, so that count only falls.

    An empty index has no segments; all empty indexes have the same (empty) table.
    """
    segments = ((leaf.segment(), leaf) for leaf, _ in reader.leaf_readers())
    leaves = tuple(
        (segment.segment_id(), leaf.doc_count())
        for segment, leaf in segments
        if segment is not None
    )
    return (reader.generation(), leaves)


def _column(reader: IndexReader, name: str) -> list:
    """Every docnum's value of a sortable column (a multi-segment reader joins its leaves)."""
    return list(reader.column_reader(name))


def _numeric_column(reader: IndexReader, name: str, size: int) -> np.ndarray:
    """Every docnum's value of an unsigned integer column, each segment's read at once.

    Whoosh keeps such a column as fixed-width big-endian numbers (the column's default
    past the last one written), and for an unsigned integer field a column value *is*
    the number; read value by value that is a few microseconds per document. Any other
    column goes the slow way.
    """
    field = reader.schema[name]
    fast = isinstance(field, NUMERIC) and not field.signed and field.decimal_places == 0
    out = np.zeros(size, dtype=np.int64)
    for leaf, offset in reader.leaf_readers():
        count = leaf.doc_count_all()
        column = leaf.column_reader(name, translate=False)
        values = _fixed_width(column, count) if fast else None
        if values is None:
            values = np.array(list(leaf.column_reader(name)), dtype=np.int64)
        out[offset : offset + count] = values
    return out


def _fixed_width(column: object, count: int) -> np.ndarray | None:
    """The first ``count`` values of a Whoosh numeric column read at once (None when the
    column is of another kind): fixed-width big-endian numbers, then the default."""
    if type(column) is not NumericColumn.Reader:
        return None
    written = min(column._count, count)
    raw = column._dbfile.get(column._basepos, written * column._fixedlen)
    values = np.full(count, column._default, dtype=np.int64)
    values[:written] = np.frombuffer(raw, dtype=">" + column._typecode)
    return values


def _lengths(reader: IndexReader, field: str, size: int) -> np.ndarray:
    """Each docnum's length of ``field``, from Whoosh's per-segment length columns."""
    out = np.zeros(size, dtype=np.float32)
    for leaf, offset in reader.leaf_readers():
        perdoc = leaf._perdoc  # Whoosh keeps the length columns behind its codec
        column = perdoc._cached_reader(f"_{field}_len", LENGTHS_COLUMN)
        if column is not None:
            count = leaf.doc_count_all()
            encoded = _fixed_width(column, count)
            if encoded is None:
                encoded = np.frombuffer(bytes(column), dtype=np.uint8)[:count]
            out[offset : offset + len(encoded)] = LENGTH_OF_BYTE[encoded]
    return out


def _tag_rows(values: list) -> tuple[np.ndarray, np.ndarray, list[tuple[str, str]]]:
    """The (docnum, tag code) rows of a ``tags`` column, and each code's (kind, name),
    codes numbered in (kind, name) order.

    A value holds ``kind:name`` keys joined by commas, as the KEYWORD field splits them;
    keys without a name are skipped. All values are split at once and each distinct key
    is parsed once (100,000 documents carry some 800,000 tags).

    >>> docs, codes, names = _tag_rows(["approach:公信组工, topic:x".encode(), "", "topic:x"])
    >>> docs.tolist(), codes.tolist(), names
    ([0, 0, 2], [0, 1, 1], [('approach', '公信组工'), ('topic', 'x')])
    """
    texts = [v.decode("utf-8") if isinstance(v, bytes) else v for v in values]
    if not texts:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64), []
    keys = ",".join(texts).split(",")
    docs = np.repeat(np.arange(len(texts)), [t.count(",") + 1 for t in texts])
    index: dict[str, int] = {}
    first_codes = np.fromiter(
        (index.setdefault(key, len(index)) for key in keys), dtype=np.int64, count=len(keys)
    )
    pairs = [key.strip().partition(":")[::2] for key in index]
    named = [i for i, (_, name) in enumerate(pairs) if name]
    unique = sorted(set(pairs[i] for i in named))
    position = {pair: i for i, pair in enumerate(unique)}
    recode = np.full(len(pairs), -1, dtype=np.int64)
    for i in named:
        recode[i] = position[pairs[i]]
    codes = recode[first_codes]
    keep = codes >= 0
    return docs[keep].astype(np.int64), codes[keep], unique
