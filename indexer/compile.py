"""Turn a parsed query into Whoosh queries: what matches, what ranks first, what to mark.

For each clause (a run of text the user typed without spaces):

* the **exact** form is a phrase of characters in the text or head — the clause's
  character sequence, whatever jieba made of it (组工 inside 组工干部);
* the **loose** form asks for the clause's jieba words (each as a word or as a
  character phrase) and, for longer natural queries, only most of them: all words up to
  two, then 60 % (如何培养选拔优秀年轻干部 needs two of 培养 / 选拔 / 优秀年轻干部);
* quoted clauses have only the exact form.

Ranking tiers put documents containing every clause exactly first, then those that
contain them through a synonym or variant, then loose matches; BM25F orders each tier.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass
from itertools import combinations

from whoosh.query import And, AndNot, Every, NumericRange, Or, Phrase, Prefix, Query, Term

from indexer.analysis import GRAM_JOINER, char_spans, search_subwords, segment_query
from indexer.build import tag_key
from indexer.query import Clause, Filters, ParsedQuery
from indexer.synonyms import Synonyms
from kb.db.models import TAG_KINDS

_STOP = "的 了 和 与 及 或 等 在 对 把 被 是 为 有 如何 怎样 怎么 怎么样 什么 哪些 哪里 为什么"
STOP_WORDS = frozenset(f"{_STOP} 是否 关于 有关 一些 一个 我们 他们 我 你 其 之 及其".split())
"""Query words that carry no topic: dropped from the loose form of a longer query."""

EXACT_BOOST = 4.0
VARIANT_BOOST = 2.0
LOOSE_SHARE = 0.6
MAX_LOOSE_WORDS = 8
"""Longer queries keep their first eight content words (C(8, 5) = 56 combinations)."""
DOC = Term("kind", "doc")


@dataclass(frozen=True)
class CompiledQuery:
    """Whoosh queries for one parsed query (all restricted to document entries)."""

    match: Query
    """What a document must match, filters included."""
    tiers: tuple[Query, ...]
    """Queries whose matches rank first, in order (exact; exact or variant, when the
    query has variants)."""
    needles: tuple[str, ...]
    """Normalized strings to mark in the shown text."""
    has_text: bool
    """False for a filters-only query (browse)."""


def char_phrase(field: str, text: str, boost: float = 1.0) -> Query:
    """Match ``text`` as a sequence of characters in ``field`` (a ``chars`` field).

    Punctuation inside ``text`` splits it into pieces that must all occur. A piece of
    several units is the phrase of its pairs (two units: one term); a single unit is the
    unit ending a run or any pair it starts.

    >>> char_phrase("chars", "组工干部")
    Phrase('chars', ['组 工', '工 干', '干 部'], slop=1, boost=1.000000)
    >>> char_phrase("chars", "考")
    Or([Term('chars', '考'), Prefix('chars', '考 ')])
    """
    pieces: list[list[str]] = [[]]
    last = None
    for unit, offset, _, _ in char_spans(text):
        if last is not None and offset != last + 1:
            pieces.append([])
        pieces[-1].append(unit)
        last = offset
    queries = [_units_query(field, units, boost) for units in pieces if units]
    return queries[0] if len(queries) == 1 else And(queries, boost=boost)


def _units_query(field: str, units: list[str], boost: float) -> Query:
    if len(units) == 1:
        return Or([Term(field, units[0]), Prefix(field, units[0] + GRAM_JOINER)], boost=boost)
    pairs = [f"{a}{GRAM_JOINER}{b}" for a, b in itertools.pairwise(units)]
    return (
        Term(field, pairs[0], boost=boost) if len(pairs) == 1 else Phrase(field, pairs, boost=boost)
    )


def exact(text: str, boost: float = 1.0) -> Query:
    """The clause text as a character sequence in the body, the head or the rest."""
    return Or(
        [
            char_phrase("chars", text, boost),
            char_phrase("head_chars", text, boost),
            char_phrase("rest_chars", text, boost / 4),
        ]
    )


def sub_words(word: str) -> list[str]:
    """The shorter dictionary words tiling ``word`` (jieba search mode), if any.

    >>> sub_words("培养人才")
    ['培养', '人才']
    >>> sub_words("一定两评三公开")
    []
    """
    spans = sorted(
        {(word.find(w), -len(w), w) for w in search_subwords(word) if w != word and len(w) > 1}
    )
    parts: list[str] = []
    covered = 0
    for start, _, sub in spans:  # left to right, longest first, never overlapping
        if start >= covered:
            parts.append(sub)
            covered = start + len(sub)
    # only a full tiling stands for the word: 一定两评三公开 is not 一定 + 三公
    return parts if sum(len(p) for p in parts) == len(word) else []


def _word(word: str) -> Query:
    """A query word found as a word, as characters, or through all its sub-words."""
    options: list[Query] = [Term("words", word), Term("head", word), exact(word)]
    parts = sub_words(word)
    if len(parts) > 1:
        options.append(And([exact(p) for p in parts]))
    return Or(options)


def at_least(queries: list[Query], needed: int) -> Query:
    """Match documents matching at least ``needed`` of ``queries``.

    Whoosh's ``Or(minmatch=…)`` is not implemented, so this is an OR of every AND of
    ``needed`` queries; a document matching more of them matches more ANDs and scores
    higher, which is the coordination bonus a natural-language query wants.
    """
    if needed <= 1:
        return Or(queries)
    if needed >= len(queries):
        return And(queries)
    return Or([And(list(combo)) for combo in combinations(queries, needed)])


def content_words(text: str) -> list[str]:
    """The clause's jieba words minus stop words (all words if only stop words remain)."""
    words = segment_query(text)
    kept = [w for w in words if w not in STOP_WORDS]
    return list(dict.fromkeys(kept or words))


def clause_query(clause: Clause, synonyms: Synonyms) -> tuple[Query, Query, Query]:
    """Return (match, exact, exact-or-variant) queries for one clause."""
    strict = exact(clause.text, EXACT_BOOST)
    variants = [exact(v, VARIANT_BOOST) for v in synonyms.variants(clause.text)]
    loose: list[Query] = []
    if not clause.phrase:
        # single characters scattered through a document say nothing about it
        words = [w for w in content_words(clause.text) if len(w) > 1]
        if len(words) > 1 or (words and (words[0] != clause.text or sub_words(words[0]))):
            words = words[:MAX_LOOSE_WORDS]
            needed = len(words) if len(words) <= 2 else math.ceil(LOOSE_SHARE * len(words))
            loose.append(at_least([_word(w) for w in words], needed))
    relaxed = Or([strict, *variants]) if variants else strict
    return Or([strict, *variants, *loose]), strict, relaxed


def clause_needles(clause: Clause, synonyms: Synonyms) -> list[str]:
    needles = [clause.text, *synonyms.variants(clause.text)]
    if not clause.phrase:
        needles += [w for w in content_words(clause.text) if len(w) > 1 or len(clause.text) == 1]
    return needles


def filter_query(filters: Filters) -> Query | None:
    """The filters as one query, or None when there are none."""
    parts: list[Query] = []
    if filters.doc_types:
        parts.append(Or([Term("doc_type", t) for t in filters.doc_types]))
    if filters.regions:
        parts.append(Or([Term("region", r) for r in filters.regions]))
    if filters.year_from is not None or filters.year_to is not None:
        parts.append(NumericRange("year", filters.year_from, filters.year_to))
    if filters.tags:
        parts.append(Or([Term("tags", tag_key(k, t)) for t in filters.tags for k in TAG_KINDS]))
    if not parts:
        return None
    return parts[0] if len(parts) == 1 else And(parts)


def compile_query(parsed: ParsedQuery, synonyms: Synonyms) -> CompiledQuery:
    """Compile ``parsed`` into the queries the searcher runs."""
    matches: list[Query] = []
    stricts: list[Query] = []
    relaxeds: list[Query] = []
    needles: list[str] = []
    for group in parsed.groups:
        compiled = [clause_query(c, synonyms) for c in group]
        matches.append(_any(q for q, _, _ in compiled))
        stricts.append(_any(s for _, s, _ in compiled))
        relaxeds.append(_any(r for _, _, r in compiled))
        for clause in group:
            needles.extend(clause_needles(clause, synonyms))

    restrict: list[Query] = [DOC]
    extra = filter_query(parsed.filters)
    if extra is not None:
        restrict.append(extra)
    match: Query = And([*restrict, *matches]) if matches else And(restrict)
    if not matches and extra is None:
        match = And([DOC, Every()])
    if parsed.excluded:
        match = AndNot(match, Or([exact(c.text) for c in parsed.excluded]))
    tiers: tuple[Query, ...] = ()
    if matches:
        exact_tier = And([*restrict, *stricts])
        relaxed_tier = And([*restrict, *relaxeds])
        # without synonyms or variants the second tier is the first: search it once
        tiers = (exact_tier,) if relaxed_tier == exact_tier else (exact_tier, relaxed_tier)
    return CompiledQuery(
        match=match,
        tiers=tiers,
        needles=tuple(dict.fromkeys(needles)),
        has_text=bool(matches),
    )


def _any(queries: object) -> Query:
    items = list(queries)  # type: ignore[call-overload]
    return items[0] if len(items) == 1 else Or(items)
