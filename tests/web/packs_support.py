"""What the pack page and pack API tests share: a second editor, a ready-made pack."""

from __future__ import annotations

from dataclasses import dataclass

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from kb.db.models import User
from kb.packs import logic
from kb.users import add_user
from tests.conftest import EDITOR
from tests.web.conftest import csrf_token
from web.services import get_services

OTHER = ("trainer2", "another-long-password")
"""A second editor, who must never see the first one's packs."""


@dataclass(frozen=True)
class Course:
    """Ids of the pack ``make_course`` builds."""

    pack: int
    sections: tuple[int, int]
    """干部工作, 基层党建."""
    items: tuple[int, int, int]
    """Document 3 whole and document 5 passage 1 (干部工作); document 5 passage 4 (基层党建)."""


def user_id(app: Flask, name: str) -> int:
    with app.app_context(), get_services().db.session() as session:
        found = session.scalar(select(User.id).where(User.name == name))
        assert found is not None
        return found


def make_course(app: Flask, owner: str = EDITOR[0], title: str = "组织工作创新案例") -> Course:
    """Two sections, three items, as ``owner``."""
    owner_id = user_id(app, owner)
    with app.app_context(), get_services().db.session() as session:
        pack = logic.create_pack(session, title, audience="村党组织书记", owner_id=owner_id)
        whole = logic.add_item(session, pack, 3, section="干部工作")
        first = logic.add_item(session, pack, 5, passage=1, section="干部工作")
        second = logic.add_item(session, pack, 5, passage=4, section="基层党建", questions=["问？"])
        sections = (pack.sections[0].id, pack.sections[1].id)
        return Course(pack.id, sections, (whole.id, first.id, second.id))


def log_in(app: Flask, name: str, password: str) -> FlaskClient:
    """A new client, logged in as ``name``."""
    client = app.test_client()
    response = client.post(
        "/login", data={"name": name, "password": password, "csrf_token": csrf_token(client)}
    )
    assert response.status_code == 302
    return client


def other_editor(app: Flask) -> FlaskClient:
    """A second editor, logged in."""
    with app.app_context(), get_services().db.session() as session:
        add_user(session, *OTHER)
    return log_in(app, *OTHER)


def layout(app: Flask, pack_id: int) -> list[tuple[str, list[int]]]:
    """Each section's title with its items' ids, in order."""
    with app.app_context(), get_services().db.session() as session:
        pack = logic.get_pack(session, pack_id)
        return [(s.title, [i.id for i in s.items]) for s in pack.sections]
