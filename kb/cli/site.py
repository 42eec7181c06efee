"""``kb serve`` and ``kb users add``: running the site and admitting its editors."""

from __future__ import annotations

import sys

import click

from kb.cli.common import open_database
from kb.config import Config
from kb.users import add_user


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=5000, show_default=True, type=click.IntRange(1, 65535))
@click.option(
    "--workers",
    type=click.IntRange(1, 64),
    help="Worker processes (default: one per core, at most 4).",
)
@click.option(
    "--threads",
    type=click.IntRange(1, 64),
    help="Threads per worker (default: 4).",
)
@click.pass_obj
def serve(config: Config, host: str, port: int, workers: int | None, threads: int | None) -> None:
    """Serve the site with gunicorn (worker processes with threads)."""
    from web.server import DEFAULT_THREADS, default_workers
    from web.server import serve as run_server

    count = workers or default_workers()

    def ready() -> None:
        click.echo(f"知识库网站已启动：http://{host}:{port}/  （{count} 个进程；Ctrl+C 停止）")

    run_server(
        config,
        host=host,
        port=port,
        workers=count,
        threads=threads or DEFAULT_THREADS,
        on_ready=ready,
    )


@click.group()
def users() -> None:
    """Editors who may log in to the site."""


@users.command(name="add")
@click.argument("name")
@click.option(
    "--password-stdin", is_flag=True, help="Read the password from standard input (scripts)."
)
@click.pass_obj
def add(config: Config, name: str, password_stdin: bool) -> None:
    """Create editor NAME (asks for the password twice)."""
    if password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    else:
        password = click.prompt("密码", hide_input=True, confirmation_prompt="再次输入密码")
    with open_database(config).session() as session:
        user = add_user(session, name, password)
        click.echo(f"已创建编辑账号“{user.name}”")
