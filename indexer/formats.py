"""How the index stores a term's positions in a document: packed, not pickled.

Whoosh's ``Positions`` format stores each posting's positions as a pickled list of
deltas, so reading them means one ``pickle.loads`` and one Python addition per position
— at 100,000 documents, decoding a frequent term's positions was most of a phrase
query's first run. :class:`PackedPositions` stores them as little-endian unsigned 32-bit
integers, ascending: a block of postings decodes with one ``join`` and one
``numpy.frombuffer`` (:func:`indexer.postings.block_positions`), and writing one
is an ``array`` copy instead of a pickle. A posting's frequency is its byte length / 4.

The class is named in the index's table of contents (Whoosh pickles the schema), so it
must stay importable under this name; changing the encoding needs a new
:data:`indexer.schema.SCHEMA_VERSION`.
"""

from __future__ import annotations

import sys
from array import array
from collections import defaultdict
from collections.abc import Iterable, Iterator
from typing import Any

from whoosh.analysis import Tokenizer
from whoosh.formats import Format, tokens

POSITION_TYPE = "I"
"""``array`` type code of one position (4 bytes on every platform Python supports)."""
POSITION_DTYPE = "<u4"
"""The same as a numpy dtype: little-endian, whatever the machine."""
POSITION_SIZE = 4

assert array(POSITION_TYPE).itemsize == POSITION_SIZE


def little_endian(values: array) -> bytes:  # type: ignore[type-arg]
    """The bytes of ``values`` in little-endian order, whatever the machine.

    >>> little_endian(array("H", [1, 258]))
    b'\\x01\\x00\\x02\\x01'
    """
    if sys.byteorder == "big":
        values = array(values.typecode, values)
        values.byteswap()
    return values.tobytes()


def pack(positions: Iterable[int]) -> bytes:
    """Encode ascending positions.

    >>> pack([1, 258])
    b'\\x01\\x00\\x00\\x00\\x02\\x01\\x00\\x00'
    """
    return little_endian(array(POSITION_TYPE, positions))


def unpack(value: bytes) -> list[int]:
    """Decode what :func:`pack` wrote.

    >>> unpack(pack([0, 7, 70_000]))
    [0, 7, 70000]
    """
    packed = array(POSITION_TYPE)
    packed.frombytes(value)
    if sys.byteorder == "big":
        packed.byteswap()
    return packed.tolist()


class PackedPositions(Format):
    """Frequency, weight and positions of a term in a document (see the module docstring).

    Supports what Whoosh's ``Positions`` supports, so Whoosh's own phrase matchers
    work on these fields too.
    """

    def word_values(
        self, value: Any, analyzer: Tokenizer, **kwargs: Any
    ) -> Iterator[tuple[str, int, float, bytes]]:
        """Yield ``(term, frequency, weight, packed positions)`` per distinct term."""
        found: defaultdict[str, list[int]] = defaultdict(list)
        kwargs["positions"] = True
        for token in tokens(value, analyzer, kwargs):
            found[token.text].append(token.pos)
        boost = self.field_boost
        for text, positions in found.items():
            yield text, len(positions), len(positions) * boost, pack(positions)

    def decode_positions(self, value: bytes) -> list[int]:
        return unpack(value)

    def decode_frequency(self, value: bytes) -> int:
        return len(value) // POSITION_SIZE

    def decode_weight(self, value: bytes) -> float:
        return self.decode_frequency(value) * self.field_boost

    def decode_position_boosts(self, value: bytes) -> list[tuple[int, float]]:
        return [(position, 1.0) for position in unpack(value)]

    def combine(self, values: Iterable[bytes]) -> bytes:
        """One value holding the positions of all ``values`` (Whoosh merges vectors so)."""
        return pack(sorted({p for value in values for p in unpack(value)}))
