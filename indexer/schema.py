"""The Whoosh schema: one entry per document plus one per passage.

Document entries (``kind=doc``) carry the whole cleaned text, the head (title, author and
author note — lines cleaning moved out of the text), the rest of the original (site
furniture cleaning dropped, still findable) and the facet fields; matching,
ranking, totals and facets run on them. Passage entries
(``kind=passage``) carry one passage each with its document's id and ordinal; they pick
the best passages to show for a hit and store the passage text for highlighting.
"""

from __future__ import annotations

from whoosh.fields import ID, KEYWORD, NUMERIC, STORED, TEXT, Schema

from indexer.analysis import char_analyzer, word_analyzer

SCHEMA_VERSION = 2
"""Bump whenever fields change; an index with another version is rebuilt."""

HEAD_BOOST = 3.0
"""Weight of a match in the head (title, author, author note) against one in the text."""


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
        ordinal=NUMERIC(int, bits=32, stored=True, signed=False),
        head=TEXT(analyzer=words, phrase=True, field_boost=HEAD_BOOST),
        head_chars=TEXT(analyzer=chars, phrase=True, field_boost=HEAD_BOOST),
        rest_chars=TEXT(analyzer=chars, phrase=True),
        words=TEXT(analyzer=words, phrase=True),
        chars=TEXT(analyzer=chars, phrase=True),
        doc_type=ID(sortable=True),
        region=ID(sortable=True),
        year=NUMERIC(int, bits=32, sortable=True, signed=False),
        date=NUMERIC(int, bits=32, sortable=True, signed=False),
        tags=KEYWORD(commas=True),
        stored=STORED,
    )
