"""Choose an export format by name or file suffix and run it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from kb.packs import PackError
from kb.packs.data import PackView
from kb.packs.export_docx import export_docx
from kb.packs.export_html import export_html
from kb.packs.export_markdown import export_markdown


@dataclass(frozen=True)
class Format:
    name: str
    suffixes: tuple[str, ...]
    media_type: str
    write: Callable[[PackView, dt.date], bytes]


FORMATS: dict[str, Format] = {
    f.name: f
    for f in (
        Format(
            "docx",
            (".docx",),
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            lambda view, today: export_docx(view, today=today),
        ),
        Format(
            "md",
            (".md", ".markdown"),
            "text/markdown; charset=utf-8",
            lambda view, today: export_markdown(view, today=today).encode("utf-8"),
        ),
        Format(
            "html",
            (".html", ".htm"),
            "text/html; charset=utf-8",
            lambda view, today: export_html(view, today=today).encode("utf-8"),
        ),
    )
}


def format_for(name: str | None, path: Path | None = None) -> Format:
    """The format called ``name``, or else the one ``path``'s suffix names."""
    if name is None and path is not None:
        suffix = path.suffix.lower()
        name = next((f.name for f in FORMATS.values() if suffix in f.suffixes), None)
        if name is None:
            raise PackError(f"无法从文件名“{path.name}”判断导出格式，请用 --format 指明")
    if name not in FORMATS:
        raise PackError(f"未知的导出格式“{name}”，可选：{'、'.join(FORMATS)}")
    return FORMATS[name]


def export_pack(view: PackView, fmt: str, *, today: dt.date) -> bytes:
    """The pack in format ``fmt`` (docx, md, html), as the bytes of a file."""
    return format_for(fmt).write(view, today)
