"""Storage round trips on SQLite and PostgreSQL, and migrations that match the models."""

from __future__ import annotations

import datetime as dt

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect, select
from sqlalchemy.exc import IntegrityError

from kb.db import repository
from kb.db.models import Base, Document, DocumentTag, Passage, Tag
from kb.db.session import Database
from kb.errors import DocumentNotFound, StorageError


def _document(**overrides: object) -> Document:
    fields: dict[str, object] = {
        "source": "a.txt",
        "source_key": "/tmp/a.txt",
        "source_format": "txt",
        "encoding": "utf_8",
        "raw_hash": "0" * 64,
        "content_hash": "1" * 64,
        "title": "組織工作改革創新思考",
        "doc_type": "experience",
        "doc_type_reason": "默认",
        "original": "經(jīng)濟社會發(fā)展",
        "text": "經濟社會發展",
        "warnings": ["第1段疑似乱码"],
        "stated": {},
        "date": dt.date(2022, 10, 16),
        "year": 2022,
    }
    fields.update(overrides)
    return Document(**fields)


def test_migrations_create_exactly_the_models(db: Database) -> None:
    with db.engine.connect() as connection:
        diff = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    assert diff == []
    assert {"documents", "passages", "tags", "document_tags", "alembic_version"} <= set(
        inspect(db.engine).get_table_names()
    )


def test_migrating_twice_is_harmless(database_url: str) -> None:
    Database(database_url).dispose()
    Database(database_url).dispose()


def test_the_known_head_is_alembics_head_and_a_migrated_database_is_at_it(db: Database) -> None:
    from alembic.script import ScriptDirectory

    from kb.db.session import HEAD_REVISION, alembic_config, schema_revision

    script = ScriptDirectory.from_config(alembic_config(db.engine))
    assert script.get_current_head() == HEAD_REVISION
    assert schema_revision(db.engine) == HEAD_REVISION


def test_an_older_database_is_still_upgraded(database_url: str) -> None:
    from alembic import command

    from kb.db.session import HEAD_REVISION, alembic_config, create_db_engine, schema_revision

    engine = create_db_engine(database_url)
    command.upgrade(alembic_config(engine), "0003")
    assert schema_revision(engine) == "0003"
    engine.dispose()
    upgraded = Database(database_url)
    assert "packs" in inspect(upgraded.engine).get_table_names()
    upgraded.dispose()
    engine = create_db_engine(database_url)
    assert schema_revision(engine) == HEAD_REVISION
    engine.dispose()


def test_document_round_trip_keeps_chinese_text_and_json(db: Database) -> None:
    with db.session() as session:
        doc = _document()
        session.add(doc)
        session.flush()
        session.add(Passage(document_id=doc.id, ordinal=0, text="經濟社會發展", start=0, end=6))
        doc_id = doc.id
    with db.session() as session:
        stored = repository.get_document(session, doc_id)
        assert stored.original == "經(jīng)濟社會發(fā)展"
        assert stored.warnings == ["第1段疑似乱码"]
        assert stored.date == dt.date(2022, 10, 16)
        assert [p.text for p in stored.passages] == ["經濟社會發展"]
        assert stored.created_at is not None


def test_tags_link_with_origin_status_and_evidence(db: Database) -> None:
    with db.session() as session:
        doc = _document()
        tag = Tag(name="一定两评三公开", kind="approach", definition="定制目标、公开承诺内容")
        session.add_all([doc, tag])
        session.flush()
        session.add(
            DocumentTag(
                document_id=doc.id,
                tag_id=tag.id,
                origin="auto",
                status="suggested",
                evidence="推行“一定两评三公开”基层党建责任制",
            )
        )
    with db.session() as session:
        link = session.scalars(select(DocumentTag)).one()
        assert (link.tag.name, link.tag.kind, link.status, link.origin) == (
            "一定两评三公开",
            "approach",
            "suggested",
            "auto",
        )


@pytest.mark.parametrize(
    ("model", "field", "value"),
    [(Tag, "kind", "person"), (DocumentTag, "status", "maybe"), (Document, "doc_type", "news")],
)
def test_check_constraints_refuse_unknown_values(
    db: Database, model: type, field: str, value: str
) -> None:
    with pytest.raises(IntegrityError), db.session() as session:
        doc = _document(**({field: value} if model is Document else {}))
        session.add(doc)
        session.flush()
        tag = Tag(name="柔性考核", kind=value if model is Tag else "approach")
        session.add(tag)
        session.flush()
        session.add(
            DocumentTag(
                document_id=doc.id,
                tag_id=tag.id,
                status=value if model is DocumentTag else "suggested",
            )
        )
        session.flush()
    with db.session() as session:
        assert session.scalars(select(Document)).all() == []


def test_deleting_a_document_removes_its_passages_and_unlinks_copies(db: Database) -> None:
    with db.session() as session:
        original = _document()
        session.add(original)
        session.flush()
        copy = _document(source_key="/tmp/b.txt", duplicate_of_id=original.id)
        session.add(copy)
        session.add(Passage(document_id=original.id, ordinal=0, text="x", start=0, end=1))
        session.flush()
        copy_id = copy.id
        session.delete(original)
    with db.session() as session:
        assert session.scalars(select(Passage)).all() == []
        assert repository.get_document(session, copy_id).duplicate_of_id is None


def test_unknown_document_id_is_a_clear_error(db: Database) -> None:
    with pytest.raises(DocumentNotFound, match="没有编号为 999 的文档"), db.session() as session:
        repository.get_document(session, 999)


def test_a_bad_database_url_is_a_storage_error() -> None:
    with pytest.raises(StorageError):
        Database("nosuchdialect://x")


def test_upgrading_a_database_with_tags_keeps_them(database_url: str) -> None:
    from alembic import command
    from sqlalchemy import text

    from kb.db.session import alembic_config, create_db_engine

    engine = create_db_engine(database_url)
    command.upgrade(alembic_config(engine), "0001")
    with engine.begin() as connection:
        connection.execute(
            text("INSERT INTO tags (name, kind, created_at) VALUES ('柔性考核', 'approach', :t)"),
            {"t": dt.datetime(2024, 1, 1)},
        )
    engine.dispose()
    db = Database(database_url)
    with db.session() as session:
        tag = session.scalars(select(Tag)).one()
        assert (tag.name, tag.key, tag.rejected, tag.definition_origin) == (
            "柔性考核",
            "柔性考核",
            False,
            "auto",
        )
    db.dispose()
