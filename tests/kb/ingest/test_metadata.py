"""Title, date, author, region and document type of cleaned documents."""

from __future__ import annotations

import datetime as dt
import doctest

import pytest

from kb.ingest import metadata
from kb.ingest.document import Cleaned, Metadata
from kb.ingest.gazetteer import find_places
from kb.ingest.metadata import (
    choose_region,
    classify,
    clip_sentence,
    describe,
    find_date,
    find_title_line,
    parse_date,
    split_author_note,
    stated_type,
)
from tests.conftest import seed_text

D = dt.date


def _cleaned(text: str, **found: str) -> Cleaned:
    return Cleaned(text=text, found=found, warnings=())


def test_doctests() -> None:
    assert doctest.testmod(metadata).failed == 0


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("2022-10-16 11:44:00", D(2022, 10, 16)),  # seed 001
        ("2018/8/3 10:46:34", D(2018, 8, 3)),  # seed 002
        ("2021年3月5日", D(2021, 3, 5)),
        ("2021 年 3 月 5 日", D(2021, 3, 5)),
        ("二〇二一年三月五日", D(2021, 3, 5)),
        ("二〇二一年十二月三十一日", D(2021, 12, 31)),
        ("二零一九年十月一日", D(2019, 10, 1)),
        ("2019.06.01", D(2019, 6, 1)),
        ("２０２１－０３－０５", D(2021, 3, 5)),
        ("时间:2022-10-16 11:44:00", D(2022, 10, 16)),
        (D(2020, 1, 2), D(2020, 1, 2)),
        (dt.datetime(2020, 1, 2, 8, 30), D(2020, 1, 2)),
        ("2021-02-30", None),
        ("2021-13-01", None),
        ("2017年度", None),
        ("去年以来", None),
        ("", None),
        (None, None),
        (20210305, None),
    ],
)
def test_parse_date(raw: object, expected: dt.date | None) -> None:
    assert parse_date(raw) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "組織工作改革創新思考\n\n時間：2022-10-16 11:44:00\n\n改革創新是根本要求。",
            D(2022, 10, 16),
        ),
        ("Post By:2018/8/3 10:46:34\n\n去年以來，即墨在談院士4人。", D(2018, 8, 3)),
        ("发布时间：2021-03-05 09:00 来源：组工网\n\n正文。", D(2021, 3, 5)),
        ("正文第一段。\n\n正文第二段。\n\n中共某某县委组织部\n\n2021年3月5日", D(2021, 3, 5)),
        ("正文。\n\n二〇二一年三月五日", D(2021, 3, 5)),
        # seed 002: a year in the prose is not the date
        ("去年以來，即墨在談院士4人。2017年度，我區被評為山東省人才工作先進單位。", None),
        ("2021年3月5日，我们召开了全区组织工作会议。", None),
        ("关于2021年3月5日会议的通知\n\n正文。", None),
        (
            "第一段。\n\n第二段。\n\n第三段。\n\n第四段。\n\n2021年3月5日\n\n第六段。\n\n第七段。\n\n第八段。",
            None,
        ),
    ],
)
def test_find_date(text: str, expected: dt.date | None) -> None:
    assert find_date(text) == expected


@pytest.mark.parametrize(
    ("text", "skip", "expected"),
    [
        (
            "組織工作改革創新思考\n\n改革創新是黨的十七大對組織工作提出的根本要求。",
            (),
            "組織工作改革創新思考",
        ),
        ("# 构筑三个平台 推动组织工作创新\n\n正文。", (), "构筑三个平台 推动组织工作创新"),
        ("劉漢征\n\n工作总结\n\n正文。", ("劉漢征",), "工作总结"),
        ("劉漢征\n\n黨的十八屆五中全會著眼協調推進“四個全面”戰略布局。", (), None),  # too short
        (
            "構筑調查研究平臺，堅持問題導向，理清工作思路。戰略研究團隊以組工干部為主。\n\n第二段。",
            (),
            None,
        ),
        ("時間：2022-10-16 11:44:00\n\n正文。", (), None),
        ("只有一行标题", (), None),  # nothing follows
    ],
)
def test_find_title_line(text: str, skip: tuple[str, ...], expected: str | None) -> None:
    assert find_title_line(text, skip=skip) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (  # seed 004: the first body line is a long paragraph
            "黨的十八屆五中全會著眼協調推進“四個全面”戰略布局，提出并闡述了“創新、協調、綠色、開放、共享”的五大發展理念。組織路線是為政治路線服務的。",
            "黨的十八屆五中全會著眼協調推進“四個全面”戰略布局…",
        ),
        (  # seed 000
            "經濟社會發展進入新時代，組織工作必須站在戰略和全局的高度，以廣闊的視野、創新的思維、開放的思路來謀劃各項工作的創新發展。",
            "經濟社會發展進入新時代，組織工作必須站在戰略和全局的高度…",
        ),
        (  # seed 002
            "去年以來，即墨在談院士4人、千人計劃3人，組織申報泰山產業領軍人才人選4人、“萬人計劃”16人；引進碩博及高技能人才99人。",
            "去年以來，即墨在談院士4人、千人計劃3人…",
        ),
        ("組織路線是為政治路線服務的。組織工作是為中心大局服務的。", "組織路線是為政治路線服務的"),
        (
            "劉漢征\n\n品牌是凝聚的力量。多年來如此。",
            "品牌是凝聚的力量",
        ),  # a byline line is skipped
        (
            "黨建引領鄉村振興黨建引領鄉村振興黨建引領鄉村振興黨建引領鄉村振興。",
            "黨建引領鄉村振興黨建引領鄉村振興黨建引領鄉村振興黨建引領鄉村…",
        ),
        ("", ""),
    ],
)
def test_clip_sentence(text: str, expected: str) -> None:
    assert clip_sentence(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "正文。\n\n（作者系青海省西寧市委常委、組織部部長）",
            ("正文。", "作者系青海省西寧市委常委、組織部部長"),
        ),
        ("正文。\n\n(作者单位：某某县委组织部)", ("正文。", "作者单位：某某县委组织部")),
        ("正文。\n\n（一）第一条措施", ("正文。\n\n（一）第一条措施", None)),
        ("（作者系某某县委书记）", ("", "作者系某某县委书记")),
    ],
)
def test_split_author_note(text: str, expected: tuple[str, str | None]) -> None:
    assert split_author_note(text) == expected


def _region(*parts: tuple[str, int]) -> str | None:
    chosen = choose_region([(m, w) for text, w in parts for m in find_places(text)])
    return chosen.short_name if chosen else None


@pytest.mark.parametrize(
    ("parts", "expected"),
    [
        # seed 000: 即墨 twice, 山东大学青岛校区 once: the most specific frequent place
        ([("即墨區委組織部。創造即墨經驗。山東大學青島校區", 1)], "即墨"),
        # seed 001: one bare mention in a slogan is not what the text is about
        ([("學蘇北精神、促濟寧跨越", 1)], None),
        # ... but the same mention in a title (weight 2) is
        ([("促濟寧跨越", 2)], "济宁"),
        # seed 003: 西宁 in the text plus the author note (weight 2)
        ([("西寧特色。西寧人才工作聯絡站", 1), ("作者系青海省西寧市委常委", 2)], "西宁"),
        # a province named often, its cities once each: stay at the province
        ([("山东省。山东。山东。济南市。青岛市", 1)], "山东"),
        # two places once each: no region
        ([("上海、北京", 1)], None),
        ([("", 1)], None),
    ],
)
def test_choose_region(parts: list[tuple[str, int]], expected: str | None) -> None:
    assert _region(*parts) == expected


@pytest.mark.parametrize(
    "sentence",
    [  # sentences from the seeds that name no place
        "第一，要推進思想解放，樹立創新理念。思想是行動的先導。",
        "推動社區黨委和產業園區兩區共建，構建黨建引領鄉村振興的體制機制。",
        "採取聯合共建、城鄉結對、對口支援、駐村幫扶等多種形式，積極探索建立城鄉黨的基層組織互幫互助機制。",
        "比如，為進一步樹立重實干重實績的鮮明導向，實現精準科學選人用人。",
        "著力破解考準考實干部政治素質、新興領域黨建工作等重點難點問題。",
        "幫助企業建立人才招聘綠色通道及申報各類項目和優惠政策。",
        "推行“戶口不遷、身份保留、來去自由”等優惠政策吸引人才智力資源。",
        "實現“票決民主”向“共識民主”的轉變，有效化解了農村的一些“老大難”問題。",
        "借助龍文化活動、張氏宗親聯誼等各類活動載體，收集掌握一批本區域、本部門的英才信息。",
        "開闊了視野、積累了人脈，促進了雙向交流、建立了長期合作關系。",
        "建立市縣區、機關新錄用人員基層墩苗歷練工作機制。",
        "在全區營造出濃厚的爭先創優、比學趕超、勇爭一流的氛圍。",
    ],
)
def test_sentences_without_places_get_no_region(sentence: str) -> None:
    assert find_places(sentence) == []
    assert describe(_cleaned(sentence), {}).region is None


@pytest.mark.parametrize(
    ("title", "text", "expected", "reason_has"),
    [
        (
            "关于进一步加强基层党组织书记队伍建设的意见",
            "各市、县（区）委组织部：\n\n现将《关于进一步加强基层党组织书记队伍建设的意见》印发给你们，请结合实际认真贯彻落实。",
            "policy",
            ["标题以“意见”结尾", "有“各…：”主送机关", "有“现将《…》印发”发文语"],
        ),
        (
            "干部任职前公示制度实施办法",
            "第一条 为扩大干部工作中的民主，制定本办法。\n\n"
            "第二条 本办法适用于县级以上党委。\n\n"
            "第三条 本办法自印发之日起施行。",
            "policy",
            ["出现“第X条”条款 3 处", "有施行或解释条款"],
        ),
        (
            None,
            "李连成是濮阳县庆祖镇西辛庄村党支部书记。1989年，他放弃经营多年的企业，当选村党支部书记。他带领群众兴办企业，该村集体经济不断壮大。他常说：“村干部就是要带着群众干。”在他的带领下，西辛庄村变成了富裕村。",
            "case",
            ["围绕单一对象叙事（“他/她”“该村”等指代 5 处）"],
        ),
        (
            "【典型案例】西辛庄村：党建引领乡村振兴",
            "西辛庄村地处豫北平原。近年来，该村党支部探索“支部+企业”模式，取得明显成效。",
            "case",
            ["标题含“典型”“案例”"],
        ),
        (
            "组织工作改革创新思考",
            "我们迅速开展了大讨论。一是建立机制；二是完善制度。我们探索形成了经验做法，取得明显成效。",
            "experience",
            [
                "标题含“创新”“思考”",
                "出现“我们/我区”等第一人称表述 2 处",
                "“一是…二是…”式分条列举 1 组",
            ],
        ),
        (  # seed 002: issued documents cited in the prose do not make it a policy
            None,
            "組織部連續出臺了《關于開展解放思想大討論活動實施方案》《關于構建組織工作戰略研究團隊的實施意見》等一系列文件。",
            "experience",
            ["未发现政策文件或典型案例的明显特征"],
        ),
        (  # seed 001: "典型示范" once is too little for a case
            None,
            "二抓典型示範。對成熟的典型，通過舉辦報告會、現場會等形式，大力推廣。",
            "experience",
            ["“一是…二是…”式分条列举 1 组"],
        ),
        ("全省典型经验汇编", "正文。", "experience", ["标题含“经验”"]),
    ],
)
def test_classify(title: str | None, text: str, expected: str, reason_has: list[str]) -> None:
    doc_type, reason = classify(title, text)
    assert doc_type == expected
    assert reason.startswith(metadata.DOC_TYPES[expected] + "：")
    for part in reason_has:
        assert part in reason
    assert "（得分：政策 " in reason


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("policy", "policy"),
        ("政策", "policy"),
        ("政策文件", "policy"),
        ("Experience", "experience"),
        ("经验材料", "experience"),
        ("經驗材料", "experience"),
        ("经验", "experience"),
        ("case", "case"),
        ("案例", "case"),
        ("典型案例", "case"),
        ("其他", None),
        ("", None),
        (None, None),
    ],
)
def test_stated_type(value: object, expected: str | None) -> None:
    assert stated_type(value)[0] == expected


def test_stated_metadata_overrides_detection() -> None:
    cleaned = _cleaned(
        "工作总结\n\n我们探索建立了机制。即墨区委组织部创造即墨经验。\n\n2021年3月5日",
        title="页面标题",
        date="2018/8/3 10:46:34",
        author="张三",
    )
    stated: dict[str, object] = {
        "title": "文件标题",
        "date": D(2020, 1, 2),
        "author": "李四",
        "region": "山东省青岛市即墨区",
        "type": "典型案例",
    }
    meta = describe(cleaned, stated)
    assert (meta.title, meta.date, meta.year, meta.author) == (
        "文件标题",
        D(2020, 1, 2),
        2020,
        "李四",
    )
    assert (meta.region, meta.region_code) == ("即墨", "370282")
    assert (meta.doc_type, meta.doc_type_reason) == (
        "case",
        "典型案例：文件自带元数据标注为“典型案例”",
    )

    found_only = describe(cleaned, {})
    assert (found_only.title, found_only.date, found_only.author) == (
        "页面标题",
        D(2018, 8, 3),
        "张三",
    )
    assert found_only.region == "即墨"

    own = describe(_cleaned(cleaned.text), {"date": "不是日期", "year": 2019})
    assert (own.title, own.date, own.year) == ("工作总结", D(2021, 3, 5), 2021)
    assert describe(_cleaned("正文。"), {"year": "2019"}).year == 2019


@pytest.mark.parametrize(
    ("region", "expected"),
    [
        ("濮陽", ("濮阳", "410900")),  # an exact short name: the broadest place
        ("即墨区", ("即墨", "370282")),
        ("西宁市", ("西宁", "630100")),
        ("某某县", ("某某县", None)),
    ],
)
def test_stated_region_is_normalised(region: str, expected: tuple[str, str | None]) -> None:
    meta = describe(_cleaned("正文。"), {"region": region})
    assert (meta.region, meta.region_code) == expected


def test_unknown_stated_type_is_detected_and_noted() -> None:
    meta = describe(_cleaned("正文。"), {"type": "其他"})
    assert meta.doc_type == "experience"
    assert meta.doc_type_reason.endswith("文件标注的类型“其他”无法识别，已自动判断")


def test_a_title_outside_the_text_counts_twice_for_region() -> None:
    assert describe(_cleaned("正文没有地名。"), {}).region is None
    meta = describe(_cleaned("正文没有地名。"), {"title": "促濟寧跨越"})
    assert (meta.region, meta.region_code) == ("济宁", "370800")
    meta = describe(_cleaned("正文没有地名。", title="促濟寧跨越的做法"), {})
    assert (meta.region, meta.region_code) == ("济宁", "370800")
    # a title line that is part of the text is counted once, with the text
    assert describe(_cleaned("促濟寧跨越的做法\n\n正文没有地名。"), {}).region is None


def test_trailing_author_note_is_recognised_and_counts_for_region() -> None:
    text = "要圍繞建設體現西寧特色的現代化經濟體系。\n\n（作者系青海省西寧市委常委、組織部部長）"
    meta = describe(_cleaned(text), {})
    assert meta.author_note == "作者系青海省西寧市委常委、組織部部長"
    assert (meta.region, meta.region_code) == ("西宁", "630100")


def test_empty_document() -> None:
    meta = describe(_cleaned(""), {})
    assert (meta.title, meta.region, meta.date, meta.doc_type) == (
        "（无标题）",
        None,
        None,
        "experience",
    )


# --- whole seeds, cleaned by kb.ingest.clean --------------------------------------

SEEDS = {
    0: (
        "經濟社會發展進入新時代，組織工作必須站在戰略和全局的高度…",
        None,
        None,
        None,
        "即墨",
        "370282",
    ),
    1: ("組織工作改革創新思考", D(2022, 10, 16), None, None, None, None),
    2: ("去年以來，即墨在談院士4人、千人計劃3人…", D(2018, 8, 3), None, None, "即墨", "370282"),
    3: (
        "全國組織部長會議強調，要著力推動組織工作高質量發展…",
        None,
        None,
        "作者系青海省西寧市委常委、組織部部長",
        "西宁",
        "630100",
    ),
    4: (
        "黨的十八屆五中全會著眼協調推進“四個全面”戰略布局…",
        None,
        "劉漢征",
        None,
        "濮阳",
        "410900",
    ),
}


@pytest.mark.parametrize("number", sorted(SEEDS))
def test_seed(number: int) -> None:
    from kb.ingest.clean import clean_text

    meta = describe(clean_text(seed_text(number)), {})
    title, date, author, note, region, code = SEEDS[number]
    assert meta == Metadata(
        title=title,
        doc_type="experience",
        doc_type_reason=meta.doc_type_reason,
        region=region,
        region_code=code,
        date=date,
        year=date.year if date else None,
        author=author,
        author_note=note,
    )
    assert meta.doc_type_reason.startswith("经验材料：")


def test_seed_001_reason_names_its_evidence() -> None:
    from kb.ingest.clean import clean_text

    reason = describe(clean_text(seed_text(1)), {}).doc_type_reason
    assert reason.startswith("经验材料：出现“我们/我区”等第一人称表述 7 处；标题含“创新”“思考”")
