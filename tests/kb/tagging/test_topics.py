"""Topics: the taxonomy file, the weighted keyword rule and its reasons."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import pytest
import yaml

from kb.errors import ConfigError
from kb.ingest.clean import clean_text
from kb.script import to_simplified
from kb.tagging.topics import (
    TAXONOMY,
    TopicScore,
    assign_topics,
    load_taxonomy,
    score_topics,
)
from tests.conftest import seed_text

_REASON_ITEM = re.compile(r"([^、，；]+?)×(\d+)（权重(\d+)）")


@cache
def cleaned(number: int) -> str:
    return clean_text(seed_text(number)).text


@pytest.mark.parametrize(
    ("number", "expected"),
    [
        # 即墨's strategic research teams: cadre work first, the teams themselves, training;
        # the grassroots team is only named in passing
        (0, ["干部工作", "组织部门自身建设", "教育培训"]),
        # reform and innovation of organization work: the department, members, cadres, talent
        (1, ["组织部门自身建设", "基层党建", "干部工作", "人才工作"]),
        # the “公信组工” brand: the department itself, cadres, talent, assessment
        (2, ["组织部门自身建设", "干部工作", "人才工作", "考核评价"]),
        # 西宁: organization work serving the centre
        (3, ["干部工作", "基层党建", "人才工作"]),
        # 濮阳: cadre work, grassroots Party building, assessment, talent
        (4, ["干部工作", "基层党建", "考核评价", "人才工作"]),
    ],
)  # fmt: skip
def test_topics_of_each_seed(number: int, expected: list[str]) -> None:
    assert [c.name for c in assign_topics(cleaned(number))] == expected


@pytest.mark.parametrize(
    ("number", "absent"),
    [
        (0, "基层党建"),
        (0, "人才工作"),
        (2, "乡村振兴"),
        (2, "社区治理"),
        (4, "教育培训"),
        (4, "乡村振兴"),
    ],
)
def test_topics_touched_in_passing_are_not_assigned(number: int, absent: str) -> None:
    assert absent not in [c.name for c in assign_topics(cleaned(number))]


@pytest.mark.parametrize(
    "text",
    [
        "",
        "加强干部队伍建设。",
        "2017年度，我區被評為山東省人才工作先進單位。",
        "推進黨建“達標工程”四級聯動、責任清單、干群結親、鄉村振興工作隊、軟弱渙散班子整頓、陽光村務等機制。",
        "經濟社會發展進入新時代，組織工作必須站在戰略和全局的高度，以廣闊的視野、創新的思維、"
        "開放的思路來謀劃各項工作的創新發展。",
    ],
)  # fmt: skip
def test_short_texts_get_no_topic(text: str) -> None:
    assert assign_topics(text) == []


@pytest.mark.parametrize("number", range(5))
def test_reason_names_real_keywords_with_their_counts(number: int) -> None:
    text = cleaned(number)
    simplified = to_simplified(text)
    taxonomy = load_taxonomy()
    weights = {t.name: t.keywords for t in taxonomy.topics}
    for candidate in assign_topics(text):
        assert candidate.kind == "topic"
        assert (candidate.start, candidate.end) == (-1, -1)
        assert candidate.reason
        items = _REASON_ITEM.findall(candidate.reason)
        assert items, candidate.reason
        for keyword, count, weight in items:
            assert keyword in simplified
            assert int(count) >= 1
            assert weights[candidate.name][keyword] == int(weight)
        assert re.search(r"得分 [\d.]+（阈值 6\.5）$", candidate.reason)
        assert candidate.evidence and candidate.evidence in text
        assert any(keyword in to_simplified(candidate.evidence) for keyword, _, _ in items)


def test_reason_of_seed_004_cadre_work() -> None:
    first = assign_topics(cleaned(4))[0]
    assert first.reason.startswith("干部×20（权重1）、干部工作×7（权重2）、年轻干部×3（权重3）")
    assert first.reason.endswith("得分 38.7（阈值 6.5）")


def cadre_work(text: str) -> TopicScore:
    (score,) = [s for s in score_topics(text) if s.topic.name == "干部工作"]
    return score


def test_keywords_count_longest_first_without_overlap() -> None:
    cadres = cadre_work("选拔任用年轻干部，年轻干部。")
    assert dict(cadres.counts) == {"选拔任用": 1, "年轻干部": 2}
    assert cadres.raw == 3 + 2 * 3


def test_repeats_count_up_to_the_cap_per_thousand_characters() -> None:
    cap = load_taxonomy().cap
    short = cadre_work("年轻干部。" * 40)  # 200 characters, scored as 1,000
    assert short.counts["年轻干部"] == 40
    assert (short.raw, short.score) == (3 * cap, 3 * cap)
    long = cadre_work("年轻干部。" * 40 + "。" * 1800)  # 2,000 characters
    assert (long.raw, long.score) == (3 * 2 * cap, 3 * cap)


def test_title_adds_a_bonus_and_says_so() -> None:
    text = cleaned(3)
    plain = {s.topic.name: s.score for s in score_topics(text)}
    titled = {s.topic.name: s.score for s in score_topics(text, "西寧市引育人才工作紀實")}
    assert titled["人才工作"] == pytest.approx(plain["人才工作"] + 2 * 3)  # 人才工作, once
    reasons = {c.name: c.reason for c in assign_topics(text, "西寧市引育人才工作紀實")}
    assert "标题含“人才工作”" in reasons["人才工作"]


# --- the taxonomy file ----------------------------------------------------------------------


def test_taxonomy_file_is_valid() -> None:
    data = yaml.safe_load(TAXONOMY.read_text(encoding="utf-8"))
    names = [topic["name"] for topic in data["topics"]]
    assert len(names) == len(set(names))
    assert data["threshold"] > 0 and data["minimum"] > 0 and 1 <= data["max_topics"] <= 5
    for topic in data["topics"]:
        assert topic["description"] and "\n" not in topic["description"]
        assert 10 <= len(topic["keywords"]) <= 30, topic["name"]
        for keyword, weight in topic["keywords"].items():
            assert to_simplified(keyword) == keyword
            assert type(weight) is int and 1 <= weight <= 3
    assert [t.name for t in load_taxonomy().topics] == names


def test_taxonomy_is_loaded_once() -> None:
    assert load_taxonomy() is load_taxonomy()


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("threshold: 1\ntopics:\n  - name: 干部工作\n    keywords: {幹部: 1}\n", "simplified"),
        ("threshold: 1\ntopics:\n  - name: 干部工作\n    keywords: {干部: 0}\n", "positive"),
        ("threshold: 1\ntopics:\n  - name: 干部工作\n    keywords: {干部: 1.5}\n", "positive"),
        ("threshold: 1\ntopics:\n  - {name: a, keywords: {干部: 1}}\n"
         "  - {name: a, keywords: {人才: 1}}\n", "unique"),
        ("threshold: 1\ntopics:\n  - name: 干部工作\n", "keywords"),
        ("- just a list\n", "list of topics"),
        ("topics: [\n", "cannot read"),
    ],
)  # fmt: skip
def test_a_broken_taxonomy_is_reported(tmp_path: Path, body: str, message: str) -> None:
    path = tmp_path / "taxonomy.yaml"
    path.write_text(body, encoding="utf-8")
    with pytest.raises(ConfigError, match=message):
        load_taxonomy(path)


def test_a_custom_taxonomy_is_used(tmp_path: Path) -> None:
    path = tmp_path / "taxonomy.yaml"
    path.write_text(
        "threshold: 1\nminimum: 1\ntopics:\n  - name: 人才\n    description: 人才\n"
        "    keywords: {人才: 1}\n",
        encoding="utf-8",
    )
    (topic,) = assign_topics("引進人才。", taxonomy=load_taxonomy(path))
    assert (topic.name, topic.evidence) == ("人才", "引進人才。")
    assert topic.reason == "人才×1（权重1），得分 1.0（阈值 1.0）"
