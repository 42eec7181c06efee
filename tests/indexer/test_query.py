"""The query grammar: clauses, phrases, OR, NOT, filters, limits and a fuzz of any input."""

from __future__ import annotations

import dataclasses
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from indexer.normalize import CJK_CLASS
from indexer.query import (
    MAX_CLAUSES,
    MAX_LENGTH,
    Clause,
    Filters,
    ParsedQuery,
    parse_filters,
    parse_query,
)
from kb.db.models import DOC_TYPES
from kb.errors import QuerySyntaxError

WORD_RUN = re.compile(f"(?:[{CJK_CLASS}]|[^\\W_])+")
YEAR_ERROR = "年份应为四位数字或范围，如 year:2015 或 year:2015-2020"
TYPE_ERROR = "可选：policy（政策文件）、experience（经验材料）、case（典型案例）"


def shown(clause: Clause) -> str:
    """A clause as the tables write it: phrases in straight quotes."""
    return f'"{clause.text}"' if clause.phrase else clause.text


def groups(text: str) -> list[list[str]]:
    return [[shown(c) for c in group] for group in parse_query(text).groups]


def excluded(text: str) -> list[str]:
    return [shown(c) for c in parse_query(text).excluded]


def without_originals(query: ParsedQuery) -> ParsedQuery:
    def plain(clause: Clause) -> Clause:
        return dataclasses.replace(clause, original="")

    return dataclasses.replace(
        query,
        groups=tuple(tuple(map(plain, g)) for g in query.groups),
        excluded=tuple(map(plain, query.excluded)),
        text="",
    )


# --- clauses, phrases, OR ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", []),
        ("   \u3000 ", []),
        ("，。、；！？", []),
        ("组工", [["组工"]]),
        ("組工", [["组工"]]),
        ("基层党建 人才工作", [["基层党建"], ["人才工作"]]),
        ("基层党建\u3000人才工作", [["基层党建"], ["人才工作"]]),
        ("一定两评三公开，基层党建", [["一定两评三公开"], ["基层党建"]]),
        (
            "（干部工作）【人才】《干部任用条例》<x>[y]",
            [["干部工作"], ["人才"], ["干部任用条例"], ["x"], ["y"]],
        ),
        ("推行“一定兩評三公開”基層黨建", [["推行"], ['"一定两评三公开"'], ["基层党建"]]),
        ('"基层 党建"', [['"基层党建"']]),
        ("“基层党建”", [['"基层党建"']]),
        ("「公信组工」『机关名牌』‘党建’", [['"公信组工"'], ['"机关名牌"'], ['"党建"']]),
        ('"基层党建”', [['"基层党建"']]),
        ('"党建，引领"', [['"党建,引领"']]),
        ('"未闭合 的引号', [['"未闭合的引号"']]),
        ("组工 “乡村 振", [["组工"], ['"乡村振"']]),
        ('"" “” 「」 "  "', []),
        ('"，。"', []),
        ("2017年度", [["2017年度"]]),
        ("ＡＢＣ１２３", [["abc123"]]),
        ("Post By", [["post"], ["by"]]),
        ("a_b#c@d", [["a"], ["b"], ["c"], ["d"]]),
        ("党建😀组工", [["党建"], ["组工"]]),
        ("2015-2020", [["2015"], ["2020"]]),
        ("一-二", [["一"], ["二"]]),
        ("组工 OR 组织工作", [["组工", "组织工作"]]),
        ("组工 | 组织工作", [["组工", "组织工作"]]),
        ("组工|组织工作", [["组工", "组织工作"]]),
        ("组工｜组织工作", [["组工", "组织工作"]]),
        ("组工 或 组织工作", [["组工", "组织工作"]]),
        ("组工 ＯＲ 组织工作", [["组工", "组织工作"]]),
        ("a OR b OR c d", [["a", "b", "c"], ["d"]]),
        ("a OR OR b", [["a", "b"]]),
        ("OR a OR", [["a"]]),
        ("| 或", []),
        ("a or b", [["a"], ["or"], ["b"]]),
        ("a Or b", [["a"], ["or"], ["b"]]),
        ("a AND b", [["a"], ["b"]]),
        ("a and b", [["a"], ["and"], ["b"]]),
        ("或者 或许", [["或者"], ["或许"]]),
        ('"组工" OR 组工', [['"组工"', "组工"]]),
        ("组工 組工 组工", [["组工"]]),
        ("a OR b b OR a", [["a", "b"]]),
        ("a OR a", [["a"]]),
        ('"a OR b"', [['"aorb"']]),
    ],
)
def test_groups(text: str, expected: list[list[str]]) -> None:
    assert groups(text) == expected


# --- NOT and - --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected_groups", "expected_excluded"),
    [
        ("党建 -形式主义", [["党建"]], ["形式主义"]),
        ("党建 NOT 形式主义", [["党建"]], ["形式主义"]),
        ("党建 not 形式主义", [["党建"], ["not"], ["形式主义"]], []),
        ('-"基层党建" 组工', [["组工"]], ['"基层党建"']),
        ("NOT “基层 党建”", [], ['"基层党建"']),
        ("-形式主义", [], ["形式主义"]),
        ("党建，-形式主义", [["党建"]], ["形式主义"]),
        ("－形式主义", [], ["形式主义"]),
        ("--形式主义", [], ["形式主义"]),
        ("- 形式主义", [["形式主义"]], []),
        ("党建 -", [["党建"]], []),
        ("党建 NOT", [["党建"]], []),
        ("党建-形式主义", [["党建"], ["形式主义"]], []),
        ("2015-2020", [["2015"], ["2020"]], []),
        ("a OR -b", [["a"]], ["b"]),
        ("-a OR b", [["b"]], ["a"]),
        ("NOT a OR b", [["b"]], ["a"]),
        ("-a -a -A", [], ["a"]),
        ('-"a" -a', [], ['"a"', "a"]),
    ],
)
def test_negation(
    text: str, expected_groups: list[list[str]], expected_excluded: list[str]
) -> None:
    assert (groups(text), excluded(text)) == (expected_groups, expected_excluded)


def test_original_keeps_what_was_typed() -> None:
    query = parse_query("組工 -“形式 主義” ＡＢＣ")
    assert query.groups == ((Clause("组工", "組工"),), (Clause("abc", "ＡＢＣ"),))
    assert query.excluded == (Clause("形式主义", "形式 主義", phrase=True),)
    assert query.text == "組工 -“形式 主義” ＡＢＣ"
    assert query.clauses == (Clause("组工", "組工"), Clause("abc", "ＡＢＣ"))


@pytest.mark.parametrize(
    ("traditional", "simplified"),
    [
        ("組工 OR 組織工作", "组工 OR 组织工作"),
        ("年輕幹部 -“形式主義”", "年轻干部 -“形式主义”"),
        (
            "黨建 類型:經驗材料 地區：即墨 標籤:公信組工",
            "党建 类型:经验材料 地区：即墨 标签:公信组工",
        ),
        ("干部成長紀實 年份:2015-2020", "干部成长纪实 年份:2015-2020"),
    ],
)
def test_traditional_and_simplified_parse_alike(traditional: str, simplified: str) -> None:
    assert without_originals(parse_query(traditional)) == without_originals(parse_query(simplified))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "堅持好干部標準，從嚴從細從實考核評價和管理監督干部",
            [["坚持好干部标准"], ["从严从细从实考核评价和管理监督干部"]],
        ),
        (
            "區(qū)委組織部“公信組工”機(jī)關(guān)名牌",
            [
                ["区"],
                ["qū"],
                ["委组织部"],
                ['"公信组工"'],
                ["机"],
                ["jī"],
                ["关"],
                ["guān"],
                ["名牌"],
            ],
        ),
        ("時間:2022-10-16 11:44:00", [["时间"], ["2022"], ["10"], ["16"], ["11"], ["44"], ["00"]]),
        ("Post By:2018/8/3", [["post"], ["by"], ["2018"], ["8"], ["3"]]),
        (
            "將民主協商理念引入“四議兩公開”工作法,推行“三議兩協商”",
            [["将民主协商理念引入"], ['"四议两公开"'], ["工作法"], ["推行"], ['"三议两协商"']],
        ),
    ],
)
def test_pasted_seed_snippets(text: str, expected: list[list[str]]) -> None:
    assert groups(text) == expected


# --- filters ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("type:policy", Filters(doc_types=("policy",))),
        ("TYPE:Experience", Filters(doc_types=("experience",))),
        ("类型：政策文件", Filters(doc_types=("policy",))),
        ("類型:經驗材料", Filters(doc_types=("experience",))),
        ("type:典型案例 type:政策", Filters(doc_types=("case", "policy"))),
        ("type:案例 type:case", Filters(doc_types=("case",))),
        ("type:“经验”", Filters(doc_types=("experience",))),
        ("region:即墨", Filters(regions=("即墨",))),
        ("地區：濮陽 region:西宁", Filters(regions=("濮阳", "西宁"))),
        ("region: 即墨", Filters(regions=("即墨",))),
        ('region:"即墨 区"', Filters(regions=("即墨区",))),
        ("tag:公信组工", Filters(tags=("公信组工",))),
        ('tag:"公信组工"', Filters(tags=("公信组工",))),
        ("标签：“一定两评三公开”", Filters(tags=("一定两评三公开",))),
        ("标签：「干部成长纪实", Filters(tags=("干部成长纪实",))),
        ("year:2015", Filters(year_from=2015, year_to=2015)),
        ("year:2015-2020", Filters(year_from=2015, year_to=2020)),
        ("year:2015–2020", Filters(year_from=2015, year_to=2020)),
        ("year:2015~2020", Filters(year_from=2015, year_to=2020)),
        ("year:2015～2020", Filters(year_from=2015, year_to=2020)),
        ("year:2015至2020", Filters(year_from=2015, year_to=2020)),
        ("年份：2015年到2020年", Filters(year_from=2015, year_to=2020)),
        ("year:２０１５", Filters(year_from=2015, year_to=2015)),
        ("year:2015-", Filters(year_from=2015)),
        ("year:-2020", Filters(year_to=2020)),
        ("year:2015-2020 year:2018-", Filters(year_from=2018, year_to=2020)),
        ("year:1900-2100", Filters(year_from=1900, year_to=2100)),
        ("year:2020-2020", Filters(year_from=2020, year_to=2020)),
    ],
)
def test_filters(text: str, expected: Filters) -> None:
    query = parse_query(text)
    assert (query.filters, query.groups, query.excluded) == (expected, (), ())


@pytest.mark.parametrize(
    ("text", "expected_groups", "expected"),
    [
        ("党建 type:case 组工", [["党建"], ["组工"]], Filters(doc_types=("case",))),
        ("党建,type:case，组工", [["党建"], ["组工"]], Filters(doc_types=("case",))),
        ("foo:bar", [["foo"], ["bar"]], Filters()),
        ("typo:case", [["typo"], ["case"]], Filters()),
        ("党建type:case", [["党建type"], ["case"]], Filters()),
        ("region:即墨-党建", [["党建"]], Filters(regions=("即墨",))),
        ("year:2015 -2020", [], Filters(year_from=2015, year_to=2015)),
        ("a OR type:case b", [["a"], ["b"]], Filters(doc_types=("case",))),
        ("type:case OR type:policy", [], Filters(doc_types=("case", "policy"))),
        ('"type:case"', [['"type:case"']], Filters()),
    ],
)
def test_filters_among_clauses(
    text: str, expected_groups: list[list[str]], expected: Filters
) -> None:
    assert (groups(text), parse_query(text).filters) == (expected_groups, expected)


def test_year_filter_excludes_the_negated_year() -> None:
    assert excluded("year:2015 -2020") == ["2020"]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("type:foo", f"未知的文档类型“foo”，{TYPE_ERROR}"),
        ("類型:經驗文章", f"未知的文档类型“經驗文章”，{TYPE_ERROR}"),
        ("year:15", YEAR_ERROR),
        ("year:20150", YEAR_ERROR),
        ("year:1899", YEAR_ERROR),
        ("year:2101", YEAR_ERROR),
        ("year:2020-2015", YEAR_ERROR),
        ("year:-", YEAR_ERROR),
        ("year:2015--2020", YEAR_ERROR),
        ("year:去年", YEAR_ERROR),
        ("year:٢٠١٥", YEAR_ERROR),
        ("region:", "筛选条件 region: 缺少取值"),
        ("region: ", "筛选条件 region: 缺少取值"),
        ("地区：，即墨", "筛选条件 地区: 缺少取值"),
        ("Tag:", "筛选条件 Tag: 缺少取值"),
        ('tag:""', "筛选条件 tag: 缺少取值"),
        ("tag:“ ”", "筛选条件 tag: 缺少取值"),
        ("tag:“", "筛选条件 tag: 缺少取值"),
        ("region: type:case", "筛选条件 region: 缺少取值"),
        ("-type:case", "筛选条件 type: 不能排除，请去掉 NOT 或 -"),
        ("NOT region:即墨", "筛选条件 region: 不能排除，请去掉 NOT 或 -"),
        ("year:2015 year:2018", "年份条件 2015 与 2018 没有交集，请只写一个范围"),
        ("year:-2015 year:2018-", "年份条件 -2015 与 2018- 没有交集，请只写一个范围"),
        ("党" * (MAX_LENGTH + 1), f"查询过长（最多 {MAX_LENGTH} 字）"),
        (
            " ".join(f"词{i}" for i in range(MAX_CLAUSES + 1)),
            f"查询词过多（最多 {MAX_CLAUSES} 个）",
        ),
    ],
)
def test_errors(text: str, message: str) -> None:
    with pytest.raises(QuerySyntaxError) as caught:
        parse_query(text)
    assert str(caught.value) == message
    assert "\n" not in message


def test_limits_are_inclusive() -> None:
    assert groups("党" * MAX_LENGTH) == [["党" * MAX_LENGTH]]
    assert len(parse_query(f"  {'党' * MAX_LENGTH}  ").groups) == 1
    words = " ".join(f"词{i}" for i in range(MAX_CLAUSES))
    assert len(parse_query(words).groups) == MAX_CLAUSES
    assert len(parse_query(f"{words} 词0 詞1").clauses) == MAX_CLAUSES  # repeats count once


def test_every_doc_type_has_its_name_and_label() -> None:
    labels = {"policy": "政策文件", "experience": "经验材料", "case": "典型案例"}
    for doc_type in DOC_TYPES:
        assert parse_query(f"type:{doc_type}").filters.doc_types == (doc_type,)
        assert parse_query(f"type:{labels[doc_type]}").filters.doc_types == (doc_type,)


@pytest.mark.parametrize(
    ("text", "empty"),
    [("", True), (" ，", True), ("OR NOT -", True), ("党建", False), ("-党建", False),
     ("type:case", False)],
)  # fmt: skip
def test_is_empty(text: str, empty: bool) -> None:
    assert parse_query(text).is_empty is empty


# --- filters given as options -----------------------------------------------------------------


def test_parse_filters_validates_like_the_query() -> None:
    assert parse_filters() == Filters()
    assert parse_filters(doc_type="經驗", region="即墨", year="2015-", tag="公信組工") == Filters(
        doc_types=("experience",), regions=("即墨",), year_from=2015, tags=("公信组工",)
    )
    assert parse_filters(doc_type=["case", "政策", ""], year=2018) == Filters(
        doc_types=("case", "policy"), year_from=2018, year_to=2018
    )
    assert parse_filters(region=["", "  "], year=[]) == Filters()
    with pytest.raises(QuerySyntaxError, match="未知的文档类型“foo”"):
        parse_filters(doc_type="foo")
    with pytest.raises(QuerySyntaxError, match="年份应为四位数字"):
        parse_filters(year="20")
    with pytest.raises(QuerySyntaxError, match="年份应为四位数字"):
        parse_filters(year="-")
    with pytest.raises(QuerySyntaxError, match="筛选条件 region: 缺少取值"):
        parse_filters(region="，")


def test_with_filters_adds_cli_options_to_a_query() -> None:
    query = parse_query("党建 type:case year:2015-2020")
    merged = query.with_filters(parse_filters(doc_type="policy", region="即墨", year="2018-"))
    assert merged.groups == query.groups
    assert merged.filters == Filters(
        doc_types=("case", "policy"), regions=("即墨",), year_from=2018, year_to=2020
    )
    assert query.filters.year_from == 2015  # the original is unchanged
    with pytest.raises(QuerySyntaxError, match="没有交集"):
        query.with_filters(parse_filters(year=2021))


def test_merge_is_idempotent_and_empty_is_neutral() -> None:
    filters = Filters(doc_types=("case",), regions=("即墨",), year_from=2015, tags=("a",))
    assert filters.merge(filters) == filters
    assert filters.merge(Filters()) == filters == Filters().merge(filters)
    assert Filters().is_empty and not filters.is_empty


# --- any input --------------------------------------------------------------------------------

FRAGMENTS = [
    "OR", "or", "NOT", "AND", "|", "｜", "或", "-", "－", "--", " ", "\u3000", "\t", "\n",
    '"', "“", "”", "「", "」", "『", "』", "‘", "’", "＂", "'", "(", "（", "）", "【", "】",
    "《", "》", "<", ">", "，", "。", "、", ":", "：", "~", "–", "至",
    "type:", "TYPE:", "类型：", "類型:", "region:", "地区：", "year:", "年份：", "tag:", "標籤：",
    "policy", "经验", "案例", "即墨", "2015", "2015-2020", "-2020", "2015-", "1899", "99999",
    "組工", "基层党建", "\x00", "\x1f", "\x7f", "\u200b", "\u200d", "\ufeff", "😀", "👨‍👩‍👧",
    "\ud800", "\udfff", "İ", "ß", "\u0301",
]  # fmt: skip
_cjk = st.integers(0x4E00, 0x9FFF).map(chr)
QUERIES = st.one_of(
    st.lists(st.one_of(st.sampled_from(FRAGMENTS), _cjk, st.text(max_size=4)), max_size=40).map(
        "".join
    ),
    st.text(max_size=250),
)


@settings(max_examples=1000, deadline=None)
@given(QUERIES)
def test_any_input_parses_or_raises_query_syntax_error(text: str) -> None:
    try:
        query = parse_query(text)
    except QuerySyntaxError as exc:
        assert str(exc) and "\n" not in str(exc)
        return
    assert query.text == text
    clauses = [*query.clauses, *query.excluded]
    assert len(clauses) <= MAX_CLAUSES
    assert all(group for group in query.groups)
    for clause in clauses:
        assert clause.text and not any(c.isspace() for c in clause.text)
        assert clause.phrase or WORD_RUN.fullmatch(clause.text)
    assert set(query.filters.doc_types) <= set(DOC_TYPES)
    years = [y for y in (query.filters.year_from, query.filters.year_to) if y is not None]
    assert all(1900 <= y <= 2100 for y in years) and years == sorted(years)
    assert all(query.filters.regions) and all(query.filters.tags)
    assert parse_query(text) == query  # deterministic
