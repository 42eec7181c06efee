"""What every export of a pack shares: labels, numbering, paragraphs.

The layout follows Chinese official-document habits: sections numbered 一、二、…, items
within a section （一）（二）…, questions 1．2．…
"""

from __future__ import annotations

import datetime as dt
import re

from kb.packs.citation import format_date

LABELS = {
    "audience": "培训对象",
    "purpose": "教学目的",
    "notes": "课程说明",
    "date": "编印日期",
    "contents": "目录",
    "citation": "出处",
    "approaches": "涉及做法及释义",
    "no_definition": "暂无释义",
    "note": "讲师按语",
    "questions": "思考题",
    "appendix": "附录　资料来源",
    "empty": "（本部分暂无条目）",
}

_DIGITS = "零一二三四五六七八九"
_HEADING_MARK = re.compile(r"^#{1,6}\s+")


def chinese_number(n: int) -> str:
    """Write 1 … 99 in Chinese numerals (larger numbers in digits).

    >>> chinese_number(3), chinese_number(10), chinese_number(12), chinese_number(40)
    ('三', '十', '十二', '四十')
    """
    if not 0 < n < 100:
        return str(n)
    tens, ones = divmod(n, 10)
    head = "" if tens == 0 else ("十" if tens == 1 else f"{_DIGITS[tens]}十")
    return head + (_DIGITS[ones] if ones else "")


def section_heading(number: int, title: str) -> str:
    """The heading of the ``number``-th section (from 1).

    >>> section_heading(2, "基层党建")
    '二、基层党建'
    """
    return f"{chinese_number(number)}、{title}"


def item_heading(number: int, heading: str) -> str:
    """The heading of the ``number``-th item of a section (from 1).

    >>> item_heading(1, "组织工作改革创新思考")
    '（一）组织工作改革创新思考'
    """
    return f"（{chinese_number(number)}）{heading}"


def question_line(number: int, question: str) -> str:
    """One numbered discussion question.

    >>> question_line(1, "如何评价？")
    '1．如何评价？'
    """
    return f"{number}．{question}"


def cover_date(today: dt.date) -> str:
    """The date on the cover.

    >>> cover_date(dt.date(2026, 3, 1))
    '2026年3月1日'
    """
    return format_date(today)


def paragraphs(text: str) -> list[str]:
    """Split stored text (one paragraph a line, Markdown headings) into plain paragraphs.

    >>> paragraphs("## 一、总体要求\\n\\n第一段\\n\\n\\n第二段")
    ['一、总体要求', '第一段', '第二段']
    """
    lines = (_HEADING_MARK.sub("", line.strip()) for line in text.splitlines())
    return [line for line in lines if line]
