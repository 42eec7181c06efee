"""The shipped corpus is the user's seed documents, byte for byte."""

from __future__ import annotations

import pytest

from tests.conftest import REPO, SEEDS_DIR

SHARED_SEEDS = REPO.parent / "shared" / "seeds"


def test_the_corpus_ships_five_seed_documents() -> None:
    assert len(list(SEEDS_DIR.glob("*.txt"))) == 5
    assert (REPO / "corpus" / "README.md").is_file()


@pytest.mark.skipif(not SHARED_SEEDS.is_dir(), reason="../shared/seeds is not beside the repo")
def test_corpus_documents_are_byte_identical_to_the_shared_seeds() -> None:
    shared = {p.name: p.read_bytes() for p in SHARED_SEEDS.glob("*.txt")}
    shipped = {p.name: p.read_bytes() for p in SEEDS_DIR.glob("*.txt")}
    assert shipped == shared
