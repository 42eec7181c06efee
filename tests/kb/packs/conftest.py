"""The course pack the pack tests share, built from the seeds."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy.orm import Session

from kb.db.models import Pack
from kb.db.session import Database
from kb.ingest.pipeline import ingest_paths
from kb.limits import Limits
from kb.packs import logic
from tests.conftest import REPO

MAX_BYTES = 20 * 1024 * 1024
QUESTION = "“一定两评三公开”怎样防止基层党建责任制流于形式？"


@pytest.fixture
def seeded(db: Database, monkeypatch: pytest.MonkeyPatch) -> Database:
    """The five seeds as documents 1..5, ingested by repo-relative path (stable sources)."""
    monkeypatch.chdir(REPO)
    ingest_paths(db, [Path("corpus/documents")], limits=Limits(max_bytes=MAX_BYTES))
    return db


def build_course(session: Session) -> Pack:
    """Two sections; a whole document, two passages; notes on each; one question."""
    pack = logic.create_pack(
        session,
        "新时代组织工作创新案例选编",
        audience="县处级领导干部进修班",
        purpose="了解基层在干部考核和基层党建责任制上的创新做法。",
        notes="请学员课前通读案例。\n讨论时结合本单位实际。",
    )
    logic.add_item(session, pack, 3, section="干部工作", note="“公信组工”是机关品牌建设的范例。")
    logic.add_item(session, pack, 5, passage=1, section="干部工作", note="注意考核工具的系统性。")
    logic.add_item(
        session,
        pack,
        5,
        passage=4,
        section="基层党建",
        note="对照本地基层党建责任制阅读。",
        questions=[QUESTION],
    )
    return pack


@pytest.fixture
def course(seeded: Database) -> int:
    """Id of the shared course pack."""
    with seeded.session() as session:
        return build_course(session).id
