"""Find typical demonstrations: people, villages, units and honours held up as models.

Names are read from the simplified copy of the text (same offsets) with jieba POS tags:

- a *person*: a word tagged ``nr``/``nrfg``/``nrt`` of 2–4 characters that starts with a
  common surname and is not an everyday word (jieba tags 文明, 公正, 晋升 … ``nr``), or
  a surname character with a one- or two-character name tagged as a name or right
  after a title (张|丽丽, 书记|刘|春生); a name cut short by jieba (章正|合为) takes the
  longer form found elsewhere (章正合);
- a *village or community*: characters before 村/庄/社区/嘎查, walked back to the
  previous address part (镇, 乡, 街道, 县, 市 …) or function word: 双沟镇双北村 ⇒ 双北村,
  以西辛庄为依托 ⇒ 西辛庄 (at least two characters before the suffix, none of them a
  generic modifier: 农村, 贫困村, 美丽乡村, 示范村 are not names);
- a *place or unit*: a word tagged ``ns``/``nt``, possibly followed by 街道/镇/乡/村.

Never a name: vocabulary words of ``corpus/userdict.txt`` (组织部门, 社区党委 — only its
``nr``/``ns`` entries are names), frequent dictionary words (城市, 高原), words holding a
model word (文明村, 先进典型), pronoun places (我区, 全市), an address part directly
followed by another place (金港街道|长江村), and the gazetteer's administrative divisions
(即墨, 濮阳, 西宁 are the documents' own regions) except under rules 3 and 4.

A name is a demonstration when

1. it shares a clause (text between ，；。：) with a *model word* — 典型, 典范, 示范, 标兵,
   榜样, 带头人, 模范, 楷模, 样板, 标杆, 排头兵, 劳模, 十佳, 最美, 全国优秀, 先进典型/单位/
   集体/个人/事迹… (bare 先进: 先进地区, and 先锋模范作用, every member's duty, are not
   model words) — and is a person, a village or a unit (a place such as 卧牛河镇 beside
   a model word is usually only the setting; a person handing a prize over, X为…颁奖,
   is not the model); or it is a village opening a sentence
   with a model word (船郭庄村…打造齐鲁样板); or a village–secretary–person profile
   (长江村党委书记郁霞秋) stands in a paragraph with a model word (both are tagged);
2. it sits in a frame — 以X为依托/载体, 依托X, 学习X, 向X学习, 借鉴X — in a sentence
   with a model word or 先进经验/典型经验 (以西辛庄为依托, 学习华西村的先进经验);
3. it receives an honour: ``X(被)评为/授予/荣获/命名为/列为/获评/入选 …`` (X may open
   the sentence: 一心村…，被评选为), ``授予X“…”称号``, or a quoted honour before
   称号/荣誉, where the honour holds an honour word (先进, 示范, 标兵, 优秀, 文明, 好人 …).
   The honour, as written, is a demonstration too (山东省人才工作先进单位, even when X
   is 我区); ratings (优秀等次) are not honours, nor is 机关名牌 (a brand rating with no
   honour word; 公信组工 is an approach, left to :mod:`kb.tagging.approaches`);
4. it is X in a quoted ``“X式”`` (“李连成式”农村党支部书记: a model others copy), when
   X is a name or looks like a person's name (“菜单式” does not).

One candidate per distinct name, at its first accepted mention, the reasons of all its
mentions joined with ``；``. The tokenizer is :func:`kb.tagging.segment.pos_tokenizer`,
but it runs **with HMM** here, unlike the index and the approach rules: without it
unknown names (黄大年, 廖俊波, 赵小平) fall apart into single characters and only names
listed in a dictionary are found. The HMM is deterministic for a given dictionary, so
the output is too.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache

from kb.ingest.gazetteer import lookup
from kb.script import to_simplified
from kb.tagging.candidates import Candidate, sentence_around
from kb.tagging.segment import is_set_phrase, pos_tokenizer

_SURNAMES = frozenset(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜"
    "叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎"
    "贺顾毛郝龚邵万钱严覃武戴莫孔向汤常温康施文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申"
    "欧耿关兰焦俞左柳甘祝包宁尚符舒阮柯纪梅童凌毕单季裴霍涂成苗谷盛曲翁冉骆蓝路游辛靳管柴"
    "蒙鲍华喻祁蒲房滕屈饶解牟艾尤阳穆农司卓古吉缪简车项连麦褚娄窦戚岑景宫费卜冷晏席卫米柏"
    "宗瞿桂佟应臧闵苟邬边卞姬师仇栾隋商刁沙荣巫寇桑郎甄丛仲虞敖巩佘池查麻苑迟邝官封谈匡鞠"
    "郁杭惠荆乐冀胥南班储栗燕楚鄢劳谌奚皮粟冼蔺楼盘满闻厉伊仝郜阚花权强帅屠豆朴盖练廉禹"
)
_COMPOUND_SURNAMES = ("欧阳", "司马", "上官", "诸葛", "皇甫", "尉迟", "公孙", "慕容", "令狐")
_PERSON_TAGS = frozenset({"nr", "nrfg", "nrt"})
_NAME_TAGS = ("nr", "ns")  # the user dictionary's names; its other words are vocabulary
_PLACE_TAGS = frozenset({"ns", "nt"})
_GIVEN_NAME_TAGS = frozenset({"nr", "nrfg", "nrt", "ns"})
_NOT_GIVEN_TAGS = frozenset("v vn vd p c u uj ul d m q r x f".split())
_TITLES = ("书记", "主任", "支书", "村长", "委员", "代表", "同志", "模范", "标兵", "劳模")
_NOT_NAME_TAGS = frozenset({"a", "ad", "an", "d", "v", "vn"})
_NAME_PART_TAGS = frozenset({"nr", "nrfg", "nrt", "ns", "nt", "nz", "n", "ng", "j", "zg"})
_CLOSED_TAGS = frozenset("p c u uj ul m q r".split())  # after an address part (一心/d 村)
_FUNCTION_TAGS = frozenset("p c u uj ul uz uv ud ug r d m mq q x f y e o t tg".split())
_VILLAGE = re.compile(r"嘎查|社区|村|庄")
_NOT_AFTER_VILLAGE = frozenset("官民务级规容貌风落组庄委")
_UNIT_SUFFIXES = ("公司", "集团", "学校", "大学", "中学", "小学", "医院", "合作社", "支部", "厂")
_ADDRESS_ENDS = frozenset("镇乡县市区省州旗道")  # 道: 街道
_STOP_CHARS = frozenset(
    "到进驻抓去来帮建有是让使树往每全在把将对向从为与和及于以由给同跟比被至自了的各本该个等这那其"
)
_GENERIC_PREFIXES = frozenset(
    "美丽 重点 试点 行政 自然 城中 空壳 薄弱 软弱 涣散 后进 落后 贫困 富裕 亿元 明星 小康 新型 "
    "农村 城市 城乡 基层 和谐 幸福 平安 老旧 中心 周边 相邻 所在 派驻 结对 帮扶 联系 包联 "
    "经济 强 扶贫 驻 现任 时任 首任 前任 历任".split()
)
_COMMON_FREQ = 500  # dictionary words this frequent are everyday words, whatever their tag
_GENERIC = frozenset(
    "典型 先进 标兵 先进典型 全国先进典型 基层 干部 党员 群众 组织部 我区 我市 我县 我省 "
    "全区 全市 全县 全省 全国 本地 当地 城市 城乡 荣获 高素质 齐力 齐全 相衔接 德才 英才 "
    "小成 楼宇 张氏 中组部 齐鲁 三秦 八闽 燕赵 荆楚 巴蜀 中原 江南 江淮 岭南 天府".split()
)

_MODEL = re.compile(
    r"(?:全国|全省|全市|全县|全区|省级|市级|国家级)?"
    r"(?:先进(?:典型|单位|集体|个人|人物|事迹|工作者|基层党组织|党组织|党支部|村|社区|乡镇)"
    r"|典型|典范|示范|标兵|榜样|带头人|领头雁|楷模|样板|标杆|排头兵|劳动模范|劳模"
    r"|模范(?!带头作用|作用)|十佳|全国优秀|最美)"
)
_EXPERIENCE = re.compile(r"(?:先进|典型|成功)经验|经验做法")
_HONOUR_WORD = re.compile(
    r"先进|示范|标兵|模范|劳模|十佳|榜样|标杆|楷模|样板|典型|典范|优秀|文明|最美|五好|百强"
    r"|红旗|先锋|好人|好支书|好书记|好干部|能手|之星|英雄|功臣|奖"
)
_NOT_HONOUR = re.compile(r"(?:等次|等级|档次|成绩|成效|作用)$")
_HONOUR_VERB = re.compile(
    r"(被)?(评为|评选为|授予|命名为|表彰为|确定为|列为|获评|荣获|荣登|获得|入选|获)"
)
_QUOTED = re.compile(r"[“\"「『]([^“”\"「」『』]{2,30})[”\"」』]")
_TITLED = re.compile(r"[“\"]([^“”\"]{2,30})[”\"](?:这项|这一|的)?((?:荣誉)?称号|荣誉)")
_STYLE = re.compile(r"[“\"「『]([\u4e00-\u9fff]{2,5})式[”\"」』]")
_FRAMES = (
    (re.compile(r"(?:以|依托)$"), re.compile(r"为(?:依托|载体|基地|平台|龙头)?"), "以…为依托"),
    (re.compile(r"(?:学习|学|向|借鉴)$"), re.compile(r""), "学习…"),
)
_CLAUSE_END = re.compile(r"[，,；;。！？!?：:\n]")
_SENTENCE_END = re.compile(r"[。！？；!?;\n]")
_PARAGRAPH_END = re.compile(r"\n")
_PROFILE = re.compile(
    r"(?:党委|党总支|党支部|支部|党工委|村委会|居委会)?(?:第一|副)?(?:书记|主任)"
    r"(?:、[^，,。；;\n]{0,12}?(?:书记|主任))?$"
)
_PRESENTER = re.compile(r"(?:同志)?为[^，,。；;\n]{0,24}?(?:颁奖|颁发|授牌|授旗)")
_SUBJECT_GAP = re.compile(r"[^，,；;。！？!?：:\n]{0,12}")


def _user_word(word: str) -> str | None:
    """Return the tag ``corpus/userdict.txt`` gives ``word``, or None if it does not list it."""
    tags = pos_tokenizer().word_tag_tab
    return None if word not in tags or is_set_phrase(word) else tags[word]


def _frequency(word: str) -> int:
    """Return jieba's frequency of ``word``; 0 for the user dictionary's names (李连成)."""
    return 0 if _user_word(word) in _NAME_TAGS else pos_tokenizer().tokenizer.FREQ.get(word, 0)


def _is_common(word: str) -> bool:
    """Tell whether ``word`` is generic: vocabulary, a frequent word or a model word."""
    return (
        word in _GENERIC
        or _user_word(word) not in (None, *_NAME_TAGS)
        or _frequency(word) >= _COMMON_FREQ
        or bool(_HONOUR_WORD.search(word) or _MODEL.search(word))
    )


def looks_like_person(word: str) -> bool:
    """Tell whether ``word`` can be a person's name: surname, 2–4 characters, not a word.

    >>> looks_like_person("李连成"), looks_like_person("文明"), looks_like_person("菜单")
    (True, False, False)
    """
    surname = word[:2] in _COMPOUND_SURNAMES or word[:1] in _SURNAMES
    return 2 <= len(word) <= 4 and surname and not _is_common(word)


@dataclass(frozen=True)
class _Token:
    word: str
    flag: str
    start: int

    @property
    def end(self) -> int:
        return self.start + len(self.word)


@dataclass(frozen=True)
class _Name:
    start: int
    end: int
    kind: str  # person, village, place or unit
    admin: bool  # an administrative division of the gazetteer

    @property
    def label(self) -> str:
        return {"person": "人名", "unit": "单位名"}.get(self.kind, "地名")


def _tokens(simplified: str) -> list[_Token]:
    tokens, pos = [], 0
    for pair in pos_tokenizer().cut(simplified, HMM=True):
        pos = simplified.find(pair.word, pos)
        tokens.append(_Token(pair.word, pair.flag, pos))
        pos += len(pair.word)
    return tokens


def _village(text: str, owner: list[_Token], start: int, end: int) -> int | None:
    """Return where the village name ending in ``text[start:end]`` (村, 庄 …) begins."""
    token = owner[start]
    if text[start] == "村" and text[end : end + 1] in _NOT_AFTER_VILLAGE:
        return None  # 村官, 村民, 村级
    if token.start < start and token.end == end and _frequency(token.word):
        dictionary_name = token.flag in ("ns", "nr") and _frequency(token.word) < 100
        return token.start if dictionary_name else None  # 华西村 | 农村, 山村, 村庄
    if token.end > end and text[start] == "庄":
        return None  # 庄重, 庄严
    left = start
    while left > 0 and start - left < 4 and _is_han(text[left - 1]):
        if text[left - 1] in _ADDRESS_ENDS:
            break
        left -= 1
    after_address = left > 0 and text[left - 1] in _ADDRESS_ENDS  # 卧牛河镇|一心村
    stop_tags = _CLOSED_TAGS if after_address else _FUNCTION_TAGS
    i = start
    while i > left:
        part = owner[i - 1]
        strict = not after_address and len(part.word) > 1 and part.flag not in _NAME_PART_TAGS
        if part.word in _STOP_CHARS or (part.end <= start and (part.flag in stop_tags or strict)):
            break
        i -= 1
    if start - i == 4 and owner[i].start < i:  # never cut a word in two: 农|业经济强村
        i = min(owner[i].end, start)
    prefix = text[i:start]
    if len(prefix) < 2 or any(
        prefix.startswith(g) or prefix.endswith(g) for g in _GENERIC_PREFIXES
    ):
        return None
    if not after_address and pos_tokenizer().word_tag_tab.get(prefix, "n") in _NOT_NAME_TAGS:
        return None
    return None if _is_common(text[i:end]) else i


def _is_han(char: str) -> bool:
    return "\u4e00" <= char <= "\u9fff"


def _names(simplified: str) -> list[_Name]:
    """Return the person, village, place and unit names of ``simplified``, in order."""
    tokens = _tokens(simplified)
    owner = [t for t in tokens for _ in t.word]
    spans: dict[tuple[int, int], str] = {}
    for match in _VILLAGE.finditer(simplified):
        begin = _village(simplified, owner, *match.span())
        if begin is not None:
            spans[(begin, match.end())] = "village"
    taken = {i for s, e in spans for i in range(s, e)}
    people = [t.word for t in tokens if t.flag in _PERSON_TAGS and looks_like_person(t.word)]
    for i, t in enumerate(tokens):
        nxt = tokens[i + 1] if i + 1 < len(tokens) else _Token("", "x", len(simplified))
        if t.start in taken or t.end - 1 in taken:
            continue
        titled = i > 0 and tokens[i - 1].word.endswith(_TITLES)  # 书记|刘|春生
        given = len(nxt.word) <= 2 and (
            nxt.flag in _GIVEN_NAME_TAGS or (titled and nxt.flag not in _NOT_GIVEN_TAGS)
        )
        if t.word in _SURNAMES and given and looks_like_person(t.word + nxt.word):
            spans[(t.start, nxt.end)] = "person"  # 宋|黎明, 张|丽丽, 张|海东
            taken.update(range(t.start, nxt.end))
            continue
        if t.flag in _PERSON_TAGS and len(t.word) > 2 and t.word.endswith(tuple(_ADDRESS_ENDS)):
            spans[(t.start, t.end)] = "place"  # 张湾镇/nr
        elif t.flag in _PERSON_TAGS:
            word = max((p for p in people if p.startswith(t.word)), key=len, default="")
            if word and simplified.startswith(word, t.start):  # 章正|合为 -> 章正合
                spans[(t.start, t.start + len(word))] = "person"
        elif t.flag in _PLACE_TAGS and len(t.word) >= 2:
            word, end = t.word, t.end
            if nxt.word in ("街道", "镇", "乡", "村"):
                word, end = word + nxt.word, nxt.end
            if not _is_common(word) and not _is_common(t.word):
                unit = t.flag == "nt" and word.endswith(_UNIT_SUFFIXES)
                spans[(t.start, end)] = "unit" if unit else "place"
    ordered = sorted(spans.items())
    names = []
    for k, ((start, end), kind) in enumerate(ordered):
        nxt_span, nxt_kind = ordered[k + 1] if k + 1 < len(ordered) else ((-1, -1), "")
        if kind != "person" and nxt_span[0] == end and nxt_kind != "person":
            continue  # an address part: 金港街道|长江村
        names.append(_Name(start, end, kind, bool(lookup(simplified[start:end]))))
    return names


def _span(pattern: re.Pattern[str], text: str, start: int, end: int) -> tuple[int, int]:
    """Return the bounds of the clause, sentence or paragraph (``pattern`` ends it) around."""
    stops = _stops(pattern, text)
    i = bisect.bisect_left(stops, start)
    left = stops[i - 1] + 1 if i else 0
    j = bisect.bisect_left(stops, end)
    return left, stops[j] if j < len(stops) else len(text)


@lru_cache(maxsize=8)
def _stops(pattern: re.Pattern[str], text: str) -> list[int]:
    return [m.start() for m in pattern.finditer(text)]


def _is_honour(phrase: str) -> bool:
    return len(phrase) >= 3 and bool(_HONOUR_WORD.search(phrase)) and not _NOT_HONOUR.search(phrase)


def _honours(text: str, lo: int, hi: int, *, need_title: bool) -> list[tuple[int, int]]:
    """Return the honours named in ``text[lo:hi]``: quoted ones, else the list before 称号."""
    quoted = [m.span(1) for m in _QUOTED.finditer(text, lo, hi)]
    if quoted:
        return [(a, b) for a, b in quoted if _is_honour(text[a:b])]
    title = re.search(r"(?:等|的)?(?:荣誉)?称号", text[lo:hi])
    if need_title and not title:
        return []
    hi = lo + title.start() if title else hi
    parts = [(lo + m.start(), lo + m.end()) for m in re.finditer(r"[^、]+", text[lo:hi])]
    return [(a, b) for a, b in parts if _is_honour(text[a:b])]


def _subjects(text: str, names: list[_Name], lo: int, verb: int) -> list[_Name]:
    """Return the names a clause puts before an honour verb: ``焦裕禄、谷文昌被评为``."""
    before = [n for n in names if lo <= n.start and n.end <= verb]
    if not before and re.fullmatch(r"[^\n]{0,4}?被", text[lo:verb]):  # 一心村…，被评选为
        s_lo, _ = _span(_SENTENCE_END, text, verb, verb)
        return [n for n in names if s_lo <= n.start < lo and not n.admin][:1]
    if not before or not _SUBJECT_GAP.fullmatch(text[before[-1].end : verb]):
        return []
    subjects = [before[-1]]
    for name in reversed(before[:-1]):
        if text[name.end : subjects[0].start] not in ("、", "和", "及", "与"):
            break
        subjects.insert(0, name)
    return subjects


def extract_demonstrations(text: str) -> list[Candidate]:
    """Return the people, places, units and honours ``text`` presents as models.

    >>> [c.name for c in extract_demonstrations("充分利用李連成這個全國先進典型，以西辛莊為依托。")]
    ['李連成', '西辛莊']
    """
    simplified = to_simplified(text)
    if len(simplified) != len(text):  # keep offsets aligned with the original script
        simplified = "".join(c if len(s := to_simplified(c)) != 1 else s for c in text)
    found: dict[str, tuple[int, int, list[str]]] = {}

    def accept(start: int, end: int, reason: str) -> None:
        entry = found.setdefault(text[start:end], (start, end, []))
        if reason not in entry[2]:
            entry[2].append(reason)

    names = _names(simplified)
    for name, reason in _in_context(simplified, names):
        accept(name.start, name.end, reason)
    for start, end, reason in _honoured(simplified, names):
        accept(start, end, reason)
    for match in _STYLE.finditer(simplified):
        start, end = match.span(1)
        known = any(n.start == start and n.end == end for n in names)
        if known or looks_like_person(match.group(1)):
            accept(start, end, f"{match.group(0)}：他人效仿的榜样")
    return [
        Candidate(
            name=name,
            kind="demonstration",
            evidence=sentence_around(text, start, end),
            start=start,
            end=end,
            reason="；".join(reasons),
        )
        for name, (start, end, reasons) in sorted(found.items(), key=lambda item: item[1][0])
    ]


def _in_context(text: str, names: list[_Name]) -> Iterator[tuple[_Name, str]]:
    """Yield the names that rules 1 and 2 accept, with their reasons."""
    for name in names:
        if name.admin:
            continue
        lo, hi = _span(_CLAUSE_END, text, name.start, name.end)
        s_lo, s_hi = _span(_SENTENCE_END, text, name.start, name.end)
        if _PRESENTER.match(text, name.end):
            continue  # 镇党委书记钱海军为“最美村部”获奖者颁奖: who hands the prize over
        strong = name.kind in ("person", "village", "unit")
        if strong and (model := _MODEL.search(text, lo, hi)):
            yield name, f"与“{model.group(0)}”同句出现的{name.label}"
            continue
        if not (model := _MODEL.search(text, s_lo, s_hi) or _EXPERIENCE.search(text, s_lo, s_hi)):
            continue
        for before, after, frame in _FRAMES:
            near = before.search(text, max(lo, name.start - 2), name.start)
            if near and after.match(text, name.end):
                yield name, f"“{frame}”句式，与“{model.group(0)}”同句出现的{name.label}"
        first = next(n for n in names if n.end > s_lo and not n.admin)
        is_model = model.re is _MODEL
        if is_model and name is first and name.kind == "village" and name.start - s_lo <= 30:
            yield name, f"句首的{name.label}，句中有“{model.group(0)}”"

    for person in (n for n in names if n.kind == "person"):
        profile = _PROFILE.search(text, max(0, person.start - 30), person.start)
        village = profile and next((n for n in names if n.end == profile.start()), None)
        if village and village.kind == "village":
            p_lo, p_hi = _span(_PARAGRAPH_END, text, person.start, person.end)
            if model := _MODEL.search(text, p_lo, p_hi):
                for name in (village, person):
                    yield name, f"“村（社区）—书记—人名”介绍，段中有“{model.group(0)}”"


def _honoured(text: str, names: list[_Name]) -> Iterator[tuple[int, int, str]]:
    """Yield the honours and their holders that rule 3 finds: ``(start, end, reason)``."""
    for match in _HONOUR_VERB.finditer(text):
        lo, hi = _span(_CLAUSE_END, text, match.start(), match.end())
        verb = match.group(2)
        passive = match.group(1) or "被" in text[lo : match.start()]
        begin = match.end() + (text[match.end()] in "了给予" if match.end() < hi else 0)
        honours = _honours(text, begin, hi, need_title=verb == "获")
        for h_lo, h_hi in honours:
            yield h_lo, h_hi, f"“{verb}”后的荣誉称号"
        if not honours:
            continue
        honour = text[honours[0][0] : honours[-1][1]]
        if verb in ("授予", "命名为", "表彰为") and not passive:  # 授予杭兰英同志“…”称号
            subjects = [n for n in names if match.end() <= n.start and n.end <= honours[0][0]]
        else:
            subjects = _subjects(text, names, lo, match.start(2))
        for name in subjects:
            yield name.start, name.end, f"{match.group(0)}“{honour}”的{name.label}"
    for match in _TITLED.finditer(text):  # 对“全国先进基层党组织”这项荣誉的理解
        if _is_honour(match.group(1)):
            yield *match.span(1), f"带引号的荣誉称号（“{match.group(2)}”）"
