"""Pure text rules that turn a noisy web copy into clean Markdown paragraphs.

``clean_text`` chains them: newlines -> pinyin -> boilerplate -> width -> punctuation
(which leaves damaged stretches alone) -> whitespace -> corruption report. Each rule is a
small pure function; the script of the text is never converted (patterns match a
simplified copy of each line instead).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from kb.ingest.document import Cleaned
from kb.script import to_simplified

HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f"
# Full-width and CJK punctuation, curly quotes, dashes and ellipses used in Chinese prose.
CJK_PUNCT = "\u3000-\u303f\uff01-\uff0f\uff1a-\uff20\uff3b-\uff40\uff5b-\uff65“”‘’—…·"
_CJK = f"{HAN}{CJK_PUNCT}"

# --- newlines and pinyin --------------------------------------------------------------------

_NEWLINES = re.compile(r"\r\n?|[\u2028\u2029]")


def normalize_newlines(text: str) -> str:
    r"""Turn ``\r\n``, ``\r`` and Unicode line separators into ``\n``: ``"a\r\nb"`` ⇒ ``"a\nb"``."""
    return _NEWLINES.sub("\n", text)


_TONED = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜăĕĭŏŭ"
_PINYIN_LETTERS = f"a-z{_TONED}üɑɡ"
_UNTONE = str.maketrans(_TONED + "üɑɡ", "aaaaeeeeiiiioooouuuuvvvvaeiouvag")
_SYLLABLE = re.compile(
    r"(?:zh|ch|sh|[bpmfdtnlgkhjqxrzcsyw])?"
    r"(?:iang|iong|uang|ueng|ang|eng|ing|ong|ian|iao|uai|uan|van|ai|ei|ao|ou|an|en|in|un|vn"
    r"|ia|ie|iu|ua|uo|ui|ve|ue|er|a|o|e|i|u|v)"
)
_NEUTRAL = frozenset(("de", "le", "ma", "ne", "ba", "me", "men", "zi", "zhe", "ge", "tou", "li"))
_ANNOTATION = re.compile(rf"(?<=[{HAN}])[(（]([{_PINYIN_LETTERS}]{{1,7}})[)）]")


def is_pinyin_syllable(word: str, *, need_tone: bool = True) -> bool:
    """Tell whether ``word`` is one pinyin syllable: ``"jīng"`` ⇒ True, ``"ai"`` ⇒ False.

    Without a tone mark only a few neutral-tone syllables (``de``, ``le``…) count, unless
    ``need_tone`` is false.
    """
    base = word.translate(_UNTONE)
    if not _SYLLABLE.fullmatch(base):
        return False
    return not need_tone or base != word or base in _NEUTRAL


def strip_pinyin(text: str) -> str:
    """Remove pinyin annotations after Han characters: ``經(jīng)濟`` ⇒ ``經濟``.

    Real parentheses such as ``(作者系…)``, ``(AI)`` or ``(2018)`` are left alone.
    """
    return _ANNOTATION.sub(lambda m: "" if is_pinyin_syllable(m.group(1)) else m.group(0), text)


# --- boilerplate and metadata lines ---------------------------------------------------------

_DATE = (
    r"\d{4}\s*[-/.年]\s*\d{1,2}\s*[-/.月]\s*\d{1,2}\s*日?"
    r"(?:\s*\d{1,2}:\d{2}(?::\d{2})?)?(?:\s*(?:星期|周)[一二三四五六日天])?"
)
# Key (simplified, lower case) -> kind of value; only date, source and author are kept.
_META_KEYS: dict[str, str] = {
    **dict.fromkeys(("发布时间", "发布日期", "发表时间", "发表日期", "更新时间"), "date"),
    **dict.fromkeys(("时间", "日期", "post by", "posted by"), "date"),
    **dict.fromkeys(("来源", "文章来源", "信息来源", "稿件来源"), "source"),
    **dict.fromkeys(("作者", "撰稿", "撰文"), "author"),
    **dict.fromkeys(("责任编辑", "编辑", "责编", "美编", "校对", "审核", "编审"), "editor"),
    **dict.fromkeys(("点击", "点击数", "点击量", "浏览", "浏览次数", "阅读", "阅读量"), "count"),
    **dict.fromkeys(("字号", "字体"), "font"),
}
_META_VALUE = {
    "date": _DATE,
    "count": r"[\d,\s次人()（）\[\]]*",
    "font": r"[大中小默认\s|]*",
}
_KEY_ALT = "|".join(re.escape(k).replace(r"\ ", r"\s+") for k in sorted(_META_KEYS, key=len)[::-1])
_META_KEY = re.compile(rf"({_KEY_ALT})\s*[:：/]\s*", re.IGNORECASE)
_FOUND_KEYS = ("title", "date", "author", "author_note", "source")
_EDGE_LINES = 6
_SENTENCE_STOP = re.compile(r"[。！？；]")
_FURNITURE = re.compile(
    r"^(?:分享到|上一篇|下一篇|扫一扫|相关阅读|相关文章|返回顶部|打印本页|关闭窗口)"
    r"|^(?:版权所有|copyright|©)"
    r"|版权所有.*(?:©|copyright|icp|备案|主办)",
    re.IGNORECASE,
)
_BRACKETED = re.compile(r"(?:[【\[][^】\]]{1,12}[】\]][\s|]*)+")
_BRACKET_WORDS = re.compile(r"打印|关闭|收藏|返回|字号|字体|顶部")
_DISCLAIMER = re.compile(r"^导语[:：](?:(.+?)一文)?.*(?:网友上传|不代表本站观点|原创文章|欢迎参考)")
_AUTHOR_NOTE = re.compile(r"^[(（]\s*(作者(?:系|为|是|单位|简介)[^()（）]{2,80}?)\s*[)）]$")
_SURNAMES = frozenset(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶"
    "程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾"
    "毛郝龚邵万钱严覃武戴莫孔向汤常温康施文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关"
    "兰焦俞左柳甘祝包宁尚符舒阮柯纪梅童凌毕单季裴霍涂成苗谷盛曲翁冉骆蓝路游辛靳管柴蒙鲍华喻"
    "祁蒲房滕屈饶解牟艾尤阳时穆农司卓古吉缪简车项连芦麦褚娄窦戚岑景党宫费卜冷晏席卫米柏宗瞿"
    "桂全佟应臧闵苟邬边卞姬师和仇栾隋商刁沙荣巫寇桑郎甄丛仲虞敖巩明佘池查麻苑迟邝"
)
_COMPOUND_SURNAMES = frozenset(
    re.findall("..", "欧阳司马诸葛上官东方皇甫尉迟公孙慕容令狐夏侯长孙宇文司徒端木独孤西门")
)


def _meta_spans(key: str) -> list[tuple[str, int, int]] | None:
    """Split a site metadata line into ``(kind, start, end)`` value spans, or None.

    ``责编/常妍 美编/ 孟宪强 于珊`` ⇒ ``[("editor", 3, 5), ("editor", 10, 16)]``.
    """
    matches = list(_META_KEY.finditer(key))
    if not matches or matches[0].start() != 0 or len(key) > 120:
        return None
    spans = []
    for m, nxt in zip(matches, [*matches[1:], None], strict=True):
        start, end = m.end(), nxt.start() if nxt else len(key)
        while end > start and key[end - 1] in " |｜丨":
            end -= 1
        value = key[start:end]
        kind = _META_KEYS[re.sub(r"\s+", " ", m.group(1).lower())]
        if kind == "date" and m.group(1).lower().startswith("post"):
            kind = "date" if re.fullmatch(_DATE, value) else "author"
        if not re.fullmatch(_META_VALUE.get(kind, ".*"), value):
            return None
        if len(value) > 30 or _SENTENCE_STOP.search(value):
            return None
        spans.append((kind, start, end))
    return spans


def _is_byline(key: str) -> bool:
    """Tell whether a line is only a personal name: ``刘汉征`` ⇒ True, ``前言`` ⇒ False."""
    if not re.fullmatch(f"[{HAN}]{{2,4}}", key):
        return False
    if key[:2] in _COMPOUND_SURNAMES and len(key) >= 3:
        return True
    return key[0] in _SURNAMES and len(key) <= 3


def extract_boilerplate(lines: list[str]) -> tuple[list[str], dict[str, str]]:
    """Drop site furniture and metadata lines, returning the kept lines and what was found.

    ``["時間:2022-10-16 11:44:00", "正文。"]`` ⇒ ``(["正文。"], {"date": "2022-10-16 11:44:00"})``.
    Found keys: ``title``, ``date``, ``author``, ``author_note``, ``source``. Values keep
    the original script (letters and digits folded to half-width).
    """
    found: dict[str, str] = {}
    # Lines are matched in the form the cleaned text will have, and in simplified script.
    folded = [normalize_whitespace(fold_width(line)) for line in lines]
    keys = [to_simplified(line) for line in folded]
    drop: set[int] = set()
    disclaimer_title = None

    def original(i: int, start: int, end: int) -> str:
        # Slice the original line where t2s kept its length, so the script is kept.
        return (folded[i] if len(folded[i]) == len(keys[i]) else keys[i])[start:end]

    def take(kind: str, i: int, start: int, end: int) -> None:
        if (value := original(i, start, end)) and kind in _FOUND_KEYS:
            found.setdefault(kind, value)

    # Site furniture sits above or below the text; lines inside it are left alone.
    filled = [i for i, key in enumerate(keys) if key]
    for i in sorted(set(filled[:_EDGE_LINES] + filled[-_EDGE_LINES:])):
        key = keys[i]
        if (spans := _meta_spans(key)) is not None:
            for kind, start, end in spans:
                take(kind, i, start, end)
        elif m := _DISCLAIMER.match(key):
            disclaimer_title = original(i, *m.span(1)) if m.group(1) else None
        elif m := _AUTHOR_NOTE.match(key):
            take("author_note", i, *m.span(1))
        elif len(key) > 120 or not (_FURNITURE.search(key) or _is_furniture_brackets(key)):
            continue
        drop.add(i)

    kept = [i for i, key in enumerate(keys) if key and i not in drop]
    if kept and len(keys[kept[0]]) <= 60 and not _SENTENCE_STOP.search(keys[kept[0]][-1]):
        first = folded[kept[0]]
        repeated = len(kept) > 1 and folded[kept[1]] == first
        if repeated or first == disclaimer_title:
            found.setdefault("title", first)
            drop.update(kept[: 2 if repeated else 1])
    kept = [i for i in kept if i not in drop]
    for i in kept[:1] + kept[-1:]:
        if "author" not in found and _is_byline(keys[i]):
            take("author", i, 0, len(keys[i]))
            drop.add(i)
    return [line for i, line in enumerate(lines) if i not in drop], found


def _is_furniture_brackets(key: str) -> bool:
    """Tell whether a line is only bracketed page buttons: ``【打印】【关闭】`` ⇒ True."""
    return bool(_BRACKETED.fullmatch(key) and _BRACKET_WORDS.search(key))


# --- width ----------------------------------------------------------------------------------

_WIDTH = {c: c - 0xFEE0 for r in ((0xFF10, 0xFF19), (0xFF21, 0xFF3A), (0xFF41, 0xFF5A))
          for c in range(r[0], r[1] + 1)}  # fmt: skip


def fold_width(text: str) -> str:
    """Turn full-width letters and digits into half-width: ``２０１８年ＡＩ`` ⇒ ``2018年AI``."""
    return text.translate(_WIDTH)


# --- corruption -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Corruption:
    """A damaged stretch of text that cannot be repaired: ``text[start:end]``."""

    start: int
    end: int
    snippet: str
    """The damage with about three characters of context either side."""


_IS_HAN = re.compile(f"[{HAN}]")
_QUESTION_WORDS = re.compile(r"[吗嗎呢么麼怎何谁誰哪几幾否岂豈]|难道|難道|(.)[不没沒]\1")
_CP1252_EXTRA = "ŒœŠšŸŽžƒˆ˜–—‘’‚“”„†‡•…‰‹›€™"


def _is_han(ch: str) -> bool:
    return bool(ch) and bool(_IS_HAN.match(ch))


@lru_cache(maxsize=8192)
def _is_common(ch: str) -> bool:
    """Tell whether a character is ASCII, a GB2312 symbol or a level-1 (common) hanzi."""
    if ch.isascii() or ch.isspace():
        return True
    try:
        code = to_simplified(ch).encode("gb2312")
    except UnicodeEncodeError:
        return False
    return code[0] <= 0xD7


def _decodes_to_chinese(data: bytes) -> bool:
    """Tell whether bytes read as UTF-8 give Chinese: the sign of a misread encoding."""
    decoded = data.decode("utf-8", errors="replace")
    han = sum(1 for ch in decoded if _is_han(ch) or ch in "，。、“”：；")
    return han >= 2 and decoded.count("\ufffd") * 3 <= len(decoded)


def _mojibake_hits(text: str) -> list[tuple[int, int]]:
    """Find runs of UTF-8 text misread as GBK (``鏂囩珷``) or as cp1252 (``ç»„ç»‡``)."""
    hits = []
    for m in re.finditer(r"[^\x00-\x7f\s\ufffd]{3,}", text):
        rare = "".join("." if _is_common(ch) else "r" for ch in m.group())
        for run in re.finditer("r{3,}", rare):
            start, end = m.start() + run.start(), m.start() + run.end()
            if _decodes_to_chinese(text[start:end].encode("gbk", errors="ignore")):
                hits.append((start, end))
    for m in re.finditer(rf"[\u0080-\u00ff{_CP1252_EXTRA}]{{3,}}", text):
        data = b"".join(
            ch.encode("cp1252") if ch in _CP1252_EXTRA else ch.encode("latin-1") for ch in m.group()
        )
        if _decodes_to_chinese(data):
            hits.append(m.span())
    return hits


def _looks_like_question(text: str, at: int) -> bool:
    """Tell whether the clause before ``at`` reads as a question (吗, 什么, 是不是…)."""
    clause = re.split(r"[。！？!?；;\n]", text[max(0, at - 40) : at])[-1]
    return bool(_QUESTION_WORDS.search(clause))


_TIGHT, _LOOSE = 3, 12
_STRAY_PINYIN = re.compile(rf"([{_PINYIN_LETTERS}]{{1,6}})\)")


def _question_mark_hit(text: str, start: int, end: int) -> tuple[int, int] | None:
    """Tell whether the '?' run at ``start:end`` is damage, and give the damaged span."""
    before, after = text[start - 1 : start], text[end : end + 1]
    stray = _STRAY_PINYIN.match(text, end)
    if _is_han(before) and stray and is_pinyin_syllable(stray.group(1), need_tone=False):
        return start, stray.end()  # a '(' eaten before a pinyin annotation
    # '???' is how an encoder marks the characters it lost; '怎麼辦?' is a question.
    if _is_han(after) and (end - start >= 2 or _is_han(before)):
        return None if _looks_like_question(text, start) else (start, end)
    return None


def find_corruption(text: str) -> list[Corruption]:
    """Find damage that cannot be repaired, to report it; nothing is changed.

    ``敢擔當?shù)膬?yōu)秀干部`` ⇒ one hit spanning ``?shù)膬?yōu)``. Detects U+FFFD, a
    '?' after a Han character followed by a stray pinyin fragment closing with ')', runs
    of '?' touching Han, a lone '?' between Han characters in a clause that is no
    question, and mojibake runs. A '?' in Latin text (a URL query) is no corruption.
    """
    # (start, end, reach): hits closer than both reaches are one damaged stretch. A
    # mojibake paragraph is broken throughout, with common characters between the runs.
    hits = [(*m.span(), _LOOSE) for m in re.finditer("\ufffd+", text)]
    hits += [(*span, _LOOSE) for span in _mojibake_hits(text)]
    for m in re.finditer(r"\?+", text):
        if hit := _question_mark_hit(text, *m.span()):
            hits.append((*hit, _TIGHT))

    merged: list[list[int]] = []
    for start, end, reach in sorted(hits):
        last = merged[-1] if merged else None
        if last and start - last[1] <= min(reach, last[2]) and "\n" not in text[last[1] : start]:
            last[1], last[2] = max(last[1], end), min(reach, last[2])
        else:
            merged.append([start, end, reach])
    found = []
    for start, end, _ in merged:
        left = text.rfind("\n", 0, start) + 1
        right = text.find("\n", end)
        right = len(text) if right < 0 else right
        damage = text[start:end] if end - start <= 40 else text[start : start + 40] + "…"
        snippet = text[max(left, start - 3) : start] + damage + text[end : min(right, end + 3)]
        found.append(Corruption(start, end, snippet))
    return found


# --- punctuation and whitespace -------------------------------------------------------------

_FULL = {",": "，", ";": "；", ":": "：", "?": "？", "!": "！"}
_ASCII_MARK = re.compile(f"(?<=[{_CJK}])[,;:?!]")


def normalize_punctuation(text: str) -> str:
    """Use Chinese punctuation in Chinese prose: ``新時代,組織(工作)`` ⇒ ``新時代，組織（工作）``.

    ASCII ``, ; : ? !`` after a CJK character become full-width; ``11:44`` and a '?'
    before a Latin letter stay. ASCII parentheses or double quotes (paired on one line)
    around text with Han become ``（…）`` / ``“…”``. Corrupted stretches are not touched.
    """
    damaged = [(c.start, c.end) for c in find_corruption(text)]

    def intact(start: int, end: int) -> bool:
        return all(end <= s or start >= e for s, e in damaged)

    def paren(m: re.Match[str]) -> str:
        if _IS_HAN.search(m.group(1)) and intact(*m.span()):
            return f"（{m.group(1)}）"
        return m.group(0)

    before = None
    while before != text:
        before, text = text, re.sub(r"\(([^()\n]*)\)", paren, text)

    def quotes(line: str) -> str:
        parts = line.split('"')
        if len(parts) % 2 == 0:
            return line  # an unpaired quote: pairing would guess
        for k in range(1, len(parts), 2):
            parts[k] = f"“{parts[k]}”" if _IS_HAN.search(parts[k]) else f'"{parts[k]}"'
        return "".join(parts)

    text = "\n".join(quotes(line) if '"' in line else line for line in text.split("\n"))

    def mark(m: re.Match[str]) -> str:
        after = m.string[m.end() : m.end() + 1]
        if not intact(*m.span()) or (m.group() == "?" and after.isascii() and after.isalpha()):
            return m.group()
        return _FULL[m.group()]

    before = None
    while before != text:  # again: a converted mark is CJK for the next one, as in ``”:,``
        before, text = text, _ASCII_MARK.sub(mark, text)
    return text


_ZERO_WIDTH = re.compile("[\u200b-\u200d\u2060\ufeff]")
_SPACES = re.compile(r"[^\S\n]+")
_CJK_GAP = re.compile(f"(?<=[{_CJK}]) (?=[{_CJK}])")
_NUMBERED_HEADING = re.compile(r"第[一二三四五六七八九十百零〇两兩\d]+(?:[章节節条條款编編]|部分)$")


def normalize_whitespace(text: str) -> str:
    """Tidy spaces and lines into paragraphs: ``"組織 工作\\n\\n\\n二"`` ⇒ ``"組織工作\\n\\n二"``.

    Runs of spaces (U+3000, NBSP, tabs) become one space, spaces between CJK characters
    go (except after ``第一条``-style headings), empty lines go, and paragraphs are
    separated by one blank line.
    """
    text = _ZERO_WIDTH.sub("", normalize_newlines(text))
    paragraphs = []
    for raw in text.split("\n"):
        line = _SPACES.sub(" ", raw).strip()

        def gap(m: re.Match[str], line: str = line) -> str:
            return " " if _NUMBERED_HEADING.search(line[: m.start()]) else ""

        if line:
            paragraphs.append(_CJK_GAP.sub(gap, line))
    return "\n\n".join(paragraphs)


# --- the chain ------------------------------------------------------------------------------


def clean_text(body: str) -> Cleaned:
    """Clean a document body into Markdown paragraphs, moving metadata lines out.

    ``"劉漢征\\n經(jīng)濟,發展。"`` ⇒ ``Cleaned("經濟，發展。", {"author": "劉漢征"}, ())``.
    Corruption is reported in ``warnings`` (``第3段疑似乱码，无法修复，原文保留：“…”``)
    and kept in the text.
    """
    text = strip_pinyin(normalize_newlines(body))
    lines, found = extract_boilerplate(text.split("\n"))
    # normalize_punctuation finds the damage itself and leaves it alone; it is reported
    # from the final paragraphs so that the snippet reads as the stored text does.
    text = normalize_whitespace(normalize_punctuation(fold_width("\n".join(lines))))
    warnings = [
        f"第{number}段疑似乱码，无法修复，原文保留：“{hit.snippet}”"
        for number, paragraph in enumerate(text.split("\n\n"), start=1)
        for hit in find_corruption(paragraph)
    ]
    return Cleaned(text=text, found=found, warnings=tuple(warnings))
