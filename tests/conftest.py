"""Shared fixtures.

The seed documents are read from ``corpus/documents`` (byte-identical copies of
``../shared/seeds``) so the suite runs without ``../shared``. Every test that uses
``db`` runs twice: on a SQLite file and on a real PostgreSQL server in a temp folder.
"""

from __future__ import annotations

import itertools
import os
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from kb.db.session import Database
from kb.ingest.pipeline import ingest_paths
from kb.users import add_user
from tests.pg_server import PostgresServer, find_pg_bin

if TYPE_CHECKING:
    from playwright.sync_api import Browser

REPO = Path(__file__).resolve().parent.parent
SEEDS_DIR = REPO / "corpus" / "documents"

_db_names = itertools.count()

CHROMIUM = Path(os.environ.get("KB_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
"""Debian's chromium, headless, as root, without reaching for the network (no download)."""

EDITOR = ("editor", "correct-horse-battery")
"""The editor account every seeded site instance has."""


def seed_path(number: int) -> Path:
    """Path of seed ``000``..``004`` in the shipped corpus."""
    (path,) = SEEDS_DIR.glob(f"{number:03d}_*.txt")
    return path


def seed_text(number: int) -> str:
    """Decoded text of a seed."""
    return seed_path(number).read_text(encoding="utf-8")


@pytest.fixture
def seeds_dir() -> Path:
    return SEEDS_DIR


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    bin_dir = find_pg_bin()
    if bin_dir is None:
        if os.environ.get("CI"):
            pytest.fail("PostgreSQL binaries (initdb, pg_ctl) are missing; .ci/run installs them")
        pytest.skip("PostgreSQL binaries (initdb, pg_ctl) not found: apt-get install postgresql")
    server = PostgresServer(bin_dir)
    server.start()
    yield server
    server.stop()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'kb.sqlite3'}"
    server: PostgresServer = request.getfixturevalue("postgres_server")
    return server.create_database(f"kb_test_{os.getpid()}_{next(_db_names)}")


@pytest.fixture
def db(database_url: str) -> Iterator[Database]:
    database = Database(database_url)
    yield database
    database.dispose()


@pytest.fixture(scope="session")
def seeded_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A KB_HOME with the five seeds ingested, tagged and indexed, and one editor."""
    home = tmp_path_factory.mktemp("site-home")
    db = Database(f"sqlite:///{home / 'kb.sqlite3'}")
    ingest_paths(db, [SEEDS_DIR])
    with db.session() as session:
        add_user(session, *EDITOR)
    db.dispose()
    from web import create_app

    app = create_app({"KB_HOME": str(home), "KB_DATABASE_URL": f"sqlite:///{home / 'kb.sqlite3'}"})
    app.extensions["kb"].worker.wait()
    app.extensions["kb"].db.dispose()
    return home


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """Debian's chromium driven by Playwright, one for the whole run (Playwright's sync
    API allows one driver per process)."""
    from playwright.sync_api import sync_playwright

    if not CHROMIUM.exists():
        if os.environ.get("CI"):
            pytest.fail(f"{CHROMIUM} is missing; .ci/run installs Debian's chromium")
        pytest.skip(f"{CHROMIUM} not found: apt-get install chromium")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        yield chromium
        chromium.close()
