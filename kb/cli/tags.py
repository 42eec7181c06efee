"""``kb tags …``: list, show and curate tags from the command line."""

from __future__ import annotations

from typing import Any

import click

from kb.cli.common import open_database, print_json, update_index
from kb.config import Config
from kb.tagging import glossary, store
from kb.tagging.candidates import KIND_LABELS, KINDS

STATUS_LABELS = {"suggested": "待确认", "confirmed": "已确认", "rejected": "已否决"}

kind_option = click.option(
    "--kind", type=click.Choice(KINDS), help="Tag kind, when a name exists in several kinds."
)


@click.group()
def tags() -> None:
    """Tags: innovation approaches, typical demonstrations, topics, policy references."""


@tags.command(name="list")
@click.option("--kind", type=click.Choice(KINDS), help="Only tags of this kind.")
@click.option("--json", "as_json", is_flag=True, help="Print the tags as JSON.")
@click.pass_obj
def list_(config: Config, kind: str | None, as_json: bool) -> None:
    """List tags with how many documents carry them."""
    with open_database(config).session() as session:
        rows: list[dict[str, Any]] = glossary.list_tags(session, kind)
    if as_json:
        print_json(rows)
        return
    for row in rows:
        aliases = f"（又作：{'、'.join(row['aliases'])}）" if row["aliases"] else ""
        click.echo(
            f"{KIND_LABELS[str(row['kind'])]}\t{row['name']}{aliases}\t{row['documents']} 篇"
        )
    click.echo(f"共 {len(rows)} 个标签")


@tags.command()
@click.argument("name")
@kind_option
@click.option("--json", "as_json", is_flag=True, help="Print the tag as JSON.")
@click.pass_obj
def show(config: Config, name: str, kind: str | None, as_json: bool) -> None:
    """Show a tag (by name or any alias, either script): definition, places, documents."""
    with open_database(config).session() as session:
        data: dict[str, Any] = glossary.tag_detail(session, name, kind)
    if as_json:
        print_json(data)
        return
    click.echo(f"{data['name']}（{KIND_LABELS[str(data['kind'])]}）")
    if data["aliases"]:
        click.echo("又作：" + "、".join(data["aliases"]))
    if data["definition"]:
        click.echo(f"释义：{data['definition']}")
    click.echo("地区：" + ("、".join(data["regions"]) or "-"))
    click.echo("年份：" + ("、".join(map(str, data["years"])) or "-"))
    for doc in data["documents"]:
        click.echo(f"  [{doc['id']}] {doc['title']}（{STATUS_LABELS[doc['status']]}）")
        if doc["evidence"]:
            click.echo(f"      {doc['evidence']}")
        if doc["reason"]:
            click.echo(f"      理由：{doc['reason']}")


def _decision(status: str) -> Any:
    @click.argument("name")
    @click.option("--doc", "document_id", type=int, help="Only on this document.")
    @kind_option
    @click.pass_obj
    def command(config: Config, name: str, document_id: int | None, kind: str | None) -> None:
        db = open_database(config)
        with db.session() as session:
            tag = store.set_status(session, name, status, kind=kind, document_id=document_id)
            where = f"文档 #{document_id}" if document_id else "所有文档"
            click.echo(f"标签“{tag.name}”在{where}上{STATUS_LABELS[status]}")
        update_index(config, db)

    return command


tags.command(name="confirm", help="Confirm a tag, on one document (--doc) or everywhere.")(
    _decision("confirmed")
)
tags.command(name="reject", help="Reject a tag on one document (--doc), or everywhere for good.")(
    _decision("rejected")
)


@tags.command()
@click.argument("name")
@click.argument("new_name")
@kind_option
@click.pass_obj
def rename(config: Config, name: str, new_name: str, kind: str | None) -> None:
    """Rename a tag; the old name stays an alias."""
    db = open_database(config)
    with db.session() as session:
        tag = store.rename(session, name, new_name, kind=kind)
        click.echo(f"已改名为“{tag.name}”")
    update_index(config, db)


@tags.command()
@click.argument("source")
@click.argument("target")
@kind_option
@click.pass_obj
def merge(config: Config, source: str, target: str, kind: str | None) -> None:
    """Merge tag SOURCE into TARGET; SOURCE's names become aliases of TARGET."""
    db = open_database(config)
    with db.session() as session:
        tag = store.merge(session, source, target, kind=kind)
        click.echo(f"已合并到“{tag.name}”")
    update_index(config, db)


@tags.command()
@click.argument("name")
@click.option("--kind", type=click.Choice(KINDS), required=True, help="Tag kind.")
@click.option("--doc", "document_id", type=int, required=True, help="Document to tag.")
@click.option("--evidence", help="The sentence that names it (found in the text if omitted).")
@click.pass_obj
def add(config: Config, name: str, kind: str, document_id: int, evidence: str | None) -> None:
    """Tag a document by hand (the name must occur in it)."""
    db = open_database(config)
    with db.session() as session:
        tag = store.add(session, name, kind, document_id, evidence=evidence)
        click.echo(f"文档 #{document_id} 已加上标签“{tag.name}”")
    update_index(config, db)


@tags.command()
@click.argument("name")
@click.argument("definition")
@kind_option
@click.pass_obj
def define(config: Config, name: str, definition: str, kind: str | None) -> None:
    """Write a tag's definition (extraction never overwrites it afterwards)."""
    with open_database(config).session() as session:
        tag = store.define(session, name, definition, kind=kind)
        click.echo(f"已更新“{tag.name}”的释义")


@tags.command()
@click.option("--all", "everything", is_flag=True, help="Every document, not only stale ones.")
@click.pass_obj
def extract(config: Config, everything: bool) -> None:
    """Re-extract tags (documents not yet tagged by the current rules, or --all)."""
    from kb.tagging.extract import extract_all

    db = open_database(config)
    ids = extract_all(db, everything=everything)
    click.echo(f"已重新提取 {len(ids)} 篇文档的标签")
    if ids:
        update_index(config, db)
