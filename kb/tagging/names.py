"""One tag per approach: normalize names, fold variants, refuse generic words.

A tag's *key* is its name in simplified script with quotes, brackets and spaces removed
and spelling variants folded (紀實/記實/纪实/记实 → 纪实), so 干部成长纪实, 干部成長記實
and 干部成长记实 are one tag. The tag is shown under its simplified name; the forms
the texts use are kept as aliases.
"""

from __future__ import annotations

import re

from kb.script import to_simplified

VARIANTS: dict[str, str] = {
    "记实": "纪实",
    "台帐": "台账",
    "帐目": "账目",
}
"""Spelling variants folded into one form inside tag keys."""

GENERIC: frozenset[str] = frozenset(
    """
    创新 工作 机制 制度 模式 平台 活动 办法 计划 行动 工程 体系 品牌 载体 方法 措施 举措
    组织工作 基层党建 党建工作 干部工作 人才工作 工作机制 长效机制 体制机制 运行机制 考核机制
    管理制度 工作制度 相关制度 规章制度 工作模式 服务模式 管理模式 工作平台 服务平台 工作体系
    制度体系 创新工作 工作创新 改革创新 机制创新 制度创新 方法创新 思路创新 党建 干部 人才 组织
    先进 典型 标兵 榜样 示范 先进典型 全国先进典型 先进单位 模范 带头人 党员 群众 基层 我区 全区
    全市 我市 本市 本区 单位 部门 组织部 组织部门
    """.split()
)
"""Words that never become tags on their own (simplified; compared by key)."""

_STRIP = re.compile(r"[\s“”\"‘’'「」『』《》〈〉()（）【】\[\]·・•]")


def tag_key(name: str) -> str:
    """Return the normalized key of a tag name.

    >>> tag_key("“干部成長記實”")
    '干部成长纪实'
    """
    key = _STRIP.sub("", to_simplified(name)).lower()
    for variant, canonical in VARIANTS.items():
        key = key.replace(variant, canonical)
    return key


def display_name(name: str) -> str:
    """Return the form a tag is shown under: simplified, without quotes or brackets.

    >>> display_name("「雙聯四推」")
    '双联四推'
    """
    return _STRIP.sub("", to_simplified(name))


def is_generic(name: str) -> bool:
    """True for a name too general to be a tag (创新, 工作机制, 先进典型 …).

    >>> is_generic("長效機制"), is_generic("柔性考核")
    (True, False)
    """
    key = tag_key(name)
    return len(key) < 2 or key in GENERIC


def _fold(text: str) -> str:
    for variant, canonical in VARIANTS.items():
        text = text.replace(variant, canonical)  # same length: offsets survive
    return text


def locate(name: str, text: str) -> tuple[int, int] | None:
    """Return the span of ``name`` in ``text``, whatever the script or variant either uses.

    >>> locate("干部成长纪实", "實施了干部成長記實、調研式考察")
    (3, 9)
    """
    needle = _fold(display_name(name))
    haystack = _fold(to_simplified(text))
    if not needle or len(haystack) != len(text):
        return None
    start = haystack.find(needle)
    return None if start < 0 else (start, start + len(needle))


def occurs_in(name: str, text: str) -> bool:
    """True when ``name`` (in any script or variant) occurs in ``text``.

    >>> occurs_in("干部成长纪实", "創新實施了干部成長記實、調研式考察")
    True
    """
    key = tag_key(name)
    return bool(key) and key in tag_key(text)
