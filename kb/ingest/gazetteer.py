"""Recognise Chinese administrative divisions in text with a maintained gazetteer.

The places are the ~3,200 provinces, prefecture-level cities and counties shipped by
the ``cpca`` package (``cpca/resources/adcodes.csv``, found with ``find_spec`` and read
with the csv module, so neither cpca nor pandas is imported). Each place is indexed
under its full name (``西宁市``) and its short name (``西宁``), and an Aho-Corasick
automaton finds them in the simplified form of a text.

A short name is a weaker signal than a full name, so a mention counts only when:

- it is a full name (``濮阳市``, ``通道侗族自治县``), or
- a short name followed by an administrative suffix (``即墨区委``, ``通道县``), or
  directly after one of its ancestors (``上海金山``), or
- a bare short name that is not also an ordinary word (:data:`ORDINARY_WORDS`:
  ``解放思想``, ``乡村振兴``, ``共同富裕``…); a bare two-character county name must
  also occur at least twice, because a one-off hit is usually an accident of two
  neighbouring words (``龙文化`` is not 龙文区).
"""

from __future__ import annotations

import csv
import importlib.util
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import ahocorasick

from kb.script import to_simplified

LEVELS = ("province", "city", "county")

_SUFFIXES = (
    "特别行政区", "自治区", "自治州", "自治县", "自治旗", "联合旗",
    "地区", "新区", "矿区", "林区", "省", "市", "区", "县", "盟", "旗",
)  # fmt: skip
_TYPE_CHARS = frozenset("省市区县州盟旗")
_NOT_A_SUFFIX = frozenset({"市场", "市民", "市值", "市面", "区域", "区块", "区间", "区别", "区分"})
_SKIPPED_ROWS = frozenset({"市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划"})

# Short names that are also common words in organization-work writing (解放思想, 共同富裕,
# 公开化, 培育新乡贤, 幸福安康). They count only with their administrative suffix or right
# after an ancestor (平安区, 青岛即墨). Chosen by hand, starting from the short names that
# jieba's dictionary tags as non-place words, plus direction words (城东, 江北, 河西…).
_ORDINARY = (
    "资源 合作 和平 武功 比如 解放 东方 前进 公安 友好 友谊 通道 共和 平安 中方 凤凰 "
    "安定 延长 新兴 运河 万年 东风 红旗 红星 富裕 清水 高明 前锋 复兴 长子 宏伟 平定 "
    "芙蓉 温泉 向阳 振兴 三元 大方 互助 新华 莲花 平和 名山 六合 龙泉 白云 全州 桃源 "
    "三门 大观 永和 二七 台前 双桥 九龙 二道 无为 民权 小店 同心 元宝 宝塔 天涯 七星 "
    "海棠 博爱 同仁 回民 钟楼 方正 黑水 安居 大通 麒麟 富民 清流 爱民 惠民 长治 兴业 "
    "大厂 安平 集贤 新民 新建 兴国 长安 安宁 长寿 长乐 兴隆 上街 太平 大城 会同 万全 "
    "乐业 天元 和顺 建华 建平 惠农 平房 朝阳 港口 中原 平原 南海 东海 太湖 西湖 天山 "
    "天河 南部 海港 江海 江城 河口 湖口 山城 海城 城中 城东 城西 城北 城关 城厢 市中 "
    "市北 市南 新市 路南 路北 南郊 新城 老城 古城 河东 河西 江东 江北 江南 南山 西山 "
    "东山 青山 金山 南湖 北湖 东湖 站前 泰山 龙文 开化 城区 郊区 矿区 东区 西区 "
    "新乡 安康 来宾 四平 中山"
)
ORDINARY_WORDS = frozenset(_ORDINARY.split())
"""Short names (and a few full names) that are also everyday words."""

_ORDINARY_FULL_NAMES = frozenset({"新城区", "老城区", "古城区"})


@dataclass(frozen=True)
class Place:
    """One administrative division of the gazetteer."""

    adcode: str
    """Six-digit division code, e.g. ``370282``."""
    name: str
    """Full simplified name, e.g. ``即墨市``."""
    short_name: str
    """Name without its administrative suffix, e.g. ``即墨``."""
    level: str
    """``province``, ``city`` or ``county``."""


@dataclass(frozen=True)
class PlaceMention:
    """A place found in a text; ``start``/``end`` index the text as given."""

    name: str
    short_name: str
    adcode: str
    level: str
    start: int
    end: int
    explicit: bool = False
    """Written as a full name, with an administrative suffix or after an ancestor."""
    alternatives: tuple[str, ...] = ()
    """Other places the same words could mean, when the text does not tell them apart."""


def short_name(name: str) -> str:
    """Strip the administrative suffix and nationality names from a division's name.

    >>> short_name("本溪满族自治县"), short_name("青海省"), short_name("城区")
    ('本溪', '青海', '城区')
    """
    for suffix in _SUFFIXES:
        if name.endswith(suffix) and len(name) - len(suffix) >= 2:
            core = name[: -len(suffix)]
            break
    else:
        return name
    if suffix.startswith("自治"):
        nations = _nationalities()
        stripped = True
        while stripped:
            stripped = False
            for nation in nations:
                if core.endswith(nation) and len(core) - len(nation) >= 2:
                    core, stripped = core[: -len(nation)], True
                    break
        if core.endswith("族") and len(core) >= 3:  # 东乡族自治县 -> 东乡
            core = core[:-1]
    return core


class _Gazetteer:
    def __init__(self, places: list[Place]) -> None:
        self.places = {p.adcode: p for p in places}
        self.index: dict[str, list[tuple[Place, bool]]] = {}
        for p in places:
            self.index.setdefault(p.name, []).append((p, True))
            if p.short_name != p.name:
                self.index.setdefault(p.short_name, []).append((p, False))
        self.automaton = ahocorasick.Automaton()
        for key in self.index:
            self.automaton.add_word(key, key)
        self.automaton.make_automaton()

    def ancestors(self, adcode: str) -> tuple[str, ...]:
        codes = (adcode[:4] + "00", adcode[:2] + "0000")
        return tuple(dict.fromkeys(c for c in codes if c != adcode and c in self.places))


def _resource(name: str) -> Path:
    """Path of a data file shipped by cpca, found without importing cpca (and pandas)."""
    spec = importlib.util.find_spec("cpca")
    if spec is None or not spec.submodule_search_locations:
        raise ModuleNotFoundError("the cpca package (gazetteer data) is not installed")
    return Path(next(iter(spec.submodule_search_locations))) / "resources" / name


@lru_cache(maxsize=1)
def _nationalities() -> tuple[str, ...]:
    text = _resource("56_nations.csv").read_text(encoding="utf-8")
    names = [line.strip() for line in text.splitlines()]
    forms = {n for n in names if n} | {n[:-1] for n in names if n.endswith("族") and len(n) > 2}
    return (*sorted(forms, key=len, reverse=True), "各族")


def _level(adcode: str) -> str:
    if adcode.endswith("0000"):
        return "province"
    return "city" if adcode.endswith("00") else "county"


@lru_cache(maxsize=1)
def _gazetteer() -> _Gazetteer:
    with _resource("adcodes.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    places = [
        Place(row["adcode"][:6], row["name"], short_name(row["name"]), _level(row["adcode"][:6]))
        for row in rows
        if row["name"] not in _SKIPPED_ROWS
    ]
    return _Gazetteer(places)


def place(adcode: str) -> Place | None:
    """Look a place up by its six- or twelve-digit code.

    >>> place("630100").name
    '西宁市'
    """
    return _gazetteer().places.get(adcode[:6])


def parents(adcode: str) -> tuple[Place, ...]:
    """Return the city and province containing a place, nearest first.

    >>> [p.name for p in parents("370282")]
    ['青岛市', '山东省']
    """
    gazetteer = _gazetteer()
    return tuple(gazetteer.places[c] for c in gazetteer.ancestors(adcode[:6]))


def lookup(name: str) -> tuple[Place, ...]:
    """Return the places whose full or short name is exactly ``name``, broadest first.

    >>> [p.adcode for p in lookup("濮陽")]
    ['410900', '410928']
    """
    entries = _gazetteer().index.get(to_simplified(name.strip()), [])
    return tuple(sorted({p for p, _ in entries}, key=lambda p: (LEVELS.index(p.level), p.adcode)))


def _aligned_simplified(text: str) -> str:
    simplified = to_simplified(text)
    if len(simplified) == len(text):
        return simplified
    return "".join(c if len(s := to_simplified(c)) != 1 else s for c in text)


def _leftmost_longest(text: str) -> list[tuple[int, int, str]]:
    hits = sorted(
        ((end - len(key) + 1, end + 1, key) for end, key in _gazetteer().automaton.iter(text)),
        key=lambda h: (h[0], -h[1]),
    )
    chosen: list[tuple[int, int, str]] = []
    for start, end, key in hits:
        if not chosen or start >= chosen[-1][1]:
            chosen.append((start, end, key))
    return chosen


def _accept(
    text: str, start: int, end: int, key: str, after: str | None
) -> tuple[list[Place], bool, str] | None:
    """Return the candidate places, whether the mention is explicit, and the key used.

    ``after`` is the code of a place named right before ``start`` (上海|金山).
    """
    gazetteer = _gazetteer()
    entries = gazetteer.index[key]

    def under_previous(places: list[Place]) -> list[Place]:
        return [p for p in places if after and after in gazetteer.ancestors(p.adcode)]

    full = [p for p, is_full in entries if is_full]
    if full and text[end - 1 : end + 1] not in _NOT_A_SUFFIX:
        if len(key) > 2 and key not in _ORDINARY_FULL_NAMES:
            return full, True, key
        # 和县, 城区, 新城区 read as words (省市和县, 老城区改造) unless the text says
        # whose they are (马鞍山市和县) or doubles the suffix (曹县县委).
        doubled = text[end : end + 1] == key[-1] and text[end + 1 : end + 2] in ("委", "政")
        if near := under_previous(full):
            return near, True, key
        return (full, True, key) if doubled else None
    if full:  # 合作市场, 和平区域: fall back to the short name
        key = full[0].short_name
        if key not in gazetteer.index or not text.startswith(key, start):
            return None
        entries, end = gazetteer.index[key], start + len(key)
    shorts = [p for p, is_full in entries if not is_full]
    if not shorts:
        return None
    if near := under_previous(shorts):
        return near, True, key
    suffix = text[end : end + 1]
    if suffix in _TYPE_CHARS and text[end : end + 2] not in _NOT_A_SUFFIX:
        if key in ORDINARY_WORDS:
            own = [p for p in shorts if p.name.endswith(suffix)]
            return (own, True, key) if own else None
        return shorts, True, key
    if key in ORDINARY_WORDS:
        return None
    return shorts, False, key


def find_places(text: str) -> list[PlaceMention]:
    """Find the administrative divisions a text names, in order.

    >>> [(m.short_name, m.adcode) for m in find_places("青海省西寧市委常委")]
    [('青海', '630000'), ('西宁', '630100')]
    """
    gazetteer = _gazetteer()
    simplified = _aligned_simplified(text)
    found: list[tuple[int, int, str, list[Place], bool]] = []
    last_end, last_code = -1, ""
    for start, end, key in _leftmost_longest(simplified):
        after = last_code if last_end == start else None
        accepted = _accept(simplified, start, end, key, after)
        if accepted is None:
            continue
        places, explicit, used = accepted
        found.append((start, start + len(used), used, places, explicit))
        last_end = start + len(used)
        last_code = min(places, key=lambda p: (LEVELS.index(p.level), p.adcode)).adcode

    counts = Counter(used for _, _, used, _, _ in found)
    context = {
        code
        for _, _, _, places, _ in found
        if len(places) == 1
        for code in (places[0].adcode, *gazetteer.ancestors(places[0].adcode))
    }
    mentions = []
    for start, end, used, places, explicit in found:
        lone_county = all(p.level == "county" for p in places) and len(used) == 2
        if not explicit and lone_county and counts[used] < 2:
            continue
        ranked = sorted(
            places,
            key=lambda p: (
                not ({p.adcode, *gazetteer.ancestors(p.adcode)} & context),
                LEVELS.index(p.level),
                p.adcode,
            ),
        )
        best = ranked[0]
        mentions.append(
            PlaceMention(
                name=best.name,
                short_name=best.short_name,
                adcode=best.adcode,
                level=best.level,
                start=start,
                end=end,
                explicit=explicit,
                alternatives=tuple(p.adcode for p in ranked[1:]),
            )
        )
    return mentions
