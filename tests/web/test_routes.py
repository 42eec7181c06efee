"""Every route, with good, unknown and malformed arguments: never a 500.

The table names each endpoint; a route added without a row here fails the first test.
"""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.web.conftest import csrf_token

# endpoint -> (good path, unknown path or None, malformed path or None)
ROUTES: dict[str, tuple[str, str | None, str | None]] = {
    "search.index": ("/?q=组工", None, "/?q=x&page=abc"),
    "documents.show": ("/documents/5?q=一定两评三公开&p=4", "/documents/999", "/documents/abc"),
    "tags.index": ("/tags/approach", "/tags/person", "/tags/approach?topic=不存在的主题"),
    "tags.show": ("/tags/demonstration/李连成", "/tags/approach/不存在的做法", None),
    "api.search": ("/api/search?q=组工", None, "/api/search?sort=best"),
    "api.document": ("/api/documents/1", "/api/documents/999", None),
    "api.similar": (
        "/api/documents/1/similar", "/api/documents/999/similar", "/api/documents/1/similar?limit=0"
    ),
    "api.tags": ("/api/tags", None, "/api/tags?kind=person"),
    "api.tag": ("/api/tags/公信组工", "/api/tags/不存在的做法", "/api/tags/公信组工?kind=person"),
    "auth.login": ("/login", None, None),
    "auth.logout": ("/logout", None, None),
    "edit.upload": ("/edit/upload", None, None),
    "edit.reextract": ("/edit/reextract", None, None),
    "edit.document": ("/documents/5/edit", "/documents/999/edit", None),
    "edit.add_tag": ("/documents/5/tags/add", "/documents/999/tags/add", None),
    "edit.confirm": ("/tags/demonstration/李连成/confirm", "/tags/approach/不存在/confirm", None),
    "edit.reject": ("/tags/demonstration/李连成/reject", "/tags/approach/不存在/reject", None),
    "edit.rename": ("/tags/approach/柔性考核/rename", "/tags/approach/不存在/rename", None),
    "edit.merge": ("/tags/approach/柔性考核/merge", "/tags/approach/不存在/merge", None),
    "edit.define": ("/tags/approach/菜单式/define", "/tags/approach/不存在/define", None),
    "packs.index": ("/packs", None, None),
    "packs.create": ("/packs/new", None, None),
    "packs.show": ("/packs/1", "/packs/999", "/packs/abc"),
    "packs.update": ("/packs/1/edit", "/packs/999/edit", None),
    "packs.delete": ("/packs/1/delete", "/packs/999/delete", None),
    "packs.share": ("/packs/1/share", "/packs/999/share", None),
    "packs.unshare": ("/packs/1/unshare", "/packs/999/unshare", None),
    "packs.export": ("/packs/1/export/docx", "/packs/999/export/docx", "/packs/1/export/pdf"),
    "packs.shared": ("/packs/shared/abc", "/packs/shared/nothing", "/packs/shared/" + "x" * 100),
    "packs.shared_export": (
        "/packs/shared/abc/export/md", "/packs/shared/no/export/md", "/packs/shared/abc/export/pdf"
    ),
    "packs.add": (
        "/packs/add?document_id=5&passage=4", "/packs/add?document_id=9", "/packs/add?document_id=x"
    ),
    "pack_edit.update_item": ("/packs/1/items/1/update", "/packs/1/items/999/update", None),
    "pack_edit.move_item": ("/packs/1/items/1/move", "/packs/1/items/999/move", None),
    "pack_edit.remove_item": ("/packs/1/items/1/remove", "/packs/1/items/999/remove", None),
    "pack_edit.refresh_item": ("/packs/1/items/1/refresh", "/packs/1/items/999/refresh", None),
    "pack_edit.add_section": ("/packs/1/sections/add", "/packs/999/sections/add", None),
    "pack_edit.rename_section": ("/packs/1/sections/1/rename", "/packs/1/sections/9/rename", None),
    "pack_edit.move_section": ("/packs/1/sections/1/move", "/packs/1/sections/999/move", None),
    "pack_edit.remove_section": ("/packs/1/sections/1/remove", "/packs/1/sections/9/remove", None),
    "api_packs.packs": ("/api/packs", None, None),
    "api_packs.create_pack": ("/api/packs", None, None),
    "api_packs.pack": ("/api/packs/1", "/api/packs/999", "/api/packs/abc"),
    "api_packs.update_pack": ("/api/packs/1", "/api/packs/999", None),
    "api_packs.delete_pack": ("/api/packs/1", "/api/packs/999", None),
    "api_packs.share": ("/api/packs/1/share", "/api/packs/999/share", None),
    "api_packs.unshare": ("/api/packs/1/share", "/api/packs/999/share", None),
    "api_packs.add_item": ("/api/packs/1/items", "/api/packs/999/items", None),
    "api_packs.update_item": ("/api/packs/1/items/1", "/api/packs/1/items/999", None),
    "api_packs.remove_item": ("/api/packs/1/items/1", "/api/packs/1/items/999", None),
    "api_packs.add_section": ("/api/packs/1/sections", "/api/packs/999/sections", None),
    "api_packs.update_section": ("/api/packs/1/sections/1", "/api/packs/1/sections/999", None),
    "api_packs.remove_section": ("/api/packs/1/sections/1", "/api/packs/1/sections/999", None),
    "static": ("/static/app.css", "/static/nothing.css", None),
}  # fmt: skip


def _status(client: FlaskClient, method: str, path: str, **options: object) -> int:
    response = getattr(client, method)(path, **options)
    response.close()  # static files are streamed: close them like a server would
    return int(response.status_code)


def test_every_route_is_in_the_table(app: Flask) -> None:
    assert {rule.endpoint for rule in app.url_map.iter_rules()} == set(ROUTES)


def _methods(app: Flask, endpoint: str) -> set[str]:
    """The methods the endpoint answers (the API's PATCH and DELETE too)."""
    rules = [rule for rule in app.url_map.iter_rules() if rule.endpoint == endpoint]
    return {m.lower() for rule in rules for m in rule.methods or ()} - {"head", "options"}


@pytest.mark.parametrize("endpoint", sorted(ROUTES))
def test_no_route_answers_500(client: FlaskClient, endpoint: str) -> None:
    good, unknown, malformed = ROUTES[endpoint]
    methods = _methods(client.application, endpoint)
    for path in filter(None, (good, unknown, malformed)):
        for method in sorted({"get", "post"} | methods):
            status = _status(client, method, path)
            assert status < 500, (method, path, status)
    if "get" not in methods:  # anonymous PATCH and DELETE stop at the CSRF check (400)
        return
    if unknown is not None:
        # 302: log in first (pages); 401: the API's answer to an anonymous call
        assert _status(client, "get", unknown) in {302, 401, 404}
    if malformed is not None:
        assert _status(client, "get", malformed) in {302, 400, 401, 404}


@pytest.mark.parametrize("endpoint", sorted(e for e in ROUTES if e.startswith("edit.")))
def test_editing_routes_need_login_then_answer(
    client: FlaskClient, editor: FlaskClient, endpoint: str
) -> None:
    good, unknown, _ = ROUTES[endpoint]
    anonymous = client.application.test_client()
    assert anonymous.get(good).status_code == 302
    assert editor.get(good).status_code in {200, 302}
    if unknown is not None:
        token = csrf_token(editor, "/edit/upload")
        # an unknown tag or document is 404; rename/merge first refuse the missing field (400)
        assert editor.post(unknown, data={"csrf_token": token}).status_code in {400, 404}
