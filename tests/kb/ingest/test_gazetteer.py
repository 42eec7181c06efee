"""Place recognition with the cpca gazetteer: names, ambiguity, offsets."""

from __future__ import annotations

import doctest
import subprocess
import sys

import pytest

from kb.ingest import gazetteer
from kb.ingest.gazetteer import ORDINARY_WORDS, find_places, lookup, parents, place, short_name


def test_doctests() -> None:
    assert doctest.testmod(gazetteer).failed == 0


def test_loading_imports_neither_cpca_nor_pandas() -> None:
    code = (
        "import sys; from kb.ingest.gazetteer import find_places; find_places('西宁');"
        "assert not {'cpca', 'pandas'} & set(sys.modules)"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_gazetteer_covers_all_levels() -> None:
    codes = gazetteer._gazetteer().places
    assert len(codes) > 3000
    assert place("630000") == gazetteer.Place("630000", "青海省", "青海", "province")
    assert place("630100000000") == gazetteer.Place("630100", "西宁市", "西宁", "city")
    assert place("370282") == gazetteer.Place("370282", "即墨市", "即墨", "county")
    assert place("999999") is None
    assert not any(p.name in ("市辖区", "省直辖县级行政区划") for p in codes.values())


@pytest.mark.parametrize(
    ("adcode", "expected"),
    [
        ("370282", ["青岛市", "山东省"]),  # county -> city -> province
        ("310116", ["上海市"]),  # a district of a municipality has no city level
        ("630100", ["青海省"]),
        ("630000", []),
    ],
)
def test_parents(adcode: str, expected: list[str]) -> None:
    assert [p.name for p in parents(adcode)] == expected


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("青海省", "青海"),
        ("西宁市", "西宁"),
        ("即墨市", "即墨"),
        ("内蒙古自治区", "内蒙古"),
        ("新疆维吾尔自治区", "新疆"),
        ("广西壮族自治区", "广西"),
        ("香港特别行政区", "香港"),
        ("延边朝鲜族自治州", "延边"),
        ("本溪满族自治县", "本溪"),
        ("通道侗族自治县", "通道"),
        ("双江拉祜族佤族布朗族傣族自治县", "双江"),
        ("隆林各族自治县", "隆林"),
        ("东乡族自治县", "东乡"),
        ("鄂温克族自治旗", "鄂温克"),
        ("浦东新区", "浦东"),
        ("喀什地区", "喀什"),
        ("神农架林区", "神农架"),
        ("峰峰矿区", "峰峰"),
        ("锡林郭勒盟", "锡林郭勒"),
        ("阿荣旗", "阿荣"),
        ("城区", "城区"),  # nothing left to stand alone
        ("和县", "和县"),
    ],
)
def test_short_name(name: str, expected: str) -> None:
    assert short_name(name) == expected


def test_every_ordinary_word_is_a_name_in_the_gazetteer() -> None:
    index = gazetteer._gazetteer().index
    assert sorted(w for w in ORDINARY_WORDS if w not in index) == []


def test_lookup_orders_broadest_first_and_accepts_traditional_script() -> None:
    assert [p.name for p in lookup("濮陽")] == ["濮阳市", "濮阳县"]
    assert [p.adcode for p in lookup("西宁市")] == ["630100"]
    assert lookup("某某县") == ()


def _found(text: str) -> list[tuple[str, str, bool]]:
    return [(text[m.start : m.end], m.adcode, m.explicit) for m in find_places(text)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # seed 000: short name with a government suffix
        ("即墨區委組織部結合新時代對組織工作提出的新任務", [("即墨", "370282", True)]),
        # seed 003: full names, traditional script, offsets into the original text
        (
            "（作者系青海省西寧市委常委、組織部部長）",
            [("青海省", "630000", True), ("西寧市", "630100", True)],
        ),
        # seed 002
        ("2017年度，我區被評為山東省人才工作先進單位。", [("山東省", "370000", True)]),
        # seed 004: a bare city name; 亦莊永清: one bare county name is not enough
        ("在濮陽網、濮陽日報等媒體發布公告", [("濮陽", "410900", False)] * 2),
        (
            "分赴上海市金山區、北京市亦莊永清高新技術產業開發區",
            [("上海市", "310000", True), ("金山區", "310116", True), ("北京市", "110000", True)],
        ),
        # seed 001: one bare city mention is still a mention (the region rule decides)
        ("學蘇北精神、促濟寧跨越", [("濟寧", "370800", False)]),
        # ordinary-word names need their own suffix or an ancestor before them
        ("通道县委书记", [("通道", "431230", True)]),
        ("上海金山", [("上海", "310000", False), ("金山", "310116", True)]),
        ("北京朝阳", [("北京", "110000", False), ("朝阳", "110105", True)]),
        ("马鞍山市和县", [("马鞍山市", "340500", True), ("和县", "340523", True)]),
        ("曹县县委", [("曹县", "371721", True)]),
        # a full name before 市场/市民/区域 falls back to its short name
        ("濮阳市民", [("濮阳", "410900", False)]),
        # the same full name in two provinces: the text's other places decide
        ("吉林省长春市朝阳区", [("吉林省", "220000", True), ("长春市", "220100", True),
                              ("朝阳区", "220104", True)]),
        ("北京市朝阳区", [("北京市", "110000", True), ("朝阳区", "110105", True)]),
        # a bare county name repeated counts (seed 002 never says 即墨区)
        ("即墨在談院士4人。著眼即墨長遠發展", [("即墨", "370282", False)] * 2),
    ],
)  # fmt: skip
def test_find_places(text: str, expected: list[tuple[str, str, bool]]) -> None:
    assert _found(text) == expected


def test_ambiguous_mention_lists_alternatives() -> None:
    (mention,) = find_places("濮陽")
    assert (mention.name, mention.level, mention.alternatives) == ("濮阳市", "city", ("410928",))


@pytest.mark.parametrize(
    "text",
    [
        "解放思想",
        "乡村振兴",
        "共同富裕",
        "实现中华民族伟大复兴",
        "担任县委书记",
        "创建示范县",
        "省市和县两级",
        "向大城市集聚",
        "规范合作市场",
        "平安建设",
        "和平发展",
        "长治久安",
        "互帮互助",
        "新兴领域党建",
        "人才资源",
        "公安机关",
        "比如，",
        "南部地区",
        "惠民政策",
        "借助龙文化活动",
        "城中村改造",
        "老城区改造",
        "和平区域",
        "绿水青山就是金山银山",
        "全州上下",
        "会同有关部门",
        "科教兴国",
        "安居乐业",
        "一视同仁",
        "东方红",
        "培育新乡贤",
        "祝愿人民幸福安康",
        "推进党务公开化",
    ],
)
def test_ordinary_words_are_not_places(text: str) -> None:
    assert find_places(text) == []


def test_offsets_index_the_original_text() -> None:
    text = "構筑改革創新平臺，打造特色亮點、創造即墨經驗；即墨區委組織部"
    assert [text[m.start : m.end] for m in find_places(text)] == ["即墨", "即墨"]
