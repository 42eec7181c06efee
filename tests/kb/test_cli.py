"""The ``kb`` command line, run through click's test runner against real databases."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from kb.cli import main
from tests.conftest import SEEDS_DIR, seed_path, seed_text
from tests.kb.conftest import Runner

SHOW_KEYS = {
    "id",
    "title",
    "source",
    "doc_type",
    "region",
    "date",
    "year",
    "author",
    "author_note",
    "duplicate_of",
    "tags",
    "text",
    "original",
    "warnings",
}


def test_ingest_json_reports_each_file(kb: Runner) -> None:
    result = kb("ingest", str(SEEDS_DIR), "--json")
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    assert [r["status"] for r in rows] == ["added"] * 5
    assert set(rows[0]) == {"source", "status", "id", "duplicate_of", "reason", "warnings"}
    assert rows[0]["source"] == str(seed_path(0))
    again = json.loads(kb("ingest", str(SEEDS_DIR), "--json").stdout)
    assert [r["status"] for r in again] == ["unchanged"] * 5


def test_gb18030_copy_reported_duplicate(kb: Runner, tmp_path: Path) -> None:
    kb("ingest", str(SEEDS_DIR))
    copy = tmp_path / "gbk.txt"
    copy.write_bytes(seed_text(3).encode("gb18030"))
    (row,) = json.loads(kb("ingest", str(copy), "--json").stdout)
    assert row["status"] == "duplicate" and row["duplicate_of"] == 4


def test_show_json_has_the_contract_keys(kb: Runner) -> None:
    kb("ingest", str(SEEDS_DIR))
    result = kb("show", "2", "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert set(data) >= SHOW_KEYS
    assert data["title"] == "組織工作改革創新思考" and data["date"] == "2022-10-16"


def test_show_text_and_list(kb: Runner) -> None:
    kb("ingest", str(SEEDS_DIR))
    shown = kb("show", "1")
    assert shown.exit_code == 0 and "疑似乱码" in shown.output
    listed = kb("list")
    assert listed.exit_code == 0 and "共 5 篇" in listed.output
    rows = json.loads(kb("list", "--json").stdout)
    assert [r["id"] for r in rows] == [1, 2, 3, 4, 5]


def test_human_ingest_report(kb: Runner, tmp_path: Path) -> None:
    (tmp_path / "empty.txt").write_bytes(b"")
    result = kb("ingest", str(seed_path(0)), str(tmp_path / "empty.txt"))
    assert result.exit_code == 0
    assert "新增" in result.output and "拒收" in result.output and "文件为空" in result.output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("show", "999"), "没有编号为 999 的文档"),
        (("show", "abc"), "is not a valid integer"),
        (("ingest",), "Missing argument"),
    ],
)
def test_errors_are_one_line_without_traceback(
    kb: Runner, args: tuple[str, ...], message: str
) -> None:
    result = kb(*args)
    assert result.exit_code != 0
    assert message in result.output
    assert "Traceback" not in result.output


def test_all_rejected_exits_non_zero(kb: Runner, tmp_path: Path) -> None:
    (tmp_path / "x.pdf").write_bytes(b"%PDF")
    result = kb("ingest", str(tmp_path / "x.pdf"), "--json")
    assert result.exit_code == 1
    assert json.loads(result.stdout)[0]["status"] == "rejected"


def test_help_lists_the_settings() -> None:
    result = CliRunner().invoke(main, ["--help"])
    assert "KB_HOME" in result.output and "KB_DATABASE_URL" in result.output


SEARCH_KEYS = {"query", "total", "page", "hits", "facets", "suggestion"}
HIT_KEYS = {
    "id", "title", "source", "score", "doc_type", "region", "year", "tags", "passages",
    "also_at",
}  # fmt: skip


def test_ingest_updates_the_index_and_search_json_has_the_contract(kb: Runner) -> None:
    kb("ingest", str(SEEDS_DIR))
    result = kb("search", "一定兩評三公開", "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert set(data) >= SEARCH_KEYS and data["total"] == 1
    (hit,) = data["hits"]
    assert set(hit) >= HIT_KEYS and hit["source"] == str(seed_path(4))
    assert "<mark>一定兩評三公開</mark>" in hit["passages"][0]["html"]
    assert set(data["facets"]) == {"doc_type", "region", "year", "tag", "omitted"}


def test_search_options_filter_sort_and_page(kb: Runner) -> None:
    kb("ingest", str(SEEDS_DIR))
    data = json.loads(kb("search", "组织", "--region", "即墨", "--json").stdout)
    assert {h["region"] for h in data["hits"]} == {"即墨"}
    data = json.loads(
        kb("search", "组织", "--year", "2018-2022", "--sort", "date", "--json").stdout
    )
    assert [h["year"] for h in data["hits"]] == [2022, 2018]
    data = json.loads(kb("search", "组织", "--limit", "2", "--page", "2", "--json").stdout)
    assert data["page"] == 2 and len(data["hits"]) == 2 and data["total"] == 5
    assert json.loads(kb("search", "李连成", "--type", "case", "--json").stdout)["total"] == 0


def test_human_search_marks_matches(kb: Runner) -> None:
    kb("ingest", str(SEEDS_DIR))
    result = kb("search", "公信组工")
    assert result.exit_code == 0 and "【公信組工】" in result.output and "共 1 篇" in result.output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("search", "year:abc"), "年份应为四位数字"),
        (("search", "x", "--type", "news"), "未知的文档类型"),
        (("search", "x", "--page", "0"), "页码应从 1 开始"),
        (("similar", "99"), "没有编号为 99 的文档"),
    ],
)
def test_bad_search_input_is_one_clear_line(
    kb: Runner, args: tuple[str, ...], message: str
) -> None:
    kb("ingest", str(seed_path(0)))
    result = kb(*args)
    assert result.exit_code != 0 and message in result.output
    assert "Traceback" not in result.output


def test_similar_lists_other_documents(kb: Runner) -> None:
    kb("ingest", str(SEEDS_DIR))
    data = json.loads(kb("similar", "1", "--json").stdout)
    assert data["hits"] and 1 not in [h["id"] for h in data["hits"]]


def test_index_rebuild_update_and_check(kb: Runner) -> None:
    kb("ingest", str(SEEDS_DIR))
    assert kb("index", "check").exit_code == 0
    assert "5 篇" in kb("index", "rebuild").output
    assert "新增 0，更新 0，删除 0" in kb("index", "update").output
    report = json.loads(kb("index", "check", "--json").stdout)
    assert report["clean"] and report["documents"] == 5


def test_search_builds_a_missing_index_from_the_database(kb: Runner, tmp_path: Path) -> None:
    kb("ingest", str(seed_path(2)))
    import shutil

    shutil.rmtree(tmp_path / "home" / "index")
    result = kb("search", "公信组工", "--json")
    assert result.exit_code == 0 and json.loads(result.stdout)["total"] == 1
