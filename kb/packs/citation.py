"""The citation of a case (出处), written the same way in every export and on the site.

Form: ``作者：《题名》，地区，日期，第N段。来源：来源``, leaving out what is unknown::

    刘汉征：《党的十八届五中全会…》，濮阳，2016年，第5段。来源：corpus/documents/004.txt
"""

from __future__ import annotations

import datetime as dt
import re

_TITLE_MARKS = str.maketrans({"《": "〈", "》": "〉"})
_SPACES = re.compile(r"\s+")


def format_date(date: dt.date | None, year: int | None = None) -> str:
    """Write a date the Chinese way; only the year when that is all that is known.

    >>> format_date(dt.date(2018, 8, 3)), format_date(None, 2016), format_date(None)
    ('2018年8月3日', '2016年', '')
    """
    if date is not None:
        return f"{date.year}年{date.month}月{date.day}日"
    return f"{year}年" if year is not None else ""


def passage_label(passage: int | None) -> str:
    """Name a passage by its ordinal the way readers count, from one.

    >>> passage_label(4), passage_label(None)
    ('第5段', '')
    """
    return "" if passage is None else f"第{passage + 1}段"


def format_citation(
    *,
    title: str,
    author: str | None,
    region: str | None,
    date: dt.date | None,
    year: int | None,
    source: str | None,
    passage: int | None = None,
) -> str:
    """Write the citation of a document or one of its passages.

    Titles nested in the title become 〈…〉, as Chinese punctuation rules ask.

    >>> format_citation(title="组织工作《条例》解读", author="刘汉征", region="濮阳",
    ...     date=None, year=2016, source="a.txt", passage=4)
    '刘汉征：《组织工作〈条例〉解读》，濮阳，2016年，第5段。来源：a.txt'
    >>> format_citation(title="组织工作", author=None, region=None, date=None, year=None,
    ...     source=None)
    '《组织工作》。'
    """
    clean_title = _SPACES.sub(" ", title).strip().translate(_TITLE_MARKS)
    parts = [f"《{clean_title}》"]
    parts += [p for p in (region, format_date(date, year), passage_label(passage)) if p]
    head = "，".join(parts)
    if author:
        head = f"{author.strip()}：{head}"
    return f"{head}。来源：{source}" if source else f"{head}。"
