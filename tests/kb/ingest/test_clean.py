"""Cleaning rules, each pinned by a table of real snippets from the seeds (and a few
made-up lines for site furniture the seeds do not carry)."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kb.ingest.clean import (
    clean_text,
    extract_boilerplate,
    find_corruption,
    fold_width,
    normalize_punctuation,
    normalize_whitespace,
    strip_pinyin,
)
from tests.conftest import seed_text

HAN = "\u4e00-\u9fff"
PINYIN_ANNOTATION = re.compile(f"[{HAN}][(（][a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü]+[)）]")
SEED_000_DAMAGE = "敢擔當?shù)膬?yōu)秀干部"
SEED_004_BRACKETS = "（定制目標、公開承諾內容，評審目標、公開考評辦法，綜合考評、公開考評結果）"
SEED_004_PARENS = (
    "推行“一定兩評三公開” (定制目標、公開承諾內容,評審目標、公開考評辦法,"
    "綜合考評、公開考評結果)基層黨建工作責任制"
)
SEED_004_NESTED = (
    "推行“三議兩協商”(“兩委”初議、黨員審議、村民決議,決策前的“議題協商”和決策中的“共識協商”),"
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("經(jīng)濟社會發(fā)展進入新時代", "經濟社會發展進入新時代"),
        ("構(gòu)筑調(diào)查研究平臺", "構筑調查研究平臺"),
        ("即墨區(qū)委組織部", "即墨區委組織部"),
        ("提出的新任務(wù)、新要求", "提出的新任務、新要求"),
        ("“科技強(qiáng)區(qū),人才興區(qū)”戰(zhàn)略", "“科技強區,人才興區”戰略"),
        ("組織部長會議強(qiáng)調(diào),要著力", "組織部長會議強調,要著力"),
        ("經（jīng）濟", "經濟"),  # full-width parentheses
        ("處(chŭ)理", "處理"),  # a breve typed for the caron
        ("我們(men)的", "我們的"),  # a neutral-tone syllable has no mark
        # left alone: real parentheses, a '(' eaten by mojibake
        (SEED_004_PARENS, SEED_004_PARENS),
        (SEED_004_NESTED, SEED_004_NESTED),
        ("(作者系青海省西寧市委常委、組織部部長)", "(作者系青海省西寧市委常委、組織部部長)"),
        ("敢擔當?shù)膬?yōu)秀干部", "敢擔當?shù)膬?yōu)秀干部"),
        ("人工智能(AI)", "人工智能(AI)"),
        ("全會(2018)", "全會(2018)"),
        ("人工智能(ai)", "人工智能(ai)"),
        ("咖啡(café)", "咖啡(café)"),
        ("見附件(a)", "見附件(a)"),
        ("word(jīng)", "word(jīng)"),
    ],
)
def test_strip_pinyin(text: str, expected: str) -> None:
    assert strip_pinyin(text) == expected


def _mojibake(text: str, encoding: str) -> str:
    return text.encode("utf-8").decode(encoding, errors="replace")


@pytest.mark.parametrize(
    ("text", "snippets"),
    [
        ("推動了能干事、會創新、敢擔當?shù)膬?yōu)秀干部盡快脫穎而出", [SEED_000_DAMAGE]),
        ("推動(dòng)了能干事、敢擔當?shù)膬?yōu)秀干部盡快", [SEED_000_DAMAGE]),
        ("堅持以習???平新時代", ["持以習???平新時"]),
        ("組織\ufffd工作", ["組織\ufffd工作"]),
        ("黨建工作的組織保障", []),
        ("他們問:怎麼辦?我們認為", []),  # a question, typed with ASCII '?'
        ("是不是?我們認為", []),
        ("發揮了什麼作用?", []),
        ("發揮了什麼作用??", []),
        ("怎麼辦???我們", []),
        ("https://example.com/list.php?id=3&組織", []),
        ("經(jīng)濟社會發(fā)展", []),
        ("“一定兩評三公開” (定制目標、公開承諾內容)", []),
    ],
)
def test_find_corruption(text: str, snippets: list[str]) -> None:
    assert [hit.snippet for hit in find_corruption(text)] == snippets
    for hit in find_corruption(text):
        assert text[hit.start : hit.end] in hit.snippet


@pytest.mark.parametrize("encoding", ["gbk", "latin-1"])
@pytest.mark.parametrize(
    "original", ["組織工作改革創新思考", "黨的十八屆五中全會著眼協調推進", "组织工作"]
)
def test_find_corruption_reports_misread_utf8(original: str, encoding: str) -> None:
    garbled = _mojibake(original, encoding)
    hits = find_corruption(f"正文。{garbled}")
    assert len(hits) == 1


@pytest.mark.parametrize(
    ("lines", "kept", "found"),
    [
        (
            [
                "組織工作改革創新思考",
                "",
                "時間:2022-10-16 11:44:00",
                "",
                "導語:組織工作改革創新思考一文來源于網友上傳,不代表本站觀點,"
                "若需要原創文章可咨詢客服老師,歡迎參考。",
                "",
                "組織工作改革創新思考",
                "",
                "改革創新是黨的十七大對組織工作提出的根本要求。",
            ],
            ["改革創新是黨的十七大對組織工作提出的根本要求。"],
            {"title": "組織工作改革創新思考", "date": "2022-10-16 11:44:00"},
        ),
        (
            ["Post By:2018/8/3 10:46:34", "去年以來,即墨在談院士4人"],
            ["去年以來,即墨在談院士4人"],
            {"date": "2018/8/3 10:46:34"},
        ),
        (
            ["劉漢征", "組織路線是為政治路線服務的。", "責編/常妍 美編/ 孟憲強 于珊"],
            ["組織路線是為政治路線服務的。"],
            {"author": "劉漢征"},
        ),
        (
            ["營造“近悅遠來”的良好環境。", "(作者系青海省西寧市委常委、組織部部長)"],
            ["營造“近悅遠來”的良好環境。"],
            {"author_note": "作者系青海省西寧市委常委、組織部部長"},
        ),
        (
            ["来源：人民网", "作者：张三", "正文。", "责任编辑：李四"],
            ["正文。"],
            {"source": "人民网", "author": "张三"},
        ),
        (["來源：人民網－人民日報", "正文。"], ["正文。"], {"source": "人民網－人民日報"}),
        (
            ["发布时间：２０２０年３月５日 来源：新华网 浏览次数：123", "正文。"],
            ["正文。"],
            {"date": "2020年3月5日", "source": "新华网"},
        ),
        (["發布日期：2021-07-01", "正文。"], ["正文。"], {"date": "2021-07-01"}),
        (["正文。", "【打印】【關閉】", "分享到：微信 微博"], ["正文。"], {}),
        (["正文。", "上一篇：关于加强基层党建的意见", "下一篇：无"], ["正文。"], {}),
        (["正文。", "扫一扫在手机打开当前页", "版权所有：中共某某市委组织部"], ["正文。"], {}),
        (["正文。", "点击：[]", "编辑：王五"], ["正文。"], {}),
        # left alone: body lines that mention 来源/作者, titles that are not repeated
        (
            ["来源：据统计，全区党员总数达到一万余人。"],
            ["来源：据统计，全区党员总数达到一万余人。"],
            {},
        ),
        (["作者系统地阐述了组织工作。"], ["作者系统地阐述了组织工作。"], {}),
        (["正是源于這種公正和信任。"], ["正是源于這種公正和信任。"], {}),
        (["時間:就是生命"], ["時間:就是生命"], {}),
        (["組織工作改革創新思考", "改革創新是。"], ["組織工作改革創新思考", "改革創新是。"], {}),
        (["前言", "改革創新是。"], ["前言", "改革創新是。"], {}),
        (["導語:本文介紹即墨經驗。", "正文。"], ["導語:本文介紹即墨經驗。", "正文。"], {}),
        (["【經驗做法】", "正文。"], ["【經驗做法】", "正文。"], {}),
    ],
)
def test_extract_boilerplate(lines: list[str], kept: list[str], found: dict[str, str]) -> None:
    kept_lines, found_meta = extract_boilerplate(lines)
    assert [line for line in kept_lines if line] == kept
    assert found_meta == found


def test_extract_boilerplate_leaves_the_middle_of_the_text_alone() -> None:
    body = [f"第{n}段正文。" for n in range(20)]
    lines = [*body[:10], "来源：人民网", "【打印】【关闭】", *body[10:]]
    assert extract_boilerplate(lines) == (lines, {})


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("２０１８年ＡＩ", "2018年AI"),
        ("ｗｗｗ．ｇｏｖ．ｃｎ", "www．gov．cn"),
        ("新時代，組織工作：“公信組工”。", "新時代，組織工作：“公信組工”。"),
        ("組織\u3000工作", "組織\u3000工作"),
    ],
)
def test_fold_width(text: str, expected: str) -> None:
    assert fold_width(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("發展進入新時代,組織工作必須", "發展進入新時代，組織工作必須"),
        ("樹立四種理念,即:服務大局理念。", "樹立四種理念，即：服務大局理念。"),
        ("時間:2022-10-16 11:44:00", "時間：2022-10-16 11:44:00"),
        ("“萬人計劃”16人;引進碩博", "“萬人計劃”16人；引進碩博"),
        ("“科技強區,人才興區”戰略", "“科技強區，人才興區”戰略"),
        (
            SEED_004_PARENS,
            "推行“一定兩評三公開” " + SEED_004_BRACKETS + "基層黨建工作責任制",
        ),
        (
            SEED_004_NESTED,
            "推行“三議兩協商”（“兩委”初議、黨員審議、村民決議，"
            "決策前的“議題協商”和決策中的“共識協商”），",
        ),
        ("(作者系青海省西寧市委常委、組織部部長)", "（作者系青海省西寧市委常委、組織部部長）"),
        ('他說"好的",就走了', "他說“好的”，就走了"),
        ("怎麼辦?", "怎麼辦？"),
        ("真好!", "真好！"),
        # left alone
        ("人工智能(AI)", "人工智能(AI)"),
        ("全會(2018)", "全會(2018)"),
        ("共1,000人", "共1,000人"),
        ("Post By:2018/8/3 10:46:34", "Post By:2018/8/3 10:46:34"),
        ("https://a.cn/?q=1", "https://a.cn/?q=1"),
        (SEED_000_DAMAGE + ",盡快", SEED_000_DAMAGE + "，盡快"),
        ('組織"工作', '組織"工作'),  # an unpaired quote
        ('say "hi"', 'say "hi"'),
    ],
)
def test_normalize_punctuation(text: str, expected: str) -> None:
    assert normalize_punctuation(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("一是實施 “濮陽英才”集聚計劃。", "一是實施“濮陽英才”集聚計劃。"),
        ("三公開” （定制目標", "三公開”（定制目標"),
        ("責編/常妍 美編/ 孟憲強 于珊", "責編/常妍美編/ 孟憲強于珊"),
        ("組織\u3000\u3000工作", "組織工作"),
        ("  第一段 \r\n\r\n\r\n 第二段  ", "第一段\n\n第二段"),
        ("第一段\n第二段\r第三段", "第一段\n\n第二段\n\n第三段"),
        ("AI  \t技術", "AI 技術"),
        ("Post By:2018/8/3\u00a010:46:34", "Post By:2018/8/3 10:46:34"),
        ("第一條\u3000為了加強", "第一條 為了加強"),
        ("組\u200b織", "組織"),
        ("\u3000\n \n", ""),
    ],
)
def test_normalize_whitespace(text: str, expected: str) -> None:
    assert normalize_whitespace(text) == expected


SEED_FOUND = {
    0: {},
    1: {"title": "組織工作改革創新思考", "date": "2022-10-16 11:44:00"},
    2: {"date": "2018/8/3 10:46:34"},
    3: {"author_note": "作者系青海省西寧市委常委、組織部部長"},
    4: {"author": "劉漢征"},
}
BOILERPLATE = ["導語", "時間:", "時間：", "Post By", "網友上傳", "責編", "美編", "作者系"]


@pytest.mark.parametrize("number", range(5))
def test_clean_seed(number: int) -> None:
    cleaned = clean_text(seed_text(number))
    assert not PINYIN_ANNOTATION.search(cleaned.text)
    assert not [word for word in BOILERPLATE if word in cleaned.text]
    assert cleaned.found == SEED_FOUND[number]
    for value in cleaned.found.values():
        assert value not in cleaned.text
    assert cleaned.text == cleaned.text.strip()
    assert "\n\n\n" not in cleaned.text
    assert not re.search(r"(?<!\n)\n(?!\n)", cleaned.text)  # paragraphs, not lines
    assert not re.search(f"[{HAN}][,;:!]", cleaned.text)


@pytest.mark.parametrize("number", range(5))
def test_clean_seed_warnings(number: int) -> None:
    warnings = clean_text(seed_text(number)).warnings
    if number == 0:
        assert warnings == (f"第3段疑似乱码，无法修复，原文保留：“{SEED_000_DAMAGE}”",)
    else:
        assert warnings == ()


def test_clean_seed_keeps_damage_and_brackets() -> None:
    assert SEED_000_DAMAGE in clean_text(seed_text(0)).text
    assert "一定兩評三公開”" + SEED_004_BRACKETS + "基層" in clean_text(seed_text(4)).text


@pytest.mark.parametrize("number", range(5))
def test_clean_seed_drops_no_text(number: int) -> None:
    lines, _ = extract_boilerplate(strip_pinyin(seed_text(number)).split("\n"))
    expected = re.findall(f"[{HAN}]", "".join(lines))
    assert re.findall(f"[{HAN}]", clean_text(seed_text(number)).text) == expected


@pytest.mark.parametrize("number", range(5))
def test_clean_is_idempotent(number: int) -> None:
    once = clean_text(seed_text(number))
    twice = clean_text(once.text)
    assert twice.text == once.text
    assert twice.warnings == once.warnings


def test_clean_text_keeps_script() -> None:
    assert clean_text("組織工作,發展。").text == "組織工作，發展。"


PROSE = st.sampled_from(
    [
        *"組織工作黨建劉漢征ab1 \t\n\u3000。！？；!?;:.，,“”\"'()（）#>-?\ufffd",
        "jīng",
        "shù",
        "來源：",
        "作者系",
    ]
)


@given(st.one_of(st.lists(PROSE, max_size=200).map("".join), st.text(max_size=200)))
def test_clean_is_idempotent_on_any_text(text: str) -> None:
    once = clean_text(text)
    assert clean_text(once.text).text == once.text
