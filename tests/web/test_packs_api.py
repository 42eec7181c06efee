"""The course pack JSON API (/api/packs): the editor's own packs, CSRF, clear 400s and 404s."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from tests.web.conftest import csrf_token
from tests.web.packs_support import Course, layout, make_course, other_editor


@pytest.fixture
def course(app: Flask) -> Course:
    return make_course(app)


def _call(
    client: FlaskClient, method: str, path: str, body: object = None, *, token: bool = True
) -> TestResponse:
    headers = {"X-CSRFToken": csrf_token(client, "/packs")} if token else {}
    return client.open(path, method=method, json=body, headers=headers)


def _error(response: TestResponse) -> str:
    data: dict[str, Any] = response.get_json()
    assert data["error"]["status"] == response.status_code
    return str(data["error"]["message"])


def test_anonymous_calls_are_401_not_a_redirect(client: FlaskClient, course: Course) -> None:
    for path in ("/api/packs", f"/api/packs/{course.pack}"):
        response = client.get(path)
        assert response.status_code == 401 and _error(response) == "请先登录"
    token = csrf_token(client, "/login")
    response = client.post("/api/packs", json={"title": "x"}, headers={"X-CSRFToken": token})
    assert response.status_code == 401


def test_changes_need_the_csrf_header(editor: FlaskClient, course: Course) -> None:
    for method, path in (
        ("POST", "/api/packs"),
        ("PATCH", f"/api/packs/{course.pack}"),
        ("DELETE", f"/api/packs/{course.pack}"),
        ("POST", f"/api/packs/{course.pack}/items"),
    ):
        response = _call(editor, method, path, {"title": "无令牌"}, token=False)
        assert response.status_code == 400 and "安全令牌" in _error(response), (method, path)
    assert editor.get(f"/api/packs/{course.pack}").status_code == 200


def test_create_list_change_and_delete_a_pack(editor: FlaskClient) -> None:
    assert editor.get("/api/packs").get_json() == []
    response = _call(editor, "POST", "/api/packs", {"title": "干部培训", "audience": "科级干部"})
    assert response.status_code == 201
    data = response.get_json()
    assert response.headers["Location"].endswith(f"/api/packs/{data['id']}")
    assert data["owner"] == "editor" and data["sections"] == [] and data["shared"] is False
    rows = editor.get("/api/packs").get_json()
    assert [(r["title"], r["items"], r["section_titles"]) for r in rows] == [("干部培训", 0, [])]

    patched = _call(editor, "PATCH", f"/api/packs/{data['id']}", {"purpose": "学习", "title": "新"})
    assert patched.status_code == 200
    assert (patched.get_json()["title"], patched.get_json()["purpose"]) == ("新", "学习")
    assert patched.get_json()["audience"] == "科级干部"  # left as it was

    assert _call(editor, "DELETE", f"/api/packs/{data['id']}").status_code == 204
    assert editor.get(f"/api/packs/{data['id']}").status_code == 404
    assert editor.get(f"/api/packs/{2**40}").status_code == 404  # past any id column


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("不是对象", "请求体应为 JSON 对象"),
        ({}, "素材包标题不能为空"),
        ({"title": 3}, "标题应为文字"),
        ({"title": "长" * 201}, "标题过长"),
        ({"title": "组织工作创新案例"}, "已有名为“组织工作创新案例”的素材包"),
    ],
)
def test_bad_packs_are_400_with_a_message(
    editor: FlaskClient, course: Course, body: object, message: str
) -> None:
    response = _call(editor, "POST", "/api/packs", body)
    assert response.status_code == 400 and message in _error(response)


def test_add_move_edit_and_remove_items(app: Flask, editor: FlaskClient, course: Course) -> None:
    pack = course.pack
    whole, first, second = course.items
    response = _call(
        editor,
        "POST",
        f"/api/packs/{pack}/items",
        {
            "document_id": 1,
            "passage": 0,
            "section": "人才工作",
            "note": "按语",
            "questions": "甲？\n乙？",
        },
    )
    assert response.status_code == 201
    item = response.get_json()
    assert item["heading"].endswith("（节选·第1段）")
    assert item["section"]["title"] == "人才工作" and item["pack"]["id"] == pack
    assert item["questions"] == ["甲？", "乙？"] and item["source_status"] == "unchanged"
    added = item["id"]

    url = f"/api/packs/{pack}/items"
    moved = _call(
        editor, "PATCH", f"{url}/{second}", {"section": course.sections[0], "position": 0}
    )
    assert moved.status_code == 200 and moved.get_json()["section"]["title"] == "干部工作"
    _call(editor, "PATCH", f"{url}/{whole}", {"position": 2})
    _call(editor, "PATCH", f"{url}/{added}", {"section": "新分组"})  # a title: made if missing
    assert layout(app, pack) == [
        ("干部工作", [second, first, whole]),
        ("基层党建", []),
        ("人才工作", []),
        ("新分组", [added]),
    ]
    edited = _call(
        editor, "PATCH", f"{url}/{first}", {"note": " 新按语 ", "questions": ["一？", " "]}
    )
    assert (edited.get_json()["note"], edited.get_json()["questions"]) == ("新按语", ["一？"])
    assert _call(editor, "DELETE", f"{url}/{first}").status_code == 204
    assert layout(app, pack)[0] == ("干部工作", [second, whole])


@pytest.mark.parametrize(
    ("method", "path", "body", "status", "message"),
    [
        ("POST", "/items", {"passage": 1}, 400, "缺少 document_id"),
        (
            "POST",
            "/items",
            {"document_id": "五"},
            400,
            "参数 document_id 应为 0–2147483647 之间的整数",
        ),
        ("POST", "/items", {"document_id": True}, 400, "参数 document_id 应为整数"),
        ("POST", "/items", {"document_id": 999}, 404, "没有编号为 999 的文档"),
        ("POST", "/items", {"document_id": 5, "passage": 99}, 400, "没有第 100 段"),
        ("POST", "/items", {"document_id": 3}, 400, "该文档已在素材包的“干部工作”分组中"),
        ("PATCH", "/items/999", {"note": "x"}, 404, "没有编号为 999 的条目"),
        (
            "PATCH",
            "/items/{item}",
            {"position": -1},
            400,
            "参数 position 应为 0–2147483647 之间的整数",
        ),
        ("PATCH", "/items/{item}", {"section": 999}, 404, "没有编号为 999 的分组"),
        ("PATCH", "/items/{item}", {"questions": 5}, 400, "思考题应为文字"),
        ("DELETE", "/items/999", None, 404, "没有编号为 999 的条目"),
        ("POST", "/sections", {"title": "干部工作"}, 400, "已有“干部工作”分组"),
        ("PATCH", "/sections/999", {"title": "x"}, 404, "没有编号为 999 的分组"),
        ("PATCH", "/sections/{section}", {"title": ""}, 400, "分组标题不能为空"),
        ("DELETE", "/sections/999", None, 404, "没有编号为 999 的分组"),
    ],
)
def test_bad_item_and_section_requests(
    editor: FlaskClient,
    course: Course,
    method: str,
    path: str,
    body: object,
    status: int,
    message: str,
) -> None:
    where = path.format(item=course.items[0], section=course.sections[0])
    response = _call(editor, method, f"/api/packs/{course.pack}{where}", body)
    assert response.status_code == status and message in _error(response)


def test_sections_are_added_renamed_moved_and_removed(
    app: Flask, editor: FlaskClient, course: Course
) -> None:
    url = f"/api/packs/{course.pack}/sections"
    response = _call(editor, "POST", url, {"title": "人才工作", "position": 0})
    assert response.status_code == 201
    section = response.get_json()
    assert section["title"] == "人才工作" and section["items"] == []
    renamed = _call(editor, "PATCH", f"{url}/{section['id']}", {"title": "人才", "position": 2})
    assert renamed.get_json()["title"] == "人才"
    assert [t for t, _ in layout(app, course.pack)] == ["干部工作", "基层党建", "人才"]
    assert _call(editor, "DELETE", f"{url}/{course.sections[0]}").status_code == 204
    assert layout(app, course.pack) == [("基层党建", [course.items[2]]), ("人才", [])]


def test_share_and_unshare(app: Flask, editor: FlaskClient, course: Course) -> None:
    url = f"/api/packs/{course.pack}/share"
    shared = _call(editor, "POST", url).get_json()
    assert shared["url"].endswith(f"/packs/shared/{shared['token']}")
    assert _call(editor, "POST", url).get_json()["token"] == shared["token"]  # kept
    reader = app.test_client()
    assert reader.get(f"/packs/shared/{shared['token']}").status_code == 200
    assert editor.get(f"/api/packs/{course.pack}").get_json()["shared"] is True
    assert _call(editor, "DELETE", url).status_code == 204
    assert reader.get(f"/packs/shared/{shared['token']}").status_code == 404


def test_another_editors_pack_is_404_everywhere(app: Flask, course: Course) -> None:
    other = other_editor(app)
    assert other.get("/api/packs").get_json() == []
    pack, item, section = course.pack, course.items[0], course.sections[0]
    for method, path, body in (
        ("GET", "", None),
        ("PATCH", "", {"title": "偷改"}),
        ("DELETE", "", None),
        ("POST", "/items", {"document_id": 1}),
        ("PATCH", f"/items/{item}", {"position": 1}),
        ("DELETE", f"/items/{item}", None),
        ("POST", "/sections", {"title": "新"}),
        ("PATCH", f"/sections/{section}", {"title": "新"}),
        ("DELETE", f"/sections/{section}", None),
        ("POST", "/share", None),
        ("DELETE", "/share", None),
    ):
        response = _call(other, method, f"/api/packs/{pack}{path}", body)
        assert response.status_code == 404, (method, path)
        assert _error(response) == f"没有编号为 {pack} 的素材包"
    # the same title is the other editor's own business
    assert _call(other, "POST", "/api/packs", {"title": "组织工作创新案例"}).status_code == 201
    assert layout(app, pack)[0][1] == [course.items[0], course.items[1]]
