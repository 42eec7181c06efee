"""``kb search``, ``kb similar``, ``kb index …``: finding documents."""

from __future__ import annotations

import html as html_lib
import sys
from dataclasses import asdict, replace
from typing import Any

import click

from kb.cli.common import DOC_TYPE_LABELS, ensure_index, index_store, open_database, print_json
from kb.config import Config
from kb.db import repository
from kb.tagging import glossary


def _terminal_marks(html: str) -> str:
    """Render a highlighted passage for a terminal: 【】 around matches, entities decoded."""
    return html_lib.unescape(html.replace("<mark>", "【").replace("</mark>", "】"))


def _print_hits(result: Any) -> None:  # an indexer.results.SearchResult
    for hit in result.hits:
        place = " ".join(str(v) for v in (hit.region, hit.year) if v)
        click.echo(f"[{hit.id}] {hit.title}  {DOC_TYPE_LABELS[hit.doc_type]}  {place}")
        for passage in hit.passages:
            click.echo(f"    {_terminal_marks(passage.html)}")
        for source in hit.also_at:
            click.echo(f"    另见：{source}")


@click.command()
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
    db = open_database(config)
    if parsed.filters.tags:  # a tag may be asked for by any alias, in either script
        with db.session() as session:
            names = glossary.resolve_names(session, parsed.filters.tags)
        parsed = replace(parsed, filters=replace(parsed.filters, tags=names))
    ensure_index(config, db)
    with Searcher(index_store(config)) as searcher:
        result = searcher.search(parsed, page=page, per_page=limit, sort=sort)
    if as_json:
        print_json(result.to_json())
        return
    click.echo(f"共 {result.total} 篇（第 {result.page}/{result.pages} 页）")
    if result.suggestion:
        click.echo(f"您是不是要找：{result.suggestion}")
    _print_hits(result)


@click.command()
@click.argument("document_id", type=int)
@click.option("--limit", default=10, show_default=True, help="How many similar documents.")
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
@click.pass_obj
def similar(config: Config, document_id: int, limit: int, as_json: bool) -> None:
    """Documents about the same things as DOCUMENT_ID (other places doing the same)."""
    from indexer.searcher import Searcher

    db = open_database(config)
    with db.session() as session:
        repository.get_document(session, document_id)
    ensure_index(config, db)
    with Searcher(index_store(config)) as searcher:
        result = searcher.similar(document_id, limit=max(1, min(limit, 100)))
    if as_json:
        print_json(result.to_json())
        return
    _print_hits(result)


@click.group()
def index() -> None:
    """Maintain the search index (the database is the source of truth)."""


@index.command()
@click.pass_obj
def rebuild(config: Config) -> None:
    """Build the index afresh from the database."""
    from indexer.build import rebuild as rebuild_index

    report = rebuild_index(open_database(config), index_store(config))
    click.echo(f"检索索引已重建：{report.documents} 篇文档")


@index.command(name="update")
@click.pass_obj
def update_(config: Config) -> None:
    """Index only what changed in the database since the last update."""
    from indexer.build import update

    report = update(open_database(config), index_store(config))
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
    from indexer.build import check

    report = check(open_database(config), index_store(config))
    if as_json:
        print_json({**asdict(report), "clean": report.clean})
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
