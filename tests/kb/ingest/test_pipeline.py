"""Ingest end to end into a real database (SQLite and PostgreSQL)."""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pytest
from sqlalchemy import func, select

from kb.db import repository
from kb.db.models import Document, MinhashBand, Passage
from kb.db.session import Database
from kb.ingest.pipeline import IngestResult, ingest_paths
from kb.limits import Limits
from kb.script import to_simplified
from tests.conftest import SEEDS_DIR, seed_path, seed_text

MAX = 20 * 1024 * 1024
PINYIN = re.compile(r"[\u4e00-\u9fff]\([a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü]+\)")


def _ingest(db: Database, *paths: Path | str) -> list[IngestResult]:
    return ingest_paths(db, [str(p) for p in paths], limits=Limits(max_bytes=MAX))


def _counts(db: Database) -> tuple[int, int, int]:
    with db.session() as session:
        return (
            session.scalar(select(func.count(Document.id))) or 0,
            session.scalar(select(func.count(Passage.id))) or 0,
            session.scalar(select(func.count()).select_from(MinhashBand)) or 0,
        )


def test_seeds_are_added_once_then_unchanged(db: Database) -> None:
    first = _ingest(db, SEEDS_DIR)
    assert [r.status for r in first] == ["added"] * 5
    assert all(r.id is not None and r.duplicate_of is None for r in first)
    again = _ingest(db, SEEDS_DIR)
    assert [r.status for r in again] == ["unchanged"] * 5
    assert [r.id for r in again] == [r.id for r in first]


@pytest.mark.parametrize(("number", "encoding"), [(0, "gb18030"), (1, "gb18030"), (4, "big5")])
def test_a_copy_in_another_encoding_is_a_duplicate(
    db: Database, tmp_path: Path, number: int, encoding: str
) -> None:
    (original,) = _ingest(db, seed_path(number))
    copy = tmp_path / f"copy-{encoding}.txt"
    copy.write_bytes(seed_text(number).encode(encoding))
    (result,) = _ingest(db, copy)
    assert (result.status, result.duplicate_of) == ("duplicate", original.id)
    with db.session() as session:
        twin = repository.get_document(session, result.id)
        first = repository.get_document(session, original.id)
        assert (twin.text, twin.title, twin.original) == (first.text, first.title, first.original)


def test_a_simplified_copy_is_a_duplicate(db: Database, tmp_path: Path) -> None:
    (original,) = _ingest(db, seed_path(2))
    copy = tmp_path / "simplified.txt"
    copy.write_text(to_simplified(seed_text(2)), encoding="utf-8")
    (result,) = _ingest(db, copy)
    assert (result.status, result.duplicate_of) == ("duplicate", original.id)


def test_a_repost_with_small_changes_is_kept_and_linked(db: Database, tmp_path: Path) -> None:
    (original,) = _ingest(db, seed_path(1))
    text = seed_text(1)
    repost = (
        "来源：某某党建网\n"
        + to_simplified(text).replace("改革創新", "改革创新", 1).replace("思想", "觀念", 1)
        + "\n责任编辑：王某\n【打印】【关闭】\n"
    )
    path = tmp_path / "repost.txt"
    path.write_text(repost, encoding="utf-8")
    (result,) = _ingest(db, path)
    assert result.status == "added"
    assert result.duplicate_of == original.id
    assert any("近似重复" in w for w in result.warnings)
    with db.session() as session:
        assert [d.id for d in repository.duplicates_of(session, original.id)] == [result.id]


def test_a_copy_of_a_copy_links_to_the_first_document(db: Database, tmp_path: Path) -> None:
    (original,) = _ingest(db, seed_path(3))
    copies = tmp_path / "copies"
    copies.mkdir()
    for name in ("a.txt", "b.txt"):
        (copies / name).write_bytes(seed_path(3).read_bytes())
    results = _ingest(db, copies)
    assert [(r.status, r.duplicate_of) for r in results] == [("duplicate", original.id)] * 2


def test_unrelated_documents_are_not_linked(db: Database) -> None:
    results = _ingest(db, SEEDS_DIR)
    assert all(r.duplicate_of is None for r in results)


def test_a_changed_file_updates_its_document(db: Database, tmp_path: Path) -> None:
    path = tmp_path / "doc.txt"
    shutil.copy(seed_path(4), path)
    (first,) = _ingest(db, path)
    text = seed_text(4)
    path.write_text(text + "\n五是新增的一段話，說明改動會被記錄。\n", encoding="utf-8")
    (second,) = _ingest(db, path)
    assert (second.status, second.id) == ("updated", first.id)
    with db.session() as session:
        doc = repository.get_document(session, first.id)
        assert doc.passages[-1].text.startswith("五是新增的一段話")
        assert all(doc.text[p.start : p.end] == p.text for p in doc.passages)
    assert _counts(db)[0] == 1


def _bad_files(folder: Path) -> dict[str, Path]:
    files = {
        "empty": folder / "empty.txt",
        "blank": folder / "blank.txt",
        "binary": folder / "image.txt",
        "docx": folder / "broken.docx",
        "undecodable": folder / "bad-bytes.txt",
        "huge": folder / "huge.txt",
        "unsupported": folder / "slides.pdf",
    }
    files["empty"].write_bytes(b"")
    files["blank"].write_text(" \n\u3000\n\t\n", encoding="utf-8")
    files["binary"].write_bytes(b"\x89PNG\r\n\x1a\n" + os.urandom(4096))
    files["docx"].write_bytes(b"PK\x03\x04" + os.urandom(200))
    files["undecodable"].write_bytes(
        seed_text(1).encode("gb18030")[:600] + b"\xff\xfe\x00\x81" * 50
    )
    with files["huge"].open("wb") as out:
        chunk = ("組織工作改革創新" * 1000 + "\n").encode("utf-8")
        for _ in range(50 * 1024 * 1024 // len(chunk) + 1):
            out.write(chunk)
    files["unsupported"].write_bytes(b"%PDF-1.4\n")
    return files


def test_bad_files_are_rejected_with_reasons_and_leave_nothing(
    db: Database, tmp_path: Path
) -> None:
    _ingest(db, seed_path(0))
    before = _counts(db)
    bad = _bad_files(tmp_path)
    results = _ingest(db, *bad.values(), seed_path(2))
    by_source = {r.source: r for r in results}
    for path in bad.values():
        result = by_source[str(path)]
        assert result.status == "rejected", result
        assert result.reason and "\n" not in result.reason
        assert result.id is None
    assert by_source[str(seed_path(2))].status == "added"  # the batch went on
    after = _counts(db)
    assert after[0] == before[0] + 1
    with db.session() as session:
        assert repository.count_documents(session) == 2


def test_a_missing_path_is_rejected(db: Database, tmp_path: Path) -> None:
    (result,) = _ingest(db, tmp_path / "nope.txt")
    assert result.status == "rejected" and result.reason


@pytest.mark.parametrize("number", range(5))
def test_every_seed_is_cleaned_and_keeps_its_original(db: Database, number: int) -> None:
    (result,) = _ingest(db, seed_path(number))
    with db.session() as session:
        doc = repository.get_document(session, result.id)
        assert doc.original == seed_text(number)
        assert not PINYIN.search(doc.text)
        for boilerplate in ("導語", "不代表本站觀點", "責編", "美編", "Post By", "時間:"):
            assert boilerplate not in doc.text
        assert doc.passages and all(doc.text[p.start : p.end] == p.text for p in doc.passages)
        corrupt = [w for w in doc.warnings if "乱码" in w]
        if number == 0:
            assert len(corrupt) == 1 and "敢擔當?shù)膬?yōu)秀干部" in corrupt[0]
            assert "?shù)膬?yōu)" in doc.text  # reported, never dropped
        else:
            assert corrupt == []


def test_seed_metadata(db: Database) -> None:
    results = _ingest(db, SEEDS_DIR)
    with db.session() as session:
        docs = [repository.get_document(session, r.id) for r in results]
        assert docs[1].title == "組織工作改革創新思考"
        # title line, 導語 line and the repeated title are all site furniture
        assert docs[1].original.count("組織工作改革創新思考") == 3
        assert "組織工作改革創新思考" not in docs[1].text
        assert str(docs[1].date) == "2022-10-16" and docs[1].year == 2022
        assert str(docs[2].date) == "2018-08-03" and docs[2].region == "即墨"
        assert docs[4].author == "劉漢征" and docs[4].region == "濮阳"
        assert docs[3].author_note == "作者系青海省西寧市委常委、組織部部長"
        assert docs[3].region == "西宁"
        assert docs[0].region == "即墨"
        for doc in docs:
            assert doc.doc_type in {"policy", "experience", "case"} and doc.doc_type_reason
            assert doc.title and len(doc.title) <= 40
