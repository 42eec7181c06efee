"""Knowledge bases for the reliability suite, on SQLite and on the PostgreSQL server the
storage fixture starts; each module gets its own, built once per database kind."""

from __future__ import annotations

import itertools
import os
from collections.abc import Callable, Iterator

import pytest

from kb.ingest.pipeline import ingest_paths
from tests.conftest import SEEDS_DIR
from tests.pg_server import PostgresServer
from tests.reliability.harness import Instance, Site

_names = itertools.count()

MakeInstance = Callable[..., Instance]


@pytest.fixture(
    scope="module", params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]
)
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture(scope="module")
def make_instance(
    backend: str, tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest
) -> Iterator[MakeInstance]:
    """Make empty knowledge bases of this module's database kind."""
    made: list[Instance] = []

    def make(**settings: str) -> Instance:
        home = tmp_path_factory.mktemp(f"kb-{backend}")
        if backend == "sqlite":
            url = f"sqlite:///{home / 'kb.sqlite3'}"
        else:
            server: PostgresServer = request.getfixturevalue("postgres_server")
            url = server.create_database(f"kb_rel_{os.getpid()}_{next(_names)}")
        instance = Instance(home, url, dict(settings))
        made.append(instance)
        return instance

    yield make
    for instance in made:
        instance.close()


@pytest.fixture(scope="module")
def seeded(make_instance: MakeInstance) -> Instance:
    """The five seeds, indexed, and two editors."""
    instance = make_instance()
    results = ingest_paths(instance.db, [SEEDS_DIR])
    assert [r.status for r in results] == ["added"] * 5
    instance.add_editors()
    instance.kb("index", "rebuild")
    return instance


@pytest.fixture(scope="module")
def site(seeded: Instance) -> Iterator[Site]:
    running = Site(seeded)
    yield running
    log = running.stop()
    assert "Traceback" not in log, log[-5000:]
