"""Per-reader arrays over document entries: facets and folding without stored fields.

Built once per index reader from sortable columns and the tag postings, so counting
facets over a whole result set never reads stored documents.
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
        columns = {
            name: reader.column_reader(name)
            for name in ("doc_id", "canonical", "doc_type", "region", "year", "date")
        }
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
        table.group = dict(groups)
        if "tags" in reader.indexed_field_names():
            for term in reader.lexicon("tags"):
                kind, _, name = term.decode("utf-8").partition(":")
                for docnum in reader.postings("tags", term).all_ids():
                    if not reader.is_deleted(docnum) and docnum in table.doc_id:
                        table.tags.setdefault(docnum, []).append((kind, name))
        return table
