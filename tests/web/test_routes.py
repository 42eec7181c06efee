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
    "static": ("/static/app.css", "/static/nothing.css", None),
}  # fmt: skip


def _status(client: FlaskClient, method: str, path: str, **options: object) -> int:
    response = getattr(client, method)(path, **options)
    response.close()  # static files are streamed: close them like a server would
    return int(response.status_code)


def test_every_route_is_in_the_table(app: Flask) -> None:
    assert {rule.endpoint for rule in app.url_map.iter_rules()} == set(ROUTES)


@pytest.mark.parametrize("endpoint", sorted(ROUTES))
def test_no_route_answers_500(client: FlaskClient, endpoint: str) -> None:
    good, unknown, malformed = ROUTES[endpoint]
    for path in filter(None, (good, unknown, malformed)):
        for method in ("get", "post"):
            status = _status(client, method, path)
            assert status < 500, (method, path, status)
    if unknown is not None:
        assert _status(client, "get", unknown) in {302, 404}  # 302: login first
    if malformed is not None:
        assert _status(client, "get", malformed) in {302, 400, 404}


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
