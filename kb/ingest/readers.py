"""One reader per file format: bytes in, decoded text and the metadata the file states out.

Readers are pure functions of the file's bytes; ``sources.read_file`` does the checks
common to every file (size, emptiness, hash) and builds the ``RawDocument``.
"""

from __future__ import annotations

import datetime as dt
import io
import logging
import re
import zipfile
import zlib
from collections.abc import Iterator
from typing import NamedTuple

import docx
import yaml
from docx.document import Document as DocxDocument
from docx.opc.exceptions import PackageNotFoundError
from docx.table import Table
from lxml import etree
from lxml import html as lxml_html

from kb.errors import EmptyFile, FileTooLarge, IngestError, UndecodableFile, UnsupportedFile
from kb.ingest.decode import decode_text
from kb.limits import Limits, megabytes

log = logging.getLogger(__name__)
DEFAULT = Limits()


class Extracted(NamedTuple):
    """What a reader got out of one file's bytes."""

    encoding: str | None
    original: str
    body: str
    stated: dict[str, object]
    warnings: tuple[str, ...] = ()


def read_text(data: bytes, limits: Limits = DEFAULT) -> Extracted:
    """Read a plain-text file: the whole decoded text is the body."""
    decoded = decode_text(data)
    return Extracted(decoded.encoding, decoded.text, decoded.text, {}, decoded.warnings)


# --- Markdown ---------------------------------------------------------------------------

_STATED_KEYS = {
    **{key: key for key in ("title", "date", "region", "type", "source", "tags", "author")},
    **{"标题": "title", "日期": "date", "地区": "region", "类型": "type"},
    **{"来源": "source", "标签": "tags", "作者": "author"},
}
_FENCES = ("---", "...")
MAX_FRONT_MATTER = 20_000
"""Characters of YAML front matter read at most: a title, a date and a few tags need far
fewer."""
_TAG_SEPARATORS = re.compile(r"[,，、;；]")


def read_markdown(data: bytes, limits: Limits = DEFAULT) -> Extracted:
    """Read a Markdown file; YAML front matter at the very top goes to ``stated``."""
    decoded = decode_text(data)
    text = decoded.text
    front, body = split_front_matter(text)
    stated = parse_front_matter(front) if front is not None else {}
    if text.strip() and not body.strip():
        raise EmptyFile("文件除 YAML 头信息外没有正文")
    return Extracted(decoded.encoding, text, body, stated, decoded.warnings)


def split_front_matter(text: str) -> tuple[str | None, str]:
    """Split ``---``-fenced YAML at the top of a Markdown text from the body after it.

    ``"---\\ntitle: 标题\\n---\\n正文"`` ⇒ ``("title: 标题\\n", "正文")``; no front matter ⇒
    ``(None, text)``.
    """
    lines = text.splitlines(keepends=True)
    if not lines or lines[0].rstrip() != "---":
        return None, text
    for index, line in enumerate(lines[1:], start=1):
        if line.rstrip() in _FENCES:
            return "".join(lines[1:index]), "".join(lines[index + 1 :])
    raise IngestError("YAML 头信息格式错误：缺少结束行 ---")


def parse_front_matter(front: str) -> dict[str, object]:
    """Parse front matter into the ``stated`` keys kb knows, ignoring the others.

    ``date`` stays a ``datetime.date`` when YAML reads it as one; ``tags`` becomes a list.
    """
    if len(front) > MAX_FRONT_MATTER:
        raise IngestError(f"YAML 头信息过长（超过 {MAX_FRONT_MATTER:,} 字）")
    try:
        loaded = yaml.load(front, Loader=FrontMatterLoader)  # a safe loader (no aliases)
    except yaml.YAMLError as exc:
        raise IngestError(f"YAML 头信息格式错误：{_describe_yaml_error(exc)}") from None
    except ValueError as exc:  # a timestamp YAML recognises but cannot build, e.g. 2022-13-01
        raise IngestError(f"YAML 头信息格式错误：无效的日期（{exc}）") from None
    if loaded is None:
        return {}
    if not isinstance(loaded, dict):
        raise IngestError("YAML 头信息格式错误：应为“键: 值”的形式")
    stated: dict[str, object] = {}
    for key, value in loaded.items():
        name = _STATED_KEYS.get(str(key).strip().lower())
        if name is None or value is None:
            continue
        converted = _stated_value(name, value)
        if converted not in ("", []):
            stated[name] = converted
    return stated


class FrontMatterLoader(yaml.SafeLoader):
    """YAML's safe loader without aliases: front matter has no use for ``&a``/``*a``,
    and nested aliases are how a few hundred bytes expand into gigabytes."""

    def compose_node(self, parent: yaml.Node | None, index: object) -> yaml.Node | None:
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            raise yaml.composer.ComposerError(
                None, None, "不支持 YAML 别名（*name）", event.start_mark
            )
        return super().compose_node(parent, index)  # type: ignore[no-any-return]


def _stated_value(name: str, value: object) -> object:
    if name == "date":
        if isinstance(value, dt.datetime):
            return value.date()
        return value if isinstance(value, dt.date) else str(value).strip()
    if name == "tags":
        items = _TAG_SEPARATORS.split(value) if isinstance(value, str) else value
        if not isinstance(items, list | tuple):
            items = [items]
        return [str(item).strip() for item in items if item is not None and str(item).strip()]
    return str(value).strip()


def _describe_yaml_error(exc: yaml.YAMLError) -> str:
    mark = getattr(exc, "problem_mark", None)
    problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
    if mark is None:
        return problem
    # +1 for the 0-based line, +1 for the opening --- fence
    return f"第 {mark.line + 2} 行：{problem}"


# --- HTML -------------------------------------------------------------------------------

_META_CHARSET = re.compile(rb"""<meta[^>]*?charset\s*=\s*["']?\s*([\w.:-]+)""", re.IGNORECASE)
_XML_DECLARATION = re.compile(r"\A\s*<\?xml[^>]*\?>")
_PRUNED = ("script", "style", "noscript", "template", "nav", "header", "footer", "aside")
_TRAFILATURA_PRUNE = [
    "//nav",
    "//aside",
    "//header[not(ancestor::article)]",
    "//footer[not(ancestor::article)]",
]
"""Page chrome removed before extraction: on a small page trafilatura otherwise falls back
to the whole body, navigation included."""
_BLOCKS = frozenset(
    {"address", "article", "blockquote", "br", "dd", "div", "dl", "dt", "figcaption", "figure"}
    | {"h1", "h2", "h3", "h4", "h5", "h6", "hr", "li", "main", "ol", "p", "pre", "section"}
    | {"table", "td", "th", "tr", "ul"}
)


def read_html(data: bytes, limits: Limits = DEFAULT) -> Extracted:
    """Read a saved web page: its main text only, with title, date and author it states."""
    match = _META_CHARSET.search(data[:4096])
    declared = match.group(1).decode("ascii", "replace") if match else None
    decoded = decode_text(data, declared=declared)
    page, encoding = decoded.text, decoded.encoding
    if not page.strip():
        return Extracted(encoding, page, "", {})
    import trafilatura  # here: its import costs ~80 ms that serving and searching never need

    extracted = trafilatura.bare_extraction(
        page,
        output_format="python",
        include_comments=False,
        include_tables=True,
        favor_recall=True,
        with_metadata=True,
        prune_xpath=_TRAFILATURA_PRUNE,
        date_extraction_params={"extensive_search": False, "original_date": True},
    )
    body: str | None = extracted.text if extracted is not None else None
    title: str | None = extracted.title if extracted is not None else None
    author: str | None = extracted.author if extracted is not None else None
    date: str | None = extracted.date if extracted is not None else None
    tree = _parse_html(page)
    # trafilatura drops author names that are not in Latin script
    title = title or _xpath_text(tree, "//title")
    author = author or _xpath_text(tree, "//meta[@name='author']/@content")
    stated: dict[str, object] = {
        key: value.strip()
        for key, value in (("title", title), ("date", date), ("author", author))
        if value and value.strip()
    }
    if not (body and body.strip()) and tree is not None:
        body = html_body_text(tree)
    if not (body and body.strip()):
        raise EmptyFile("网页中没有提取到正文")
    return Extracted(encoding, page, body, stated, decoded.warnings)


def html_body_text(tree: lxml_html.HtmlElement) -> str:
    """Extract the ``<body>`` text without page chrome, one line per block element.

    The chrome is removed from ``tree`` in place.

    ``<body><nav>首页</nav><p>第一段</p><p>第二段</p></body>`` ⇒ ``"第一段\\n第二段"``.
    """
    body = tree.find("body")
    root = body if body is not None else tree
    # iterwalk skips comments, so drop them first; drop_tree keeps their tail text
    pruned = [f".//{tag}" for tag in _PRUNED] + [".//comment()", ".//processing-instruction()"]
    for element in root.xpath(" | ".join(pruned)):
        element.drop_tree()
    pieces: list[str] = []
    for event, element in etree.iterwalk(root, events=("start", "end")):
        if element.tag in _BLOCKS:
            pieces.append("\n")
        if event == "start":
            pieces.append(element.text or "")
        elif element is not root:
            pieces.append(element.tail or "")
    lines = (line.strip() for line in "".join(pieces).splitlines())
    return "\n".join(line for line in lines if line)


def _parse_html(page: str) -> lxml_html.HtmlElement | None:
    # lxml refuses str input that still carries an XML encoding declaration
    try:
        return lxml_html.document_fromstring(_XML_DECLARATION.sub("", page, count=1))
    except (etree.ParserError, ValueError):
        return None


def _xpath_text(tree: lxml_html.HtmlElement | None, path: str) -> str | None:
    if tree is None:
        return None
    for found in tree.xpath(path):
        text = found if isinstance(found, str) else found.text_content()
        if text.strip():
            return " ".join(text.split())
    return None


# --- .docx ------------------------------------------------------------------------------

_DOCX_ERRORS = (
    zipfile.BadZipFile,
    zlib.error,
    EOFError,
    KeyError,
    ValueError,
    PackageNotFoundError,
    etree.XMLSyntaxError,
)
_HEADING_STYLE = re.compile(r"^(heading|标题)\s*\d", re.IGNORECASE)
_PLACEHOLDER_AUTHORS = frozenset(
    {"python-docx", "administrator", "admin", "user", "微软用户", "微软中国", "unknown"}
)
"""Authors that tools write by default; they name no one and must not override detection."""


def read_docx(data: bytes, limits: Limits = DEFAULT) -> Extracted:
    """Read a Word document: paragraphs, ``## `` headings and ``|``-joined table rows."""
    check_docx_archive(data, max_unpacked=limits.max_unpacked_bytes)
    try:
        document = docx.Document(io.BytesIO(data))
        text = "\n".join(_docx_lines(document))
        properties = document.core_properties
        title, author = properties.title, properties.author
    except _DOCX_ERRORS:
        raise UndecodableFile(".docx 文件已损坏或不完整") from None
    except Exception as exc:  # python-docx's own errors: the file, not kb, is at fault
        log.warning("python-docx could not read a .docx", exc_info=True)
        problem = exc.__class__.__name__
        raise UndecodableFile(f".docx 文件无法读取（{problem}），可能已损坏") from None
    stated: dict[str, object] = {}
    if title and title.strip():
        stated["title"] = title.strip()
    if author and author.strip() and author.strip().lower() not in _PLACEHOLDER_AUTHORS:
        stated["author"] = author.strip()
    return Extracted(None, text, text, stated)


_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
"""Compound File (OLE2): Word 97–2003 files, and the wrapper of a password-protected .docx."""
_ZIP_METHODS = {zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED}
_METHOD_NAMES = {9: "Deflate64", 12: "bzip2", 14: "LZMA", 93: "Zstandard", 95: "XZ", 98: "PPMd"}
MAX_DOCX_PARTS = 10_000
_ENCRYPTED = ".docx 文件设置了打开密码（已加密），请在 Word 中取消密码后再导入"


def check_docx_archive(data: bytes, *, max_unpacked: int) -> None:
    """Refuse a .docx that is encrypted, compressed in a way Word does not write, or
    declares more unpacked bytes than ``max_unpacked`` (a zip bomb), before unpacking
    anything. Python's zipfile never inflates a part past its declared size."""
    if data.startswith(_OLE_MAGIC):
        if "EncryptedPackage".encode("utf-16-le") in data:
            raise UndecodableFile(_ENCRYPTED)
        raise UnsupportedFile("这是 Word 97–2003（.doc）格式的文件，请另存为 .docx 后再导入")
    try:
        parts = zipfile.ZipFile(io.BytesIO(data)).infolist()
    except (zipfile.BadZipFile, EOFError, ValueError, OSError):
        raise UndecodableFile(".docx 文件已损坏或不完整") from None
    if len(parts) > MAX_DOCX_PARTS:
        raise UndecodableFile(f".docx 文件包含 {len(parts):,} 个部件，不像 Word 文档")
    for part in parts:
        if part.flag_bits & 0x1:
            raise UndecodableFile(_ENCRYPTED)
        if part.compress_type not in _ZIP_METHODS:
            method = _METHOD_NAMES.get(part.compress_type, f"编号 {part.compress_type}")
            raise UndecodableFile(
                f".docx 文件使用了 Word 不用的压缩方式（{method}），请在 Word 中另存后再导入"
            )
    unpacked = sum(part.file_size for part in parts)
    if unpacked > max_unpacked:
        raise FileTooLarge(
            f".docx 解压后达 {megabytes(unpacked)} MB，超过 {megabytes(max_unpacked)} MB 的上限"
            "（可能是恶意的压缩炸弹）"
        )


def _docx_lines(document: DocxDocument) -> Iterator[str]:
    for block in document.iter_inner_content():
        if isinstance(block, Table):
            yield from _table_rows(block)
            continue
        style = block.style.name if block.style is not None else ""
        if block.text.strip() and _HEADING_STYLE.match(style or ""):
            yield f"## {block.text.strip()}"
        else:
            yield block.text


def _table_rows(table: Table) -> Iterator[str]:
    for row in table.rows:
        cells: list[str] = []
        previous = None
        for cell in row.cells:
            if cell._tc is previous:  # a merged cell is listed once per grid column
                continue
            previous = cell._tc
            cells.append(" ".join(cell.text.split()))
        if any(cells):
            yield " | ".join(cells)
