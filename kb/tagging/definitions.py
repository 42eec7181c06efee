"""Find what a document says a named approach is.

Three places are read, in this order; the first that holds a definition wins:

1. a parenthesis right after the name, its closing quote or its suffix:
   ``推行“一定两评三公开”（定制目标、公开承诺内容，…）`` ⇒ 定制目标、公开承诺内容，…;
   abbreviation notes (``（以下简称…）``) and pinyin or numbers are not definitions;
2. a sentence that says so after the name: ``X，即…``, ``X是指…``, ``X也就是…``, or
   ``所谓X，是…`` — up to the end of the sentence (即墨, 即使, 即将… are not 即);
3. an enumeration with 、 right before it, either ``…A、B、C的“X”`` (the clause after its
   governing verbs) or a quoted ``“A、B、C、D”X`` (“选、育、用、管”四位一体).

Definitions keep the original script and punctuation.
"""

from __future__ import annotations

import re

from kb.tagging.lexicon import (
    ADOPTING,
    CLOSE_QUOTES,
    FOLLOW_RE,
    HAN,
    OPEN_QUOTES,
    skip_quote_chain_forward,
)

__all__ = ["enumeration_before", "find_definition", "parenthesis_after", "sentence_after"]

_PAREN_PAIRS = {"（": "）", "(": ")"}
_NOT_DEFINITION = re.compile(r"^(?:以下简称|下称|简称|见|详见|注|[\w\s.,%-]*$)")
_SAYS_RE = re.compile(
    r"[，,]?\s*(?:即|是指|也就是说?|就是)(?![墨使将可时便日刻])[：:，,]?\s*([^。；！？\n]{4,200})"
)
_SO_CALLED_RE = re.compile(r"[，,]?\s*(?:是指|就是|即|是)[：:，,]?\s*([^。；！？\n]{4,200})")
_CLAUSE_BREAK = re.compile(r"[，。；：！？（(\n]")
_LEADING_VERBS = re.compile(
    rf"(?:(?:积极|深入|大力|全面|着力|进一步|不断|{'|'.join(ADOPTING)})[了]?)+"
)
_ENUM_ITEM = re.compile(rf"[{HAN}]{{1,10}}")


def _after_name(simple: str, end: int) -> int:
    """Return the offset after the name's closing quote and a following suffix, if any.

    >>> _after_name("“双联四推”活动（双联）", 5)
    8
    """
    pos = end + (simple[end : end + 1] in CLOSE_QUOTES)
    pos = skip_quote_chain_forward(simple, pos)
    match = FOLLOW_RE.match(simple, pos)
    return match.end() if match else pos


def parenthesis_after(simple: str, end: int) -> tuple[int, int] | None:
    """Return the span of the parenthesis content that follows the name ending at ``end``.

    >>> s = "推行“三议两协商”（“两委”初议、党员审议（含列席））"
    >>> a, b = parenthesis_after(s, 8)
    >>> s[a:b]
    '“两委”初议、党员审议（含列席）'
    """
    pos = _after_name(simple, end)
    close = _PAREN_PAIRS.get(simple[pos : pos + 1])
    if close is None:
        pos = end + (simple[end : end + 1] in CLOSE_QUOTES)
        close = _PAREN_PAIRS.get(simple[pos : pos + 1])
        if close is None:
            return None
    depth = 0
    for i in range(pos, min(len(simple), pos + 400)):
        if simple[i] in _PAREN_PAIRS:
            depth += 1
        elif simple[i] in "）)":
            depth -= 1
            if depth == 0:
                content = simple[pos + 1 : i]
                if len(content) < 4 or _NOT_DEFINITION.match(content):
                    return None
                return pos + 1, i
    return None


def sentence_after(simple: str, start: int, end: int) -> tuple[int, int] | None:
    """Return the span of an ``X，即…`` / ``所谓X，是…`` definition of the name.

    >>> s = "所谓“三会一课”，是指定期召开支部党员大会。"
    >>> a, b = sentence_after(s, 3, 7)
    >>> s[a:b]
    '定期召开支部党员大会'
    """
    pos = _after_name(simple, end)
    opening = start - (simple[start - 1 : start] in OPEN_QUOTES)
    pattern = _SO_CALLED_RE if simple[max(0, opening - 2) : opening] == "所谓" else _SAYS_RE
    match = pattern.match(simple, pos) or pattern.match(
        simple, end + (simple[end : end + 1] in CLOSE_QUOTES)
    )
    return match.span(1) if match else None


def enumeration_before(simple: str, start: int) -> tuple[int, int] | None:
    """Return the span of an enumeration with 、 that describes the name at ``start``.

    >>> s = "探索推行居民点单、社区交单、干部接单的“菜单式”服务模式"
    >>> a, b = enumeration_before(s, 20)
    >>> s[a:b]
    '居民点单、社区交单、干部接单'
    """
    pos = start - (simple[start - 1 : start] in OPEN_QUOTES)
    if simple[pos - 1 : pos] == "的":
        window = max(0, pos - 200)
        left = max(
            (m.end() for m in _CLAUSE_BREAK.finditer(simple, window, pos - 1)), default=window
        )
        lead = _LEADING_VERBS.match(simple, left)
        left = lead.end() if lead else left
        right = pos - 1
        limit = 10
    elif simple[pos - 1 : pos] in CLOSE_QUOTES and pos >= 2:
        right = pos - 1
        left = simple.rfind(OPEN_QUOTES[CLOSE_QUOTES.index(simple[right])], 0, right) + 1
        limit = 4
    else:
        return None
    items = simple[left:right].split("、")
    if len(items) < 2 or not all(
        _ENUM_ITEM.fullmatch(item) and len(item) <= limit for item in items
    ):
        return None
    return left, right


def find_definition(text: str, simple: str, start: int, end: int) -> str | None:
    """Return the definition of the name at ``[start, end)`` in original script, if any.

    >>> find_definition("開展“雙聯四推”活動（雙聯，即…）", "开展“双联四推”活动（双联，即…）", 3, 7)
    '雙聯，即…'
    """
    span = (
        parenthesis_after(simple, end)
        or sentence_after(simple, start, end)
        or enumeration_before(simple, start)
    )
    return text[span[0] : span[1]].strip() if span else None
