"""The examples in the indexer's docstrings hold."""

from __future__ import annotations

import doctest
import importlib
import pkgutil

import pytest

import indexer

MODULES = sorted(m.name for m in pkgutil.iter_modules(indexer.__path__, "indexer."))


@pytest.mark.parametrize("name", MODULES)
def test_doctests(name: str) -> None:
    assert doctest.testmod(importlib.import_module(name)).failed == 0
