"""Chinese script conversion shared by ingest and the index."""

from __future__ import annotations

from functools import lru_cache

import opencc


@lru_cache(maxsize=1)
def _t2s() -> opencc.OpenCC:
    return opencc.OpenCC("t2s.json")


def to_simplified(text: str) -> str:
    """Convert traditional script to simplified with OpenCC ``t2s``.

    >>> to_simplified("組織工作")
    '组织工作'
    """
    return _t2s().convert(text)
