"""Search on the real seed texts: recall, ranking, phrases, scripts, marks, facets."""

from __future__ import annotations

import html
import json
import math
import random
import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from indexer.normalize import normalize
from indexer.query import parse_query
from kb.errors import QuerySyntaxError
from kb.script import to_simplified
from tests.conftest import REPO, seed_text
from tests.indexer.conftest import SeedIndex

DEV = REPO.parent / "shared" / "eval" / "dev_queries.json"
MARK = re.compile(r"<mark>(.*?)</mark>")


def _ground_truth(seed_index: SeedIndex, parts: list[str]) -> set[int]:
    """Documents whose normalized text (whitespace dropped) contains every part."""
    from kb.ingest.clean import strip_pinyin

    found = set()
    for number, doc_id in seed_index.ids.items():
        text = re.sub(r"\s", "", normalize(strip_pinyin(seed_text(number))))
        if all(normalize(p) in text for p in parts):
            found.add(doc_id)
    return found


def _assert_r_precision(seed_index: SeedIndex, query: str) -> None:
    relevant = _ground_truth(seed_index, query.split())
    ranked = seed_index.ranked(query)
    assert set(ranked[: len(relevant)]) == relevant, (query, ranked, relevant)


PRESENCE_TERMS = [
    # simplified, traditional and mixed; slogans, names, places, words jieba splits or glues
    "一定两评三公开", "一定兩評三公開", "三议两协商", "雙聯四推", "四位一体", "公信组工",
    "组工", "組工", "年轻干部", "年輕干部", "优秀年轻干部", "百名优秀年轻干部培养工程",
    "李连成", "西辛庄", "即墨", "濮阳", "西寧", "菜单式", "柔性考核", "干部成长记实",
    "党建引领", "乡村振兴", "人才", "干", "党", "组织部长", "选人用人", "基层党组织",
    "三会一课", "战略研究团队", "考核", "干部工作团队", "农村党支部书记", "民主",
    "组织 保证", "黨建 人才工作",
]  # fmt: skip


@pytest.mark.parametrize("query", PRESENCE_TERMS)
def test_every_document_containing_the_term_ranks_above_the_rest(
    seed_index: SeedIndex, query: str
) -> None:
    _assert_r_precision(seed_index, query)


def _sampled_terms(count: int) -> list[str]:
    """Random 2–12 character runs of Han characters from the seeds, in both scripts."""
    rng = random.Random(20261121)
    runs = [
        run
        for n in range(5)
        for run in re.findall(r"[\u4e00-\u9fff]{2,}", seed_text(n).replace("(", "（"))
    ]
    terms = []
    while len(terms) < count:
        run = rng.choice(runs)
        length = rng.randint(2, min(12, len(run)))
        start = rng.randint(0, len(run) - length)
        term = run[start : start + length]
        terms.append(to_simplified(term) if rng.random() < 0.5 else term)
    return terms


@pytest.mark.parametrize("query", _sampled_terms(120))
def test_r_precision_on_random_substrings(seed_index: SeedIndex, query: str) -> None:
    _assert_r_precision(seed_index, query)


@pytest.mark.skipif(not DEV.is_file(), reason="../shared/eval is not beside the repo")
def test_dev_queries(seed_index: SeedIndex) -> None:
    dev = json.loads(DEV.read_text(encoding="utf-8"))
    for term in dev["presence_terms"]:
        _assert_r_precision(seed_index, term)
    for phrase in dev["phrases"]:
        assert set(seed_index.ranked(phrase)) == _ground_truth(seed_index, [phrase.strip('"')])
    for left, right in dev["script_pairs"]:
        assert seed_index.ranked(left) == seed_index.ranked(right)
    scores = []
    for item in dev["topical"]:
        ranked = seed_index.ranked(item["query"])[:5]
        relevant = {seed_index.ids[int(n)] for n in item["relevant"]}
        dcg = sum(1 / math.log2(i + 2) for i, d in enumerate(ranked) if d in relevant)
        ideal = sum(1 / math.log2(i + 2) for i in range(min(5, len(relevant))))
        scores.append(dcg / ideal)
    assert sum(scores) / len(scores) >= 0.9


@pytest.mark.parametrize(
    ("simplified", "traditional"),
    [("干部工作", "幹部工作"), ("产业园区", "產業園區"), ("组织部", "組織部"),
     ("一定两评三公开", "一定兩評三公開"), ("年轻干部培养", "年輕幹部培養"),
     ("党建引领乡村振兴", "黨建引領鄉村振興"), ('"基层党建"', '"基層黨建"')],
)  # fmt: skip
def test_both_scripts_give_the_same_ranked_list(
    seed_index: SeedIndex, simplified: str, traditional: str
) -> None:
    assert seed_index.ranked(simplified) == seed_index.ranked(traditional)


@pytest.mark.parametrize("phrase", ["基层党建", "人才工作", "干部队伍", "组工干部", "三公开"])
def test_a_quoted_phrase_finds_exactly_that_sequence(seed_index: SeedIndex, phrase: str) -> None:
    assert set(seed_index.ranked(f'"{phrase}"')) == _ground_truth(seed_index, [phrase])


def test_a_phrase_does_not_match_across_sentence_punctuation(seed_index: SeedIndex) -> None:
    # seed 000 says "…發展。即墨區委…": the words are adjacent only across the 。
    assert seed_index.ranked('"发展即墨"') == []


@pytest.mark.parametrize("query", ['"基层党建"', "一定两评三公开", "組工", '"人才工作"'])
def test_marks_wrap_exactly_the_matching_original_characters(
    seed_index: SeedIndex, query: str
) -> None:
    result = seed_index.searcher.search(parse_query(query), per_page=100)
    needle = normalize(query.strip('"'))
    allowed = {needle, "组织工作"}  # 组工 also marks its synonym
    marks = [m for hit in result.hits for p in hit.passages for m in MARK.findall(p.html)]
    assert marks
    for mark in marks:
        assert normalize(mark) in allowed or normalize(mark) == needle * (len(mark) // len(needle))
    if query == '"基层党建"':  # the seeds are traditional: marks show their own characters
        assert set(marks) == {"基層黨建"}
    for hit in result.hits:
        for passage in hit.passages:
            plain = html.unescape(passage.html.replace("<mark>", "").replace("</mark>", ""))
            assert plain in seed_index.db_text(hit.id)


def test_highlighted_passages_escape_html(seed_index: SeedIndex) -> None:
    result = seed_index.searcher.search(parse_query("<script>alert(1)</script> 基层"))
    for hit in result.hits:
        for passage in hit.passages:
            assert "<script" not in passage.html


def test_a_longer_natural_query_does_not_require_every_word(seed_index: SeedIndex) -> None:
    ranked = seed_index.ranked("如何培养选拔优秀年轻干部")
    assert seed_index.ids[0] in ranked[:2]  # 百名优秀年轻干部培养工程
    assert len(ranked) >= 2


def test_exact_string_ranks_above_scattered_words(seed_index: SeedIndex) -> None:
    ranked = seed_index.ranked("干部成长记实")
    assert ranked[0] == seed_index.ids[0]


def test_or_and_not(seed_index: SeedIndex) -> None:
    either = set(seed_index.ranked("李连成 OR 公信组工"))
    assert either == {seed_index.ids[4], seed_index.ids[2]}
    without = set(seed_index.ranked("基层党建 -一定两评三公开"))
    assert seed_index.ids[4] not in without and without


@pytest.mark.parametrize(
    ("query", "expected"),
    [("region:即墨", {0, 2}), ("地区:濮阳 干部", {4}), ("year:2018", {2}),
     ("year:2015-2030 组织", {1, 2}), ("type:policy", set()), ("类型:经验材料 李连成", {4})],
)  # fmt: skip
def test_filters(seed_index: SeedIndex, query: str, expected: set[int]) -> None:
    assert set(seed_index.ranked(query)) == {seed_index.ids[n] for n in expected}


def test_facets_count_the_whole_result_set(seed_index: SeedIndex) -> None:
    result = seed_index.searcher.search(parse_query("组织工作"), per_page=1)
    assert result.total == 5 and len(result.hits) == 1
    assert result.facets.doc_type == {"experience": 5}
    assert result.facets.region == {"即墨": 2, "西宁": 1, "濮阳": 1}
    assert result.facets.year == {"2022": 1, "2018": 1}


def test_pagination_covers_every_hit_once(seed_index: SeedIndex) -> None:
    pages = [
        [h.id for h in seed_index.searcher.search(parse_query("组织"), page=p, per_page=2).hits]
        for p in (1, 2, 3)
    ]
    assert [doc for page in pages for doc in page] == seed_index.ranked("组织")


def test_sort_by_date_puts_the_newest_first(seed_index: SeedIndex) -> None:
    assert seed_index.ranked("组织", sort="date")[:2] == [seed_index.ids[1], seed_index.ids[2]]


@pytest.mark.parametrize(
    ("query", "suggestion"),
    [
        ("一定两评四公开", "一定两评三公开"),
        ("雙聯五推", "双联四推"),
        ("一定两评四公开 year:2015", "一定两评三公开 year:2015"),
    ],
)
def test_a_slogan_with_one_wrong_character_gets_a_suggestion(
    seed_index: SeedIndex, query: str, suggestion: str | None
) -> None:
    result = seed_index.searcher.search(parse_query(query))
    assert result.suggestion == suggestion


def test_no_suggestion_when_the_query_is_found(seed_index: SeedIndex) -> None:
    assert seed_index.searcher.search(parse_query("一定两评三公开")).suggestion is None


def test_similar_documents_exclude_the_document_itself(seed_index: SeedIndex) -> None:
    result = seed_index.searcher.similar(seed_index.ids[0])
    ids = [h.id for h in result.hits]
    assert seed_index.ids[0] not in ids and len(ids) == 4
    assert all("<mark>" in h.passages[0].html for h in result.hits)


@pytest.mark.parametrize("bad", ["year:abc", "type:news", "x" * 300])
def test_malformed_queries_are_clear_errors(seed_index: SeedIndex, bad: str) -> None:
    with pytest.raises(QuerySyntaxError):
        seed_index.searcher.search(parse_query(bad))


QUERY_ALPHABET = st.sampled_from(
    list("组织工作干部基层党建一定两评三公开人才年轻幹黨組") + list(" \"“”「」()（）[]【】-:：|")
    + ["OR ", "NOT ", "type:", "region:", "year:", "tag:", "类型:", "2015", "-2020", "policy"]
)  # fmt: skip


@settings(max_examples=1000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(QUERY_ALPHABET, max_size=12).map("".join) | st.text(max_size=40))
def test_random_queries_never_raise_anything_but_a_query_error(
    seed_index: SeedIndex, query: str
) -> None:
    try:
        result = seed_index.searcher.search(parse_query(query), per_page=5)
    except QuerySyntaxError as error:
        assert str(error)
        return
    assert result.total >= len(result.hits)
