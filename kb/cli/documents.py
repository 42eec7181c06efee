"""``kb ingest``, ``kb show``, ``kb list``: documents in and out."""

from __future__ import annotations

import sys
from typing import Any

import click

from kb.cli.common import (
    DOC_TYPE_LABELS,
    index_store,
    open_database,
    print_json,
    update_index,
)
from kb.config import Config
from kb.db import repository
from kb.ingest.pipeline import ingest_paths
from kb.serialize import document_json, document_row
from kb.tagging.candidates import KIND_LABELS as TAG_KIND_LABELS

STATUS_LABELS = {
    "added": "新增",
    "updated": "更新",
    "unchanged": "未变",
    "duplicate": "重复",
    "rejected": "拒收",
}


@click.command()
@click.argument("paths", nargs=-1, required=True)
@click.option("--json", "as_json", is_flag=True, help="Print one JSON list, an object per file.")
@click.pass_obj
def ingest(config: Config, paths: tuple[str, ...], as_json: bool) -> None:
    """Ingest files and folders (recursively): .txt .md .html .htm .docx."""
    db = open_database(config)
    results = ingest_paths(db, paths, limits=config.limits)
    changed = [r.id for r in results if r.id is not None and r.status != "unchanged"]
    if changed or index_store(config).status() != "ok":
        update_index(config, db, changed)
    if as_json:
        print_json([r.to_json() for r in results])
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


@click.command()
@click.argument("document_id", type=int)
@click.option("--json", "as_json", is_flag=True, help="Print the document as JSON.")
@click.pass_obj
def show(config: Config, document_id: int, as_json: bool) -> None:
    """Show one document: its description, cleaned text and warnings."""
    db = open_database(config)
    with db.session() as session:
        document = repository.get_document(session, document_id)
        data: dict[str, Any] = document_json(
            document, copies=repository.duplicates_of(session, document_id)
        )
    if as_json:
        print_json(data)
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
    for warning in data["warnings"]:
        click.echo(f"警告：{warning}")
    for kind, label in TAG_KIND_LABELS.items():
        names = [t["name"] for t in data["tags"] if t["kind"] == kind and t["status"] != "rejected"]
        if names:
            click.echo(f"{label}：{'、'.join(names)}")
    click.echo("")
    click.echo(str(data["text"]))


@click.command(name="list")
@click.option("--json", "as_json", is_flag=True, help="Print the documents as JSON.")
@click.pass_obj
def list_(config: Config, as_json: bool) -> None:
    """List the stored documents."""
    db = open_database(config)
    with db.session() as session:
        rows = [document_row(d) for d in repository.list_documents(session)]
    if as_json:
        print_json(rows)
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
