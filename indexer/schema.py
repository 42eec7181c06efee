"""The Whoosh schema: one entry per document.

Each entry (``kind=doc``) carries the whole cleaned text, the head (title, author and
author note — lines cleaning moved out of the text), the rest of the original (site
furniture cleaning dropped, still findable) and the facet fields; matching, ranking,
totals and facets run on them. The passages are only stored (ordinal, text and, when it
differs, the text's search form): the
searcher picks the ones to show by finding the query's strings in them
(:func:`indexer.highlight.best_passages`), so they are not indexed a second time.
"""

from __future__ import annotations

from whoosh.analysis import Tokenizer
from whoosh.fields import ID, KEYWORD, NUMERIC, STORED, TEXT, Schema

from indexer.analysis import char_analyzer, word_analyzer
from indexer.formats import PackedPositions

SCHEMA_VERSION = 7
"""Bump whenever fields change; an index with another version is rebuilt."""

HEAD_BOOST = 3.0
"""Weight of a match in the head (title, author, author note) against one in the text."""


def positional(analyzer: Tokenizer, boost: float = 1.0) -> TEXT:
    """A text field whose postings keep positions, packed (:mod:`indexer.formats`)."""
    field = TEXT(analyzer=analyzer, phrase=True, field_boost=boost)
    field.format = PackedPositions(field_boost=boost)
    return field


def build_schema() -> Schema:
    """Return the schema of the kb index."""
    words = word_analyzer()
    chars = char_analyzer()
    return Schema(
        entry=ID(stored=True, unique=True),
        kind=ID,
        doc_key=ID,
        doc_id=NUMERIC(int, bits=32, stored=True, sortable=True, signed=False),
        canonical=NUMERIC(int, bits=32, sortable=True, signed=False),
        head=positional(words, HEAD_BOOST),
        head_chars=positional(chars, HEAD_BOOST),
        rest_chars=positional(chars),
        words=positional(words),
        chars=positional(chars),
        doc_type=ID(sortable=True),
        region=ID(sortable=True),
        year=NUMERIC(int, bits=32, sortable=True, signed=False),
        date=NUMERIC(int, bits=32, sortable=True, signed=False),
        tags=KEYWORD(commas=True, sortable=True),  # sortable: a column the DocTable reads
        stored=STORED,
    )
