"""Course pack pages: the list, adding from hits and documents, the no-JS forms, sharing, export."""

from __future__ import annotations

import doctest
import html
import re
from io import BytesIO
from pathlib import Path
from urllib.parse import unquote

import docx
import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from kb.db import repository
from kb.db.models import Document
from tests.web.conftest import csrf_token
from tests.web.packs_support import Course, layout, make_course, other_editor
from tests.web.test_routes import ROUTES
from web import pack_params
from web.services import get_services
from web.views import pack_edit, packs

CHANGED = "原文已变更：导出仍使用加入时的文本"
DELETED = "原文已删除"


@pytest.fixture
def course(app: Flask) -> Course:
    return make_course(app)


def _post(client: FlaskClient, path: str, data: dict[str, str] | None = None) -> TestResponse:
    return client.post(path, data={**(data or {}), "csrf_token": csrf_token(client, "/packs")})


def _text(response: TestResponse) -> str:
    return html.unescape(response.get_data(as_text=True))


def _page(client: FlaskClient, path: str) -> str:
    response = client.get(path, follow_redirects=True)
    assert response.status_code == 200, path
    return _text(response)


# -- who sees what ----------------------------------------------------------------------------
def test_packs_are_for_logged_in_editors(client: FlaskClient, course: Course) -> None:
    for path in ("/packs", f"/packs/{course.pack}", f"/packs/{course.pack}/export/docx"):
        response = client.get(path)
        assert response.status_code == 302 and "/login" in response.headers["Location"]
    search = _page(client, "/?q=一定两评三公开")
    assert "加入素材包" not in search and 'href="/packs"' not in search
    assert "登录后可加入素材包" in _page(client, "/documents/5")


def test_another_editors_pack_is_not_found(app: Flask, editor: FlaskClient, course: Course) -> None:
    other = other_editor(app)
    pack, item, section = course.pack, course.items[0], course.sections[0]
    assert "组织工作创新案例" not in _page(other, "/packs")
    for path in (f"/packs/{pack}", f"/packs/{pack}/export/docx", f"/packs/{pack}/export/md"):
        assert other.get(path).status_code == 404, path
    for path in (
        f"/packs/{pack}/edit",
        f"/packs/{pack}/delete",
        f"/packs/{pack}/share",
        f"/packs/{pack}/items/{item}/move",
        f"/packs/{pack}/items/{item}/update",
        f"/packs/{pack}/items/{item}/remove",
        f"/packs/{pack}/sections/{section}/move",
        f"/packs/{pack}/sections/{section}/remove",
    ):
        response = _post(other, path, {"direction": "up", "title": "我的"})
        assert response.status_code == 404, path
    added = _post(other, "/packs/add", {"document_id": "1", "pack_id": str(pack)})
    assert added.status_code == 404
    assert layout(app, pack) == [
        ("干部工作", [course.items[0], course.items[1]]),
        ("基层党建", [course.items[2]]),
    ]


def test_unknown_and_malformed_requests(editor: FlaskClient, course: Course) -> None:
    pack = course.pack
    assert editor.get("/packs/999").status_code == 404
    assert editor.get(f"/packs/{pack}/export/pdf").status_code == 404
    assert _post(editor, f"/packs/{pack}/items/999/move", {"direction": "up"}).status_code == 404
    assert _post(editor, f"/packs/{pack}/sections/999/remove").status_code == 404
    bad = _post(editor, f"/packs/{pack}/items/{course.items[0]}/move", {"direction": "left"})
    assert bad.status_code == 400 and "上移" in _text(bad)
    assert _post(editor, f"/packs/{pack}/items/{course.items[0]}/move").status_code == 400
    assert editor.get("/packs/add").status_code == 400
    assert editor.get("/packs/add?document_id=abc").status_code == 400
    assert editor.get("/packs/add?document_id=999").status_code == 404
    assert _post(editor, "/packs/add", {"document_id": "999", "new_title": "新"}).status_code == 404
    note = _post(editor, f"/packs/{pack}/items/{course.items[0]}/update", {"note": "长" * 10_001})
    assert note.status_code == 400


def test_forms_need_the_csrf_token(editor: FlaskClient, course: Course) -> None:
    response = editor.post(f"/packs/{course.pack}/delete")
    assert response.status_code == 400 and "安全令牌" in _text(response)
    assert editor.get(f"/packs/{course.pack}").status_code == 200


PACK_ENDPOINTS = sorted(e for e in ROUTES if e.split(".")[0] in {"packs", "pack_edit", "api_packs"})


@pytest.mark.parametrize("endpoint", PACK_ENDPOINTS)
def test_pack_routes_answer_a_logged_in_editor(
    app: Flask, editor: FlaskClient, endpoint: str
) -> None:
    make_course(app)  # pack 1: sections 1 and 2, items 1, 2 and 3
    token = csrf_token(editor, "/packs")
    rules = [rule for rule in app.url_map.iter_rules() if rule.endpoint == endpoint]
    methods = {m for rule in rules for m in rule.methods or ()} - {"HEAD", "OPTIONS"}
    good, unknown, malformed = ROUTES[endpoint]
    for path in filter(None, (good, unknown, malformed)):
        for method in sorted(methods | {"GET", "POST"}):
            response = editor.open(path, method=method, headers={"X-CSRFToken": token})
            assert response.status_code < 500, (method, path, response.status_code)
    if unknown is not None and endpoint != "packs.shared":
        method = sorted(methods - {"GET"} or methods)[0]  # a form's GET just shows the pack
        response = editor.open(unknown, method=method, headers={"X-CSRFToken": token})
        assert response.status_code in {400, 404}, (method, unknown)


# -- making packs and adding to them ----------------------------------------------------------
def test_create_a_pack_from_the_list(editor: FlaskClient) -> None:
    assert "还没有素材包" in _page(editor, "/packs")
    data = {"title": " 村书记 培训 ", "audience": "新任村党组织书记", "purpose": "学做法"}
    response = _post(editor, "/packs/new", data)
    assert response.status_code == 302
    page = _page(editor, response.headers["Location"])
    assert "已创建素材包《村书记 培训》" in page and "新任村党组织书记" in page
    listing = _page(editor, "/packs")
    assert "村书记 培训" in listing and "0 条" in listing
    again = _post(editor, "/packs/new", {"title": "村书记 培训"})
    assert again.status_code == 400 and "已有名为“村书记 培训”的素材包" in _text(again)
    empty = _post(editor, "/packs/new", {"title": "  ", "audience": "保留"})
    assert empty.status_code == 400 and "不能为空" in _text(empty) and "保留" in _text(empty)
    assert _post(editor, "/packs/new", {"title": "长" * 201}).status_code == 400


def _add_link(page: str, passage: bool) -> str:
    """The href of the first "加入素材包" link for a passage (or a whole document)."""
    links = re.findall(r'href="(/packs/add\?[^"]+)"', page)
    chosen = [link for link in links if ("passage=" in link) == passage]
    assert chosen, links
    return html.unescape(chosen[0])


def test_add_a_passage_of_a_hit_and_a_whole_document(app: Flask, editor: FlaskClient) -> None:
    search = _page(editor, "/?q=一定两评三公开")
    assert search.count("加入本段") >= 1 and "加入素材包" in search
    link = _add_link(search, passage=True)
    assert "document_id=5" in link and "next=" in link
    form = _page(editor, link)
    assert "《黨的十八屆五中全會" in form and "新建素材包" in form
    args = dict(re.findall(r"([a-z_]+)=([^&]+)", link))
    response = _post(
        editor,
        "/packs/add",
        {
            "document_id": "5",
            "passage": args["passage"],
            "new_title": "濮阳经验",
            "section": "基层党建",
            "next": unquote(args["next"]),
        },
    )
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/?q=")  # back to the search
    assert "已加入《濮阳经验》" in _page(editor, response.headers["Location"])

    document = _page(editor, "/documents/3")
    assert "data-pack-passages" in document
    whole = _add_link(document, passage=False)
    assert "document_id=3" in whole
    pack_id = int(re.search(r'<option value="(\d+)"', _page(editor, whole)).group(1))  # type: ignore[union-attr]
    response = _post(editor, "/packs/add", {"document_id": "3", "pack_id": str(pack_id)})
    assert response.headers["Location"] == f"/packs/{pack_id}"
    page = _page(editor, f"/packs/{pack_id}")
    assert f"（节选·第{int(args['passage']) + 1}段）" in page
    assert [title for title, _ in layout(app, pack_id)] == ["基层党建", "未分组"]

    twice = _post(editor, "/packs/add", {"document_id": "3", "pack_id": str(pack_id)})
    assert twice.status_code == 400 and "该文档已在素材包" in _text(twice)
    nowhere = _post(editor, "/packs/add", {"document_id": "3"})
    assert nowhere.status_code == 400 and "请选择一个素材包" in _text(nowhere)
    missing = _post(editor, "/packs/add", {"document_id": "3", "passage": "999", "pack_id": "1"})
    assert missing.status_code == 400 and "没有第 1000 段" in _text(missing)
    outside = _post(editor, "/packs/add", {"document_id": "1", "new_title": "甲", "next": "//x.cn"})
    assert outside.headers["Location"].startswith("/packs/")


# -- the pack page and its no-JS forms --------------------------------------------------------
def test_the_pack_page_shows_items_in_sections(editor: FlaskClient, course: Course) -> None:
    page = _page(editor, f"/packs/{course.pack}")
    assert page.index("干部工作") < page.index("基层党建")
    assert "（节选·第2段）" in page and "（节选·第5段）" in page
    assert "出处" in page and "涉及做法及释义" in page and "四位一体" in page
    assert "問？" in page or "问？" in page
    for label in ("上移", "下移", "移到分组", "移除", "导出 Word（.docx）", "生成只读链接"):
        assert label in page, label
    assert CHANGED not in page and DELETED not in page
    assert "draggable" not in page  # the script makes the handles draggable


def test_reorder_items_and_sections_with_the_forms(
    app: Flask, editor: FlaskClient, course: Course
) -> None:
    pack = course.pack
    whole, first, second = course.items
    cadres, grassroots = course.sections
    down = _post(editor, f"/packs/{pack}/items/{whole}/move", {"direction": "down"})
    assert down.headers["Location"] == f"/packs/{pack}#item-{whole}"
    assert layout(app, pack)[0] == ("干部工作", [first, whole])
    top = _post(editor, f"/packs/{pack}/items/{first}/move", {"direction": "up"})
    assert "已是本分组第一条" in _page(editor, top.headers["Location"])
    _post(editor, f"/packs/{pack}/items/{second}/move", {"section": str(cadres)})
    assert layout(app, pack) == [("干部工作", [first, whole, second]), ("基层党建", [])]

    _post(editor, f"/packs/{pack}/sections/{grassroots}/move", {"direction": "up"})
    assert [t for t, _ in layout(app, pack)] == ["基层党建", "干部工作"]
    _post(editor, f"/packs/{pack}/sections/{grassroots}/rename", {"title": "党建"})
    _post(editor, f"/packs/{pack}/sections/add", {"title": "人才工作"})
    assert [t for t, _ in layout(app, pack)] == ["党建", "干部工作", "人才工作"]
    clash = _post(editor, f"/packs/{pack}/sections/add", {"title": "党建"})
    assert clash.status_code == 400 and "已有“党建”分组" in _text(clash)
    _post(editor, f"/packs/{pack}/sections/{grassroots}/remove")
    _post(editor, f"/packs/{pack}/items/{whole}/remove")
    assert layout(app, pack) == [("干部工作", [first, second]), ("人才工作", [])]


def test_edit_notes_questions_and_the_packs_description(
    editor: FlaskClient, course: Course
) -> None:
    pack, item = course.pack, course.items[0]
    notes = {"note": "机关品牌建设的范例。", "questions": "怎样借鉴？\n\n  有何局限？ \n"}
    response = _post(editor, f"/packs/{pack}/items/{item}/update", notes)
    assert response.headers["Location"] == f"/packs/{pack}#item-{item}"
    data = editor.get(f"/api/packs/{pack}").get_json()
    saved = data["sections"][0]["items"][0]
    assert saved["note"] == "机关品牌建设的范例。"
    assert saved["questions"] == ["怎样借鉴？", "有何局限？"]
    page = _page(editor, f"/packs/{pack}")
    assert "怎样借鉴？\n有何局限？</textarea>" in page

    meta = {"title": "新标题", "audience": "组工干部", "purpose": "目的", "notes": "说明"}
    _post(editor, f"/packs/{pack}/edit", meta)
    page = _page(editor, f"/packs/{pack}")
    assert '<h1 id="pack-title">新标题</h1>' in page and "组工干部" in page
    long = _post(editor, f"/packs/{pack}/edit", {**meta, "audience": "长" * 201})
    assert long.status_code == 400


# -- sources that change ----------------------------------------------------------------------
def test_the_page_says_when_a_source_changed_or_was_deleted(
    app: Flask, editor: FlaskClient, course: Course
) -> None:
    pack = course.pack
    before = editor.get(f"/packs/{pack}/export/md").get_data(as_text=True)
    # an editor renames document 3 on the site; passage 2 of document 5 is re-worded
    edited = _post(editor, "/documents/3/edit", {"title": "即墨区公信组工品牌建设"})
    assert edited.status_code == 302
    with app.app_context(), get_services().db.session() as session:
        document = repository.get_document(session, 5)
        passage = next(p for p in document.passages if p.ordinal == 1)
        passage.text = passage.text.replace("考核", "考评")
    page = _page(editor, f"/packs/{pack}")
    assert page.count(CHANGED) == 2 and "更新为原文现在的内容" in page
    assert editor.get(f"/packs/{pack}/export/md").get_data(as_text=True) == before
    assert "1 条原文有变" not in _page(editor, "/packs") and "2 条原文有变" in _page(
        editor, "/packs"
    )

    refreshed = _post(editor, f"/packs/{pack}/items/{course.items[0]}/refresh")
    assert refreshed.status_code == 302
    page = _page(editor, f"/packs/{pack}")
    assert page.count(CHANGED) == 1 and "即墨区公信组工品牌建设" in page

    with app.app_context(), get_services().db.session() as session:
        session.delete(session.get(Document, 5))
    page = _page(editor, f"/packs/{pack}")
    assert page.count(DELETED) == 2 and CHANGED not in page
    assert "基層黨建注重打基礎" in page  # the snapshot is still there
    gone = _post(editor, f"/packs/{pack}/items/{course.items[2]}/refresh")
    assert gone.status_code == 400 and "已被删除" in _text(gone)
    for fmt in ("docx", "md", "html"):
        assert editor.get(f"/packs/{pack}/export/{fmt}").status_code == 200


# -- exports and sharing ----------------------------------------------------------------------
@pytest.mark.parametrize(
    ("fmt", "media_type", "suffix"),
    [
        (
            "docx",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            ".docx",
        ),
        ("md", "text/markdown; charset=utf-8", ".md"),
        ("html", "text/html; charset=utf-8", ".html"),
    ],
)
def test_exports_download_with_the_packs_title(
    editor: FlaskClient, course: Course, fmt: str, media_type: str, suffix: str
) -> None:
    response = editor.get(f"/packs/{course.pack}/export/{fmt}")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == media_type
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith(f'attachment; filename="pack-{course.pack}{suffix}"')
    assert unquote(disposition.split("filename*=UTF-8''")[1]) == f"组织工作创新案例{suffix}"
    if fmt == "docx":
        paragraphs = [p.text for p in docx.Document(BytesIO(response.data)).paragraphs]
        assert paragraphs[0] == "组织工作创新案例"
    else:
        assert "组织工作创新案例" in response.get_data(as_text=True)


def test_share_read_only_then_revoke(app: Flask, editor: FlaskClient, course: Course) -> None:
    pack = course.pack
    response = _post(editor, f"/packs/{pack}/share")
    assert response.headers["Location"] == f"/packs/{pack}#share"
    page = _page(editor, f"/packs/{pack}")
    url = re.search(r'id="share-url"[^>]*value="([^"]+)"', page).group(1)  # type: ignore[union-attr]
    token = url.rsplit("/", 1)[1]

    reader = app.test_client()
    shared = _page(reader, f"/packs/shared/{token}")
    assert "组织工作创新案例" in shared and "只读分享" in shared and "问？" in shared
    for control in ("csrf_token", "上移", "移除", "讲师按语</label>", "/packs/add"):
        assert control not in shared, control
    export = reader.get(f"/packs/shared/{token}/export/docx")
    assert export.status_code == 200 and export.data[:2] == b"PK"
    assert reader.get(f"/packs/{pack}").status_code == 302  # the owner's page still needs login

    _post(editor, f"/packs/{pack}/share", {"renew": "1"})
    assert reader.get(f"/packs/shared/{token}").status_code == 404
    _post(editor, f"/packs/{pack}/unshare")
    assert "生成只读链接" in _page(editor, f"/packs/{pack}")
    assert reader.get("/packs/shared/" + "x" * 100).status_code == 404


def test_delete_a_pack(app: Flask, editor: FlaskClient, course: Course) -> None:
    response = _post(editor, f"/packs/{course.pack}/delete")
    assert response.headers["Location"] == "/packs"
    assert "已删除素材包《组织工作创新案例》" in _page(editor, "/packs")
    assert editor.get(f"/packs/{course.pack}").status_code == 404
    assert editor.get("/documents/3").status_code == 200


@pytest.mark.parametrize("module", [pack_params, packs, pack_edit])
def test_doctests(module: object) -> None:
    assert doctest.testmod(module).failed == 0  # type: ignore[arg-type]


def test_a_shared_link_opens_even_when_reading_requires_login(
    seeded_home: Path, tmp_path: Path
) -> None:
    import shutil

    from kb.packs import logic
    from web import create_app

    home = tmp_path / "walled"
    shutil.copytree(seeded_home, home)
    app = create_app({"KB_HOME": str(home), "KB_REQUIRE_LOGIN": "1", "TESTING": True})
    services = app.extensions["kb"]
    with services.db.session() as session:
        pack = logic.create_pack(session, "共享的素材包")
        logic.add_item(session, pack, 5)
        token = logic.share(pack)
    client = app.test_client()
    assert client.get("/").status_code == 302  # the wall stands for everything else
    shared = client.get(f"/packs/shared/{token}")
    assert shared.status_code == 200 and "共享的素材包" in shared.get_data(as_text=True)
    assert client.get(f"/packs/shared/{token}/export/md").status_code == 200
    services.worker.wait()
    services.db.dispose()
