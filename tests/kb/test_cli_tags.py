"""``kb tags …`` through click's runner against real databases and indexes."""

from __future__ import annotations

import json

import pytest

from tests.conftest import SEEDS_DIR
from tests.kb.conftest import Runner, ingest_seeds


@pytest.fixture(autouse=True)
def _seeds(kb: Runner) -> None:
    ingest_seeds(kb)


DETAIL_KEYS = {"name", "kind", "aliases", "definition", "documents", "regions", "years"}


def test_tags_list_by_kind(kb: Runner) -> None:
    rows = json.loads(kb("tags", "list", "--kind", "demonstration", "--json").stdout)
    assert {r["name"] for r in rows} >= {"李连成", "西辛庄"}
    assert all(r["kind"] == "demonstration" for r in rows)
    text = kb("tags", "list", "--kind", "topic").output
    assert "干部工作" in text and "主题" in text


def test_tags_show_by_alias_in_either_script(kb: Runner) -> None:
    data = json.loads(kb("tags", "show", "一定兩評三公開", "--json").stdout)
    assert set(data) >= DETAIL_KEYS
    assert data["name"] == "一定两评三公开" and data["regions"] == ["濮阳"]
    assert data["definition"].startswith("定制目標")
    assert data["documents"][0]["evidence"]
    human = kb("tags", "show", "雙聯四推").output
    assert "释义" in human and "濮阳" in human


def test_curation_round_trip_keeps_decisions_and_updates_search(kb: Runner) -> None:
    assert kb("tags", "rename", "柔性考核", "柔性考核机制").exit_code == 0
    assert kb("tags", "merge", "双向考核", "柔性考核机制").exit_code == 0
    assert kb("tags", "reject", "关联考核").exit_code == 0
    assert kb("tags", "confirm", "李连成", "--doc", "5").exit_code == 0
    assert kb("tags", "define", "菜单式", "居民点单、社区交单、单位下单、干部接单").exit_code == 0
    assert kb("tags", "add", "调研式考察", "--kind", "approach", "--doc", "3").exit_code == 0
    assert "5 篇" in kb("tags", "extract", "--all").output
    kb("ingest", str(SEEDS_DIR))  # unchanged files: nothing to redo

    data = json.loads(kb("tags", "show", "雙向考核", "--json").stdout)
    assert data["name"] == "柔性考核机制" and {"柔性考核", "雙向考核"} <= set(data["aliases"])
    assert kb("tags", "show", "关联考核", "--json").exit_code == 0  # still known, rejected
    names = {r["name"] for r in json.loads(kb("tags", "list", "--json").stdout)}
    assert "关联考核" not in names and "柔性考核机制" in names
    found = json.loads(kb("search", "组织", "--tag", "柔性考核", "--json").stdout)
    assert [h["id"] for h in found["hits"]] == [3]
    assert json.loads(kb("search", "tag:关联考核", "--json").stdout)["total"] == 0
    assert kb("index", "check").exit_code == 0


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("tags", "show", "不存在"), "没有名为“不存在”的标签"),
        (("tags", "add", "河长制", "--kind", "approach", "--doc", "1"), "没有出现"),
        (("tags", "add", "创新", "--kind", "approach", "--doc", "1"), "过于笼统"),
        (("tags", "add", "x", "--kind", "person", "--doc", "1"), "Invalid value"),
        (("tags", "confirm", "李连成", "--doc", "1"), "没有标签"),
        (("tags", "rename", "三议两协商", "双联四推"), "merge"),
    ],
)
def test_bad_tag_commands_are_one_clear_line(
    kb: Runner, args: tuple[str, ...], message: str
) -> None:
    result = kb(*args)
    assert result.exit_code != 0 and message in result.output
    assert "Traceback" not in result.output


def test_a_topic_added_by_hand_comes_from_the_taxonomy(kb: Runner) -> None:
    assert kb("tags", "add", "社区治理", "--kind", "topic", "--doc", "4").exit_code == 0
    result = kb("tags", "add", "宏观经济", "--kind", "topic", "--doc", "4")
    assert result.exit_code != 0 and "taxonomy.yaml" in result.output
