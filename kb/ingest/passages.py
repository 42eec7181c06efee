"""Split cleaned Markdown text into passages: the units that search hits point at.

A passage is a natural paragraph (a block between blank lines). A paragraph longer than
``MAX_CHARS`` is cut at sentence ends into chunks of about equal size; only a single
sentence longer than ``HARD_MAX_CHARS`` is cut inside, preferably after a comma.
Every passage is an exact slice of the text: ``text[p.start:p.end] == p.text``.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator

from kb.ingest.document import PassageSpan

MAX_CHARS = 300
HARD_MAX_CHARS = 600

_BLANK_LINES = re.compile(r"\n(?:[^\S\n]*\n)+")
_MARKER = re.compile(r"(?:#+|>|-)(?:[ \t]+|\Z)")  # \Z: an empty heading or item
# A sentence ends at 。！？； (or ASCII !?; and a '.' before a space), with closing quotes.
_SENTENCE_END = re.compile(r"(?:[。！？；!?;]+|\.(?=\s))[”’」』\"')）]*")
_SOFT_BREAK = re.compile(r"[，、,：:]")


def _blocks(text: str) -> Iterator[tuple[int, int]]:
    """Yield ``(start, end)`` of each block between blank lines."""
    start = 0
    for m in _BLANK_LINES.finditer(text):
        yield start, m.start()
        start = m.end()
    yield start, len(text)


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    """Narrow ``start:end`` to exclude surrounding whitespace."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def _skip_markers(text: str, start: int, end: int) -> int:
    """Move ``start`` past Markdown block markers (``# ``, ``> ``, ``- ``) and whitespace."""
    start, end = _trim(text, start, end)
    while m := _MARKER.match(text, start, end):
        start, end = _trim(text, m.end(), end)
    return start


def _sentences(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Cut ``start:end`` after each sentence end; the pieces cover the range."""
    pieces = []
    for m in _SENTENCE_END.finditer(text, start, end):
        if m.end() > start:
            pieces.append((start, m.end()))
            start = m.end()
    if start < end:
        pieces.append((start, end))
    return pieces


def _hard_cut(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Cut an overlong sentence into pieces of at most ``MAX_CHARS``, after a comma if any."""
    pieces = []
    while end - start > MAX_CHARS:
        window = text[start + MAX_CHARS // 2 : start + MAX_CHARS]
        commas = [m.end() for m in _SOFT_BREAK.finditer(window)]
        cut = start + MAX_CHARS // 2 + commas[-1] if commas else start + MAX_CHARS
        pieces.append((start, cut))
        start = cut
    pieces.append((start, end))
    return pieces


def _chunks(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Group the sentences of a long paragraph into chunks of about equal size."""
    if end - start <= MAX_CHARS:
        return [(start, end)]
    units: list[tuple[int, int]] = []
    for s, e in _sentences(text, start, end):
        units.extend(_hard_cut(text, s, e) if e - s > HARD_MAX_CHARS else [(s, e)])
    target = (end - start) / math.ceil((end - start) / MAX_CHARS)
    chunks: list[tuple[int, int]] = []
    for s, e in units:
        if chunks and e - chunks[-1][0] <= MAX_CHARS and chunks[-1][1] - chunks[-1][0] < target:
            chunks[-1] = (chunks[-1][0], e)
        else:
            chunks.append((s, e))
    return chunks


def split_passages(text: str) -> list[PassageSpan]:
    """Split text into passages with exact offsets.

    ``"第一段。\\n\\n# 標題"`` ⇒ ``[(0, 0, 4, "第一段。"), (1, 8, 10, "標題")]`` as PassageSpans.
    """
    spans: list[tuple[int, int]] = []
    for block_start, block_end in _blocks(text):
        start = _skip_markers(text, block_start, block_end)
        for s, e in _chunks(text, *_trim(text, start, block_end)):
            s, e = _trim(text, s, e)
            if s < e:
                spans.append((s, e))
    return [PassageSpan(n, s, e, text[s:e]) for n, (s, e) in enumerate(spans)]
