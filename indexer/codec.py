"""Whoosh's own codec, writing each segment's :mod:`~indexer.sidecar` alongside.

Whoosh routes every posting it writes — new documents, and the postings of segments it
merges — through its codec's field writer, and each segment keeps the codec that wrote
it (pickled in the index's table of contents). :class:`KbCodec` is Whoosh 3's codec
with a field writer that also hands each term's postings to a
:class:`~indexer.sidecar.SidecarWriter`; reading is Whoosh's, unchanged.

``indexer.store.committing`` opens every writer with this codec; the class is named in
the table of contents, so it must stay importable under this name.
"""

from __future__ import annotations

from array import array

from whoosh.codec.base import Segment
from whoosh.codec.whoosh3 import W3Codec, W3FieldWriter
from whoosh.fields import FieldType
from whoosh.filedb.filestore import Storage
from whoosh.system import pack_ushort

from indexer.formats import POSITION_SIZE, PackedPositions
from indexer.sidecar import SidecarWriter


class KbCodec(W3Codec):
    """Whoosh 3's codec; its segments also get a sidecar of flat postings."""

    def field_writer(self, storage: Storage, segment: Segment) -> SidecarFieldWriter:
        return SidecarFieldWriter(self, storage, segment)


class SidecarFieldWriter(W3FieldWriter):
    """Whoosh 3's field writer, copying each term's postings to the segment's sidecar."""

    def __init__(self, codec: W3Codec, storage: Storage, segment: Segment) -> None:
        super().__init__(codec, storage, segment)
        self._sidecar = SidecarWriter(storage, segment)
        self._packed = False
        self._pairs: array[int] = array("I")  # packed fields: docnum, position count
        self._values: list[bytes] = []  # packed fields: the positions
        self._docs: array[int] = array("I")  # other fields: docnum
        self._weights: array[float] = array("f")  # other fields: weight

    def start_field(self, fieldname: str, fieldobj: FieldType) -> None:
        super().start_field(fieldname, fieldobj)
        self._packed = isinstance(fieldobj.format, PackedPositions)

    def start_term(self, btext: bytes) -> None:
        super().start_term(btext)
        self._pairs, self._values = array("I"), []
        self._docs, self._weights = array("I"), array("f")

    def add(self, docnum: int, weight: float, vbytes: bytes, length: int) -> None:
        self._postwriter.add_posting(docnum, weight, vbytes, length)
        if self._packed:
            self._pairs.append(docnum)
            self._pairs.append(len(vbytes) // POSITION_SIZE)
            self._values.append(vbytes)
        else:
            self._docs.append(docnum)
            self._weights.append(weight)

    def finish_term(self) -> None:
        terminfo = self._postwriter.finish_postings()
        self._tindex.add(pack_ushort(self._fieldid) + self._btext, terminfo.to_bytes())
        offset, _ = terminfo.extent()
        if self._packed:
            self._sidecar.add_packed(offset, self._pairs, self._values)
        else:
            self._sidecar.add_weighted(offset, self._docs, self._weights)

    def close(self) -> None:
        super().close()
        self._sidecar.close()
