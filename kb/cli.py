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


def _store(config: Config):  # -> indexer.store.IndexStore
    from indexer.store import IndexStore

    return IndexStore(config.index_dir)


def _update_index(config: Config, db: Database, ids: list[int] | None = None) -> None:
    """Bring the index up to date after a change, saying so on stderr when it rebuilds."""
    from indexer.build import update

    store = _store(config)
    if store.status() != "ok":
        click.echo("正在建立检索索引…", err=True)
    report = update(db, store, ids)
    if report.rebuilt:
        click.echo(f"检索索引已重建：{report.documents} 篇文档", err=True)


@main.command()
@click.argument("paths", nargs=-1, required=True)
@click.option("--json", "as_json", is_flag=True, help="Print one JSON list, an object per file.")
@click.pass_obj
def ingest(config: Config, paths: tuple[str, ...], as_json: bool) -> None:
    """Ingest files and folders (recursively): .txt .md .html .htm .docx."""
    db = _database(config)
    results = ingest_paths(db, paths, max_bytes=config.max_file_bytes)
    changed = [r.id for r in results if r.id is not None and r.status != "unchanged"]
    if changed or _store(config).status() != "ok":
        _update_index(config, db, changed)
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


def _terminal_marks(html: str) -> str:
    """Render a highlighted passage for a terminal: 【】 around matches, entities decoded."""
    import html as html_lib

    return html_lib.unescape(html.replace("<mark>", "【").replace("</mark>", "】"))


def _print_hits(result: object) -> None:
    from indexer.results import SearchResult

    assert isinstance(result, SearchResult)
    for hit in result.hits:
        place = " ".join(str(v) for v in (hit.region, hit.year) if v)
        click.echo(f"[{hit.id}] {hit.title}  {DOC_TYPE_LABELS[hit.doc_type]}  {place}")
        for passage in hit.passages:
            click.echo(f"    {_terminal_marks(passage.html)}")
        for source in hit.also_at:
            click.echo(f"    另见：{source}")


@main.command()
@click.argument("query")
@click.option("--limit", default=10, show_default=True, help="Hits per page (1-100).")
@click.option("--page", default=1, show_default=True, help="Page number, from 1.")
@click.option("--sort", type=click.Choice(["relevance", "date"]), default="relevance")
@click.option("--type", "doc_type", help="policy|experience|case (or 政策文件/经验材料/典型案例).")
@click.option("--region", help="Region, e.g. 即墨.")
@click.option("--year", help="A year or a range: 2015 or 2015-2020.")
@click.option("--tag", help="A tag name.")
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
@click.pass_obj
def search(
    config: Config,
    query: str,
    limit: int,
    page: int,
    sort: str,
    doc_type: str | None,
    region: str | None,
    year: str | None,
    tag: str | None,
    as_json: bool,
) -> None:
    """Search: words, "exact phrases", OR, NOT/-, type: region: year: tag: filters."""
    from indexer.query import parse_filters, parse_query
    from indexer.searcher import Searcher

    parsed = parse_query(query).with_filters(
        parse_filters(doc_type=doc_type, region=region, year=year, tag=tag)
    )
    db = _database(config)
    if _store(config).status() != "ok":
        _update_index(config, db)
    with Searcher(_store(config)) as searcher:
        result = searcher.search(parsed, page=page, per_page=limit, sort=sort)
    if as_json:
        _print_json(result.to_json())
        return
    click.echo(f"共 {result.total} 篇（第 {result.page}/{result.pages} 页）")
    if result.suggestion:
        click.echo(f"您是不是要找：{result.suggestion}")
    _print_hits(result)


@main.command()
@click.argument("document_id", type=int)
@click.option("--limit", default=10, show_default=True, help="How many similar documents.")
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
@click.pass_obj
def similar(config: Config, document_id: int, limit: int, as_json: bool) -> None:
    """Documents about the same things as DOCUMENT_ID (other places doing the same)."""
    from indexer.searcher import Searcher

    db = _database(config)
    with db.session() as session:
        repository.get_document(session, document_id)
    if _store(config).status() != "ok":
        _update_index(config, db)
    with Searcher(_store(config)) as searcher:
        result = searcher.similar(document_id, limit=max(1, min(limit, 100)))
    if as_json:
        _print_json(result.to_json())
        return
    _print_hits(result)


@main.group()
def index() -> None:
    """Maintain the search index (the database is the source of truth)."""


@index.command()
@click.pass_obj
def rebuild(config: Config) -> None:
    """Build the index afresh from the database."""
    from indexer.build import rebuild as rebuild_index

    report = rebuild_index(_database(config), _store(config))
    click.echo(f"检索索引已重建：{report.documents} 篇文档")


@index.command(name="update")
@click.pass_obj
def update_(config: Config) -> None:
    """Index only what changed in the database since the last update."""
    from indexer.build import update

    report = update(_database(config), _store(config))
    if report.rebuilt:
        click.echo(f"检索索引已重建：{report.documents} 篇文档")
    else:
        click.echo(
            f"新增 {len(report.added)}，更新 {len(report.updated)}，删除 {len(report.removed)}"
        )


@index.command(name="check")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@click.pass_obj
def check_(config: Config, as_json: bool) -> None:
    """Compare database and index document by document; exit 1 on drift."""
    from dataclasses import asdict

    from indexer.build import check

    report = check(_database(config), _store(config))
    if as_json:
        _print_json({**asdict(report), "clean": report.clean})
    elif report.status != "ok":
        click.echo({"missing": "索引不存在", "outdated": "索引版本已过期"}[report.status])
    else:
        click.echo(f"共 {report.documents} 篇文档")
        for label, ids in (("索引缺少", report.missing), ("索引过期", report.stale),
                           ("索引多出", report.extra)):  # fmt: skip
            if ids:
                click.echo(f"{label}：{', '.join(map(str, ids))}")
        if report.clean:
            click.echo("数据库与索引一致")
    if not report.clean:
        sys.exit(1)
