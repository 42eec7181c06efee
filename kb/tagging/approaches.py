"""Find named innovation approaches and policy titles in a document's cleaned text.

Patterns match a simplified copy of the text (``to_simplified`` keeps offsets); names,
evidence and definitions are sliced from the original script. One candidate per distinct
name (compared in simplified script) and kind, at its first occurrence; a definition found
at any occurrence is kept. Word lists live in :mod:`kb.tagging.lexicon`, definitions in
:mod:`kb.tagging.definitions`.

Policy titles (kind ``policy``)
    Every ``《…》`` of 2–60 characters, brackets dropped: ``《干部任用條例》`` ⇒ 干部任用條例.
    An approach named exactly like a title of the same document is dropped (the policy
    tag stands for it); a quoted approach inside a title still counts.

Quoted names (:func:`quoted_names`)
    ``“…”`` ``「…」`` ``『…』`` or straight quotes around 2–16 characters without sentence
    punctuation, dash or slash, not a number or date, not a ``关于…`` title fragment and
    not generic words only. The context must mark a practice: a practice suffix follows
    within six characters, past a chain of further quotes (“柔性考核”“双向考核”“关联考核”
    工作机制; also 名牌 载体 清单 项目 驿站 讲堂…, or 服务 right after), an adoption verb
    (推行 实施 开展 建立 打造 设立…) stands right before the quote and no noun right after
    it (so not 推进“四个全面”战略布局), the content ends in a practice suffix itself
    (“达标工程”, “枫桥经验”), 所谓 precedes it, or it is the lever of the work (以“五星
    支部”创建为抓手). The name is the quoted core: ``“菜单式”服务模式`` ⇒ 菜单式. An
    enumeration with 、 (“亮身份、比贡献、树形象”主题实践活动, items ≤ 6 characters)
    needs a following suffix. Rhetoric (“单打独斗”, “老大难”问题, 树立“一盘棋”理念,
    坚持“严实”综合考核, “近悦远来”) has no such context and yields nothing.

Numbered slogans (:func:`slogan_spans`), quoted or not
    Two or more segments, each a numeral (一两三四五六七八九十双多百千万 — not 二, which
    counts in idioms like 一清二楚) and 1–3 other Han characters: 一定|两评|三公开, 双联|四推,
    四位|一体. Start and end lie on jieba word boundaries (the last segment ends at its first
    word boundary); no segment starts with a measure word (一名或多名, 一年一评); the
    slogan is not a set phrase of jieba's main dictionary unless the user dictionary lists
    it (千方百计, 五湖四海 are out; 四位一体, 一岗双责 are in through the user dictionary);
    after 的 it needs a following suffix (事物发展的“一体三面” is description). National
    slogans with one numeral (四个全面, 五大发展理念, 三个之家) never match: they are not
    a locality's approaches.

Program and mechanism names (:func:`suffix_names`)
    A jieba word ending in 工程 机制 制度 办法 计划 行动 工作法 模式 平台 活动 体系 责任制
    品牌 工作室, or an ``XX式/制`` method (订单式培训, 调研式考察, 积分制管理), not
    continued by a noun (制度|试点, 活动|载体). The name runs left to the clause start and
    stops after a governing verb (实施, 研究制定, 深入开展), a copula, a function word (的
    和 与 等 把…), an adverb or a quantity (一批, 一系列); a verb right before a bare suffix
    stays (协调推进机制, 提升工程) and a clause-opening verb goes (借助…). Kept: 4–20
    characters, not inside 《》 or a parenthesis (definitions hold parts, not approaches),
    not starting right after a closing quote or overlapping a quoted name or slogan (those
    rules name it), and not generic: the part before the suffix must not split entirely
    into generic words and verbs (工作机制, 长效机制, 党建工作责任制, 人才工作运行机制,
    党员教育培训体系), nor end like 理论体系. Named systems such as 干部考核评价方法工具体系
    are kept.

Definitions (:func:`kb.tagging.definitions.find_definition`)
    A parenthesis after the name (or its quote and suffix), an ``X，即…`` / ``是指`` /
    ``也就是`` / ``所谓X，是…`` sentence, or an enumeration with 、 right before the name
    (居民点单、社区交单…的“菜单式”服务模式; “选、育、用、管”四位一体).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from kb.script import to_simplified
from kb.tagging.candidates import Candidate, sentence_around
from kb.tagging.definitions import find_definition
from kb.tagging.lexicon import (
    CLOSE_QUOTES,
    FOLLOW_RE,
    GOVERNING_RE,
    HAN,
    LEVER_RE,
    METHOD_NOUNS,
    METHOD_RE,
    OWN_ENDINGS,
    QUOTE_RE,
    SUFFIXES,
    TITLE_RE,
    is_generic,
    is_governing,
    skip_quote_chain_back,
    skip_quote_chain_forward,
)
from kb.tagging.segment import Word, is_set_phrase, pos_words

__all__ = ["extract_approaches", "quoted_names", "slogan_spans", "suffix_names"]

_NUMERALS = "一两三四五六七八九十双多百千万"
_SLOGAN_RE = re.compile(
    rf"(?<![{_NUMERALS}二〇零第\d])"
    rf"(?:[{_NUMERALS}](?:(?![{_NUMERALS}二〇零的了和与及等之])[{HAN}]){{1,3}}){{2,}}"
)
_MEASURE_WORDS = frozenset("个名批项次种类年月日天些届期人家所条件份支只把处座场本篇句是要抓时")
_SENTENCE_PUNCT = re.compile(r"[，。；：！？,.;:!?—…/／\n]")
_NUMBER_OR_DATE = re.compile(r"[\d０-９〇零一二三四五六七八九十百千万年月日号.%％]+")
_QUANTITY = re.compile(r"^(?:\d|[一两几多数各每若](?:大?批|系列|套|些|种|项|个|类|条|样))")
_HAN_RE = re.compile(f"[{HAN}]")
_COPULAS = frozenset(("是", "为", "有", "成为", "作为", "在", "即"))
_PAREN_RE = re.compile(r"（[^（）]*）|\([^()]*\)")
_FUNCTION = frozenset(
    "的了着过地得之和与及或并把被将在对以为从向由于给让使等这那其该此各都也又还就才已再不没"
)
_COMPLEMENTS = frozenset(("起", "出", "好", "成", "上"))
_STOP_TAGS = ("u", "p", "c", "r", "x", "d")
_NOUNISH_TAGS = frozenset(("n", "nz", "vn", "ng", "nt", "j", "an", "l"))


@dataclass(frozen=True)
class _Hit:
    kind: str
    start: int
    end: int


def _simplified(text: str) -> str:
    """Return a same-length simplified copy of ``text``: ``"組織"`` ⇒ ``"组织"``."""
    simple = to_simplified(text)
    if len(simple) == len(text):
        return simple
    return "".join(c if len(s := to_simplified(c)) != 1 else s for c in text)


def title_spans(simple: str) -> list[tuple[int, int]]:
    """Return the spans of ``《…》`` titles' contents.

    >>> title_spans("执行《干部任用条例》等")
    [(3, 9)]
    """
    return [m.span(1) for m in TITLE_RE.finditer(simple)]


def quoted_names(simple: str, slogans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Return the spans of quoted names whose context marks them as practices.

    ``slogans`` are the accepted :func:`slogan_spans`; a quoted slogan counts only if
    it is one of them.

    >>> s = "推行“一定两评三公开”（定制目标），“单打独斗”不同，推进“四个全面”战略布局"
    >>> [s[a:b] for a, b in quoted_names(s, [(3, 10)])]
    ['一定两评三公开']
    """
    spans = []
    for match in QUOTE_RE.finditer(simple):
        start, end = next(match.span(g) for g in range(1, 5) if match.group(g) is not None)
        core = simple[start:end]
        after = skip_quote_chain_forward(simple, end + 1)
        followed = bool(FOLLOW_RE.match(simple, after))
        if not 2 <= len(core) <= 20 or _NUMBER_OR_DATE.fullmatch(core):
            continue
        if core.startswith("关于") or is_generic(core):
            continue
        if _SENTENCE_PUNCT.search(core) or ("、" in core and not followed):
            continue
        items = core.split("、")
        if len(core) > 16 if len(items) == 1 else any(len(item) > 6 for item in items):
            continue
        before = skip_quote_chain_back(simple, start - 1)
        adopted = bool(GOVERNING_RE.search(simple, max(0, before - 8), before)) and not (
            _HAN_RE.match(simple, after) and simple[after] not in "等和与及"
        )  # 推进“四个全面”战略布局: the verb's object is 战略布局
        own_suffix = core.endswith(OWN_ENDINGS)
        so_called = simple[max(0, start - 3) : start - 1] == "所谓"
        lever = simple[before - 1 : before] == "以" and bool(LEVER_RE.match(simple, after))
        marked = followed or adopted or own_suffix or so_called or lever
        idiom = _SLOGAN_RE.fullmatch(core) is not None and is_set_phrase(core)  # “五湖四海”
        if (start, end) in slogans or (marked and not idiom):
            spans.append((start, end))
    return spans


def slogan_spans(simple: str, words: list[Word]) -> list[tuple[int, int]]:
    """Return the spans of numbered slogans (``words`` = :func:`pos_words` of ``simple``).

    >>> s = "推行“三议两协商”，一名或多名干部，千方百计"
    >>> [s[a:b] for a, b in slogan_spans(s, pos_words(s))]
    ['三议两协商']
    """
    bounds = {w.start for w in words} | {w.end for w in words}
    spans = []
    for match in _SLOGAN_RE.finditer(simple):
        start, end = match.span()
        numerals = [i for i in range(start, end) if simple[i] in _NUMERALS]
        while numerals:  # end on the first word boundary of the last segment, else drop it
            end = next((b for b in range(numerals[-1] + 2, end + 1) if b in bounds), -1)
            if end > 0:
                break
            end = numerals.pop()
        if len(numerals) < 2 or start not in bounds:
            continue
        if any(simple[i + 1] in _MEASURE_WORDS for i in numerals):
            continue
        if is_set_phrase(simple[start:end]):
            continue
        before = simple[max(0, start - 2) : start].rstrip('“「『"')
        after = skip_quote_chain_forward(simple, end + (simple[end : end + 1] in CLOSE_QUOTES))
        if before.endswith("的") and not FOLLOW_RE.match(simple, after):
            continue
        spans.append((start, end))
    return spans


def _is_name_end(simple: str, words: list[Word], i: int) -> bool:
    """Tell whether ``words[i]`` can end a name: a suffix not continued by a noun."""
    word = words[i]
    suffixed = word.text.endswith(SUFFIXES)
    method = word.text.endswith(METHOD_NOUNS) and METHOD_RE.search(
        simple, max(0, word.end - 8), word.end
    )
    nxt = words[i + 1] if i + 1 < len(words) else None
    return bool(suffixed or method) and not (nxt and nxt.tag in _NOUNISH_TAGS)


def _left_edge(words: list[Word], i: int) -> int:
    """Return the index of the first word of the name that ends with ``words[i]``."""
    j = i
    while j > 0:
        word = words[j - 1]
        if word.tag == "x" or not word.text.strip():
            break
        adjacent = j == i and words[i].text in SUFFIXES and word.tag.startswith("v")
        adjacent = adjacent and word.text not in _COPULAS
        if not adjacent:
            if is_governing(word.text) or word.text in _COPULAS:
                break
            if word.tag.startswith(_STOP_TAGS) and (len(word.text) > 1 or word.text in _FUNCTION):
                break
            if word.tag == "m" and _QUANTITY.match(word.text):
                break
        j -= 1
    if j < i and words[j].text in _COMPLEMENTS and j > 0 and is_governing(words[j - 1].text):
        j += 1  # 搭建起|产学研合作平台
    # a verb opening a clause governs the rest (借助龙文化活动); items after 、 are nouns
    clause_start = j == 0 or (words[j - 1].tag == "x" and words[j - 1].text != "、")
    if clause_start and words[j].tag in ("v", "vd") and j + 1 < i:
        j += 1
    return j


def suffix_names(simple: str, words: list[Word]) -> list[tuple[int, int]]:
    """Return the spans of program and mechanism names ending in a practice suffix.

    >>> s = "实施危旧狭小村级活动场所改造提升工程，建立长效机制"
    >>> [s[a:b] for a, b in suffix_names(s, pos_words(s))]
    ['危旧狭小村级活动场所改造提升工程']
    """
    spans = []
    for i, word in enumerate(words):
        if not _is_name_end(simple, words, i):
            continue
        start, end = words[_left_edge(words, i)].start, word.end
        name = simple[start:end]
        if not 4 <= len(name) <= 20 or simple[start - 1 : start] in CLOSE_QUOTES:
            continue
        if is_generic(name):
            continue
        spans.append((start, end))
    return spans


def extract_approaches(text: str) -> list[Candidate]:
    """Return the approach and policy candidates of one document's cleaned text.

    >>> [(c.name, c.kind) for c in extract_approaches("推行“三會一課”制度，執行《干部任用條例》。")]
    [('三會一課', 'approach'), ('干部任用條例', 'policy')]
    """
    simple = _simplified(text)
    words = pos_words(simple)
    titles = title_spans(simple)
    hits = [_Hit("policy", a, b) for a, b in titles]
    slogans = slogan_spans(simple, words)
    taken = quoted_names(simple, slogans)
    taken += [span for span in slogans if span not in taken]
    hits += [_Hit("approach", a, b) for a, b in taken]
    asides = titles + [m.span() for m in _PAREN_RE.finditer(simple)]
    for a, b in suffix_names(simple, words):
        aside = any(ta <= a and b <= tb for ta, tb in asides)
        if not aside and not any(a < tb and ta < b for ta, tb in taken):
            hits.append(_Hit("approach", a, b))
    policy_names = {simple[h.start : h.end] for h in hits if h.kind == "policy"}
    best: dict[tuple[str, str], tuple[_Hit, str | None]] = {}
    for hit in sorted(hits, key=lambda h: h.start):
        key = (hit.kind, simple[hit.start : hit.end])
        if hit.kind == "approach" and key[1] in policy_names:
            continue
        definition = None
        if hit.kind == "approach":
            definition = find_definition(text, simple, hit.start, hit.end)
        first, known = best.get(key, (hit, None))
        best[key] = (first, known or definition)
    return [
        Candidate(
            name=text[hit.start : hit.end],
            kind=hit.kind,
            evidence=sentence_around(text, hit.start, hit.end),
            start=hit.start,
            end=hit.end,
            definition=definition,
        )
        for hit, definition in sorted(best.values(), key=lambda pair: pair[0].start)
    ]
