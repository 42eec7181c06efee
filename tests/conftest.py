"""Shared fixtures. The seed documents are read from ``corpus/documents`` (byte-identical
copies of ``../shared/seeds``) so the suite runs without ``../shared``."""

from __future__ import annotations

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
SEEDS_DIR = REPO / "corpus" / "documents"


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
