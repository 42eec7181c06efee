"""``kb pack …`` through click's runner against real databases."""

from __future__ import annotations

import io
import json
from pathlib import Path

import docx
import pytest

from tests.kb.conftest import Runner, ingest_seeds


@pytest.fixture(autouse=True)
def _seeds(kb: Runner) -> None:
    ingest_seeds(kb)


@pytest.fixture
def pack(kb: Runner) -> str:
    """A pack with a whole document and two passages in two sections."""
    created = kb("pack", "create", "组工案例", "--audience", "新任组工干部", "--purpose", "学习")
    assert created.exit_code == 0 and created.output == "已创建素材包 #1“组工案例”\n"
    assert kb("pack", "add", "组工案例", "3", "--section", "干部工作").exit_code == 0
    added = kb(
        "pack", "add", "1", "5", "--passage", "5", "--section", "基层党建",
        "--note", "重点讨论", "--question", "问题一？", "--question", "问题二？",
    )  # fmt: skip
    assert added.exit_code == 0 and "已加入“基层党建”分组：条目 2" in added.output
    assert kb("pack", "add", "组工案例", "5", "--passage", "2").exit_code == 0
    return "组工案例"


def test_show_and_list(kb: Runner, pack: str) -> None:
    data = json.loads(kb("pack", "show", pack, "--json").stdout)
    assert [s["title"] for s in data["sections"]] == ["干部工作", "基层党建", "未分组"]
    item = data["sections"][1]["items"][0]
    assert (item["document_id"], item["passage"]) == (5, 4)
    assert item["questions"] == ["问题一？", "问题二？"] and item["note"] == "重点讨论"
    assert item["approaches"][0]["name"] == "一定两评三公开"
    assert item["source_status"] == "unchanged"
    text = kb("pack", "show", "1").output
    assert "【基层党建】" in text and "思考题 2：问题二？" in text and "出处：劉漢征：《" in text
    rows = json.loads(kb("pack", "list", "--json").stdout)
    assert [(r["id"], r["title"], r["sections"], r["items"]) for r in rows] == [
        (1, "组工案例", 3, 3)
    ]
    assert "#1\t组工案例\t新任组工干部\t3 个分组 3 条" in kb("pack", "list").output


def test_export_every_format(kb: Runner, pack: str, tmp_path: Path) -> None:
    for name in ("课程.docx", "课程.md", "课程.html"):
        result = kb("pack", "export", pack, "-o", str(tmp_path / name), "--date", "2026-03-01")
        assert result.exit_code == 0, result.output
    handout = docx.Document(io.BytesIO((tmp_path / "课程.docx").read_bytes()))
    texts = [p.text for p in handout.paragraphs]
    assert texts[0] == "组工案例" and "2026年3月1日" in texts and "1．问题一？" in texts
    markdown = (tmp_path / "课程.md").read_text("utf-8")
    assert markdown.startswith("# 组工案例\n") and "## 二、基层党建" in markdown
    assert "<title>组工案例</title>" in (tmp_path / "课程.html").read_text("utf-8")
    forced = kb("pack", "export", pack, "--format", "md", "-o", str(tmp_path / "x.txt"))
    assert forced.exit_code == 0 and (tmp_path / "x.txt").read_text("utf-8").startswith("# 组工")


def test_move_edit_remove_delete(kb: Runner, pack: str) -> None:
    moved = kb("pack", "move", pack, "3", "--section", "干部工作", "--position", "1")
    assert moved.exit_code == 0 and "现为“干部工作”分组第 1 条" in moved.output
    assert kb("pack", "edit", pack, "2", "--note", "", "--question", "新问题").exit_code == 0
    assert kb("pack", "remove", pack, "1").exit_code == 0
    data = json.loads(kb("pack", "show", pack, "--json").stdout)
    layout = [(s["title"], [i["id"] for i in s["items"]]) for s in data["sections"]]
    assert layout == [("干部工作", [3]), ("基层党建", [2]), ("未分组", [])]
    assert data["sections"][1]["items"][0]["questions"] == ["新问题"]
    assert data["sections"][1]["items"][0]["note"] == ""
    assert kb("pack", "edit", pack, "2", "--no-questions").exit_code == 0
    data = json.loads(kb("pack", "show", pack, "--json").stdout)
    assert data["sections"][1]["items"][0]["questions"] == []
    assert kb("pack", "delete", pack).output == "已删除素材包 #1“组工案例”\n"
    assert kb("pack", "list").output == "共 0 个素材包\n"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("pack", "show", "不存在"), "没有编号或标题为“不存在”的素材包"),
        (("pack", "add", "组工案例", "99"), "没有编号为 99 的文档"),
        (("pack", "add", "组工案例", "5", "--passage", "99"), "文档 #5 没有第 99 段（共 14 段"),
        (("pack", "add", "组工案例", "3"), "该文档已在素材包的“干部工作”分组中"),
        (("pack", "add", "组工案例", "5", "--passage", "0"), "Invalid value"),
        (("pack", "create", "组工案例"), "已有名为“组工案例”的素材包"),
        (("pack", "remove", "组工案例", "42"), "没有编号为 42 的条目"),
        (("pack", "export", "组工案例", "-o", "课程.pdf"), "无法从文件名“课程.pdf”判断导出格式"),
        (("pack", "export", "组工案例", "-o", "/nonexistent/dir/a.md"), "无法写入"),
    ],
)
def test_bad_pack_commands_are_one_clear_line(
    kb: Runner, pack: str, args: tuple[str, ...], message: str
) -> None:
    result = kb(*args)
    assert result.exit_code != 0 and message in result.output
    assert isinstance(result.exception, SystemExit) and "Traceback" not in result.output
    if "Invalid value" not in message:  # kb's own errors: exactly one line on stderr
        assert result.stderr.startswith("Error: ") and result.stderr.count("\n") == 1
