"""The ``kb`` command line: a thin wrapper over kb's Python API.

Commands live by family in ``documents`` (ingest, show, list), ``search`` (search,
similar, index), ``tags``, ``packs`` (course packs) and ``site`` (serve, users);
``common`` holds what they share.
"""

from __future__ import annotations

from typing import Any

import click

from kb.cli import documents, packs, search, site, tags
from kb.config import SETTINGS, load_config
from kb.errors import KBError


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


for command in (
    documents.ingest,
    documents.show,
    documents.list_,
    search.search,
    search.similar,
    search.index,
    tags.tags,
    packs.pack,
    site.serve,
    site.users,
):
    main.add_command(command)
