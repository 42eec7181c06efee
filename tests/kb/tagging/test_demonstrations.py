"""Typical demonstrations: the rules pinned with real sentences of the seeds."""

from __future__ import annotations

from functools import cache

import pytest

from kb.ingest.clean import clean_text
from kb.tagging.demonstrations import extract_demonstrations, looks_like_person
from kb.tagging.names import is_generic
from tests.conftest import seed_text


@cache
def cleaned(number: int) -> str:
    return clean_text(seed_text(number)).text


def names(text: str) -> list[str]:
    return [c.name for c in extract_demonstrations(text)]


@pytest.mark.parametrize(
    ("number", "expected"),
    [
        (0, []),
        (1, []),
        (2, ["山東省人才工作先進單位"]),
        (3, []),
        (4, ["李連成", "西辛莊"]),
    ],
)
def test_demonstrations_of_each_seed(number: int, expected: list[str]) -> None:
    assert names(cleaned(number)) == expected


@pytest.mark.parametrize("number", range(5))
def test_every_candidate_is_named_where_it_says(number: int) -> None:
    text = cleaned(number)
    for candidate in extract_demonstrations(text):
        assert candidate.kind == "demonstration"
        assert text[candidate.start : candidate.end] == candidate.name
        assert candidate.name in candidate.evidence
        assert candidate.reason
        assert not is_generic(candidate.name)


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        # rule 1: a person in the clause of a model word; rule 2: 以X为依托 in that sentence;
        # rule 4: “X式” — seed 004
        ("抓住農村黨支部書記這個關鍵群體，充分利用李連成這個全國先進典型，以西辛莊為依托，"
         "高標準建設全省第一所農村黨支部書記培訓基地。", ["李連成", "西辛莊"]),
        ("著力培養一大批“李連成式”農村黨支部書記，著力打造成為“專業”的農村黨支部書記教育培訓中心。",
         ["李連成"]),
        # rule 3: the honour is tagged, the pronoun subject 我區 is not — seed 002
        ("2017年度，我區被評為山東省人才工作先進單位。", ["山東省人才工作先進單位"]),
        # rule 3 on other honours and holders
        ("华西村被评为全国文明村。", ["华西村", "全国文明村"]),
        ("李红梅、赵志刚等同志被评为全市优秀党务工作者。",
         ["李红梅", "赵志刚", "全市优秀党务工作者"]),
        ("全区涌现出了村党支部书记王进喜、张丽丽等一批先进典型。", ["王进喜", "张丽丽"]),
        ("各村要学习华西村的先进经验。", ["华西村"]),
        ("最终，红旗镇杨柳村以高票获得认可，被评选为全镇“最美村部”。", ["杨柳村", "最美村部"]),
        ("省委授予赵卫国同志“百姓喜爱的好支书”荣誉称号。", ["赵卫国", "百姓喜爱的好支书"]),
        # a village opening a sentence with a model word
        ("近年来，平安镇柳树湾村走出了一条党建引领产业发展的路子，成为全省的示范样板。",
         ["柳树湾村"]),
        # a village–secretary–person profile in a paragraph with a model word
        ("一个好支部离不开一个好带头人。青山镇石桥村党支部书记刘春生带领群众修路办厂。",
         ["石桥村", "刘春生"]),
        ("学习“毛丰美式”好干部。", ["毛丰美"]),
    ],
)  # fmt: skip
def test_sentences_that_name_a_model(sentence: str, expected: list[str]) -> None:
    assert names(sentence) == expected


@pytest.mark.parametrize(
    "sentence",
    [
        # activities that elect models, not a named model — seed 003
        "開展“選樹學為民服務標兵”“為民服務十佳標兵評選”活動，打造一支高素質專業化干部隊伍。",
        # the document's own city beside 典範/標桿 — seed 003
        "要圍繞建設體現西寧特色的現代化經濟體系、建設新時代生態文明典範城市、深入實施鄉村振興"
        "戰略、打造高原城市高品質生活的標桿等中心工作，建立最堅強的組織。",
        # a brand rating without an honour word; 公信組工 is an approach — seed 002
        "正是源于這種公正和信任，“公信組工”品牌被機關黨委評選為“機關名牌”。",
        # a rating is not an honour, 青島市 is not its holder — seed 002
        "通過考核引導助推，30余項省級以上改革試點和示范創建在我區順利實施，"
        "在青島市綜合考核中我區連續六年獲得優秀等次。",
        # every member's duty and emulation slogans — seed 002
        "在各項事業發展和工作推進中，充分發揮出了先鋒模範作用，在全區營造出濃厚的爭先創優、"
        "比學趕超、勇爭一流的氛圍。",
        # bare 先進 (advanced regions) — seed 001
        "采取差額推薦、差額考察等方式選拔部門、鎮街黨政主要干部30人次，"
        "選拔30年輕優秀干部到江浙等先進地區駐點招商。",
        # 典型 with no name — seed 001
        "二抓典型示範。對成熟的典型，通過舉辦報告會、現場會、新聞宣傳等形式，大力推廣，示范帶動，以點帶面。",
        # 優秀 alone is no model word; 上海市金山區 is a destination — seed 004
        "目前，已選派16名優秀年輕干部分赴上海市金山區、北京市亦莊永清高新技術產業開發區等進行為期3個月的掛職招商。",
        # “X式” naming a method, not a person — seed 003
        "探索推行居民點單、社區交單、單位下單、干部接單的“菜單式”服務模式。",
        # generic villages and model words without names
        "打造美丽乡村示范村，建设示范社区，加强农村基层党组织带头人队伍建设。",
        "市委书记张建国到大王庄村调研，要求发挥示范作用。",
        "县委书记王强调，要树立标杆，争当排头兵。",
        # the one who hands the prize over is not the model
        "镇党委书记钱海军为“最美村部”获奖者颁奖。",
    ],
)  # fmt: skip
def test_sentences_that_name_no_model(sentence: str) -> None:
    assert names(sentence) == []


def test_reason_names_the_rule_and_the_model_word() -> None:
    (li, xi) = extract_demonstrations(cleaned(4))
    assert li.reason == "与“全国先进典型”同句出现的人名；“李连成式”：他人效仿的榜样"
    assert xi.reason == "“以…为依托”句式，与“全国先进典型”同句出现的地名"
    assert xi.evidence.startswith("抓住農村黨支部書記這個關鍵群體")


@pytest.mark.parametrize(
    ("word", "expected"),
    [("李连成", True), ("郁霞秋", True), ("欧阳明", True), ("文明", False), ("公正", False),
     ("高素质", False), ("菜单", False), ("李", False), ("先进典型", False)],
)  # fmt: skip
def test_looks_like_person(word: str, expected: bool) -> None:
    assert looks_like_person(word) is expected
