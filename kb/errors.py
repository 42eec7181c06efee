"""Errors the knowledge base reports to its users.

KBError                      anything kb reports as a one-line message
 ├── ConfigError             a setting has a value kb cannot use
 ├── IngestError             a file cannot become a document
 │    ├── UnsupportedFile     the file type is not one kb reads
 │    ├── EmptyFile           the file holds no text
 │    ├── FileTooLarge        the file is over the size limit
 │    └── UndecodableFile     the bytes are not text in a known encoding, or the file is damaged
 ├── NotFound                what a request names does not exist
 │    └── DocumentNotFound   no document has that id
 ├── StorageError            the database cannot be opened or migrated
 ├── QuerySyntaxError        a search query cannot be understood
 └── IndexProblem            the search index is missing, outdated or busy
"""

from __future__ import annotations


class KBError(Exception):
    """Base class: an error with a message fit to show a user."""


class ConfigError(KBError):
    """A setting has a value kb cannot use."""


class IngestError(KBError):
    """A file cannot become a document."""


class UnsupportedFile(IngestError):
    """The file type is not one kb reads."""


class EmptyFile(IngestError):
    """The file holds no text."""


class FileTooLarge(IngestError):
    """The file is over the size limit."""


class UndecodableFile(IngestError):
    """The bytes are not text in a known encoding, or the file is damaged."""


class NotFound(KBError):
    """What a request names (a document, tag, pack, section, item or share link) does
    not exist; kb.tagging and kb.packs have their own kinds of it."""


class DocumentNotFound(NotFound):
    """No document has that id."""


class StorageError(KBError):
    """The database cannot be opened or migrated."""


class QuerySyntaxError(KBError):
    """A search query cannot be understood."""


class IndexProblem(KBError):
    """The search index is missing, outdated or busy."""
