"""Evaluate a compiled Whoosh query over postings arrays: every match and its BM25 score.

The searcher needs the *whole* set of matching documents — totals, facets, tiers and
folding copies are over all of them — and scores to order them. Walking Whoosh's
matchers document by document costs a second or more for a common word in 10,000
documents; here each leaf (term, phrase, prefix, range) becomes arrays of docnums and
scores from :class:`~indexer.postings.PostingsCache`, and ``And`` / ``Or`` /
``AndNot`` become sorted-array intersections and unions.

Scores follow Whoosh's BM25F (B 0.75, K1 1.2, idf ``log(N / (df + 1)) + 1``, a field's
boost folded into its weights); a phrase scores as its terms would at the phrase's
frequency. Filter fields (not scorable) add nothing. Any other query type falls back to
Whoosh's own matching, unscored.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from whoosh.query import And, AndNot, Every, NumericRange, Or, Phrase, Prefix, Query, Term
from whoosh.searching import Searcher as WhooshSearcher

from indexer.postings import POSITION_BITS, PostingsCache
from indexer.table import DocTable

B = 0.75
K1 = 1.2
DENSE_SHARE = 16
"""A union whose parts hold at least 1/16 of the corpus's docnums uses a dense table."""
RANGE_FIELDS = ("year", "date", "doc_id")
"""Numeric fields whose values the :class:`DocTable` holds, so ranges need no postings."""


@dataclass(frozen=True)
class Matches:
    """Matching docnums, ascending, and each one's score."""

    docs: np.ndarray
    scores: np.ndarray

    @classmethod
    def empty(cls) -> Matches:
        return cls(np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float64))

    def __len__(self) -> int:
        return len(self.docs)


class Evaluator:
    """Evaluates queries over one reader; remembers each sub-query's matches while alive.

    One evaluator serves one search: the same phrase in the match and in a ranking tier
    is evaluated once.
    """

    def __init__(self, searcher: WhooshSearcher, table: DocTable, cache: PostingsCache) -> None:
        self.searcher = searcher
        self.schema = searcher.schema
        self.table = table
        self.cache = cache
        self.total = max(int(table.live.sum()), 1)
        self._memo: dict[Query, Matches] = {}

    def matches(self, query: Query) -> Matches:
        found = self._memo.get(query)
        if found is None:
            found = self._evaluate(query)
            self._memo[query] = found
        return found

    def _evaluate(self, query: Query) -> Matches:
        boost = float(getattr(query, "boost", 1.0))
        if isinstance(query, Term):
            return self._term(query.fieldname, _text(query.text), boost)
        if isinstance(query, Phrase):
            return self._phrase(query.fieldname, [_text(w) for w in query.words], boost)
        if isinstance(query, Prefix):
            terms = self.cache.expand_prefix(query.fieldname, _text(query.text))
            parts = [self._term(query.fieldname, t, 1.0) for t in terms]
            return _scaled(_union(parts, self.table.size), boost)
        if isinstance(query, And):
            return _scaled(_intersection([self.matches(q) for q in query.subqueries]), boost)
        if isinstance(query, Or):
            parts = [self.matches(q) for q in query.subqueries]
            return _scaled(_union(parts, self.table.size), boost)
        if isinstance(query, AndNot):
            positive, negative = self.matches(query.a), self.matches(query.b)
            keep = ~np.isin(positive.docs, negative.docs, assume_unique=True)
            return _scaled(Matches(positive.docs[keep], positive.scores[keep]), boost)
        if isinstance(query, NumericRange) and query.fieldname in RANGE_FIELDS:
            return self._range(query)
        if isinstance(query, Every) and not query.fieldname:
            docs = np.nonzero(self.table.live)[0].astype(np.int64)
            return Matches(docs, np.zeros(len(docs)))
        docs = np.fromiter(self.searcher.docs_for_query(query), dtype=np.int64)
        docs = np.unique(docs[self.table.live[docs]])
        return Matches(docs, np.zeros(len(docs)))

    # -- leaves ------------------------------------------------------------------------
    def _term(self, field: str, text: str, boost: float) -> Matches:
        postings = self.cache.postings(field, text)
        if not self.schema[field].scorable:
            return Matches(postings.docs, np.zeros(len(postings.docs)))
        scores = self._bm25(field, postings.docs, postings.weights, [len(postings.docs)])
        return Matches(postings.docs, scores * boost)

    def _phrase(self, field: str, words: list[str], boost: float) -> Matches:
        """Documents where ``words`` occur at consecutive positions (Whoosh's slop 1).

        Only the words' positions are read (their postings would be a second read of
        the same occurrences): the rarest word first, by the term dictionary's count, so
        every intersection after it is at most that long and a phrase that cannot occur
        stops early. Each word's live document frequency, for scoring, comes from its positions.
        """
        order = sorted(range(len(words)), key=lambda i: self.cache.doc_frequency(field, words[i]))
        frequencies = [0] * len(words)
        keys: np.ndarray | None = None
        for i in order:
            positions = self.cache.positions(field, words[i])
            frequencies[i] = self.cache.live_frequency(field, words[i], positions)
            # keys hold where the phrase would start; the running keys (short, after the
            # rarest word) move to word i, never a frequent word's millions of positions
            keys = positions - i if keys is None else keys[common(keys + i, positions)[0]]
            if not len(keys):
                return Matches.empty()
        assert keys is not None
        docs, counts = _runs(keys >> POSITION_BITS)
        field_boost = float(self.schema[field].format.field_boost)
        scores = self._bm25(field, docs, counts * field_boost, frequencies)
        return Matches(docs, scores * boost)

    def _range(self, query: NumericRange) -> Matches:
        values = getattr(self.table, query.fieldname)
        keep = self.table.live.copy()
        if query.start is not None:
            keep &= values > query.start if query.startexcl else values >= query.start
        if query.end is not None:
            keep &= values < query.end if query.endexcl else values <= query.end
        docs = np.nonzero(keep)[0].astype(np.int64)
        return Matches(docs, np.zeros(len(docs)))

    def _bm25(
        self, field: str, docs: np.ndarray, weights: np.ndarray, frequencies: list[int]
    ) -> np.ndarray:
        """BM25 of ``weights`` (term frequencies) in ``docs``, summed over terms of the
        given document frequencies (one for a term, one per word for a phrase)."""
        idf = sum(math.log(self.total / (df + 1)) + 1 for df in frequencies)
        lengths = self.table.lengths[field][docs] if field in self.table.lengths else 1.0
        average = self.table.average_length.get(field, 1.0)
        norm = K1 * ((1 - B) + B * lengths / average)
        return idf * (weights * (K1 + 1)) / (weights + norm)


def _text(value: object) -> str:
    return value.decode("utf-8") if isinstance(value, bytes) else str(value)


def _scaled(matches: Matches, boost: float) -> Matches:
    return matches if boost == 1.0 else Matches(matches.docs, matches.scores * boost)


def _union(parts: list[Matches], size: int) -> Matches:
    """Every docnum of the parts, scores summed; ``size``: the reader's docnum count.

    When the parts are long against the corpus, a docnum-indexed table beats sorting.
    """
    parts = [p for p in parts if len(p)]
    if not parts:
        return Matches.empty()
    if len(parts) == 1:
        return parts[0]
    docs = np.concatenate([p.docs for p in parts])
    weights = np.concatenate([p.scores for p in parts])
    if len(docs) * DENSE_SHARE >= size:
        present = np.zeros(size, dtype=bool)
        present[docs] = True
        found = np.flatnonzero(present)
        return Matches(found, np.bincount(docs, weights=weights, minlength=size)[found])
    found, inverse = np.unique(docs, return_inverse=True)
    return Matches(found, np.bincount(inverse, weights=weights))


def _runs(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The distinct values of a sorted array and how many times each occurs.

    >>> _runs(np.array([2, 2, 5, 7, 7, 7]))
    (array([2, 5, 7]), array([2, 1, 3]))
    """
    if not len(values):
        return values, np.zeros(0, dtype=np.int64)
    starts = np.flatnonzero(np.concatenate(([True], values[1:] != values[:-1])))
    return values[starts], np.diff(np.append(starts, len(values)))


def common(a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Indices into ``a`` and into ``b`` of the values both hold (both sorted, unique).

    A binary search of each value of the shorter in the longer: no sorting, unlike
    ``np.intersect1d``, which matters when one side is a common term's long postings.

    >>> common(np.array([1, 3, 5]), np.array([0, 3, 4, 5, 9]))
    (array([1, 2]), array([1, 3]))
    """
    if len(a) > len(b):
        theirs, mine = common(b, a)
        return mine, theirs
    if not len(a):
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    where = np.searchsorted(b, a)
    found = where < len(b)
    found[found] = b[where[found]] == a[found]
    return np.nonzero(found)[0], where[found]


def _intersection(parts: list[Matches]) -> Matches:
    if not parts:
        return Matches.empty()
    parts = sorted(parts, key=len)  # the shortest first: every step is at most that long
    result = parts[0]
    for part in parts[1:]:
        mine, theirs = common(result.docs, part.docs)
        result = Matches(result.docs[mine], result.scores[mine] + part.scores[theirs])
        if not len(result):
            break
    return result
