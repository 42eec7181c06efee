"""Per-reader arrays over document entries: facets and folding without stored fields.

Built once per index reader from its sortable columns — each read whole, in docnum
order — so counting facets over a whole result set never reads stored documents.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from whoosh.searching import Searcher as WhooshSearcher

MISSING = 2**32 - 1
"""What an unsigned 32-bit numeric column holds for a document that has no value."""


@dataclass
class DocTable:
    """What the searcher needs to know of each document entry, by Whoosh docnum."""

    doc_id: dict[int, int] = field(default_factory=dict)
    canonical: dict[int, int] = field(default_factory=dict)
    doc_type: dict[int, str] = field(default_factory=dict)
    region: dict[int, str] = field(default_factory=dict)
    year: dict[int, int] = field(default_factory=dict)
    date: dict[int, int] = field(default_factory=dict)
    tags: dict[int, list[tuple[str, str]]] = field(default_factory=dict)
    """(kind, normalized name) pairs per docnum."""
    docnum_of: dict[int, int] = field(default_factory=dict)
    """Document id → docnum."""
    group: dict[int, list[int]] = field(default_factory=dict)
    """Canonical document id → docnums of it and its copies."""

    @classmethod
    def build(cls, searcher: WhooshSearcher) -> DocTable:
        reader = searcher.reader()
        table = cls()
        names = ("doc_id", "canonical", "doc_type", "region", "year", "date", "tags")
        columns = {name: list(reader.column_reader(name)) for name in names}
        groups: dict[int, list[int]] = defaultdict(list)
        for docnum in searcher.document_numbers(kind="doc"):
            doc_id = int(columns["doc_id"][docnum])
            canonical = int(columns["canonical"][docnum])
            table.doc_id[docnum] = doc_id
            table.docnum_of[doc_id] = docnum
            table.canonical[docnum] = canonical
            table.doc_type[docnum] = columns["doc_type"][docnum]
            if region := columns["region"][docnum]:
                table.region[docnum] = region
            year = columns["year"][docnum]
            if year and year != MISSING:
                table.year[docnum] = int(year)
            date = columns["date"][docnum]
            table.date[docnum] = 0 if not date or date == MISSING else int(date)
            groups[canonical].append(docnum)
            if tags := _tag_pairs(columns["tags"][docnum]):
                table.tags[docnum] = tags
        table.group = dict(groups)
        return table


def _tag_pairs(value: bytes | str) -> list[tuple[str, str]]:
    """The (kind, name) pairs of a ``tags`` column value, as the KEYWORD field splits it.

    >>> _tag_pairs("approach:公信组工, topic:x".encode())
    [('approach', '公信组工'), ('topic', 'x')]
    """
    text = value.decode("utf-8") if isinstance(value, bytes) else value
    pairs = []
    for key in text.split(","):
        kind, _, name = key.strip().partition(":")
        if name:
            pairs.append((kind, name))
    return pairs
