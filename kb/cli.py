"""The ``kb`` command line: a thin wrapper over kb's Python API."""

from __future__ import annotations

import json
import sys
from typing import Any

import click

from kb.config import SETTINGS, Config, load_config
from kb.db import repository
from kb.db.session import Database
from kb.errors import KBError
from kb.ingest.pipeline import ingest_paths
from kb.serialize import document_json, document_row

DOC_TYPE_LABELS = {"policy": "政策文件", "experience": "经验材料", "case": "典型案例"}
STATUS_LABELS = {
    "added": "新增",
    "updated": "更新",
    "unchanged": "未变",
    "duplicate": "重复",
    "rejected": "拒收",
}


class KBGroup(click.Group):
    """A group that turns kb's errors into one clear line and a non-zero exit."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except KBError as exc:
            raise click.ClickException(str(exc)) from exc


def _settings_help() -> str:
    lines = ["Settings (environment variables):", ""]
    lines += [f"  {s.name}  {s.help} (default: {s.default or 'see text'})" for s in SETTINGS]
    return "\n\n".join(["Knowledge base of Chinese organization-work documents.", "\n".join(lines)])


@click.group(cls=KBGroup, help=_settings_help())
@click.pass_context
def main(ctx: click.Context) -> None:
    ctx.obj = load_config()


def _database(config: Config) -> Database:
    """Open the configured database for the rest of this command, then close it."""
    config.home.mkdir(parents=True, exist_ok=True)
    db = Database(config.database_url)
    click.get_current_context().call_on_close(db.dispose)
    return db


def _print_json(data: object) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=2))


@main.command()
@click.argument("paths", nargs=-1, required=True)
@click.option("--json", "as_json", is_flag=True, help="Print one JSON list, an object per file.")
@click.pass_obj
def ingest(config: Config, paths: tuple[str, ...], as_json: bool) -> None:
    """Ingest files and folders (recursively): .txt .md .html .htm .docx."""
    db = _database(config)
    results = ingest_paths(db, paths, max_bytes=config.max_file_bytes)
    if as_json:
        _print_json([r.to_json() for r in results])
    else:
        for r in results:
            ident = f"#{r.id}" if r.id is not None else "-"
            extra = f"  重复于 #{r.duplicate_of}" if r.duplicate_of else ""
            extra += f"  原因：{r.reason}" if r.reason else ""
            click.echo(f"{STATUS_LABELS[r.status]}\t{ident}\t{r.source}{extra}")
            for warning in r.warnings:
                click.echo(f"\t\t警告：{warning}")
        counts = {s: sum(r.status == s for r in results) for s in STATUS_LABELS}
        click.echo("合计：" + "，".join(f"{STATUS_LABELS[s]} {n}" for s, n in counts.items()))
    if results and all(r.status == "rejected" for r in results):
        sys.exit(1)


@main.command()
@click.argument("document_id", type=int)
@click.option("--json", "as_json", is_flag=True, help="Print the document as JSON.")
@click.pass_obj
def show(config: Config, document_id: int, as_json: bool) -> None:
    """Show one document: its description, cleaned text and warnings."""
    db = _database(config)
    with db.session() as session:
        document = repository.get_document(session, document_id)
        data = document_json(document, copies=repository.duplicates_of(session, document_id))
    if as_json:
        _print_json(data)
        return
    click.echo(f"[{data['id']}] {data['title']}")
    for label, key in [
        ("类型", "doc_type"),
        ("地区", "region"),
        ("日期", "date"),
        ("作者", "author"),
        ("作者简介", "author_note"),
        ("来源", "source"),
        ("重复于", "duplicate_of"),
    ]:
        value = data[key]
        if key == "doc_type":
            value = f"{DOC_TYPE_LABELS[str(value)]}（{data['doc_type_reason']}）"
        if value not in (None, ""):
            click.echo(f"{label}：{value}")
    for warning in data["warnings"]:  # type: ignore[attr-defined]
        click.echo(f"警告：{warning}")
    click.echo("")
    click.echo(str(data["text"]))


@main.command(name="list")
@click.option("--json", "as_json", is_flag=True, help="Print the documents as JSON.")
@click.pass_obj
def list_(config: Config, as_json: bool) -> None:
    """List the stored documents."""
    db = _database(config)
    with db.session() as session:
        rows = [document_row(d) for d in repository.list_documents(session)]
    if as_json:
        _print_json(rows)
        return
    for row in rows:
        place = row["region"] or "-"
        year = row["year"] or "-"
        dup = f"  (重复于 #{row['duplicate_of']})" if row["duplicate_of"] else ""
        click.echo(
            f"{row['id']:>5}  {DOC_TYPE_LABELS[str(row['doc_type'])]}  {place}  {year}  "
            f"{row['title']}{dup}"
        )
    click.echo(f"共 {len(rows)} 篇")
