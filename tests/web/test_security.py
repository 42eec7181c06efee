"""What every response promises, request ids, numbers in requests, login throttling."""

from __future__ import annotations

import datetime as dt
import logging

import pytest
from flask import Flask
from flask.testing import FlaskClient

from kb import logins
from kb.db.models import LoginThrottle
from tests.conftest import EDITOR
from tests.web.conftest import csrf_token
from web.security import CSP, safe_next

PAGES = ["/", "/?q=干部", "/documents/1", "/tags/approach", "/login", "/api/search?q=干部"]


@pytest.mark.parametrize("path", PAGES)
def test_every_response_carries_the_security_headers(client: FlaskClient, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 200
    headers = response.headers
    assert headers["Content-Security-Policy"] == CSP
    assert "script-src 'self'" in CSP and "unsafe-inline" not in CSP and "unsafe-eval" not in CSP
    assert "frame-ancestors 'none'" in CSP
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["Referrer-Policy"] == "same-origin"
    assert len(headers["X-Request-ID"]) == 12
    assert "Strict-Transport-Security" not in headers


def test_the_session_cookie_is_httponly_lax_and_secure_over_https(app: Flask) -> None:
    for base, secure in (("http://localhost", False), ("https://localhost", True)):
        client = app.test_client()
        client.get("/login", base_url=base)
        cookie = client.get_cookie("session")
        assert cookie is not None
        assert cookie.http_only and cookie.same_site == "Lax"
        assert cookie.secure is secure
    assert "Strict-Transport-Security" in app.test_client().get("/", base_url=base).headers


def test_an_error_page_and_an_api_error_show_the_request_id_that_is_logged(
    client: FlaskClient, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING, logger="kb.requests"):
        page = client.get("/documents/999999")
        api = client.get("/api/search?q=x&page=%C2%B2")
    rid = page.headers["X-Request-ID"]
    assert page.status_code == 404 and f"请求编号 <code>{rid}</code>" in page.get_data(True)
    error = api.get_json()["error"]
    assert api.status_code == 400
    assert error["parameter"] == "page" and error["request_id"] == api.headers["X-Request-ID"]
    logged = caplog.text
    assert f"GET /documents/999999 -> 404 [请求编号 {rid}]" in logged
    assert f"GET /api/search -> 400 [请求编号 {error['request_id']}]" in logged


@pytest.mark.parametrize("value", ["²", "³", "①", "١٢", "1.5", "-1", "0", "10001", " ", "1e3"])
@pytest.mark.parametrize("name", ["page", "per_page", "limit"])
def test_numbers_are_ascii_digits_in_range_or_a_400_naming_the_parameter(
    client: FlaskClient, name: str, value: str
) -> None:
    if not value.strip():
        assert client.get(f"/api/search?q=干部&{name}={value}").status_code == 200
        return
    api = client.get(f"/api/search?q=干部&{name}={value}")
    assert api.status_code == 400
    assert api.get_json()["error"]["parameter"] == name
    assert f"参数 {name} 应为" in api.get_json()["error"]["message"]
    if name != "limit":
        page = client.get(f"/?q=干部&{name}={value}")
        assert page.status_code == 400 and f"参数 {name}" in page.get_data(as_text=True)


@pytest.mark.parametrize("doc_id", ["99999999999999999999", "2147483648", "0", "999999"])
@pytest.mark.parametrize(
    "path", ["/documents/{}", "/api/documents/{}", "/api/documents/{}/similar"]
)
def test_ids_no_row_can_have_are_not_found(client: FlaskClient, path: str, doc_id: str) -> None:
    assert client.get(path.format(doc_id)).status_code == 404


@pytest.mark.parametrize(
    "path", ["/documents/{}/edit", "/documents/{}/tags/add", "/packs/{}", "/packs/{}/edit"]
)
def test_an_editor_gets_404_for_ids_no_row_can_have(editor: FlaskClient, path: str) -> None:
    assert editor.get(path.format("99999999999999999999")).status_code == 404


def test_a_number_in_a_form_or_query_is_checked_in_one_place(editor: FlaskClient) -> None:
    response = editor.get("/packs/add?document_id=²")
    assert response.status_code == 400
    assert "文档编号应为 0–2147483647 之间的整数，而不是“²”" in response.get_data(as_text=True)


@pytest.mark.parametrize("method", ["HEAD", "OPTIONS", "PUT", "DELETE", "PATCH"])
@pytest.mark.parametrize("path", ["/", "/documents/1", "/api/search?q=x", "/tags/approach"])
def test_other_methods_on_get_routes_are_never_a_server_error(
    client: FlaskClient, method: str, path: str
) -> None:
    response = client.open(path, method=method)
    assert response.status_code in (200, 405)
    if response.status_code == 405:
        assert "GET" in response.headers["Allow"]


@pytest.mark.parametrize(
    "target",
    [
        "//evil.example/",
        "/\\evil.example",
        "/\t/evil.example",
        "https://evil.example",
        "javascript:x",
    ],
)
def test_next_never_leaves_the_site(target: str) -> None:
    assert safe_next(target, "/") == "/"


def test_an_anonymous_upload_is_refused_before_its_body_is_read(client: FlaskClient) -> None:
    body = b"x" * (2 * 1024 * 1024)
    response = client.post(
        "/edit/upload", data=body, headers={"Content-Type": "multipart/form-data; boundary=b"}
    )
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_a_form_larger_than_any_form_needs_is_413(editor: FlaskClient) -> None:
    token = csrf_token(editor, "/packs")
    response = editor.post("/packs/new", data={"title": "长" * 2_000_000, "csrf_token": token})
    assert response.status_code == 413
    assert "超过大小上限" in response.get_data(as_text=True)


# -- login throttling -------------------------------------------------------------------------
def _login(client: FlaskClient, password: str) -> tuple[int, str]:
    token = csrf_token(client)
    data = {"name": EDITOR[0], "password": password, "csrf_token": token}
    response = client.post("/login", data=data)
    return response.status_code, response.get_data(as_text=True)


def test_repeated_failures_lock_the_account_even_for_the_right_password(
    client: FlaskClient, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING, logger="web.auth"):
        codes = [_login(client, f"wrong-{i}")[0] for i in range(logins.FREE_FAILURES)]
        assert codes == [401] * (logins.FREE_FAILURES - 1) + [429]
        status, page = _login(client, EDITOR[1])
    assert status == 429
    assert "登录失败次数过多，请 30 秒后再试" in page or "登录失败次数过多，请 29 秒后再试" in page
    assert client.get("/packs").status_code == 302  # not logged in
    assert "login failed for 'editor' from 127.0.0.1: locked for 30 s" in caplog.text
    assert "login refused for 'editor'" in caplog.text


def test_the_lock_grows_with_each_failure_and_ends(app: Flask) -> None:
    db = app.extensions["kb"].db
    start = dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.UTC)
    with db.session() as session:
        locks = [
            logins.record_failure(session, "甲", "10.0.0.1", now=start)
            for _ in range(logins.FREE_FAILURES + 3)
        ]
        assert locks == [0] * (logins.FREE_FAILURES - 1) + [30, 60, 120, 240]
        assert logins.locked_for(session, "甲", "10.0.0.9", now=start) == 241
        later = start + dt.timedelta(seconds=241)
        assert logins.locked_for(session, "甲", "10.0.0.9", now=later) == 0
        logins.record_success(session, "甲")
        assert logins.locked_for(session, "甲", "10.0.0.1", now=start) == 0


def test_an_address_failing_against_many_accounts_is_locked(app: Flask) -> None:
    db = app.extensions["kb"].db
    now = dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.UTC)
    with db.session() as session:
        for i in range(logins.FREE_ADDRESS_FAILURES):
            logins.record_failure(session, f"user{i}", "10.0.0.2", now=now)
        assert logins.locked_for(session, "someone-else", "10.0.0.2", now=now) > 0
        assert logins.locked_for(session, "someone-else", "10.0.0.3", now=now) == 0
        assert session.query(LoginThrottle).filter_by(scope="address").count() == 1


@pytest.mark.parametrize(
    ("path", "status", "parameter"),
    [
        ("/api/search?q=干%00部", 400, "q"),
        ("/api/search?q=干部&tag=%00", 400, "tag"),
        ("/api/tags/%00", 404, None),
        ("/packs/shared/%00", 404, None),
    ],
)
def test_a_nul_character_never_reaches_the_database(
    client: FlaskClient, path: str, status: int, parameter: str | None
) -> None:
    response = client.get(path)
    assert response.status_code == status
    if parameter:
        assert response.get_json()["error"]["parameter"] == parameter
