"""Describe a cleaned document: title, date, author, region and document type.

What the file states (``stated``) wins over what the cleaning rules moved out of the
text (``cleaned.found``), which wins over what is detected in the text itself.
Places come from :mod:`kb.ingest.gazetteer`; the document type from weighted,
explainable rules whose reasons are shown to users in Chinese.
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable

from kb.ingest import gazetteer
from kb.ingest.document import Cleaned, Metadata
from kb.script import to_simplified

TITLE_MAX = 40
CLIP = 30
NO_TITLE = "（无标题）"

_CN_DIGITS = {c: str(i) for i, c in enumerate("〇一二三四五六七八九")} | {"零": "0", "○": "0"}
_DATE = re.compile(r"((?:19|20)\d\d)\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})(?!\d)\s*日?")
_CN_NUM = "[一二三四五六七八九十]"
_CN_DATE = re.compile(
    rf"([〇○零一二三四五六七八九]{{4}})年({_CN_NUM}{{1,2}})月({_CN_NUM}{{1,3}})日"
)
_DATE_LABEL = re.compile(r"(?:[：:]|时间|日期|发布|发表于|更新|post\s*by|posted)$", re.IGNORECASE)
_SENTENCE_PUNCT = re.compile(r"[。！？；!?;]")
_PROSE_PUNCT = re.compile(r"[,。;!?、]")
_LABEL_LINE = re.compile(
    r"^(?:作者|来源|时间|日期|发布|编辑|责编|post\s*by)\s*[：:/]", re.IGNORECASE
)
_AUTHOR_NOTE = re.compile(r"^[（(]\s*(作者(?:系|为|是|单位)[^（）()]*?)\s*[）)]$")


def _cn_number(text: str) -> int:
    if "十" not in text:
        return int("".join(_CN_DIGITS[c] for c in text))
    tens, _, units = text.partition("十")
    return int(_CN_DIGITS[tens] if tens else 1) * 10 + (int(_CN_DIGITS[units]) if units else 0)


def parse_date(raw: object) -> dt.date | None:
    """Read the first calendar date in ``raw``; ``None`` when there is no valid one.

    >>> parse_date("2018/8/3 10:46:34"), parse_date("二〇二一年三月五日"), parse_date("2021-02-30")
    (datetime.date(2018, 8, 3), datetime.date(2021, 3, 5), None)
    """
    if isinstance(raw, dt.datetime):
        return raw.date()
    if isinstance(raw, dt.date):
        return raw
    if not isinstance(raw, str):
        return None
    text = unicodedata.normalize("NFKC", raw)
    try:
        if m := _DATE.search(text):
            return dt.date(int(m[1]), int(m[2]), int(m[3]))
        if m := _CN_DATE.search(text):
            year = int("".join(_CN_DIGITS[c] for c in m[1]))
            return dt.date(year, _cn_number(m[2]), _cn_number(m[3]))
    except ValueError:
        return None
    return None


def _lines(text: str) -> list[str]:
    return [line.strip().strip("#*").strip() for line in text.splitlines() if line.strip()]


def _date_line(line: str) -> dt.date | None:
    simplified = unicodedata.normalize("NFKC", to_simplified(line))  # NFKC: ，→ ,
    m = _DATE.search(simplified) or _CN_DATE.search(simplified)
    if m is None or len(simplified) > 60 or _PROSE_PUNCT.search(simplified):
        return None
    prefix = simplified[: m.start()].strip()
    if prefix and not _DATE_LABEL.search(prefix):
        return None
    return parse_date(simplified[m.start() :])


def find_date(text: str, *, lines: int = 3) -> dt.date | None:
    """Find a publication date stated on a line of its own near the top or at the end.

    A year mentioned in the prose is never a date; only a line that is a date, maybe
    after a label such as ``发布时间：``, counts.

    >>> find_date("发布时间：2021-03-05 09:00\\n\\n正文。"), find_date("2017年度，我区被评为先进。")
    (datetime.date(2021, 3, 5), None)
    """
    all_lines = _lines(text)
    for line in all_lines[:lines] + all_lines[-lines:][::-1]:
        if (date := _date_line(line)) is not None:
            return date
    return None


def _is_heading(line: str) -> bool:
    return (
        4 <= len(line) <= TITLE_MAX
        and not _SENTENCE_PUNCT.search(line)
        and not line.endswith(("，", "、", "：", ":", ",", "…"))
        and not _LABEL_LINE.match(to_simplified(line))
        and _date_line(line) is None
    )


def find_title_line(text: str, *, skip: Iterable[str] = ()) -> str | None:
    """Return the text's own title: a short first line without sentence punctuation.

    >>> find_title_line("组织工作改革创新思考\\n\\n改革创新是根本要求。")
    '组织工作改革创新思考'
    """
    skipped = set(skip)
    lines = [line for line in _lines(text) if line not in skipped]
    if len(lines) >= 2 and _is_heading(lines[0]):
        return lines[0]
    return None


def clip_sentence(text: str, *, limit: int = CLIP) -> str:
    """Make a title from the first sentence of ``text``, clipped at a clause near ``limit``.

    >>> clip_sentence("經濟社會發展進入新時代，組織工作必須站在戰略和全局的高度，以廣闊的視野。")
    '經濟社會發展進入新時代，組織工作必須站在戰略和全局的高度…'
    """
    lines = [line for line in _lines(text) if len(line) >= 8 or _SENTENCE_PUNCT.search(line)]
    if not lines:
        return ""
    sentence = _SENTENCE_PUNCT.split(lines[0], maxsplit=1)[0].strip()
    if len(sentence) <= limit:
        return sentence
    head = sentence[: limit + 1]
    cut = max(head.rfind(mark) for mark in "，、：,")
    return (head[:cut] if cut >= limit // 2 else sentence[:limit]) + "…"


def split_author_note(text: str) -> tuple[str, str | None]:
    """Split a closing ``（作者系…）`` line off the text.

    >>> split_author_note("正文。\\n\\n（作者系青海省西寧市委常委）")
    ('正文。', '作者系青海省西寧市委常委')
    """
    stripped = text.rstrip()
    head, _, last = stripped.rpartition("\n")
    if m := _AUTHOR_NOTE.match(to_simplified(last.strip())):
        start = last.strip().index(m[1][:2])
        return head.rstrip(), last.strip()[start : start + len(m[1])]
    return text, None


def choose_region(weighted: Iterable[tuple[gazetteer.PlaceMention, int]]) -> gazetteer.Place | None:
    """Pick the place a text is about from weighted mentions.

    Every mention also counts for the city and province containing it. Starting from
    the province with the most weight (at least 2; the first named wins a tie), descend
    to the child with the most weight while it has at least 2 and at least half of its
    parent's weight, and no other child ties with it. One bare mention is never enough.

    >>> m = gazetteer.find_places("即墨区委。创造即墨经验。山东大学")
    >>> choose_region((x, 1) for x in m).short_name
    '即墨'
    """
    total: dict[str, int] = defaultdict(int)
    first: dict[str, int] = {}
    children: dict[str, set[str]] = defaultdict(set)
    for order, (mention, weight) in enumerate(weighted):
        chain = [mention.adcode, *(p.adcode for p in gazetteer.parents(mention.adcode))]
        for child, parent in itertools.pairwise(chain):
            children[parent].add(child)
        for code in chain:
            total[code] += weight
            first.setdefault(code, order)
    roots = [code for code in total if code.endswith("0000")]
    if not roots:
        return None
    current = max(roots, key=lambda code: (total[code], -first[code]))
    if total[current] < 2:
        return None
    while children[current]:
        ranked = sorted(children[current], key=lambda code: total[code], reverse=True)
        best = ranked[0]
        tied = len(ranked) > 1 and total[ranked[1]] == total[best]
        if tied or total[best] < 2 or 2 * total[best] < total[current]:
            break
        current = best
    return gazetteer.place(current)


def _region(
    title: str | None, text: str, note: str | None, stated: object
) -> tuple[str | None, str | None]:
    if isinstance(stated, str) and stated.strip():
        # An exact name means its broadest place (濮阳 -> 濮阳市); a path such as
        # 山东省青岛市即墨区 means its deepest.
        exact = gazetteer.lookup(stated)
        mentions = sorted(
            gazetteer.find_places(stated), key=lambda m: gazetteer.LEVELS.index(m.level)
        )
        code = exact[0].adcode if exact else (mentions[-1].adcode if mentions else None)
        if code is None or (named := gazetteer.place(code)) is None:
            return stated.strip(), None
        return named.short_name, named.adcode
    weighted: list[tuple[gazetteer.PlaceMention, int]] = []
    for part, weight in ((title, 2), (text, 1), (note, 2)):
        if part:
            weighted += [(m, weight) for m in gazetteer.find_places(part)]
    chosen = choose_region(weighted)
    return (chosen.short_name, chosen.adcode) if chosen else (None, None)


DOC_TYPES = {"policy": "政策文件", "experience": "经验材料", "case": "典型案例"}
_SHORT = {"policy": "政策", "experience": "经验", "case": "案例"}
_TYPE_ALIASES = {
    "policy": "policy", "政策": "policy", "政策文件": "policy", "文件": "policy",
    "experience": "experience", "经验": "experience", "经验材料": "experience",
    "case": "case", "案例": "case", "典型案例": "case",
}  # fmt: skip
_MIN_SCORE = 6
"""A policy or case verdict needs at least this much evidence; else experience."""

# (type, "title" or "text", pattern, weight, cap, minimum count, label); the score of a
# rule is weight * min(count, cap). Labels are shown to users.
_RULES: tuple[tuple[str, str, str, int, int, int, str], ...] = (
    ("policy", "title", r"(通知|意见|办法|规定|条例|规划|方案|细则|决定|纲要|准则|规则|要点)"
     r"(?:（[^）]*）)?$", 12, 1, 1, "标题以“{m}”结尾"),
    ("policy", "text", r"(?m)^各[^。，\n]{1,60}[：:]$", 8, 1, 1, "有“各…：”主送机关"),
    ("policy", "text", r"现将《[^》]+》[^。]{0,10}印发|印发给你们|现予印发", 8, 1, 1,
     "有“现将《…》印发”发文语"),
    ("policy", "text", r"(?m)^第[一二三四五六七八九十百零〇]+条", 2, 5, 1,
     "出现“第X条”条款 {n} 处"),
    ("policy", "text", r"本(?:办法|规定|条例|意见|方案|通知|细则|决定|准则|规则)", 2, 5, 1,
     "出现“本办法/本规定”类自指 {n} 处"),
    ("policy", "text", r"自[^。\n]{0,20}起(?:施行|执行)|由[^。\n]{0,20}负责解释", 6, 1, 1,
     "有施行或解释条款"),
    ("policy", "text", r"请[^。\n]{0,20}(?:贯彻执行|遵照执行|贯彻落实)", 3, 1, 1,
     "有“请…贯彻执行”要求"),
    ("case", "title", r"案例|事迹|纪实|侧记|故事|典型(?!经验|做法)", 12, 1, 1, "标题含“{m}”"),
    ("case", "text", r"案例|事迹", 3, 3, 1, "出现“案例/事迹” {n} 处"),
    ("case", "text", r"典型", 1, 2, 1, "出现“典型” {n} 处"),
    ("case", "text", r"(?<![其吉])[他她](?![们人])|该(?:村|社区|镇|乡|街道|公司|企业|单位|同志)",
     2, 6, 3, "围绕单一对象叙事（“他/她”“该村”等指代 {n} 处）"),
    ("experience", "title", r"经验|做法|探索|实践|创新|启示|思考|对策|路径|举措|成效|工作法",
     6, 1, 1, "标题含“{m}”"),
    ("experience", "text", r"我们|我(?:区|市|县|省|州|旗|镇|乡|部|委|局)", 2, 5, 1,
     "出现“我们/我区”等第一人称表述 {n} 处"),
    ("experience", "text", r"二是|二要|二抓|其二|第二，", 2, 3, 1, "“一是…二是…”式分条列举 {n} 组"),
    ("experience", "text", r"探索|做法|经验|成效|实效|亮点|举措", 1, 4, 1,
     "出现“探索/做法/成效”类表述 {n} 处"),
    ("experience", "text", r"(?:提高|提升|推动|推进|激发|增强|化解|形成|建立|构建)了"
     r"|取得[^。，]{0,6}(?:成效|成绩|成果)", 1, 4, 1, "出现“推动了/取得…成效”类表述 {n} 处"),
)  # fmt: skip
_COMPILED = tuple((t, w, re.compile(p), *rest) for t, w, p, *rest in _RULES)


def stated_type(value: object) -> tuple[str | None, str]:
    """Normalise a stated document type; return it with a reason, or ``None`` and a note.

    >>> stated_type("典型案例")
    ('case', '典型案例：文件自带元数据标注为“典型案例”')
    """
    if value is None or not str(value).strip():
        return None, ""
    text = str(value).strip()
    doc_type = _TYPE_ALIASES.get(to_simplified(text).lower())
    if doc_type is None:
        return None, f"文件标注的类型“{text}”无法识别，已自动判断"
    return doc_type, f"{DOC_TYPES[doc_type]}：文件自带元数据标注为“{text}”"


def classify(title: str | None, text: str, *, note: str = "") -> tuple[str, str]:
    """Decide policy / experience / case by weighted rules; return it with a reason.

    ``title`` is a real title, not a clipped first sentence. Matching is on simplified text.

    >>> classify("关于加强年轻干部培养的意见", "各市委组织部：\\n现将有关事项通知如下。")[0]
    'policy'
    """
    parts = {"title": to_simplified(title or ""), "text": to_simplified(text)}
    scores = dict.fromkeys(DOC_TYPES, 0)
    signals: dict[str, list[tuple[int, str]]] = {t: [] for t in DOC_TYPES}
    for doc_type, where, pattern, weight, cap, minimum, label in _COMPILED:
        hits = pattern.findall(parts[where])
        if len(hits) < minimum:
            continue
        score = weight * min(len(hits), cap)
        scores[doc_type] += score
        words = "”“".join(dict.fromkeys(hits))  # 标题含“创新”“思考”
        signals[doc_type].append((score, label.format(n=len(hits), m=words)))
    best = max(("experience", "case", "policy"), key=lambda t: scores[t])
    if best != "experience" and scores[best] < _MIN_SCORE:
        best = "experience"
    listed = [label for _, label in sorted(signals[best], key=lambda s: -s[0])[:4]]
    if not listed:
        listed = ["未发现政策文件或典型案例的明显特征，按默认归为经验材料"]
    totals = "，".join(f"{_SHORT[t]} {scores[t]}" for t in ("policy", "experience", "case"))
    reason = f"{DOC_TYPES[best]}：{'；'.join(listed)}（得分：{totals}）"
    return best, f"{reason}；{note}" if note else reason


LONGEST = {"title": 500, "region": 64, "author": 200, "author_note": 500}
"""The database columns' lengths: what a file states is clipped to them."""
YEARS = (1000, 2999)
"""A stated year outside these is no publication year."""


def _text(value: object) -> str | None:
    return (str(value).strip() or None) if value is not None else None


def describe(cleaned: Cleaned, stated: dict[str, object]) -> Metadata:
    """Describe a cleaned document; stated metadata overrides what is detected.

    >>> text = "即墨区委组织部探索“四级联动”，创造即墨经验。"
    >>> meta = describe(Cleaned(text, {"date": "2018/8/3 10:46:34"}, ()), {"type": "经验"})
    >>> meta.title, meta.region, meta.region_code, meta.year, meta.doc_type
    ('即墨区委组织部探索“四级联动”，创造即墨经验', '即墨', '370282', 2018, 'experience')
    """
    found = cleaned.found
    body, trailing_note = split_author_note(cleaned.text)
    author = _text(stated.get("author")) or _text(found.get("author"))
    author_note = _text(stated.get("author_note")) or _text(found.get("author_note"))
    author_note = author_note or trailing_note

    title = _text(stated.get("title")) or _text(found.get("title"))
    separate_title = title  # a title that is not part of the text counts on its own
    title = title or find_title_line(body, skip=[author] if author else [])
    has_title = title is not None
    title = title or clip_sentence(body) or NO_TITLE

    date = parse_date(stated.get("date")) or parse_date(found.get("date")) or find_date(body)
    year = date.year if date else None
    stated_year = str(stated.get("year", "")).strip()
    if year is None and stated_year.isascii() and stated_year.isdigit():
        year = int(stated_year) if YEARS[0] <= int(stated_year) <= YEARS[1] else None

    region, region_code = _region(separate_title, body, author_note, stated.get("region"))

    doc_type, reason = stated_type(stated.get("type"))
    if doc_type is None:
        doc_type, reason = classify(title if has_title else None, body, note=reason)
    return Metadata(
        title=fit(title, LONGEST["title"]),
        doc_type=doc_type,
        doc_type_reason=reason,
        region=fit(region, LONGEST["region"]),
        region_code=region_code,
        date=date,
        year=year,
        author=fit(author, LONGEST["author"]),
        author_note=fit(author_note, LONGEST["author_note"]),
    )


def fit(text: str | None, limit: int) -> str | None:
    """``text`` clipped to ``limit`` characters (the column's), marked with an ellipsis.

    >>> fit("一二三四五", 4), fit("一二", 4), fit(None, 4)
    ('一二三…', '一二', None)
    """
    if text is None or len(text) <= limit:
        return text
    return text[: limit - 1] + "…"
