"""Helpers shared by the command groups: settings, database, index, output."""

from __future__ import annotations

import json
from typing import Any

import click

from kb.config import Config
from kb.db.session import Database

DOC_TYPE_LABELS = {"policy": "政策文件", "experience": "经验材料", "case": "典型案例"}


def open_database(config: Config) -> Database:
    """Open the configured database for the rest of this command, then close it."""
    config.home.mkdir(parents=True, exist_ok=True)
    db = Database(config.database_url)
    click.get_current_context().call_on_close(db.dispose)
    return db


def index_store(config: Config) -> Any:  # indexer.store.IndexStore, imported lazily
    from indexer.store import IndexStore

    return IndexStore(config.index_dir)


def update_index(config: Config, db: Database, ids: list[int] | None = None) -> None:
    """Bring the index up to date after a change, saying so on stderr when it rebuilds."""
    from indexer.build import update

    store = index_store(config)
    if store.status() != "ok":
        click.echo("正在建立检索索引…", err=True)
    report = update(db, store, ids)
    if report.rebuilt:
        click.echo(f"检索索引已重建：{report.documents} 篇文档", err=True)


def ensure_index(config: Config, db: Database) -> None:
    """Build the index from the database when it is missing or outdated."""
    if index_store(config).status() != "ok":
        update_index(config, db)


def print_json(data: object) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=2))
