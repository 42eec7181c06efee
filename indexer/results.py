"""What a search returns: plain data, shaped once for the CLI and the JSON API."""

from __future__ import annotations

from dataclasses import dataclass, field

FACET_KINDS = ("doc_type", "region", "year", "tag")


@dataclass(frozen=True)
class PassageHit:
    ordinal: int
    html: str
    """The passage's original text, HTML-escaped, matches wrapped in ``<mark>``."""


@dataclass(frozen=True)
class Hit:
    id: int
    title: str
    source: str
    score: float
    doc_type: str
    region: str | None
    year: int | None
    date: str | None
    author: str | None
    tags: tuple[tuple[str, str], ...]
    """(name, kind) pairs."""
    passages: tuple[PassageHit, ...]
    also_at: tuple[str, ...]
    """Sources of the near-duplicate copies folded into this hit."""

    def to_json(self) -> dict[str, object]:
        return {
            "id": self.id,
            "title": self.title,
            "source": self.source,
            "score": round(self.score, 4),
            "doc_type": self.doc_type,
            "region": self.region,
            "year": self.year,
            "date": self.date,
            "author": self.author,
            "tags": [{"name": name, "kind": kind} for name, kind in self.tags],
            "passages": [{"ordinal": p.ordinal, "html": p.html} for p in self.passages],
            "also_at": list(self.also_at),
        }


@dataclass(frozen=True)
class Facets:
    doc_type: dict[str, int] = field(default_factory=dict)
    region: dict[str, int] = field(default_factory=dict)
    year: dict[str, int] = field(default_factory=dict)
    tag: dict[str, dict[str, int]] = field(default_factory=dict)
    """Tag counts by kind: ``{"approach": {"一定两评三公开": 1}, …}``."""
    omitted: dict[str, int] = field(default_factory=dict)
    """How many further values a long facet has beyond those listed (most common first):
    ``{"region": 120, "approach": 3}``; facets with none are left out."""

    def to_json(self) -> dict[str, object]:
        return {
            "doc_type": self.doc_type,
            "region": self.region,
            "year": self.year,
            "tag": self.tag,
            "omitted": self.omitted,
        }


@dataclass(frozen=True)
class SearchResult:
    query: str
    total: int
    page: int
    per_page: int
    hits: tuple[Hit, ...]
    facets: Facets
    suggestion: str | None = None

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))

    def to_json(self) -> dict[str, object]:
        return {
            "query": self.query,
            "total": self.total,
            "page": self.page,
            "per_page": self.per_page,
            "pages": self.pages,
            "hits": [hit.to_json() for hit in self.hits],
            "facets": self.facets.to_json(),
            "suggestion": self.suggestion,
        }
