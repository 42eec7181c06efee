"""The glossary as data: the filtered index of a kind, and a tag's detail for curation."""

from __future__ import annotations

import pytest

from kb.db.session import Database
from kb.ingest.pipeline import ingest_paths
from kb.limits import Limits
from kb.tagging import glossary, store
from kb.tagging.store import TagError
from tests.conftest import SEEDS_DIR

MAX = 20 * 1024 * 1024


@pytest.fixture
def seeded(db: Database) -> Database:
    ingest_paths(db, [SEEDS_DIR], limits=Limits(max_bytes=MAX))
    return db


def _index(db: Database, kind: str = "approach", **filters: str) -> dict[str, object]:
    with db.session() as session:
        return glossary.glossary_index(session, kind, **filters)


def _names(data: dict[str, object]) -> list[str]:
    return [str(entry["name"]) for entry in data["entries"]]  # type: ignore[attr-defined]


def test_the_index_has_definitions_counts_regions_and_years(seeded: Database) -> None:
    data = _index(seeded)
    entries = {e["name"]: e for e in data["entries"]}  # type: ignore[attr-defined]
    entry = entries["一定两评三公开"]
    assert str(entry["definition"]).startswith("定制目標、公開承諾內容")
    assert entry["aliases"] == ["一定兩評三公開"] and entry["documents"] == 1
    assert entry["regions"] == ["濮阳"] and entry["years"] == []
    assert entries["四位一体"]["documents"] == 2 and entries["四位一体"]["regions"] == ["即墨"]
    assert entries["四位一体"]["years"] == [2018]
    names = _names(data)
    assert names.index("四位一体") < names.index("一定两评三公开")  # most documents first
    assert data["total"] == len(names) and data["topic"] is None and data["region"] is None


def test_filter_values_count_the_entries_each_would_leave(seeded: Database) -> None:
    data = _index(seeded)
    topics = {t["name"]: t["count"] for t in data["topics"]}  # type: ignore[attr-defined]
    regions = {r["name"]: r["count"] for r in data["regions"]}  # type: ignore[attr-defined]
    assert set(regions) == {"即墨", "西宁", "濮阳"} and set(topics) >= {"考核评价", "教育培训"}
    for name, count in topics.items():
        assert len(_names(_index(seeded, topic=name))) == count
    for name, count in regions.items():
        assert len(_names(_index(seeded, region=name))) == count


def test_topic_and_region_filters_combine(seeded: Database) -> None:
    by_topic = _names(_index(seeded, topic="考核评价"))
    by_region = _names(_index(seeded, region="濮阳"))
    both = _index(seeded, topic="考核评价", region="濮陽")  # either script
    assert both["region"] == "濮阳" and both["topic"] == "考核评价"
    assert set(_names(both)) == set(by_topic) & set(by_region)
    assert "一定两评三公开" in _names(both) and "公信组工" not in _names(both)
    regions = {r["name"]: r["count"] for r in both["regions"]}  # type: ignore[attr-defined]
    assert regions == {"即墨": len(set(by_topic) - set(by_region)), "濮阳": len(_names(both))}


def test_a_region_nobody_wrote_about_is_empty_and_an_unknown_topic_an_error(
    seeded: Database,
) -> None:
    assert _names(_index(seeded, region="拉萨")) == []
    with pytest.raises(TagError, match="未知的主题"):
        _index(seeded, topic="不存在的主题")
    with pytest.raises(TagError, match="未知的标签类别"):
        _index(seeded, kind="person")


def test_rejected_tags_and_links_leave_the_index(seeded: Database) -> None:
    with seeded.session() as session:
        store.set_status(session, "三议两协商", "rejected")
        store.set_status(session, "四位一体", "rejected", document_id=1)
    data = _index(seeded)
    entries = {e["name"]: e for e in data["entries"]}  # type: ignore[attr-defined]
    assert "三议两协商" not in entries and entries["四位一体"]["documents"] == 1


def test_demonstrations_have_an_index_too(seeded: Database) -> None:
    assert {"李连成", "西辛庄"} <= set(_names(_index(seeded, "demonstration")))


def test_tag_detail_lists_rejected_documents_only_for_curation(seeded: Database) -> None:
    with seeded.session() as session:
        store.set_status(session, "四位一体", "rejected", document_id=1)
        reader = glossary.tag_detail(session, "四位一体")
        editor = glossary.tag_detail(session, "四位一体", include_rejected=True)
    assert [d["id"] for d in reader["documents"]] == [3]  # type: ignore[attr-defined]
    statuses = {d["id"]: d["status"] for d in editor["documents"]}  # type: ignore[attr-defined]
    assert statuses == {1: "rejected", 3: "suggested"}
    assert editor["regions"] == reader["regions"] == ["即墨"] and editor["rejected"] is False


def test_tag_detail_says_when_a_tag_is_rejected_everywhere(seeded: Database) -> None:
    with seeded.session() as session:
        store.set_status(session, "三议两协商", "rejected")
        detail = glossary.tag_detail(session, "三議兩協商", include_rejected=True)
    assert detail["rejected"] is True
    assert [d["status"] for d in detail["documents"]] == ["rejected"]  # type: ignore[attr-defined]
