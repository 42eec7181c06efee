"""Parse a search query into a plain object before anything searches with it.

The grammar, informally (operators are case-sensitive, filter keys are not)::

    query   := item*                        items are ANDed
    item    := clause | NOT clause | -clause | clause (OR | | | 或) clause … | filter
    clause  := word | "phrase"              “…” 「…」 『…』 ‘…’ quote too; unclosed runs to the end
    filter  := key (: | ：) value           type/类型 region/地区 year/年份 tag/标签

Whitespace and punctuation outside quotes separate clauses, so a pasted sentence splits
into its words; ``-`` negates only at the start of a clause (``2015-2020`` is two
clauses). An unknown ``foo:bar`` is plain text. Clause texts are :func:`normalize`-d
(simplified script, half-width, lower case) with whitespace removed.

>>> q = parse_query('組工 OR 党建 -"形式 主义" 类型：经验 year:2015-2020')
>>> [[c.text for c in g] for g in q.groups], [c.text for c in q.excluded]
([['组工', '党建']], ['形式主义'])
>>> q.filters
Filters(doc_types=('experience',), regions=(), year_from=2015, year_to=2020, tags=())
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, replace

from indexer.normalize import CJK_CLASS, normalize
from kb.db.models import DOC_TYPES
from kb.errors import QuerySyntaxError

__all__ = ["MAX_CLAUSES", "MAX_LENGTH", "Clause", "Filters", "ParsedQuery", "parse_filters",
           "parse_query"]  # fmt: skip

MAX_LENGTH = 200
MAX_CLAUSES = 32

_WORD = f"[{CJK_CLASS}]|[^\\W_]"
_WORD_RUN = re.compile(f"(?:{_WORD})+")
_YEAR_RUN = re.compile(f"(?:{_WORD}|[-~–—〜])+")  # a year value may hold a range dash
_WORD_CHAR = re.compile(_WORD)
# Opening quote ⇒ the characters that close it; typists mix straight and curly quotes.
_CLOSERS = {'"': '"“”', "“": "”“\"", "‘": "’‘", "「": "」", "『": "』"}  # fmt: skip
_KEYS = {"type": "type", "类型": "type", "region": "region", "地区": "region",
         "year": "year", "年份": "year", "tag": "tag", "标签": "tag"}  # fmt: skip
_TYPE_LABELS = {"policy": "政策文件", "experience": "经验材料", "case": "典型案例"}
_TYPE_ALIASES = {"政策": "policy", "文件": "policy", "经验": "experience", "案例": "case"}
_TYPE_ALIASES |= {t: t for t in _TYPE_LABELS} | {v: k for k, v in _TYPE_LABELS.items()}
_TYPE_CHOICES = "、".join(f"{t}（{_TYPE_LABELS[t]}）" for t in DOC_TYPES)
_YEAR = r"(?:([0-9]{4})年?)"
_YEAR_VALUE = re.compile(f"{_YEAR}?(?:([-~–—〜至到]){_YEAR}?)?")
_YEAR_ERROR = "年份应为四位数字或范围，如 year:2015 或 year:2015-2020"
_SURROGATE = re.compile("[\ud800-\udfff]")


@dataclass(frozen=True)
class Clause:
    """One searched term: ``text`` is its search form, ``original`` as typed."""

    text: str
    original: str
    phrase: bool = False


@dataclass(frozen=True)
class Filters:
    """Metadata restrictions; values of one kind are alternatives, kinds are ANDed."""

    doc_types: tuple[str, ...] = ()
    regions: tuple[str, ...] = ()
    year_from: int | None = None
    year_to: int | None = None
    tags: tuple[str, ...] = ()

    @property
    def is_empty(self) -> bool:
        """Tell whether nothing is restricted: ``Filters().is_empty`` ⇒ ``True``."""
        return self == Filters()

    def merge(self, other: Filters) -> Filters:
        """Join two sets of filters: values accumulate, year ranges intersect.

        ``Filters(year_from=2015).merge(Filters(year_to=2020))`` ⇒ years 2015–2020;
        ranges without a common year raise :class:`QuerySyntaxError`.
        """
        starts = [y for y in (self.year_from, other.year_from) if y is not None]
        ends = [y for y in (self.year_to, other.year_to) if y is not None]
        year_from, year_to = max(starts, default=None), min(ends, default=None)
        if year_from is not None and year_to is not None and year_from > year_to:
            mine = _years(self.year_from, self.year_to)
            theirs = _years(other.year_from, other.year_to)
            raise QuerySyntaxError(f"年份条件 {mine} 与 {theirs} 没有交集，请只写一个范围")
        return Filters(
            doc_types=_union(self.doc_types, other.doc_types),
            regions=_union(self.regions, other.regions),
            year_from=year_from,
            year_to=year_to,
            tags=_union(self.tags, other.tags),
        )


@dataclass(frozen=True)
class ParsedQuery:
    """A query as plain data: ``groups`` are ANDed, the clauses of a group ORed."""

    groups: tuple[tuple[Clause, ...], ...]
    excluded: tuple[Clause, ...]
    filters: Filters
    text: str

    @property
    def is_empty(self) -> bool:
        """Tell whether the query asks for nothing: ``parse_query(' ，').is_empty`` ⇒ True."""
        return not self.groups and not self.excluded and self.filters.is_empty

    @property
    def clauses(self) -> tuple[Clause, ...]:
        """Return the wanted (not excluded) clauses in query order, e.g. for highlighting."""
        return tuple(clause for group in self.groups for clause in group)

    def with_filters(self, extra: Filters) -> ParsedQuery:
        """Return this query restricted further by ``extra`` (CLI or URL options)."""
        return replace(self, filters=self.filters.merge(extra))


def parse_query(text: str) -> ParsedQuery:
    """Parse a query string; raise :class:`QuerySyntaxError` with a message for users.

    ``'一定两评三公开，基层党建'`` ⇒ two groups ``(一定两评三公开)`` and ``(基层党建)``;
    ``'"基层 党建" | 組工 NOT 形式主义'`` ⇒ one group ``(基层党建 phrase | 组工)``,
    excluded ``(形式主义)``.
    """
    if len(text.strip()) > MAX_LENGTH:
        raise QuerySyntaxError(f"查询过长（最多 {MAX_LENGTH} 字）")
    typed = _SURROGATE.sub("\ufffd", text)  # lone surrogates cannot be encoded anywhere
    builder = _Builder()
    norm = normalize(typed)  # same length: offsets into norm are offsets into typed
    i, n = 0, len(norm)
    while i < n:
        char = norm[i]
        if char in _CLOSERS:
            content, first, last, i = _quoted(norm, i)
            builder.clause(_phrase(content, typed[first:last]))
        elif char == "|":
            builder.join()
            i += 1
        elif char == "-" and i + 1 < n and (i == 0 or not _WORD_CHAR.match(norm[i - 1])):
            if _WORD_CHAR.match(norm[i + 1]) or norm[i + 1] in _CLOSERS:
                builder.negate()
            i += 1
        elif match := _WORD_RUN.match(norm, i):
            word, end = match.group(), match.end()
            key = _KEYS.get(word) if norm[end : end + 1] == ":" else None
            if key is not None:
                i = builder.filter(key, typed[i:end], norm, typed, end + 1)
                continue
            original = typed[i:end]
            if word in ("or", "或") and not any(c.islower() for c in original):
                builder.join()
            elif word == "not" and not any(c.islower() for c in original):
                builder.negate()
            elif word != "and" or any(c.islower() for c in original):  # AND is the default
                builder.clause(Clause(word, original))
            i = end
        else:
            i += 1  # whitespace, punctuation, symbols: clause separators
    return builder.build(text)


def parse_filters(
    doc_type: str | Iterable[str] | None = None,
    region: str | Iterable[str] | None = None,
    year: str | int | Iterable[str | int] | None = None,
    tag: str | Iterable[str] | None = None,
) -> Filters:
    """Validate filter options given separately (``--type``, ``?region=`` …) like the query.

    Each option is one value or several; blank values are skipped (an empty form field).
    ``parse_filters(doc_type="經驗", year="2015-")`` ⇒
    ``Filters(doc_types=('experience',), year_from=2015)``.
    """
    filters = Filters()
    for key, values in (("type", doc_type), ("region", region), ("year", year), ("tag", tag)):
        if values is None:
            continue
        for value in [values] if isinstance(values, str | int) else values:
            cleaned = _clean(normalize(str(value)))
            if cleaned:
                _require(key, key, cleaned)
                filters = filters.merge(_filter(key, cleaned, str(value).strip()))
    return filters


class _Builder:
    """Collect clauses, operators and filters in query order into a ParsedQuery."""

    def __init__(self) -> None:
        self.groups: list[list[Clause]] = []
        self.excluded: list[Clause] = []
        self.filters = Filters()
        self.negating = self.joining = self.after_clause = False

    def negate(self) -> None:
        """Exclude the next clause (NOT, -)."""
        self.negating = True

    def join(self) -> None:
        """OR the next clause into the previous one's group (OR, |, 或)."""
        self.joining = True

    def clause(self, clause: Clause | None) -> None:
        """Exclude, OR into the previous group or start a group, as the operators say."""
        if clause is None:
            return
        if self.negating:
            self.excluded.append(clause)
        elif self.joining and self.after_clause:
            self.groups[-1].append(clause)
        else:
            self.groups.append([clause])
        self.after_clause = not self.negating
        self.negating = self.joining = False

    def filter(self, key: str, typed_key: str, norm: str, typed: str, start: int) -> int:
        """Parse the value starting at ``start``, add the filter, return where it ends."""
        i = start
        while i < len(norm) and norm[i].isspace():
            i += 1
        run = _YEAR_RUN if key == "year" else _WORD_RUN
        if i < len(norm) and norm[i] in _CLOSERS:
            value, first, last, end = _quoted(norm, i)
        elif match := run.match(norm, i):
            value, first, last = match.group(), i, match.end()
            end = last
            if i > start and value in _KEYS and norm[end : end + 1] == ":":
                value, end = "", start  # "region: type:case": the value is missing
        else:
            value, first, last, end = "", i, i, i
        value = _clean(value)
        _require(key, typed_key, value)
        if self.negating:
            raise QuerySyntaxError(f"筛选条件 {typed_key}: 不能排除，请去掉 NOT 或 -")
        self.filters = self.filters.merge(_filter(key, value, typed[first:last].strip()))
        self.joining = self.after_clause = False  # OR next to a filter joins nothing
        return end

    def build(self, text: str) -> ParsedQuery:
        """Drop repeated clauses and groups (the first one typed stays) and check the count."""
        groups: dict[frozenset[tuple[str, bool]], tuple[Clause, ...]] = {}
        for group in map(_unique, self.groups):
            groups.setdefault(frozenset((c.text, c.phrase) for c in group), group)
        excluded = _unique(self.excluded)
        if sum(map(len, groups.values())) + len(excluded) > MAX_CLAUSES:
            raise QuerySyntaxError(f"查询词过多（最多 {MAX_CLAUSES} 个）")
        return ParsedQuery(tuple(groups.values()), excluded, self.filters, text)


def _quoted(norm: str, start: int) -> tuple[str, int, int, int]:
    """Return ``(content, first, last, end)`` of the quote opening at ``start``.

    ``_quoted('"党建" x', 0)`` ⇒ ``('党建', 1, 3, 4)``; an unclosed quote runs to the end.
    """
    closers = _CLOSERS[norm[start]]
    last = next((j for j in range(start + 1, len(norm)) if norm[j] in closers), len(norm))
    return norm[start + 1 : last], start + 1, last, min(last + 1, len(norm))


def _unique(clauses: list[Clause]) -> tuple[Clause, ...]:
    """Keep the first of clauses searching the same thing: ``组工 組工`` ⇒ ``组工``."""
    seen: dict[tuple[str, bool], Clause] = {}
    for clause in clauses:
        seen.setdefault((clause.text, clause.phrase), clause)
    return tuple(seen.values())


def _phrase(content: str, original: str) -> Clause | None:
    """Make a phrase clause, or None when it holds nothing searchable.

    ``_phrase('基层 党建', '基层 黨建')`` ⇒ ``Clause('基层党建', '基层 黨建', True)``.
    """
    text = _clean(content)
    return Clause(text, original.strip(), True) if _WORD_CHAR.search(text) else None


def _clean(text: str) -> str:
    """Drop whitespace and invisible control characters: ``'a\\u200b b'`` ⇒ ``'ab'``."""
    return "".join(c for c in "".join(text.split()) if unicodedata.category(c)[0] != "C")


def _require(key: str, typed_key: str, value: str) -> None:
    """Reject a value with nothing in it: ``tag:“，”`` is missing (``year:-`` is a bad year)."""
    if not (_WORD_CHAR.search(value) or (key == "year" and value)):
        raise QuerySyntaxError(f"筛选条件 {typed_key}: 缺少取值")


def _filter(key: str, value: str, typed: str) -> Filters:
    """Turn one normalized, cleaned value into Filters: ``('type', '案例', …)`` ⇒ case."""
    if key == "type":
        doc_type = _TYPE_ALIASES.get(value)
        if doc_type is None:
            raise QuerySyntaxError(f"未知的文档类型“{typed}”，可选：{_TYPE_CHOICES}")
        return Filters(doc_types=(doc_type,))
    if key == "year":
        return Filters(year_from=(years := _parse_year(value))[0], year_to=years[1])
    if key == "region":
        return Filters(regions=(value,))
    return Filters(tags=(value,))


def _parse_year(value: str) -> tuple[int | None, int | None]:
    """Parse a year or range: ``'2015'`` ⇒ (2015, 2015), ``'-2020'`` ⇒ (None, 2020).

    ``2015-2020``, ``2015–2020``, ``2015~2020``, ``2015至2020``, ``2015年到2020年`` and
    ``2015-`` work too; anything else, a year outside 1900–2100 or a reversed range
    raises :class:`QuerySyntaxError`.
    """
    match = _YEAR_VALUE.fullmatch(value)
    if not match or not (match[1] or match[3]):
        raise QuerySyntaxError(_YEAR_ERROR)
    first = int(match[1]) if match[1] else None
    last = first if match[2] is None else (int(match[3]) if match[3] else None)
    years = [y for y in (first, last) if y is not None]
    if any(not 1900 <= y <= 2100 for y in years) or (first and last and first > last):
        raise QuerySyntaxError(_YEAR_ERROR)
    return first, last


def _years(first: int | None, last: int | None) -> str:
    """Show a year range as a query would write it: (2015, None) ⇒ ``'2015-'``."""
    if first is not None and first == last:
        return str(first)
    return f"{first or ''}-{last or ''}"


def _union(first: tuple[str, ...], second: tuple[str, ...]) -> tuple[str, ...]:
    """Concatenate without repeats, keeping order: ``(a, b) ∪ (b, c)`` ⇒ ``(a, b, c)``."""
    return tuple(dict.fromkeys(first + second))
