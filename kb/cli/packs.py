"""``kb pack …``: build course packs (课程素材包) and export them for trainers."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import click

from kb.cli.common import open_database, print_json
from kb.config import Config
from kb.packs import logic
from kb.packs.data import pack_json, pack_row, pack_view
from kb.packs.export import FORMATS, format_for

STATUS_LABELS = {"unchanged": "", "changed": "（原文已变更）", "deleted": "（原文已删除）"}

pack_argument = click.argument("pack_ref", metavar="PACK")
item_argument = click.argument("item_id", metavar="ITEM", type=int)
question_option = click.option(
    "--question", "questions", multiple=True, help="A discussion question (思考题); repeatable."
)


@click.group()
def pack() -> None:
    """Course packs (课程素材包): cases grouped by theme, exported as handouts.

    PACK is a pack's id or exact title; ITEM is an item's id as `kb pack show` lists it.
    """


@pack.command()
@click.argument("title")
@click.option("--audience", default="", help="Who the course is for (培训对象).")
@click.option("--purpose", default="", help="What the course is for (教学目的).")
@click.option("--notes", default="", help="Notes on the course (课程说明).")
@click.pass_obj
def create(config: Config, title: str, audience: str, purpose: str, notes: str) -> None:
    """Create an empty pack."""
    with open_database(config).session() as session:
        new = logic.create_pack(session, title, audience=audience, purpose=purpose, notes=notes)
        click.echo(f"已创建素材包 #{new.id}“{new.title}”")


@pack.command()
@pack_argument
@click.argument("document_id", type=int)
@click.option(
    "--passage",
    type=click.IntRange(min=1),
    help="Only passage N of the document (第N段, counting from 1), not the whole text.",
)
@click.option(
    "--section", help=f"Section title, made if missing (default: {logic.DEFAULT_SECTION})."
)
@click.option("--note", help="The trainer's note (讲师按语).")
@question_option
@click.pass_obj
def add(
    config: Config,
    pack_ref: str,
    document_id: int,
    passage: int | None,
    section: str | None,
    note: str | None,
    questions: tuple[str, ...],
) -> None:
    """Add a document, or one passage of it, to a pack (a snapshot of its text)."""
    with open_database(config).session() as session:
        target = logic.get_pack(session, pack_ref)
        ordinal = None if passage is None else passage - 1
        item = logic.add_item(session, target, document_id, ordinal, section, note, questions)
        click.echo(f"已加入“{item.section.title}”分组：条目 {item.id}“{item.title}”")


@pack.command()
@pack_argument
@item_argument
@click.option("--note", help="New note (讲师按语); an empty string removes it.")
@question_option
@click.option("--no-questions", is_flag=True, help="Remove the item's questions.")
@click.pass_obj
def edit(
    config: Config,
    pack_ref: str,
    item_id: int,
    note: str | None,
    questions: tuple[str, ...],
    no_questions: bool,
) -> None:
    """Change an item's note and/or questions (given questions replace the old ones)."""
    with open_database(config).session() as session:
        item = logic.get_item(logic.get_pack(session, pack_ref), item_id)
        new_questions = [] if no_questions else (list(questions) or None)
        logic.update_item(item, note=note, questions=new_questions)
        click.echo(f"已更新条目 {item.id}")


@pack.command()
@pack_argument
@item_argument
@click.pass_obj
def remove(config: Config, pack_ref: str, item_id: int) -> None:
    """Take an item out of a pack."""
    with open_database(config).session() as session:
        logic.remove_item(session, logic.get_item(logic.get_pack(session, pack_ref), item_id))
        click.echo(f"已移除条目 {item_id}")


@pack.command()
@pack_argument
@item_argument
@click.option("--section", help="Move into this section (made if missing).")
@click.option("--position", type=click.IntRange(min=1), help="Place N in the section (from 1).")
@click.pass_obj
def move(
    config: Config, pack_ref: str, item_id: int, section: str | None, position: int | None
) -> None:
    """Move an item to another section and/or place."""
    with open_database(config).session() as session:
        item = logic.get_item(logic.get_pack(session, pack_ref), item_id)
        logic.move_item(item, section=section, position=None if position is None else position - 1)
        click.echo(f"条目 {item.id} 现为“{item.section.title}”分组第 {item.ordinal + 1} 条")


@pack.command()
@pack_argument
@click.pass_obj
def delete(config: Config, pack_ref: str) -> None:
    """Delete a pack (the documents stay)."""
    with open_database(config).session() as session:
        target = logic.get_pack(session, pack_ref)
        logic.delete_pack(session, target)
        click.echo(f"已删除素材包 #{target.id}“{target.title}”")


@pack.command(name="list")
@click.option("--json", "as_json", is_flag=True, help="Print the packs as JSON.")
@click.pass_obj
def list_(config: Config, as_json: bool) -> None:
    """List packs, most recently changed first."""
    with open_database(config).session() as session:
        rows: list[dict[str, Any]] = [pack_row(p) for p in logic.list_packs(session)]
    if as_json:
        print_json(rows)
        return
    for row in rows:
        extra = "  已分享" if row["shared"] else ""
        extra += f"  {row['changed']} 条原文有变" if row["changed"] else ""
        audience = row["audience"] or "-"
        click.echo(
            f"#{row['id']}\t{row['title']}\t{audience}\t"
            f"{row['sections']} 个分组 {row['items']} 条{extra}"
        )
    click.echo(f"共 {len(rows)} 个素材包")


@pack.command()
@pack_argument
@click.option("--json", "as_json", is_flag=True, help="Print the pack as JSON.")
@click.pass_obj
def show(config: Config, pack_ref: str, as_json: bool) -> None:
    """Show a pack: sections, items, notes, questions, and sources that changed."""
    with open_database(config).session() as session:
        data: dict[str, Any] = pack_json(logic.get_pack(session, pack_ref))
    if as_json:
        print_json(data)
        return
    click.echo(f"#{data['id']} {data['title']}")
    for label, key in (("培训对象", "audience"), ("教学目的", "purpose"), ("课程说明", "notes")):
        if data[key]:
            click.echo(f"{label}：{data[key]}")
    for section in data["sections"]:
        click.echo(f"\n【{section['title']}】")
        for item in section["items"]:
            status = STATUS_LABELS[item["source_status"]]
            click.echo(f"  条目 {item['id']}  {item['heading']}{status}")
            click.echo(f"      出处：{item['citation']['text']}")
            if item["note"]:
                click.echo(f"      按语：{item['note']}")
            for number, question in enumerate(item["questions"], 1):
                click.echo(f"      思考题 {number}：{question}")


@pack.command()
@pack_argument
@click.option("--format", "fmt", type=click.Choice(list(FORMATS)), help="Default: from -o.")
@click.option(
    "-o", "--output", type=click.Path(dir_okay=False, path_type=Path), required=True,
    help="File to write.",
)  # fmt: skip
@click.option(
    "--date", "on", type=click.DateTime(["%Y-%m-%d"]), help="Date on the cover (default: today)."
)
@click.pass_obj
def export(
    config: Config, pack_ref: str, fmt: str | None, output: Path, on: dt.datetime | None
) -> None:
    """Export a pack as a Word handout (docx), Markdown (md) or a printable page (html)."""
    chosen = format_for(fmt, output)
    with open_database(config).session() as session:
        view = pack_view(logic.get_pack(session, pack_ref))
    data = chosen.write(view, on.date() if on else dt.date.today())
    try:
        output.write_bytes(data)
    except OSError as exc:
        raise click.ClickException(f"无法写入 {output}：{exc.strerror}") from exc
    click.echo(f"已导出“{view.title}”到 {output}")
