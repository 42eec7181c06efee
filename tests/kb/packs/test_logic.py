"""Course packs in the database: building, reordering, sharing, and sources that change."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from kb.db import repository
from kb.db.models import Document, PackItem, PackSection
from kb.db.session import Database
from kb.errors import DocumentNotFound
from kb.ingest.pipeline import ingest_paths
from kb.limits import Limits
from kb.packs import PackError, logic
from kb.packs.data import PackView, pack_json, pack_view
from kb.packs.export import FORMATS, export_pack
from kb.tagging.extract import extract_all
from kb.users import add_user
from tests.conftest import seed_path
from tests.kb.packs.conftest import MAX_BYTES, QUESTION

JSON_KEYS = {"id", "title", "audience", "purpose", "notes", "owner", "shared", "sections"}
ITEM_KEYS = {
    "id", "document_id", "passage", "title", "citation", "text", "note", "questions",
    "approaches", "source_status",
}  # fmt: skip


def _json(db: Database, pack_id: int) -> dict[str, Any]:
    with db.session() as session:
        return pack_json(logic.get_pack(session, pack_id))


def _view(db: Database, pack_id: int) -> PackView:
    with db.session() as session:
        return pack_view(logic.get_pack(session, pack_id))


def _layout(db: Database, pack_id: int) -> list[tuple[str, list[tuple[int | None, int | None]]]]:
    data = _json(db, pack_id)
    return [
        (s["title"], [(i["document_id"], i["passage"]) for i in s["items"]])
        for s in data["sections"]
    ]


def test_pack_json_has_sections_items_snapshots_and_citations(seeded: Database, course: int):
    data = _json(seeded, course)
    assert set(data) == JSON_KEYS
    assert data["owner"] is None and data["shared"] is False
    assert [s["title"] for s in data["sections"]] == ["干部工作", "基层党建"]
    whole, first, second = [i for s in data["sections"] for i in s["items"]]
    assert set(whole) >= ITEM_KEYS
    assert (whole["document_id"], whole["passage"]) == (3, None)
    assert whole["text"].startswith("去年以來，即墨") and whole["text"].endswith("的氛圍。")
    assert whole["citation"]["text"] == (
        "《去年以來，即墨在談院士4人、千人計劃3人…》，即墨，2018年8月3日。"
        "来源：corpus/documents/002_2e86044b8fb23cae.txt"
    )
    assert (first["passage"], second["passage"]) == (1, 4)
    assert second["citation"]["text"].startswith("劉漢征：《黨的十八屆五中全會")
    assert "，濮阳，第5段。来源：corpus/documents/004_" in second["citation"]["text"]
    assert second["text"].startswith("基層黨建注重打基礎")
    assert second["questions"] == [QUESTION]
    assert second["note"] == "对照本地基层党建责任制阅读。"
    assert {i["source_status"] for i in (whole, first, second)} == {"unchanged"}


def test_a_passage_keeps_the_approaches_it_names_with_their_definitions(
    seeded: Database, course: int
) -> None:
    whole, first, second = [i for s in _json(seeded, course)["sections"] for i in s["items"]]
    assert [a["name"] for a in first["approaches"]] == ["干部考核评价方法工具体系"]
    assert second["approaches"] == [
        {
            "name": "一定两评三公开",
            "definition": "定制目標、公開承諾內容，評審目標、公開考評辦法，綜合考評、公開考評結果",
        }
    ]
    names = [a["name"] for a in whole["approaches"]]
    assert names[0] == "千人计划" and {"公信组工", "四位一体"} <= set(names)
    assert {"name": "四位一体", "definition": "選、育、用、管"} in whole["approaches"]


def test_edited_and_deleted_sources_leave_the_pack_as_it_was(db: Database, tmp_path: Path) -> None:
    folder = tmp_path / "docs"
    folder.mkdir()
    for number in (2, 4):
        shutil.copy(seed_path(number), folder)
    ingest_paths(db, [folder], limits=Limits(max_bytes=MAX_BYTES))
    with db.session() as session:
        ids = {Path(d.source).name[:3]: d.id for d in repository.list_documents(session)}
        pack = logic.create_pack(session, "变更测试")
        kept = logic.add_item(session, pack, ids["004"], passage=1)
        edited = logic.add_item(session, pack, ids["004"], passage=4, questions=["问"])
        whole = logic.add_item(session, pack, ids["004"], section="全文")
        gone = logic.add_item(session, pack, ids["002"], note="按语")
        pack_id, original = pack.id, edited.text
    before = export_pack(_view(db, pack_id), "md", today=dt.date(2026, 3, 1))

    path = next(folder.glob("004_*"))
    path.write_text(path.read_text("utf-8").replace("一定兩評三公開", "一定兩評四公開"), "utf-8")
    assert [r.status for r in ingest_paths(db, [path], limits=Limits(max_bytes=MAX_BYTES))] == [
        "updated"
    ]
    with db.session() as session:
        session.delete(session.get(Document, ids["002"]))

    data = _json(db, pack_id)
    items = {i["id"]: i for s in data["sections"] for i in s["items"]}
    assert items[kept.id]["source_status"] == "unchanged"
    assert items[edited.id]["source_status"] == "changed"
    assert items[whole.id]["source_status"] == "changed"
    assert items[gone.id]["source_status"] == "deleted"
    assert items[gone.id]["document_id"] is None and items[gone.id]["note"] == "按语"
    assert items[edited.id]["text"] == original and "一定兩評三公開" in original
    assert items[edited.id]["approaches"][0]["name"] == "一定两评三公开"
    view = _view(db, pack_id)
    assert export_pack(view, "md", today=dt.date(2026, 3, 1)) == before
    for fmt in FORMATS:
        assert export_pack(view, fmt, today=dt.date(2026, 3, 1))

    with db.session() as session:
        item = logic.get_item(logic.get_pack(session, pack_id), edited.id)
        logic.refresh_item(session, item)
        assert "一定兩評四公開" in item.text
        with pytest.raises(PackError, match="已被删除"):
            logic.refresh_item(session, logic.get_item(item.section.pack, gone.id))
    assert _json(db, pack_id)["sections"][0]["items"][1]["source_status"] == "unchanged"


def test_an_editors_metadata_change_counts_as_a_changed_source(
    seeded: Database, course: int
) -> None:
    with seeded.session() as session:
        repository.get_document(session, 3).title = "即墨区“公信组工”品牌建设"
    statuses = [i["source_status"] for s in _json(seeded, course)["sections"] for i in s["items"]]
    assert statuses == ["changed", "unchanged", "unchanged"]


def test_packs_survive_reingest_and_re_extraction(seeded: Database, course: int) -> None:
    before = _json(seeded, course)
    ingest_paths(seeded, [Path("corpus/documents")], limits=Limits(max_bytes=MAX_BYTES))
    extract_all(seeded, everything=True)
    assert _json(seeded, course) == before


def test_items_and_sections_move_rename_and_go(seeded: Database, course: int) -> None:
    with seeded.session() as session:
        pack = logic.get_pack(session, course)
        whole, first = pack.sections[0].items
        logic.move_item(whole, position=1)
        logic.move_item(first, section="基层党建", position=0)
        logic.move_item(whole, section="人才工作")
        logic.move_section(logic.get_section(pack, "人才工作"), 0)
        logic.rename_section(logic.get_section(pack, "干部工作"), "干部考核")
    assert _layout(seeded, course) == [
        ("人才工作", [(3, None)]),
        ("干部考核", []),
        ("基层党建", [(5, 1), (5, 4)]),
    ]
    with seeded.session() as session:
        pack = logic.get_pack(session, course)
        assert [s.ordinal for s in pack.sections] == [0, 1, 2]
        assert [i.ordinal for i in pack.sections[2].items] == [0, 1]
        logic.remove_item(session, pack.sections[2].items[0])
        logic.remove_section(session, logic.get_section(pack, "干部考核"))
        logic.update_item(pack.sections[1].items[0], note="新按语", questions=["一", " ", "二"])
    assert _layout(seeded, course) == [("人才工作", [(3, None)]), ("基层党建", [(5, 4)])]
    item = _json(seeded, course)["sections"][1]["items"][0]
    assert (item["note"], item["questions"]) == ("新按语", ["一", "二"])
    with seeded.session() as session:
        ordinals = session.scalars(select(PackItem.ordinal).order_by(PackItem.id))
        assert list(ordinals) == [0, 0]


def test_share_links_are_random_and_revocable(seeded: Database, course: int) -> None:
    with seeded.session() as session:
        pack = logic.get_pack(session, course)
        other = logic.create_pack(session, "另一个素材包")
        token = logic.share(pack)
        assert len(token) >= 32 and logic.share(pack) == token
        assert logic.share(other) != token
        assert logic.pack_by_token(session, token).id == course
        renewed = logic.share(pack, renew=True)
        assert renewed != token
    with seeded.session() as session:
        assert logic.pack_by_token(session, renewed).id == course
        with pytest.raises(PackError, match="分享链接无效"):
            logic.pack_by_token(session, token)
        assert _json(seeded, course)["shared"] is True
        logic.unshare(logic.get_pack(session, course))
    with seeded.session() as session:
        for bad in (renewed, "", "x" * 100):
            with pytest.raises(PackError, match="分享链接无效或已被撤销"):
                logic.pack_by_token(session, bad)


def test_packs_belong_to_their_owner(seeded: Database) -> None:
    with seeded.session() as session:
        user = add_user(session, "trainer", "long-enough-password")
        mine = logic.create_pack(session, "我的课", owner_id=user.id)
        logic.create_pack(session, "我的课")  # the same title elsewhere is fine
        user_id, mine_id = user.id, mine.id
    with seeded.session() as session:
        assert [p.id for p in logic.list_packs(session, owner_id=user_id)] == [mine_id]
        assert len(logic.list_packs(session)) == 2
        assert pack_json(logic.get_pack(session, mine_id))["owner"] == "trainer"
        with pytest.raises(PackError, match="有多个素材包名为“我的课”"):
            logic.get_pack(session, "我的课")
        with pytest.raises(PackError, match="已有名为“我的课”的素材包"):
            logic.create_pack(session, " 我的课 ", owner_id=user_id)
        session.delete(logic.get_pack(session, mine_id).owner)
    assert _json(seeded, mine_id)["owner"] is None


def test_deleting_a_pack_keeps_the_documents(seeded: Database, course: int) -> None:
    with seeded.session() as session:
        logic.delete_pack(session, logic.get_pack(session, "新时代组织工作创新案例选编"))
    with seeded.session() as session:
        assert session.scalar(select(func.count(PackSection.id))) == 0
        assert session.scalar(select(func.count(PackItem.id))) == 0
        assert repository.count_documents(session) == 5


def test_default_section_and_titles(seeded: Database) -> None:
    with seeded.session() as session:
        pack = logic.create_pack(session, "  基层  党建  ")
        logic.add_item(session, pack, 1)
        assert pack.title == "基层 党建"
        assert [s.title for s in pack.sections] == [logic.DEFAULT_SECTION]


@pytest.mark.parametrize(
    ("action", "error", "message"),
    [
        (lambda s, p: logic.get_pack(s, "不存在的素材包"), PackError, "没有编号或标题为"),
        (lambda s, p: logic.get_pack(s, 999), PackError, "没有编号或标题为“999”的素材包"),
        (lambda s, p: logic.add_item(s, p, 99), DocumentNotFound, "没有编号为 99 的文档"),
        (lambda s, p: logic.add_item(s, p, 5, passage=99), PackError, "没有第 100 段（共 14 段"),
        (lambda s, p: logic.add_item(s, p, 5, passage=4), PackError, "该段已在素材包的“基层党建”"),
        (lambda s, p: logic.add_item(s, p, 3), PackError, "该文档已在素材包"),
        (lambda s, p: logic.create_pack(s, " "), PackError, "素材包标题不能为空"),
        (lambda s, p: logic.create_pack(s, "长" * 201), PackError, "不能超过 200 个字"),
        (lambda s, p: logic.get_item(p, 999), PackError, "没有编号为 999 的条目"),
        (lambda s, p: logic.get_section(p, "无此部分"), PackError, "没有“无此部分”分组"),
        (lambda s, p: logic.add_section(p, "干部工作"), PackError, "已有“干部工作”分组"),
        (
            lambda s, p: logic.rename_section(p.sections[0], "基层党建"),
            PackError,
            "已有“基层党建”分组",
        ),
        (
            lambda s, p: logic.move_item(p.sections[0].items[0], position=-1),
            PackError,
            "不能为负数",
        ),
    ],
)
def test_bad_requests_are_clear_errors(
    seeded: Database, course: int, action: Any, error: type[Exception], message: str
) -> None:
    with seeded.session() as session, pytest.raises(error, match=message):
        action(session, logic.get_pack(session, course))
