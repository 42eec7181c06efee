"""Choose a hit's passages and mark the characters of the original text that match.

Matching runs on the normalized text (simplified, half-width, lower case), which has the
same length as the original, so a match at ``[i, j)`` marks original characters
``[i, j)`` — traditional text gets its own characters marked, never re-segmented. The
same string search picks the passages to show, so showing a hit costs no index search.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
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


def best_passages(
    passages: Iterable[tuple[int, str] | tuple[int, str, str | None]],
    needles: Sequence[str],
    *,
    limit: int,
) -> list[tuple[int, str]]:
    """Return up to ``limit`` passages as ``(ordinal, html)``, those matching most first.

    A passage is ``(ordinal, text)`` or, as the index stores them, ``(ordinal, text,
    normalized)`` with the text's search form already made (None: the text itself; see
    :func:`indexer.build.stored_passages`).

    A passage scores the total length of the distinct needles it contains, then the
    number of characters marked; ties go to the earlier passage. When none matches, the
    first passage is returned unmarked.

    >>> best_passages([(0, "导语"), (1, "党建"), (2, "基層黨建")], ["基层党建", "党建"], limit=2)
    [(2, '<mark>基層黨建</mark>'), (1, '<mark>党建</mark>')]
    >>> best_passages([(0, "导语"), (1, "正文")], ["党建"], limit=2)
    [(0, '导语')]
    """
    wanted = [n for n in dict.fromkeys(needles) if n]
    scored: list[tuple[tuple[int, int, int], str, list[tuple[int, int]]]] = []
    first: tuple[int, str] | None = None
    for ordinal, text, *form in passages:
        if first is None or ordinal < first[0]:
            first = (ordinal, text)
        normalized = normalize(text) if not form else form[0] or text
        found = [n for n in wanted if n in normalized]
        if found:
            spans = match_spans(normalized, found)
            covered = sum(end - start for start, end in spans)
            scored.append(((-sum(map(len, found)), -covered, ordinal), text, spans))
    if not scored:
        return [] if first is None else [(first[0], mark_html(first[1], []))]
    scored.sort(key=lambda item: item[0])
    return [(key[2], mark_html(text, spans)) for key, text, spans in scored[:limit]]
