"""Who may change what: every mutating route — enumerated from the app's URL map, so a
new route is covered the day it is added — refuses requests without a CSRF token and
without a login; another editor's pack does not exist; a revoked share link is gone;
``next=`` never leads off the site. And odd ids and methods are a 404 or 405, never 500.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from urllib.parse import quote

import pytest
from sqlalchemy import func, select
from werkzeug.routing import Rule

from kb.db.models import Base
from tests.reliability.harness import EDITORS, Browser, Instance, Site, report
from web import create_app

MUTATING = {"POST", "PUT", "PATCH", "DELETE"}
BAD_IDS = (
    "0", "999999", "2147483647", "2147483648", "9223372036854775808",
    "99999999999999999999", "-1", "abc", "%C2%B2", "1.5", "%00", "1%20", "1e3", "%EF%BC%90",
)  # fmt: skip


@dataclass
class Setup:
    site: Site
    instance: Instance
    rules: list[Rule]
    values: dict[str, str]
    """A real value for each URL argument (the first editor's pack, item, section …)."""


def _url(rule: Rule, values: dict[str, str], **override: str) -> str:
    path = rule.rule
    for argument in rule.arguments:
        value = override.get(argument, values[argument])
        path = path.replace(f"<{argument}>", value)
        for converter in ("int", "path", "string"):
            path = path.replace(f"<{converter}:{argument}>", value)
    return path


def _row_counts(instance: Instance) -> dict[str, int]:
    with instance.db.session() as session:
        return {
            table.name: session.scalar(select(func.count()).select_from(table)) or 0
            for table in Base.metadata.sorted_tables
            if table.name != "login_throttles"
        }


@pytest.fixture(scope="module")
def setup(site: Site, seeded: Instance) -> Iterator[Setup]:
    app = create_app({"KB_HOME": str(seeded.home), "KB_DATABASE_URL": seeded.url})
    rules = [r for r in app.url_map.iter_rules() if r.endpoint != "static"]
    app.extensions["kb"].worker.wait()
    app.extensions["kb"].db.dispose()
    owner = Browser(site)
    owner.login(*EDITORS[0])
    pack = owner.post_json("/api/packs", {"title": "甲的素材包"}).json()
    section = owner.post_json(f"/api/packs/{pack['id']}/sections", {"title": "第一组"}).json()
    item = owner.post_json(f"/api/packs/{pack['id']}/items", {"document_id": 1}).json()
    token = owner.post_json(f"/api/packs/{pack['id']}/share", {}).json()["token"]
    values = {
        "doc_id": "1",
        "pack_id": str(pack["id"]),
        "section_id": str(section["id"]),
        "item_id": str(item["id"]),
        "kind": "approach",
        "name": quote("一定两评三公开"),
        "fmt": "docx",
        "token": token,
        "filename": "app.css",
    }
    yield Setup(site, seeded, rules, values)


def test_no_mutating_route_works_without_login_or_csrf_token(setup: Setup, backend: str) -> None:
    before = _row_counts(setup.instance)
    anonymous, editor = Browser(setup.site), Browser(setup.site)
    editor.login(*EDITORS[0])
    checked, problems = 0, []
    for rule in setup.rules:
        for method in sorted((rule.methods or set()) & MUTATING):
            path = _url(rule, setup.values)
            for who, client in (("anonymous", anonymous), ("editor", editor)):
                for body, kind in ((b"title=x&name=x", "form"), (b'{"title": "x"}', "json")):
                    content_type = (
                        "application/x-www-form-urlencoded"
                        if kind == "form"
                        else "application/json"
                    )
                    reply = client.request(
                        method, path, body=body, headers={"Content-Type": content_type}
                    )
                    checked += 1
                    if reply.status < 300 or reply.status >= 500:
                        problems.append(f"{who} {method} {path} ({kind}) -> {reply.status}")
    assert checked >= 4 * 30
    assert not problems, problems
    assert _row_counts(setup.instance) == before, "a refused request changed the database"
    report("csrf and login", backend=backend, refused_requests=checked)


def test_another_editors_pack_does_not_exist_for_them(setup: Setup) -> None:
    other = Browser(setup.site)
    other.login(*EDITORS[1])
    pack_rules = [r for r in setup.rules if "pack_id" in r.arguments]
    problems = []
    token = other.token("/packs")
    for rule in pack_rules:
        path = _url(rule, setup.values)
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            headers = {"X-CSRFToken": token}
            if method in MUTATING and not rule.rule.startswith("/api/"):
                body = f"csrf_token={token}&title=x".encode()
                headers["Content-Type"] = "application/x-www-form-urlencoded"
            else:
                body = json.dumps({"title": "x"}).encode() if method in MUTATING else None
                headers["Content-Type"] = "application/json"
            reply = other.request(method, path, body=body, headers=headers)
            if reply.status != 404:
                problems.append(f"{method} {path} -> {reply.status}")
    assert not problems, problems
    mine = other.get("/api/packs").json()
    assert all(pack["title"] != "甲的素材包" for pack in mine)  # type: ignore[union-attr]


def test_a_revoked_share_link_is_gone(setup: Setup) -> None:
    owner, reader = Browser(setup.site), Browser(setup.site)
    owner.login(*EDITORS[0])
    pack_id = setup.values["pack_id"]
    token = owner.post_json(f"/api/packs/{pack_id}/share", {"renew": True}).json()["token"]
    assert reader.get(f"/packs/shared/{token}").status == 200
    assert reader.get(f"/packs/shared/{token}/export/md").status == 200
    revoked = owner.request("DELETE", f"/api/packs/{pack_id}/share", headers=_csrf(owner))
    assert revoked.status == 204
    assert reader.get(f"/packs/shared/{token}").status == 404
    assert reader.get(f"/packs/shared/{token}/export/docx").status == 404
    for guess in ("x", "0" * 32, token[:-1], token + "a", "%00", "../" + token):
        assert reader.get(f"/packs/shared/{guess}").status == 404


def _csrf(browser: Browser) -> dict[str, str]:
    return {"X-CSRFToken": browser.token("/")}


@pytest.mark.parametrize(
    "target",
    [
        "//evil.example/", "/\\evil.example", "/\\/evil.example", "https://evil.example/",
        "http:evil.example", "/%09/evil.example", "javascript:alert(1)", "/\t/evil.example",
        "%2F%2Fevil.example", "///evil.example", "/.//evil.example",
    ],
)  # fmt: skip
def test_next_never_leaves_the_site(setup: Setup, target: str) -> None:
    browser = Browser(setup.site)
    token = browser.token()
    body = f"name={EDITORS[0][0]}&password={EDITORS[0][1]}&csrf_token={token}".encode()
    reply = browser.request(
        "POST",
        "/login?next=" + quote(target, safe=""),
        body=body,
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert reply.status == 302
    location = reply.headers["Location"]
    assert location.startswith("/") and not location.startswith(("//", "/\\")), location


def test_odd_ids_are_not_found_and_odd_methods_are_not_allowed(setup: Setup) -> None:
    editor = Browser(setup.site)
    editor.login(*EDITORS[0])
    problems = []
    for rule in setup.rules:
        ids = [a for a in rule.arguments if a.endswith("_id")]
        for argument in ids:
            for bad in BAD_IDS:
                path = _url(rule, setup.values, **{argument: bad})
                for client in (editor, Browser(setup.site)):
                    reply = client.get(path)
                    if reply.status not in (302, 400, 401, 404, 405):
                        problems.append(f"GET {path} -> {reply.status}")
        if "GET" in (rule.methods or set()):
            path = _url(rule, setup.values)
            for method in ("HEAD", "OPTIONS", "PUT", "DELETE", "PATCH", "TRACE", "PROPFIND"):
                if method in (rule.methods or set()):
                    continue
                reply = editor.request(method, path)
                if reply.status >= 500 or (
                    reply.status == 200 and method not in ("HEAD", "OPTIONS")
                ):
                    problems.append(f"{method} {path} -> {reply.status}")
    assert not problems, problems
