"""Hand-off types between the ingest steps, and ``prepare`` which chains them.

file bytes --sources.read_file--> RawDocument
RawDocument.body --clean.clean_text--> Cleaned
Cleaned + RawDocument.stated --metadata.describe--> Metadata
Cleaned.text --passages.split_passages--> [PassageSpan]
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace


@dataclass(frozen=True)
class RawDocument:
    """What a reader got out of one file, before any cleaning."""

    source: str
    """The path as given or found."""
    file_format: str
    """``txt``, ``md``, ``html`` or ``docx``."""
    encoding: str | None
    """Detected encoding of a text file; ``None`` for .docx."""
    original: str
    """The file's text exactly as decoded (for .docx, its paragraphs joined by newlines)."""
    body: str
    """The readable text to clean: the main text of a page, the body after front matter."""
    raw_hash: str
    """SHA-256 of the file's bytes."""
    stated: dict[str, object] = field(default_factory=dict)
    """Metadata the file states itself (YAML front matter, HTML meta): title, date,
    region, type, source, tags, author. It overrides detection."""
    warnings: tuple[str, ...] = ()
    """What reading had to repair (e.g. NUL bytes removed from a text file)."""


@dataclass(frozen=True)
class Cleaned:
    """Body text after the cleaning rules, with what they moved out of it."""

    text: str
    """Cleaned text as Markdown: paragraphs separated by a blank line."""
    found: dict[str, str]
    """Metadata lines moved out of the text. Keys: ``title`` (a title line that the
    body repeated), ``date`` (the raw date text, e.g. ``2022-10-16 11:44:00``),
    ``author`` (a byline), ``author_note`` (e.g. ``作者系…``), ``source`` (a 来源 line)."""
    warnings: tuple[str, ...]
    """Problems the rules could not repair, each naming where it is."""


@dataclass(frozen=True)
class Metadata:
    """How a document describes itself."""

    title: str
    doc_type: str
    """``policy``, ``experience`` or ``case``."""
    doc_type_reason: str
    region: str | None
    """Short simplified name of the place the text is about, e.g. ``即墨``."""
    region_code: str | None
    """The region's administrative division code (adcode), when known."""
    date: dt.date | None
    year: int | None
    author: str | None
    author_note: str | None


@dataclass(frozen=True)
class PassageSpan:
    """One passage of the cleaned text: ``text == cleaned[start:end]``."""

    ordinal: int
    start: int
    end: int
    text: str


@dataclass(frozen=True)
class PreparedDocument:
    """A file turned into everything the database stores about it."""

    raw: RawDocument
    cleaned: Cleaned
    metadata: Metadata
    passages: tuple[PassageSpan, ...]
    stated_tags: tuple[str, ...]


def prepare(raw: RawDocument) -> PreparedDocument:
    """Clean, describe and split one read file."""
    from kb.ingest.clean import clean_text
    from kb.ingest.metadata import describe
    from kb.ingest.passages import split_passages

    cleaned = clean_text(raw.body)
    if raw.warnings:
        cleaned = replace(cleaned, warnings=(*raw.warnings, *cleaned.warnings))
    metadata = describe(cleaned, raw.stated)
    tags = raw.stated.get("tags") or ()
    if isinstance(tags, str):
        tags = [t.strip() for t in tags.replace("，", ",").split(",")]
    return PreparedDocument(
        raw=raw,
        cleaned=cleaned,
        metadata=metadata,
        passages=tuple(split_passages(cleaned.text)),
        stated_tags=tuple(str(t) for t in tags if str(t).strip()),
    )
