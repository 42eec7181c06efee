"""Every package kb's code imports is declared in pyproject.toml, not just present.

A package that happens to be installed (by another package's requirements, or by
earlier work on the machine) passes every other test and fails on a fresh install:
lxml_html_clean did exactly that. ``tests/reliability/test_fresh_install.py`` proves the
same on a real new virtual environment.
"""

from __future__ import annotations

import ast
import importlib.metadata
import re
import sys
import tomllib

from tests.conftest import REPO

PACKAGES = ("kb", "indexer", "web")
RUNTIME_IMPORTS = {"lxml.html.clean": "lxml_html_clean"}
"""Modules our dependencies import lazily, on paths kb uses, from packages they do not
require themselves: each must be declared by kb."""


def _declared() -> set[str]:
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    names = {re.split(r"[<>=!~\[; ]", line, maxsplit=1)[0] for line in project["dependencies"]}
    return {_normal(name) for name in names}


def _normal(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _imported_top_levels() -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for package in PACKAGES:
        for path in (REPO / package).rglob("*.py"):
            tree = ast.parse(path.read_text(encoding="utf-8"))
            for node in ast.walk(tree):
                if isinstance(node, ast.Import):
                    names = [alias.name for alias in node.names]
                elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                    names = [node.module]
                else:
                    continue
                for name in names:
                    found.setdefault(name.split(".")[0], set()).add(str(path.relative_to(REPO)))
    return found


def test_every_imported_package_is_declared() -> None:
    declared = _declared()
    providers = importlib.metadata.packages_distributions()
    undeclared = {}
    for module, files in _imported_top_levels().items():
        if module in sys.stdlib_module_names or module in PACKAGES or module == "__future__":
            continue
        distributions = {_normal(d) for d in providers.get(module, [module])}
        if not distributions & declared:
            undeclared[module] = sorted(files)[:3]
    assert not undeclared, f"imported but not declared in pyproject.toml: {undeclared}"


def test_what_dependencies_import_lazily_is_declared_and_importable() -> None:
    declared = _declared()
    for module, distribution in RUNTIME_IMPORTS.items():
        assert _normal(distribution) in declared
        __import__(module)
