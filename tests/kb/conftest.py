"""The ``kb`` command, run through click's runner against the ``database_url`` backends."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from kb.cli import main
from tests.conftest import SEEDS_DIR

Runner = Callable[..., Result]
"""``kb(*args)`` runs one command with KB_HOME in a temp folder; returns click's Result."""


@pytest.fixture
def kb(database_url: str, tmp_path: Path) -> Runner:
    env = {"KB_HOME": str(tmp_path / "home"), "KB_DATABASE_URL": database_url}

    def run(*args: str) -> Result:
        return CliRunner().invoke(main, list(args), env=env)

    return run


def ingest_seeds(kb: Runner) -> None:
    """Load the shipped corpus, as modules that start from it do in an autouse fixture."""
    result = kb("ingest", str(SEEDS_DIR))
    assert result.exit_code == 0, result.output
