"""A real site on loopback and Debian's chromium driven by Playwright (no browser download).

The server runs the real app under waitress in a thread, on a copy of the seeded
instance. Screenshots go to ``artifacts/screenshots/`` (override with KB_SCREENSHOTS),
which CI keeps as artifacts.
"""

from __future__ import annotations

import os
import shutil
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from flask import Flask
from playwright.sync_api import Browser, BrowserContext, Page
from waitress.server import create_server

from tests.conftest import REPO
from web import create_app

SCREENSHOTS = Path(os.environ.get("KB_SCREENSHOTS", REPO / "artifacts" / "screenshots"))


@dataclass
class LiveSite:
    app: Flask
    url: str

    def wait_for_index(self) -> None:
        self.app.extensions["kb"].worker.wait()


@pytest.fixture
def live_site(seeded_home: Path, tmp_path: Path) -> Iterator[LiveSite]:
    home = tmp_path / "home"
    shutil.copytree(seeded_home, home)
    app = create_app({"KB_HOME": str(home), "KB_DATABASE_URL": f"sqlite:///{home / 'kb.sqlite3'}"})
    server = create_server(app, host="127.0.0.1", port=0, threads=4)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    yield LiveSite(app, f"http://127.0.0.1:{server.effective_port}")
    server.close()
    thread.join(timeout=10)
    app.extensions["kb"].worker.wait()
    app.extensions["kb"].db.dispose()


@pytest.fixture
def context(browser: Browser) -> Iterator[BrowserContext]:
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    yield context
    context.close()


@pytest.fixture
def page(context: BrowserContext) -> Page:
    page = context.new_page()
    page.set_default_timeout(15_000)
    return page


def screenshot(page: Page, name: str) -> Path:
    """Save a full-page screenshot as a CI artifact."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
