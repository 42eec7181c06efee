"""Fixtures for the site: an instance loaded with the seeds, copied fresh for each test.

``app``, ``client`` and ``runner`` follow Flask's testing conventions; ``editor`` logs
the client in. CSRF protection stays on: tests submit the token like a browser does.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner

from tests.conftest import EDITOR
from web import create_app


@pytest.fixture
def app(seeded_home: Path, tmp_path: Path) -> Iterator[Flask]:
    home = tmp_path / "home"
    shutil.copytree(seeded_home, home)
    app = create_app(
        {
            "KB_HOME": str(home),
            "KB_DATABASE_URL": f"sqlite:///{home / 'kb.sqlite3'}",
            "TESTING": True,
        }
    )
    yield app
    services = app.extensions["kb"]
    services.worker.wait()
    if services._searcher is not None:
        services._searcher.close()
    services.db.dispose()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def runner(app: Flask) -> FlaskCliRunner:
    return app.test_cli_runner()


def csrf_token(client: FlaskClient, path: str = "/login") -> str:
    """The CSRF token a page's form carries, as a browser would read it."""
    html = client.get(path).get_data(as_text=True)
    match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html) or re.search(
        r'value="([^"]+)"[^>]*name="csrf_token"', html
    )
    assert match, f"no CSRF token on {path}"
    return match.group(1)


@pytest.fixture
def editor(client: FlaskClient) -> FlaskClient:
    """The client, logged in as an editor."""
    response = client.post(
        "/login",
        data={"name": EDITOR[0], "password": EDITOR[1], "csrf_token": csrf_token(client)},
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    return client
