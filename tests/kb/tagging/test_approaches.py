"""Approach and policy extraction, pinned with sentences copied from the cleaned seeds."""

from __future__ import annotations

import doctest
from functools import cache
from pathlib import Path

import pytest

from kb.ingest.clean import clean_text
from kb.script import to_simplified
from kb.tagging import approaches, definitions, lexicon, segment
from kb.tagging.approaches import extract_approaches
from kb.tagging.candidates import sentence_around
from kb.tagging.names import is_generic as store_is_generic

SEEDS = Path(__file__).resolve().parents[3] / "corpus" / "documents"


@cache
def seed(prefix: str) -> str:
    """Return the cleaned text of the seed whose file name starts with ``prefix``."""
    (path,) = SEEDS.glob(f"{prefix}_*.txt")
    return clean_text(path.read_text(encoding="utf-8")).text


def names(text: str, kind: str = "approach") -> list[str]:
    return [c.name for c in extract_approaches(text) if c.kind == kind]


def test_doctests() -> None:
    for module in (approaches, definitions, lexicon, segment):
        assert doctest.testmod(module).failed == 0, module.__name__


# --- quoted names ----------------------------------------------------------------------------

QUOTED = [
    (
        "基層黨建工作團隊深化拓展黨建“達標工程”和“四級聯動”工作機制，進一步強化社區黨委的功能和作用",
        ["達標工程", "四級聯動"],
    ),
    ("多年來，區委組織部一直致力打造“公信組工”這一品牌。", ["公信組工"]),
    (
        "創新實施了“柔性考核”“雙向考核”“關聯考核”工作機制、“特色亮點工作項目化管理”考評模式、"
        "“人事對應”考核管理機制，激發干部擔當作為。",
        ["柔性考核", "雙向考核", "關聯考核", "特色亮點工作項目化管理", "人事對應"],
    ),
    (
        "形成了“周五學習日”“局長講壇”“課題制研究”等一批特色學習調研制度，",
        ["周五學習日", "局長講壇", "課題制研究"],
    ),
    (
        "人才工作團隊在年輕干部中開展“聯人才、交朋友、轉動能、促發展”活動，",
        ["聯人才、交朋友、轉動能、促發展"],
    ),
    (
        "要突出目標導向，統籌開展“黨建引領基層治理提升三年行動”“領導干部專業化能力提升工程”"
        "“人才強企三年行動”等工作，",
        ["黨建引領基層治理提升三年行動", "領導干部專業化能力提升工程", "人才強企三年行動"],
    ),
    (
        "實施“共飲一江水人才交流計劃”，在外聯絡機構設立“西寧人才工作聯絡站”，"
        "開辦“夏都人才大講堂”，分層分類做好黨委聯系服務專家，",
        ["共飲一江水人才交流計劃", "西寧人才工作聯絡站", "夏都人才大講堂"],
    ),
    ("一是實施“濮陽英才”集聚計劃。", ["濮陽英才"]),
    (
        "啟動了百名大學生村官、百名創業人才“雙百”人才工程；建立了**籍在外人才庫，"
        "堅持“不求所在，但求所用”。",
        ["雙百"],
    ),
    ("圍繞“公信組工”品牌建設，堅持“嚴實”綜合考核，", ["公信組工"]),
    # rhetoric, idioms and national slogans: nothing
    ("與以往組織工作調研“單打獨斗”不同的是，團隊成員結合自己的工作實際和業務特長，", []),
    ("有效化解了農村的一些“老大難”問題。", []),
    ("要胸懷“國之大者”，做到中央號召什么、省委強調什么、市委關注什么，", []),
    ("要樹立“一盤棋”理念，往上看，把上級精神吃透，", []),
    (
        "黨的十八屆五中全會著眼協調推進“四個全面”戰略布局，"
        "提出并闡述了“創新、協調、綠色、開放、共享”的五大發展理念。",
        [],
    ),
    ("其中，對創新、擔當、取得的突出成績等“好”的方面，進行正面記實；", []),
    ("實現“票決民主”向“共識民主”的轉變，有效化解了農村的一些“老大難”問題。", []),
    ("健全完善人才分類評價、關心關愛、激勵保障等機制，營造“近悅遠來”的良好環境。", []),
    ("把各方面的優秀人才凝聚好，發揮組織部門“三個之家”作用。", []),
    (
        "著力培養一大批“李連成式”農村黨支部書記，著力打造成為“專業”的農村黨支部書記教育培訓中心。",
        [],
    ),
    ("建立“縣區組織部門—鄉鎮黨委—農村支部”三級齊抓共管的工作機制，", []),
    ("堅持“開放辦學、開門辦學”和“實際、實用、實效”的原則，", []),
    ("大力實施“科技強區，人才興區”戰略，", []),
    ("推行“戶口不遷、身份保留、來去自由”等優惠政策吸引人才智力資源，", []),
]


@pytest.mark.parametrize(("sentence", "expected"), QUOTED)
def test_quoted_names(sentence: str, expected: list[str]) -> None:
    assert names(sentence) == expected


# Typical phrasing of other documents (not in the seeds).
@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("堅持和發展新時代“楓橋經驗”。", ["楓橋經驗"]),
        ("以“五星支部”創建為抓手，全面提升組織力。", ["五星支部"]),
        ("推行村級事務“三張清單”，建立“紅黑榜”制度。", ["三張清單", "紅黑榜"]),
        ("持續深化“放管服”改革，樹立“四個意識”。", []),
        ("開展“不忘初心、牢記使命”主題教育。", []),
    ],
)
def test_quoted_names_beyond_the_seeds(sentence: str, expected: list[str]) -> None:
    assert names(sentence) == expected


# --- numbered slogans ------------------------------------------------------------------------

SLOGANS = [
    ("根據工作實踐，將民主協商理念引入“四議兩公開”工作法，", ["四議兩公開"]),
    (
        "省委組織部提出的進一步加大改革創新力度，建設“三服務兩滿意”組織工作體系的意見",
        ["三服務兩滿意"],
    ),
    ("圍繞構建“選、育、用、管”四位一體的培養體系，", ["四位一體"]),
    ("以產業集聚區和重點項目建設、“三嚴三實”專題教育和黨建制度機制、", ["三嚴三實"]),
    ("五是開展“雙聯四推”幫扶活動。", ["雙聯四推"]),
    # counts, ordinals, congresses and description: nothing
    ("問題、目標、結果是事物發展的“一體三面”，三者相互貫通、相互承接、相輔相成。", []),
    ("例如，十七大以來，我們結合上級部署，梳理了23項創新性課題，", []),
    ("對全區4000余名干部進行深入考察、分析研判，從中選拔了300余名優秀年輕干部進行重點培養。", []),
    ("一名或多名市、縣區直單位黨員干部聯系一名派駐村黨員群眾", []),
    ("圍繞六大重點，分四個階段集中查擺思想、作風、工作上與十七大精神不相適應問題，", []),
    ("二是探索縣區黨政領導班子成員分類排位辦法。", ["縣區黨政領導班子成員分類排位辦法"]),
]


@pytest.mark.parametrize(("sentence", "expected"), SLOGANS)
def test_numbered_slogans(sentence: str, expected: list[str]) -> None:
    assert names(sentence) == expected


# Typical phrasing of other documents (not in the seeds): idioms never count.
@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("千方百計為群眾辦實事，堅持五湖四海。", []),
        ("實行村干部一年一評、兩年一考。", []),
        ("嚴格落實“三會一課”、主題黨日等制度。", ["三會一課"]),
        ("推動形成“一核多元”治理體系。", ["一核多元"]),
    ],
)
def test_slogans_beyond_the_seeds(sentence: str, expected: list[str]) -> None:
    assert names(sentence) == expected


# --- program and mechanism names -------------------------------------------------------------

SUFFIXED = [
    (
        "在深入調研論證的基礎上，研究制定了干部成長記實辦法，對干部在重點工作和關鍵時刻的德才表現情況進行正負記實。",
        ["干部成長記實辦法"],
    ),
    (
        "實施危舊狹小村級活動場所改造提升工程，探索推行居民點單、社區交單、單位下單、干部接單的"
        "“菜單式”服務模式，建立市縣區、機關新錄用人員基層墩苗歷練工作機制和"
        "排查整頓農村發展黨員違規違紀問題長效機制，",
        [
            "危舊狹小村級活動場所改造提升工程",
            "菜單式",
            "機關新錄用人員基層墩苗歷練工作機制",
            "排查整頓農村發展黨員違規違紀問題長效機制",
        ],
    ),
    (
        "下步圍繞開展學習實踐科學發展觀活動，我們將重點實施黨員素質提升工程，建立教育培訓師資庫，"
        "推行訂單式培訓，根據黨員需求實行定向培訓，",
        ["學習實踐科學發展觀活動", "黨員素質提升工程", "訂單式培訓"],
    ),
    (
        "創新實施了干部成長紀實、調研式考察、百名優秀年輕干部培養工程等一系列舉措，",
        ["調研式考察", "百名優秀年輕干部培養工程"],
    ),
    (
        "在市級實行非公有制企業黨建工作聯席會制度，整合部門資源，",
        ["非公有制企業黨建工作聯席會制度"],
    ),
    ("五是圍繞年輕干部健康成長，搭建干部掛職招商平臺。", ["干部掛職招商平臺"]),
    ("一是構建干部考核評價方法工具體系。", ["干部考核評價方法工具體系"]),
    (
        "去年以來，即墨在談院士4人、千人計劃3人，組織申報泰山產業領軍人才人選4人、“萬人計劃”16人；",
        ["千人計劃", "萬人計劃"],
    ),
    # generic mechanisms and systems: nothing
    ("在農村黨建方面，深化“三級聯創”活動，落實黨建工作責任制，整合市鎮村力量；", ["三級聯創"]),
    ("創新黨管人才協調推進機制，健全人才工作運行機制，", ["黨管人才協調推進機制"]),
    ("三要健全保障機制。建立一套職責明確、程序嚴謹、運轉靈活、落實有力的工作機制，", []),
    ("搭建起組織工作的理論研究和實踐探索平臺，營造了在研究狀態下開展工作的濃厚氛圍，", []),
    ("思想是行動的先導。", []),
    ("營造了鼓勵創新、支持創新、推動創新、考核創新的濃厚氛圍和良性機制。", []),
    ("大力深化干部人事制度改革。", []),
    ("構建黨建引領鄉村振興的體制機制，", []),
    ("持之以恒地用中國特色社會主義理論體系武裝組工干部，", []),
    ("建立了黨員教育培訓體系", []),
    ("我們作為規范化制度進行了全面推廣；", []),
]


@pytest.mark.parametrize(("sentence", "expected"), SUFFIXED)
def test_suffix_names(sentence: str, expected: list[str]) -> None:
    assert names(sentence) == expected


# --- definitions -----------------------------------------------------------------------------

DEFINED = [
    (
        "探索推行“一定兩評三公開”（定制目標、公開承諾內容，評審目標、公開考評辦法，綜合考評、"
        "公開考評結果）基層黨建工作責任制，",
        "一定兩評三公開",
        "定制目標、公開承諾內容，評審目標、公開考評辦法，綜合考評、公開考評結果",
    ),
    (
        "推行“三議兩協商”（“兩委”初議、黨員審議、村民決議，決策前的“議題協商”和決策中的“共識協商”），",
        "三議兩協商",
        "“兩委”初議、黨員審議、村民決議，決策前的“議題協商”和決策中的“共識協商”",
    ),
    (
        "開展“雙聯四推”活動（“雙聯”，即派出第一書記的市、縣區直單位黨組織聯系派駐村黨組織；"
        "“四推”，即推進村級班子建設、精準扶貧），確保",
        "雙聯四推",
        "“雙聯”，即派出第一書記的市、縣區直單位黨組織聯系派駐村黨組織；“四推”，即推進村級班子建設、精準扶貧",
    ),
    (
        "探索推行居民點單、社區交單、單位下單、干部接單的“菜單式”服務模式，",
        "菜單式",
        "居民點單、社區交單、單位下單、干部接單",
    ),
    ("全面構建起“選、育、用、管”四位一體培養選拔體系，", "四位一體", "選、育、用、管"),
    ("將民主協商理念引入“四議兩公開”工作法，推行“三議兩協商”（黨員審議），", "四議兩公開", None),
    ("多年來，區委組織部一直致力打造“公信組工”這一品牌。", "公信組工", None),
    ("所謂“積分制”，就是把黨員日常表現量化為積分。", "積分制", "把黨員日常表現量化為積分"),
    ("推行“網格化”管理模式，即把社區劃分為若干網格。", "網格化", "把社區劃分為若干網格"),
]


@pytest.mark.parametrize(("sentence", "name", "definition"), DEFINED)
def test_definitions(sentence: str, name: str, definition: str | None) -> None:
    (found,) = [c for c in extract_approaches(sentence) if c.name == name]
    assert found.definition == definition


# --- policy titles ---------------------------------------------------------------------------

POLICIES = [
    (
        "提高執行《干部任用條例》等干部工作政策法規的能力",
        ["干部任用條例"],
        [],
    ),
    (
        "組織部連續出臺了《關于開展解放思想大討論活動實施方案》《關于在部機關開展工作創新、作風創優主題活動的意見》"
        "《關于構建組織工作戰略研究團隊的實施意見》等一系列關于加強自身建設的文件，",
        [
            "關于開展解放思想大討論活動實施方案",
            "關于在部機關開展工作創新、作風創優主題活動的意見",
            "關于構建組織工作戰略研究團隊的實施意見",
        ],
        [],
    ),
    (
        "干部工作團隊研究出臺了《關于實施“百名優秀年輕干部培養工程”的意見》，",
        ["關于實施“百名優秀年輕干部培養工程”的意見"],
        ["百名優秀年輕干部培養工程"],
    ),
    (
        "二是探索縣區黨政領導班子成員分類排位辦法。著眼于增強針對性，制定了《縣區黨政領導班子成員分類排位辦法》，",
        ["縣區黨政領導班子成員分類排位辦法"],
        [],
    ),
]


@pytest.mark.parametrize(("sentence", "policies", "approaches_"), POLICIES)
def test_policy_titles(sentence: str, policies: list[str], approaches_: list[str]) -> None:
    assert names(sentence, "policy") == policies
    assert names(sentence) == approaches_


# --- whole seeds -----------------------------------------------------------------------------

EXPECTED = {
    "000": "百名優秀年輕干部培養工程 干部成長記實辦法 干部成長記實制度 達標工程 四位一體",
    "001": "三服務兩滿意 黨員素質提升工程 三級聯創 解放思想大討論活動 訂單式培訓",
    "002": "公信組工 柔性考核 雙向考核 關聯考核 調研式考察 百名優秀年輕干部培養工程",
    "003": "菜單式 危舊狹小村級活動場所改造提升工程 黨建引領基層治理提升三年行動 "
    "領導干部專業化能力提升工程 人才強企三年行動 共飲一江水人才交流計劃",
    "004": "一定兩評三公開 三議兩協商 雙聯四推 四議兩公開 三嚴三實 干部考核評價方法工具體系 "
    "濮陽英才 干部掛職招商平臺",
}
NEVER = (
    "單打獨斗 老大難 國之大者 一盤棋 四個全面 一體三面 嚴實 近悅遠來 票決民主 共識民主 好 差 "
    "三個之家 李連成式 專業 兩委 雙聯 四推 五大重點突破 工作機制 長效機制 體制機制 "
    "黨建工作責任制 人才工作運行機制 培養體系 組織體系"
).split()


@pytest.mark.parametrize("prefix", sorted(EXPECTED))
def test_seed_approaches(prefix: str) -> None:
    found = names(seed(prefix))
    assert set(EXPECTED[prefix].split()) <= set(found)
    assert not set(NEVER) & set(found)


@pytest.mark.parametrize("prefix", sorted(EXPECTED))
def test_seed_candidates_are_well_formed(prefix: str) -> None:
    text = seed(prefix)
    candidates = extract_approaches(text)
    keys = [(c.kind, to_simplified(c.name)) for c in candidates]
    assert len(keys) == len(set(keys))
    for c in candidates:
        assert c.kind in ("approach", "policy")
        assert text[c.start : c.end] == c.name
        assert c.evidence == sentence_around(text, c.start, c.end)
        assert c.name in c.evidence
        assert not store_is_generic(c.name)
        if c.kind == "approach":
            assert not lexicon.is_generic(to_simplified(c.name))
        else:
            assert c.definition is None


@pytest.mark.parametrize(
    ("prefix", "name", "opening"),
    [
        ("004", "一定兩評三公開", "定制目标、公开承诺内容"),
        ("004", "三議兩協商", "“两委”初议、党员审议、村民决议"),
        ("004", "雙聯四推", "“双联”，即派出第一书记的"),
        ("003", "菜單式", "居民点单、社区交单、单位下单、干部接单"),
    ],
)
def test_seed_definitions(prefix: str, name: str, opening: str) -> None:
    (found,) = [c for c in extract_approaches(seed(prefix)) if c.name == name]
    assert found.definition is not None
    assert to_simplified(found.definition).startswith(opening)


def test_seed_003_menu_definition_is_exact() -> None:
    (found,) = [c for c in extract_approaches(seed("003")) if c.name == "菜單式"]
    assert found.definition == "居民點單、社區交單、單位下單、干部接單"
    assert "“菜單式”服務模式" in found.evidence


def test_seed_policies() -> None:
    assert names(seed("004"), "policy") == [
        "干部任用條例",
        "縣區黨政領導班子成員分類排位辦法",
        "人才工作改革試點方案",
        "關于加強年輕干部掛職招商工作的實施意見",
    ]
    assert "縣區黨政領導班子成員分類排位辦法" not in names(seed("004"))


def test_pos_words_cover_the_text() -> None:
    text = to_simplified(seed("001"))
    words = segment.pos_words(text)
    assert "".join(w.text for w in words) == text
    assert all(text[w.start : w.end] == w.text for w in words)
