"""Editors' decisions survive re-extraction and re-ingest (SQLite and PostgreSQL)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from sqlalchemy import select

from kb.db.models import Document, DocumentTag, Tag
from kb.db.session import Database
from kb.ingest.pipeline import ingest_paths
from kb.limits import Limits
from kb.tagging import glossary, store
from kb.tagging.extract import extract_all, tag_document
from tests.conftest import seed_path, seed_text

MAX = 20 * 1024 * 1024


def _names(
    db: Database, document_id: int, *, statuses: tuple[str, ...] = ("suggested", "confirmed")
) -> set[str]:
    with db.session() as session:
        doc = session.get(Document, document_id)
        assert doc is not None
        return {link.tag.name for link in doc.tag_links if link.status in statuses}


@pytest.fixture
def seeds(db: Database, tmp_path: Path) -> Path:
    folder = tmp_path / "docs"
    folder.mkdir()
    for n in range(5):
        shutil.copy(seed_path(n), folder / seed_path(n).name)
    ingest_paths(db, [folder], limits=Limits(max_bytes=MAX))
    return folder


def test_ingest_extracts_tags_with_evidence(db: Database, seeds: Path) -> None:
    names = _names(db, 5)
    assert {"一定两评三公开", "三议两协商", "双联四推", "李连成", "西辛庄"} <= names
    with db.session() as session:
        detail = glossary.tag_detail(session, "一定兩評三公開")
    assert detail["kind"] == "approach"
    assert str(detail["definition"]).replace(",", "，").startswith("定制目標、公開承諾內容")
    (doc,) = detail["documents"]  # type: ignore[misc]
    assert "一定兩評三公開" in doc["evidence"] and doc["region"] == "濮阳"
    assert "一定兩評三公開" in detail["aliases"]  # type: ignore[operator]


def test_decisions_survive_reextraction_and_reingest(db: Database, seeds: Path) -> None:
    with db.session() as session:
        store.merge(session, "柔性考核", "双联四推")  # an odd merge an editor may still want
        store.rename(session, "公信组工", "公信组工品牌")
        store.set_status(session, "三议两协商", "rejected")
        store.set_status(session, "李连成", "confirmed", document_id=5)
        store.define(session, "菜单式", "编辑写的释义")
    extract_all(db, everything=True)
    for path in seeds.iterdir():  # re-ingest every file, changed
        path.write_text(path.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    results = ingest_paths(db, [seeds], limits=Limits(max_bytes=MAX))
    assert {r.status for r in results} == {"updated"}
    with db.session() as session:
        names = {t.name for t in session.scalars(select(Tag))}
        assert "柔性考核" not in names and "公信组工" not in names
        merged = glossary.tag_detail(session, "柔性考核")  # old names resolve as aliases
        assert merged["name"] == "双联四推" and 3 in [d["id"] for d in merged["documents"]]  # type: ignore[union-attr]
        assert glossary.tag_detail(session, "公信組工")["name"] == "公信组工品牌"
        rejected = store.get_tag(session, "三议两协商")
        assert rejected.rejected
        assert all(link.status == "rejected" for link in rejected.document_links)
        link = session.get(DocumentTag, (5, store.get_tag(session, "李连成").id))
        assert link is not None and link.status == "confirmed"
        assert store.get_tag(session, "菜单式").definition == "编辑写的释义"
    assert "三议两协商" not in _names(db, 5)


def test_an_editor_adds_a_tag_that_must_occur_in_the_document(db: Database, seeds: Path) -> None:
    with db.session() as session:
        tag = store.add(session, "調研式考察", "approach", 3)
        link = session.get(DocumentTag, (3, tag.id))
        assert link is not None and (link.origin, link.status) == ("editor", "confirmed")
        assert link.evidence and "調研式考察" in link.evidence
    with pytest.raises(store.TagError, match="没有出现"), db.session() as session:
        store.add(session, "河长制", "approach", 3)
    with pytest.raises(store.TagError, match="过于笼统"), db.session() as session:
        store.add(session, "工作机制", "approach", 3)
    extract_all(db, everything=True)
    assert "调研式考察" in _names(db, 3)


def test_rename_onto_an_existing_tag_asks_for_a_merge(db: Database, seeds: Path) -> None:
    with pytest.raises(store.TagError, match="merge"), db.session() as session:
        store.rename(session, "三议两协商", "雙聯四推")


def test_unknown_and_ambiguous_names_are_clear_errors(db: Database, seeds: Path) -> None:
    with pytest.raises(store.TagError, match="没有名为"), db.session() as session:
        store.get_tag(session, "不存在的做法")
    with pytest.raises(store.TagError, match="未知的标签类别"), db.session() as session:
        store.get_tag(session, "李连成", "person")


def test_tag_edits_mark_documents_for_the_index(db: Database, seeds: Path) -> None:
    with db.session() as session:
        before = session.get(Document, 5).updated_at  # type: ignore[union-attr]
    with db.session() as session:
        store.set_status(session, "李连成", "confirmed")
    with db.session() as session:
        assert session.get(Document, 5).updated_at > before  # type: ignore[union-attr]


def test_every_stored_tag_name_occurs_in_its_documents(db: Database, seeds: Path) -> None:
    from kb.tagging.names import is_generic, occurs_in

    with db.session() as session:
        for link in session.scalars(select(DocumentTag)):
            document = link.document
            if link.tag.kind == "topic":  # topics come from the curated taxonomy
                assert link.reason and "得分" in link.reason
                continue
            assert not is_generic(link.tag.name)
            assert occurs_in(link.tag.name, document.text + document.title), link.tag.name


def test_tagging_is_repeatable(db: Database, seeds: Path) -> None:
    first = _names(db, 1)
    with db.session() as session:
        document = session.get(Document, 1)
        assert document is not None
        tag_document(session, document)
    assert _names(db, 1) == first
    assert seed_text(0)  # the seed is untouched on disk
