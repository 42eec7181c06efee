"""Order matches best first and fold copies, sorting only what a page shows.

A result set can be most of the corpus; a page shows ten of it. Folding keeps, of each
group of copies, the best-ranked entry — only entries that have copies need ranking for
that, and they are few. The page's entries are the ``limit`` best of the folded set:
``np.argpartition`` picks every entry whose leading key is within the ``limit`` best
(ties included), and only those are sorted by the full order.

Relevance order: tier (exact matches first), then score (higher first), then document
id. Date order: date (newest first), then the relevance order.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from indexer.table import DocTable

TIER_SPAN = 1e12
"""Keeps tiers apart in the combined key ``tier * TIER_SPAN - score`` (scores are far
smaller), so the key never orders two entries against their (tier, score) order."""


@dataclass(frozen=True)
class Ranked:
    """Folded matches: all of them (any order) and the best ``limit``, best first."""

    docs: np.ndarray
    """Every folded match's docnum: the result set facets and totals count."""
    top: np.ndarray
    """Docnums of the best ``limit`` folded matches, best first."""
    top_scores: np.ndarray
    exact: int
    """How many folded matches are in the first tier."""


def rank(
    table: DocTable,
    docs: np.ndarray,
    scores: np.ndarray,
    tier: np.ndarray,
    *,
    sort: str,
    limit: int | None,
) -> Ranked:
    """Fold ``docs`` (with their scores and tiers) and order the best ``limit`` of them
    (``None``: all)."""
    keep = _fold(table, docs, scores, tier, sort)
    docs, scores, tier = docs[keep], scores[keep], tier[keep]
    chosen = _best(table, docs, scores, tier, sort=sort, limit=limit)
    return Ranked(docs, docs[chosen], scores[chosen], int((tier == 0).sum()))


def _order(
    table: DocTable, docs: np.ndarray, scores: np.ndarray, tier: np.ndarray, sort: str
) -> np.ndarray:
    """Indices ordering these entries fully (``np.lexsort``: last key first)."""
    keys = [table.doc_id[docs], -scores, tier]
    if sort == "date":
        keys.append(-table.date[docs])
    return np.lexsort(keys)


def _fold(
    table: DocTable, docs: np.ndarray, scores: np.ndarray, tier: np.ndarray, sort: str
) -> np.ndarray:
    """Indices of the entries to keep: every entry without copies, and of each group of
    copies the first in ``sort`` order. Ascending, so ``docs`` stays sorted."""
    copied = np.nonzero(table.has_copies[docs])[0]
    if not len(copied):
        return np.arange(len(docs))
    ordered = copied[_order(table, docs[copied], scores[copied], tier[copied], sort)]
    _, first = np.unique(table.canonical[docs[ordered]], return_index=True)
    keep = np.ones(len(docs), dtype=bool)
    keep[copied] = False
    keep[ordered[first]] = True
    return np.nonzero(keep)[0]


def _best(
    table: DocTable,
    docs: np.ndarray,
    scores: np.ndarray,
    tier: np.ndarray,
    *,
    sort: str,
    limit: int | None,
) -> np.ndarray:
    """Indices of the best ``limit`` entries, best first."""
    if limit is not None and limit < len(docs):
        lead = -table.date[docs] if sort == "date" else tier * TIER_SPAN - scores
        threshold = np.partition(lead, limit - 1)[limit - 1]
        candidates = np.nonzero(lead <= threshold)[0]
    else:
        candidates = np.arange(len(docs))
    ordered = candidates[
        _order(table, docs[candidates], scores[candidates], tier[candidates], sort)
    ]
    return ordered if limit is None else ordered[:limit]
