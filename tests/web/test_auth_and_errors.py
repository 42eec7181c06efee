"""Login, CSRF, the optional login wall, error pages, and the site's commands."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from flask import Flask
from flask.testing import FlaskClient

from kb.cli import main
from kb.errors import DocumentNotFound, IndexProblem, KBError, QuerySyntaxError
from kb.packs import PackError, PackNotFound
from kb.tagging.store import TagError, TagNotFound
from tests.web.conftest import EDITOR, csrf_token
from web import create_app
from web.errors import status_for


def test_login_with_the_right_password_and_logout(client: FlaskClient) -> None:
    token = csrf_token(client)
    response = client.post(
        "/login?next=/tags/approach",
        data={"name": EDITOR[0], "password": EDITOR[1], "csrf_token": token},
    )
    assert response.status_code == 302 and response.headers["Location"] == "/tags/approach"
    assert "退出（editor）" in client.get("/login").get_data(as_text=True)
    response = client.post("/logout", data={"csrf_token": csrf_token(client, "/login")})
    assert response.status_code == 302
    assert "编辑登录" in client.get("/login").get_data(as_text=True)


def test_a_wrong_password_is_refused(client: FlaskClient) -> None:
    response = client.post(
        "/login", data={"name": EDITOR[0], "password": "wrong", "csrf_token": csrf_token(client)}
    )
    assert response.status_code == 401
    assert "用户名或密码不正确" in response.get_data(as_text=True)


def test_login_never_redirects_off_site(client: FlaskClient) -> None:
    response = client.post(
        "/login?next=https://evil.example/",
        data={"name": EDITOR[0], "password": EDITOR[1], "csrf_token": csrf_token(client)},
    )
    assert response.headers["Location"] == "/"


@pytest.mark.parametrize(
    ("path", "data"), [("/login", {"name": "editor", "password": "x"}), ("/logout", {})]
)
def test_forms_without_the_csrf_token_are_refused(
    client: FlaskClient, path: str, data: dict[str, str]
) -> None:
    response = client.post(path, data=data)
    assert response.status_code == 400
    assert "安全令牌" in response.get_data(as_text=True)


def test_unknown_pages_get_a_chinese_404(client: FlaskClient) -> None:
    response = client.get("/no/such/page")
    assert response.status_code == 404
    body = response.get_data(as_text=True)
    assert "没有找到" in body and '<html lang="zh-CN">' in body


def test_an_unexpected_error_is_a_500_page_not_a_traceback(app: Flask) -> None:
    def broken() -> str:
        raise RuntimeError("boom")

    app.add_url_rule("/broken", view_func=broken)
    response = app.test_client().get("/broken")
    assert response.status_code == 500
    body = response.get_data(as_text=True)
    assert "服务器出错了" in body and "boom" not in body and "Traceback" not in body


def test_reading_can_require_login(seeded_home: Path, tmp_path: Path) -> None:
    import shutil

    home = tmp_path / "home"
    shutil.copytree(seeded_home, home)
    app = create_app({"KB_HOME": str(home), "KB_REQUIRE_LOGIN": "1", "TESTING": True})
    client = app.test_client()
    assert client.get("/api/search?q=组织").status_code in {302, 401}
    assert client.get("/login").status_code == 200
    client.post(
        "/login", data={"name": EDITOR[0], "password": EDITOR[1], "csrf_token": csrf_token(client)}
    )
    assert client.get("/api/search?q=组织").status_code == 200
    app.extensions["kb"].worker.wait()
    app.extensions["kb"].db.dispose()


def test_kb_users_add_creates_an_editor_who_can_log_in(app: Flask, tmp_path: Path) -> None:
    home = app.config["KB"].home
    env = {"KB_HOME": str(home), "KB_DATABASE_URL": app.config["KB"].database_url}
    result = CliRunner().invoke(
        main, ["users", "add", "张三", "--password-stdin"], input="a-long-password\n", env=env
    )
    assert result.exit_code == 0 and "张三" in result.output
    again = CliRunner().invoke(
        main, ["users", "add", "张三", "--password-stdin"], input="a-long-password\n", env=env
    )
    assert again.exit_code != 0 and "已存在" in again.output
    short = CliRunner().invoke(
        main, ["users", "add", "李四", "--password-stdin"], input="x\n", env=env
    )
    assert short.exit_code != 0 and "密码至少" in short.output
    client = app.test_client()
    response = client.post(
        "/login",
        data={"name": "张三", "password": "a-long-password", "csrf_token": csrf_token(client)},
    )
    assert response.status_code == 302


def test_kb_serve_help_names_host_and_port() -> None:
    result = CliRunner().invoke(main, ["serve", "--help"])
    assert "--host" in result.output and "--port" in result.output


@pytest.mark.parametrize(
    ("error", "status"),
    [
        (DocumentNotFound("没有编号为 9 的文档"), 404),
        (TagNotFound("没有名为“某某”的标签"), 404),
        (PackNotFound("分享链接无效或已被撤销"), 404),
        (TagError("新名称不能为空"), 400),
        (PackError("分组标题不能为空"), 400),
        (QuerySyntaxError("引号没有配对"), 400),
        (IndexProblem("检索索引正被另一个进程写入"), 503),
    ],
)
def test_each_kind_of_kb_error_has_its_http_status(error: KBError, status: int) -> None:
    assert status_for(error) == status


def test_a_damaged_index_file_says_to_rebuild_not_a_server_error(
    client: FlaskClient, tmp_path: Path
) -> None:
    tables = list((tmp_path / "home" / "index").glob("gen-*/*.kbt"))
    assert tables
    for table in tables:
        table.write_bytes(b"damaged!" + table.read_bytes()[8:])
    page = client.get("/?q=干部")
    assert page.status_code == 503
    assert "kb index rebuild" in page.get_data(as_text=True)
    api = client.get("/api/search?q=干部")
    assert api.status_code == 503
    assert "kb index rebuild" in api.get_json()["error"]["message"]
