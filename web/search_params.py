"""URL parameters ⇄ a search: shared by the search page and ``/api/search``.

The URL carries the whole state (``q``, ``type``, ``region``, ``year``, ``tag``, ``sort``,
``page``, ``per_page``), so a search can be bookmarked and shared. Facet filters may
repeat (``tag=柔性考核&tag=公信组工``).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from werkzeug.datastructures import MultiDict

from indexer.query import ParsedQuery, parse_filters, parse_query
from indexer.results import SearchResult
from indexer.searcher import MAX_PER_PAGE, SORTS
from kb.errors import QuerySyntaxError
from kb.tagging.glossary import resolve_names
from web.params import BadParameter, optional_number, shown
from web.services import get_services

FILTER_KEYS = ("type", "region", "year", "tag")
FILTER_ARGUMENTS = {"type": "doc_type", "region": "region", "year": "year", "tag": "tag"}
"""Each filter's URL parameter → its argument of ``parse_filters``."""
MAX_PAGE = 10_000


@dataclass(frozen=True)
class SearchParams:
    q: str = ""
    page: int = 1
    per_page: int = 10
    sort: str = "relevance"
    filters: dict[str, tuple[str, ...]] = field(default_factory=dict)

    def url_args(self, **changes: object) -> dict[str, object]:
        """The query-string arguments of this search with ``changes`` applied."""
        args: dict[str, object] = {
            "q": self.q or None,
            **{k: list(v) for k, v in self.filters.items()},
        }
        if self.sort != "relevance":
            args["sort"] = self.sort
        if self.per_page != 10:
            args["per_page"] = self.per_page
        if self.page != 1:
            args["page"] = self.page
        args.update(changes)
        return {k: v for k, v in args.items() if v not in (None, "", [])}

    def without(self, key: str, value: str) -> dict[str, object]:
        """URL arguments with one filter value removed (and back to page 1)."""
        kept = [v for v in self.filters.get(key, ()) if v != value]
        return self.url_args(**{key: kept, "page": None})

    def adding(self, key: str, value: str) -> dict[str, object]:
        """URL arguments with one filter value added (and back to page 1)."""
        values = list(self.filters.get(key, ()))
        if value not in values:
            values.append(value)
        return self.url_args(**{key: values, "page": None})

    @property
    def is_empty(self) -> bool:
        return not self.q.strip() and not any(self.filters.values())


def parse_params(args: MultiDict[str, str]) -> SearchParams:
    """Read and check the search parameters of a request; a bad value raises
    BadParameter naming it."""
    sort = args.get("sort", "relevance") or "relevance"
    if sort not in SORTS:
        raise BadParameter("sort", f"参数 sort 只能是 relevance 或 date，而不是“{shown(sort)}”")
    filters = {key: tuple(v.strip() for v in args.getlist(key) if v.strip()) for key in FILTER_KEYS}
    return SearchParams(
        q=args.get("q", ""),
        page=optional_number(args.get("page"), "page", default=1, low=1, high=MAX_PAGE),
        per_page=optional_number(
            args.get("per_page"), "per_page", default=10, low=1, high=MAX_PER_PAGE
        ),
        sort=sort,
        filters={k: v for k, v in filters.items() if v},
    )


def parsed_query(params: SearchParams) -> ParsedQuery:
    """The query and filters as kb's parsed query, tag aliases resolved to tag names.

    A query or filter kb cannot understand raises BadParameter naming its parameter."""
    f = params.filters
    try:
        parsed = parse_query(params.q)
    except BadParameter:
        raise
    except QuerySyntaxError as exc:
        raise BadParameter("q", str(exc)) from None
    for key in FILTER_KEYS:
        try:  # one key at a time, so a conflict (year=2016 with q=year:2018) names its key
            filters = parse_filters(**{FILTER_ARGUMENTS[key]: list(f.get(key, ()))})
            parsed = parsed.with_filters(filters)
        except QuerySyntaxError as exc:
            raise BadParameter(key, str(exc)) from None
    if parsed.filters.tags:
        with get_services().db.session() as session:
            names = resolve_names(session, parsed.filters.tags)
        parsed = replace(parsed, filters=replace(parsed.filters, tags=names))
    return parsed


def run_search(params: SearchParams) -> SearchResult:
    """Search with ``params`` on the shared warm searcher."""
    return (
        get_services()
        .searcher()
        .search(parsed_query(params), page=params.page, per_page=params.per_page, sort=params.sort)
    )
