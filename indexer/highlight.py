"""Mark the characters of the original text that match the query.

Matching runs on the normalized text (simplified, half-width, lower case), which has the
same length as the original, so a match at ``[i, j)`` marks original characters
``[i, j)`` — traditional text gets its own characters marked, never re-segmented.
"""

from __future__ import annotations

from collections.abc import Iterable
from html import escape

from indexer.normalize import normalize


def match_spans(normalized: str, needles: Iterable[str]) -> list[tuple[int, int]]:
    """Return the merged spans where any needle occurs in ``normalized``.

    >>> match_spans("基层党建和党建", ["党建", "基层党建"])
    [(0, 4), (5, 7)]
    """
    spans: list[tuple[int, int]] = []
    for needle in {n for n in needles if n}:
        start = normalized.find(needle)
        while start != -1:
            spans.append((start, start + len(needle)))
            start = normalized.find(needle, start + 1)
    spans.sort()
    merged: list[tuple[int, int]] = []
    for start, end in spans:
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def mark_html(original: str, spans: Iterable[tuple[int, int]]) -> str:
    """Escape ``original`` as HTML and wrap each span in ``<mark>``.

    >>> mark_html("<b>黨建</b>", [(3, 5)])
    '&lt;b&gt;<mark>黨建</mark>&lt;/b&gt;'
    """
    out: list[str] = []
    cursor = 0
    for start, end in spans:
        out.append(escape(original[cursor:start]))
        out.append(f"<mark>{escape(original[start:end])}</mark>")
        cursor = end
    out.append(escape(original[cursor:]))
    return "".join(out)


def highlight(original: str, needles: Iterable[str]) -> str:
    """Return ``original`` as HTML with every match of a needle marked.

    >>> highlight("基層黨建工作", ["基层党建"])
    '<mark>基層黨建</mark>工作'
    """
    return mark_html(original, match_spans(normalize(original), needles))
