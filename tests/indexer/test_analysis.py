"""Exact tokens of the analyzer, its offsets into the original text, and a real Whoosh index."""

from __future__ import annotations

import itertools
import pickle
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import jieba
import pytest
from hypothesis import given
from hypothesis import strategies as st
from whoosh import fields, index, query
from whoosh.analysis import Tokenizer
from whoosh.searching import Searcher

import indexer.normalize
from indexer import analysis
from indexer.analysis import (
    GRAM_JOINER,
    CharTokenizer,
    WordTokenizer,
    char_analyzer,
    dictionary_hash,
    jieba_tokenizer,
    read_userdict,
    search_subwords,
    segment_query,
    userdict_path,
    word_analyzer,
)
from indexer.compile import char_phrase
from indexer.normalize import RUN_RE, normalize
from kb.script import to_simplified
from tests.conftest import seed_text

SEEDS = [seed_text(n) for n in range(5)]


def words(text: str) -> list[str]:
    return [t.text for t in WordTokenizer()(text)]


def chars(text: str) -> list[tuple[str, int]]:
    return [(t.text, t.pos) for t in CharTokenizer()(text, positions=True)]


# --- normalize -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("組織工作", "组织工作"),
        ("年輕幹部", "年轻干部"),
        ("劉漢征", "刘汉征"),
        ("經(jīng)濟社會發(fā)展", "经(jīng)济社会发(fā)展"),
        (
            "區(qū)委組織部“公信組工”機(jī)關(guān)名牌",
            "区(qū)委组织部“公信组工”机(jī)关(guān)名牌",
        ),
        ("Post By:2018/8/3 10:46:34", "post by:2018/8/3 10:46:34"),
        ("ＡＢＣ　１２３！", "abc 123!"),
        ("“互聯網+”", "“互联网+”"),
    ],
)
def test_normalize_maps_each_character(text: str, expected: str) -> None:
    assert normalize(text) == expected


@pytest.mark.parametrize("text", SEEDS)
def test_normalize_keeps_seed_length(text: str) -> None:
    assert len(normalize(text)) == len(text)


_traditional = st.sampled_from(sorted(set("".join(SEEDS)) - set(to_simplified("".join(SEEDS)))))
_full_width = st.integers(0xFF01, 0xFF5E).map(chr)
_cjk = st.integers(0x4E00, 0x9FFF).map(chr)
_any = st.characters(exclude_categories=("Cs",))


@given(st.lists(st.one_of(_traditional, _full_width, _cjk, _any), max_size=60).map("".join))
def test_normalize_preserves_length(text: str) -> None:
    assert len(normalize(text)) == len(text)


@given(st.text(st.characters(exclude_categories=("Cs",))))
def test_normalize_preserves_length_of_any_text(text: str) -> None:
    assert len(normalize(text)) == len(text)


def test_normalize_falls_back_when_a_phrase_changes_length(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # OpenCC phrase tables may map a phrase to one of another length; simulate one.
    def lengthening(text: str) -> str:
        return to_simplified(text).replace("组织工作", "组织的工作")

    monkeypatch.setattr(indexer.normalize, "to_simplified", lengthening)
    assert normalize("推進組織工作，黨建") == "推进组织工作,党建"


# --- words -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("年輕干部", ["年轻干部"]),
        ("年轻干部", ["年轻干部"]),
        ("組織工作", ["组织工作"]),
        ("一定兩評三公開", ["一定两评三公开"]),
        ("組工干部", ["组工干部"]),
        ("劉漢征", ["刘汉征"]),
        (
            "推行“一定兩評三公開”基層黨建責任制",
            ["推行", "一定两评三公开", "基层党建", "责任制"],
        ),
        ("戰略研究團隊以組工干部為主", ["战略研究团队", "以", "组工干部", "为主"]),
        (
            "將民主協商理念引入“四議兩公開”工作法,推行“三議兩協商”",
            ["将", "民主协商", "理念", "引入", "四议两公开", "工作", "法", "推行", "三议两协商"],
        ),
        ("開展“雙聯四推”幫扶活動", ["开展", "双联四推", "帮扶", "活动"]),
        ("建設“三服務兩滿意”組織工作體系", ["建设", "三服务两满意", "组织工作体系"]),
        (
            "創新實施了干部成長紀實、調研式考察、百名優秀年輕干部培養工程",
            ["创新", "实施", "了", "干部成长纪实", "调研式考察", "百名优秀年轻干部培养工程"],
        ),
        (
            "居民點單、社區交單、單位下單、干部接單的“菜單式”服務",
            ["居民点单", "社区交单", "单位下单", "干部接单", "的", "菜单式", "服务"],
        ),
        ("构建党建引领乡村振兴的体制机制", ["构建", "党建引领", "乡村振兴", "的", "体制", "机制"]),
        (
            "2017年度,我區被評為山東省人才工作先進單位。",
            ["2017", "年度", "我", "区", "被", "评为", "山东省", "人才工作", "先进", "单位"],
        ),
        ("Post By:2018/8/3 10:46:34", ["post", "by", "2018", "8", "3", "10", "46", "34"]),
        ("經(jīng)濟", ["经", "jīng", "济"]),
        ("主動適應“互聯網+”", ["主动", "适应", "互联网"]),
        ("。、 \n“”", []),
    ],
)
def test_word_tokens(text: str, expected: list[str]) -> None:
    assert words(text) == expected
    assert segment_query(text) == expected


def test_traditional_and_simplified_segment_alike() -> None:
    for seed in SEEDS:
        assert words(seed) == words(to_simplified(seed))


@pytest.mark.parametrize("number", range(5))
def test_word_positions_count_words_and_offsets_slice_the_original(number: int) -> None:
    text = SEEDS[number]
    tokens = [
        (t.text, t.pos, t.startchar, t.endchar)
        for t in word_analyzer()(text, positions=True, chars=True)
    ]
    assert [pos for _, pos, _, _ in tokens] == list(range(len(tokens)))
    for word, _, start, end in tokens:
        assert normalize(text[start:end]) == word
    assert all(a[3] <= b[2] for a, b in itertools.pairwise(tokens))


def test_search_subwords() -> None:
    assert search_subwords("優秀年輕幹部") == ["优秀", "年轻", "干部", "优秀年轻干部"]
    assert search_subwords("組工干部 ABC") == ["组工", "干部", "组工干部", "abc"]


# --- characters ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("組工干部", [("组 工", 0), ("工 干", 1), ("干 部", 2), ("部", 3)]),
        ("黨建。工作", [("党 建", 0), ("建", 1), ("工 作", 3), ("作", 4)]),
        (
            "黨建“達標工程”",
            [("党 建", 0), ("建", 1), ("达 标", 3), ("标 工", 4), ("工 程", 5), ("程", 6)],
        ),
        ("基層\n黨建", [("基 层", 0), ("层 党", 1), ("党 建", 2), ("建", 3)]),
        (
            "年輕干部 100名",
            [("年 轻", 0), ("轻 干", 1), ("干 部", 2), ("部 100", 3), ("100 名", 4), ("名", 5)],
        ),
        ("“互聯網+”和", [("互 联", 0), ("联 网", 1), ("网", 2), ("和", 4)]),
        ("Post By:2018", [("post by", 0), ("by", 1), ("2018", 3)]),
        ("考", [("考", 0)]),
    ],
)
def test_char_tokens(text: str, expected: list[tuple[str, int]]) -> None:
    assert chars(text) == expected


@pytest.mark.parametrize("number", range(5))
def test_char_tokens_cover_every_cjk_character_of_a_seed(number: int) -> None:
    text = SEEDS[number]
    tokens = [
        (t.text, t.pos, t.startchar, t.endchar)
        for t in char_analyzer()(text, positions=True, chars=True)
    ]
    cjk = "".join(m.group(1) for m in RUN_RE.finditer(normalize(text)) if m.group(1))
    firsts = (tok.split(GRAM_JOINER)[0] for tok, *_ in tokens)  # one token starts at each unit
    assert "".join(unit for unit in firsts if len(unit) == 1 and unit in cjk) == cjk
    for token, _, start, end in tokens:
        first, _, second = token.partition(GRAM_JOINER)
        original = normalize(text[start:end])
        assert original.startswith(first) and original.endswith(second)
    positions = [pos for _, pos, _, _ in tokens]
    assert all(a < b for a, b in itertools.pairwise(positions))


# --- Whoosh protocol -------------------------------------------------------------------------


KEYWORDS = {
    "positions": True,
    "chars": True,
    "keeporiginal": True,
    "start_pos": 10,
    "start_char": 100,
    "mode": "index",
}


@pytest.mark.parametrize(
    ("make", "expected"),
    [
        (word_analyzer, [("党建", 10, 100, 102, "黨建"), ("组工", 11, 103, 105, "組工")]),
        (
            char_analyzer,
            [
                ("党 建", 10, 100, 102, "黨建"),
                ("建", 11, 101, 102, "建"),
                ("组 工", 13, 103, 105, "組工"),
                ("工", 14, 104, 105, "工"),
            ],
        ),
    ],
)
def test_tokenizers_honour_whoosh_keywords(
    make: Callable[[], Tokenizer], expected: list[tuple[str, int, int, int, str]]
) -> None:
    stream = list(make()("黨建，組工", **KEYWORDS))
    assert len({id(token) for token in stream}) == 1  # one Token, reused as Whoosh expects
    tokens = [
        (t.text, t.pos, t.startchar, t.endchar, t.original)
        for t in make()("黨建，組工", **KEYWORDS)
        if t.mode == "index" and t.boost == 1.0 and not t.stopped
    ]
    assert tokens == expected
    (whole,) = make()("組工 干部", tokenize=False, positions=True, chars=True)
    assert (whole.text, whole.pos, whole.startchar, whole.endchar) == ("组工 干部", 0, 0, 5)
    assert not hasattr(next(iter(make()("組工"))), "pos")


@pytest.mark.parametrize("make", [word_analyzer, char_analyzer])
def test_analyzers_pickle(make: Callable[[], Tokenizer]) -> None:
    # Whoosh pickles the schema, analyzers included, into the index.
    assert pickle.loads(pickle.dumps(make())) == make()


# --- a real index ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def paragraphs() -> dict[str, str]:
    return {
        f"{n}-{i}": line
        for n, seed in enumerate(SEEDS)
        for i, line in enumerate(seed.splitlines())
        if line.strip()
    }


@pytest.fixture(scope="module")
def searcher(
    paragraphs: dict[str, str], tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Searcher]:
    schema = fields.Schema(
        id=fields.ID(stored=True, unique=True),
        words=fields.TEXT(analyzer=word_analyzer(), phrase=True),
        chars=fields.TEXT(analyzer=char_analyzer(), phrase=True),
    )
    ix = index.create_in(tmp_path_factory.mktemp("index"), schema)
    with ix.writer() as writer:
        for key, text in paragraphs.items():
            writer.add_document(id=key, words=text, chars=text)
    with ix.searcher() as searcher:
        yield searcher


def _found(searcher: Searcher, q: query.Query) -> set[str]:
    return {hit["id"] for hit in searcher.search(q, limit=None)}


def _containing(paragraphs: dict[str, str], needle: str) -> set[str]:
    return {key for key, text in paragraphs.items() if needle in normalize(text)}


@pytest.mark.parametrize(
    ("term", "present"),
    [
        ("基层党建", True),
        ("基層黨建", True),
        ("人才工作", True),
        ("干部队伍", True),
        ("幹部隊伍", True),
        ("组工", True),  # inside 组工干部 and 公信组工
        ("組工", True),
        ("一定两评三公开", True),
        ("党建引领", True),
        ("公信组工", True),
        ("乡村振兴", False),  # only as 鄉(xiāng)村振興: pinyin noise is ingest's to remove
        ("刘汉征", True),
        ("年轻干部培训班", True),
        ("组织工作改革创新", True),
        ("考", True),
        ("展即墨", False),  # the text says 发展。即墨: punctuation breaks the phrase
        ("构建组织", False),
    ],
)
def test_char_phrase_finds_exactly_the_paragraphs_containing_it(
    searcher: Searcher, paragraphs: dict[str, str], term: str, present: bool
) -> None:
    expected = _containing(paragraphs, normalize(term))
    assert bool(expected) is present
    assert _found(searcher, char_phrase("chars", normalize(term))) == expected


def test_phrase_does_not_cross_punctuation(searcher: Searcher, paragraphs: dict[str, str]) -> None:
    assert _containing(paragraphs, "展。即墨")
    assert _found(searcher, char_phrase("chars", "展即")) == set()


def test_word_phrase_uses_word_positions(searcher: Searcher, paragraphs: dict[str, str]) -> None:
    q = query.Phrase("words", segment_query("基層黨建工作團隊"))
    assert segment_query("基層黨建工作團隊") == ["基层党建", "工作", "团队"]
    assert _found(searcher, q) == _containing(paragraphs, "基层党建工作团队") != set()
    term = query.Term("words", "一定两评三公开")
    assert _found(searcher, term) == _containing(paragraphs, "一定两评三公开")


# --- dictionary ------------------------------------------------------------------------------

REQUIRED_ENTRIES = [
    "组织工作",
    "组织部门",
    "组工干部",
    "基层党建",
    "三会一课",
    "四议两公开",
    "一定两评三公开",
    "三议两协商",
    "双联四推",
    "四位一体",
    "三服务两满意",
    "干部成长纪实",
    "干部成长记实",
    "年轻干部",
    "优秀年轻干部",
    "选人用人",
    "公信组工",
    "党建引领",
    "乡村振兴",
    "村两委",
    "两委",
    "党支部书记",
    "第一书记",
    "主题教育",
    "干部队伍",
    "领导班子",
    "人才工作",
    "干部工作",
    "考核评价",
    "柔性考核",
    "菜单式",
    "为民服务",
]


def test_userdict_is_simplified_and_unique() -> None:
    entries = read_userdict()
    words_ = [entry.word for entry in entries]
    assert 150 <= len(words_) <= 300
    assert len(set(words_)) == len(words_)
    assert [w for w in words_ if normalize(w) != w] == []
    assert [w for w in words_ if not RUN_RE.fullmatch(w)] == []
    assert all(entry.freq and entry.tag for entry in entries)


@pytest.mark.parametrize("word", REQUIRED_ENTRIES)
def test_required_entry_is_one_word(word: str) -> None:
    assert word in {entry.word for entry in read_userdict()}
    assert segment_query(word) == [word]


def test_every_userdict_entry_is_one_word() -> None:
    assert [e.word for e in read_userdict() if segment_query(e.word) != [e.word]] == []


def test_read_userdict_rejects_malformed_lines(tmp_path: Path) -> None:
    path = tmp_path / "userdict.txt"
    path.write_text("组工干部 3000 n\n\n组织工作 many n\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"userdict.txt:3"):
        read_userdict(path)


def test_one_private_tokenizer_per_process() -> None:
    seen: list[jieba.Tokenizer] = []
    threads = [threading.Thread(target=lambda: seen.append(jieba_tokenizer())) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len({id(t) for t in seen}) == 1
    assert seen[0] is not jieba.dt


def test_userdict_override(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    before = dictionary_hash()
    assert dictionary_hash() == before and len(before) == 64
    custom = tmp_path / "userdict.txt"
    custom.write_text("墩苗历练 3000 n\n", encoding="utf-8")
    monkeypatch.setenv("KB_USERDICT", str(custom))
    monkeypatch.setattr(analysis, "_tokenizer", None)
    assert userdict_path() == custom
    assert dictionary_hash() != before
    assert segment_query("基層墩苗歷練") == ["基层", "墩苗历练"]
    assert segment_query("組工干部") != ["组工干部"]


def test_hash_covers_synonyms(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    synonyms = tmp_path / "synonyms.txt"
    monkeypatch.setattr(analysis, "synonyms_path", lambda: synonyms)
    without = dictionary_hash()
    synonyms.write_text("组工 组织工作\n", encoding="utf-8")
    assert dictionary_hash() != without
