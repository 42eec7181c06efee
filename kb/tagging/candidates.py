"""The hand-off type of the extractors: a tag found in one document's text."""

from __future__ import annotations

import re
from dataclasses import dataclass

KINDS = ("approach", "demonstration", "topic", "policy")
KIND_LABELS = {
    "approach": "创新做法",
    "demonstration": "典型示范",
    "topic": "主题",
    "policy": "政策文件",
}
"""How the interface names each kind."""

_SENTENCE_END = re.compile(r"[。！？；!?;\n]")


@dataclass(frozen=True)
class Candidate:
    """A tag an extractor found, with the evidence that names it."""

    name: str
    """The name as the text writes it (original script), without quotes or brackets."""
    kind: str
    """``approach``, ``demonstration``, ``topic`` or ``policy`` (a 《…》 title)."""
    evidence: str
    """The sentence of the text that names it (for topics: the strongest sentence)."""
    start: int = -1
    """Offset of the name in the cleaned text (-1 for topics)."""
    end: int = -1
    definition: str | None = None
    """What the text says the approach is, where it says so."""
    reason: str | None = None
    """Why a topic or demonstration was assigned, in Chinese, shown to editors."""


def sentence_around(text: str, start: int, end: int, *, limit: int = 200) -> str:
    """Return the sentence of ``text`` holding ``[start, end)``, clipped around it.

    >>> sentence_around("第一句。推行“一定两评三公开”责任制。第三句", 5, 12)
    '推行“一定两评三公开”责任制。'
    """
    left = max((m.end() for m in _SENTENCE_END.finditer(text, 0, start)), default=0)
    match = _SENTENCE_END.search(text, end)
    right = match.end() if match else len(text)
    sentence = text[left:right].strip()
    if len(sentence) <= limit:
        return sentence
    offset = start - left
    lo = max(0, min(offset - limit // 3, len(sentence) - limit))
    return (
        ("…" if lo else "")
        + sentence[lo : lo + limit]
        + ("…" if lo + limit < len(sentence) else "")
    )
