"""Tests for kb.ingest.sources and kb.ingest.readers, on real files in a temporary folder."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import os
import random
import zipfile
from pathlib import Path

import docx
import pytest
from lxml import html as lxml_html

from kb.errors import EmptyFile, FileTooLarge, IngestError, UndecodableFile, UnsupportedFile
from kb.ingest.readers import html_body_text
from kb.ingest.sources import find_files, read_file
from kb.limits import Limits
from tests.conftest import seed_text

MB = 1024 * 1024
LIMIT = 20 * MB


def _write(path: Path, data: bytes | str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(data, str):
        data = data.encode("utf-8")
    path.write_bytes(data)
    return path


def _read(path: Path, max_bytes: int = LIMIT):
    return read_file(str(path), path, limits=Limits(max_bytes=max_bytes))


# --- find_files -------------------------------------------------------------------------


def test_find_files_expands_folders_sorted_and_skips_hidden(tmp_path: Path) -> None:
    for name in [
        "b.txt",
        "a.md",
        "sub/z.docx",
        "sub/deeper/c.html",
        "scan.pdf",
        ".hidden.txt",
        ".git/config.txt",
        "sub/.cache/x.txt",
        "sub/~$z.docx",
    ]:
        _write(tmp_path / "docs" / name, "内容")
    root = tmp_path / "docs"
    found = find_files([root])
    assert [path.relative_to(root).as_posix() for _, path in found] == [
        "a.md",
        "b.txt",
        "scan.pdf",
        "sub/deeper/c.html",
        "sub/z.docx",
    ]
    assert all(source == str(path) for source, path in found)


def test_find_files_keeps_given_files_and_missing_paths_as_given(tmp_path: Path) -> None:
    given = _write(tmp_path / "one.txt", "内容")
    folder = tmp_path / "folder"
    _write(folder / "two.txt", "内容")
    missing = str(tmp_path / "missing.txt")
    found = find_files([str(given), missing, folder, str(given)])
    assert found == [
        (str(given), given),
        (missing, Path(missing)),
        (str(folder / "two.txt"), folder / "two.txt"),
    ]


# --- text files in every encoding -------------------------------------------------------


@pytest.mark.parametrize(
    ("number", "codec", "reported"),
    [
        *[(n, "utf-8", "utf-8") for n in range(5)],
        *[(n, "utf-8-sig", "utf-8-sig") for n in range(5)],
        *[(n, "utf-16", "utf-16") for n in range(5)],
        *[(n, "gb18030", "gb18030") for n in range(5)],
        (4, "big5", "big5"),
    ],
)
def test_text_file_in_any_encoding_reads_as_the_seed(
    tmp_path: Path, number: int, codec: str, reported: str
) -> None:
    text = seed_text(number)
    data = text.encode(codec)
    path = _write(tmp_path / f"seed{number}.txt", data)
    raw = _read(path)
    assert (raw.body, raw.original, raw.encoding) == (text, text, reported)
    assert (raw.source, raw.file_format, raw.stated) == (str(path), "txt", {})
    assert raw.raw_hash == hashlib.sha256(data).hexdigest()


def test_suffix_is_case_insensitive(tmp_path: Path) -> None:
    path = _write(tmp_path / "SEED.TXT", seed_text(0))
    assert _read(path).file_format == "txt"


# --- HTML -------------------------------------------------------------------------------

NOISE = ["首頁導航", "範文大全", "菜單腳本", "側欄推薦", "版權所有", "頁尾統計"]


def _page(paragraphs: list[str], charset: str) -> str:
    body = "\n".join(f"<p>{p}</p>" for p in paragraphs)
    return f"""<!DOCTYPE html>
<html><head><meta charset="{charset}"><title>組織工作改革創新思考_範文網</title>
<meta property="og:title" content="組織工作改革創新思考">
<meta name="author" content="劉漢征">
<meta property="article:published_time" content="2022-10-16T11:44:00+08:00">
<script>var menu = "菜單腳本";</script><style>p {{ margin: 0 }}</style></head>
<body>
<header><nav><ul>
<li><a href="/">首頁導航</a></li><li><a href="/fw">範文大全</a></li>
</ul></nav></header>
<div class="main"><article><h1>組織工作改革創新思考</h1>
{body}
</article></div>
<aside><h3>側欄推薦</h3><ul><li><a href="/x">推薦文章</a></li></ul></aside>
<footer><p>版權所有 2022 範文網</p></footer>
<script>console.log("頁尾統計")</script>
</body></html>"""


@pytest.mark.parametrize(
    ("number", "codec", "charset", "reported"),
    [
        (1, "utf-8", "utf-8", "utf-8"),
        (4, "utf-8", "utf-8", "utf-8"),
        (1, "gb18030", "gbk", "gb18030"),
        (4, "big5", "big5", "big5"),
        (4, "big5", "utf-8", "big5"),  # a wrong declaration falls back to detection
    ],
)
def test_html_page_yields_main_text_without_noise(
    tmp_path: Path, number: int, codec: str, charset: str, reported: str
) -> None:
    paragraphs = [line for line in seed_text(number).splitlines() if line.strip()]
    page = _page(paragraphs, charset)
    path = _write(tmp_path / "page.html", page.encode(codec))
    raw = _read(path)
    assert (raw.file_format, raw.encoding, raw.original) == ("html", reported, page)
    for paragraph in paragraphs:
        assert paragraph in raw.body.splitlines()
    for noise in NOISE:
        assert noise not in raw.body
    assert raw.stated == {"title": "組織工作改革創新思考", "date": "2022-10-16", "author": "劉漢征"}


@pytest.mark.parametrize(
    ("page", "body"),
    [
        ("<html><body><p>只有一句话。</p></body></html>", "只有一句话。"),
        (
            "<html><body><nav>首页</nav><div>第一段<!-- x -->正文<br>第二行</div>"
            "<footer>版权</footer><script>var x;</script></body></html>",
            "第一段正文\n第二行",
        ),
        (
            "<ul><li>一、加强组织建设</li><li>二、培养干部</li></ul>",
            "一、加强组织建设\n二、培养干部",
        ),
    ],
)
def test_small_page_text(tmp_path: Path, page: str, body: str) -> None:
    assert html_body_text(lxml_html.document_fromstring(page)) == body
    assert _read(_write(tmp_path / "small.htm", page)).body == body


def test_page_with_only_chrome_is_empty(tmp_path: Path) -> None:
    page = "<html><head><title>标题</title></head><body><nav>首页</nav><script>x</script></body>"
    with pytest.raises(EmptyFile):
        _read(_write(tmp_path / "chrome.html", page))


def test_xhtml_with_encoding_declaration(tmp_path: Path) -> None:
    page = (
        '<?xml version="1.0" encoding="gb2312"?>\n'
        '<html><head><meta http-equiv="Content-Type" content="text/html; charset=gb2312">'
        "<title>组织工作</title></head><body><p>第一，要推进思想解放，树立创新理念。</p></body></html>"
    )
    raw = _read(_write(tmp_path / "old.htm", page.encode("gb2312")))
    assert raw.encoding == "gb18030"
    assert raw.body == "第一，要推进思想解放，树立创新理念。"
    assert raw.stated["title"] == "组织工作"


# --- .docx ------------------------------------------------------------------------------


def _docx_bytes(lines: list[str], *, title: str = "", author: str = "python-docx") -> bytes:
    document = docx.Document()
    for line in lines:
        document.add_paragraph(line)
    document.core_properties.title = title
    document.core_properties.author = author
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


@pytest.mark.parametrize("number", range(5))
def test_docx_round_trip(tmp_path: Path, number: int) -> None:
    lines = seed_text(number).rstrip("\n").split("\n")
    path = _write(tmp_path / "seed.docx", _docx_bytes(lines))
    raw = _read(path)
    assert raw.body == raw.original == "\n".join(lines)
    assert (raw.file_format, raw.encoding, raw.stated) == ("docx", None, {})


def test_docx_headings_tables_and_properties(tmp_path: Path) -> None:
    document = docx.Document()
    document.add_heading("一、基本情况", level=1)
    document.add_paragraph("全市共有党员三万名。")
    table = document.add_table(rows=2, cols=3)
    for row, values in zip(
        table.rows, [("单位", "党员", "支部"), ("即墨", "120", "8")], strict=True
    ):
        for cell, value in zip(row.cells, values, strict=True):
            cell.text = value
    merged = document.add_table(rows=1, cols=3)
    merged.cell(0, 0).merge(merged.cell(0, 1)).text = "合并"
    merged.cell(0, 2).text = "单独"
    document.add_paragraph("")
    document.core_properties.title = "组织工作总结"
    document.core_properties.author = "组织部"
    buffer = io.BytesIO()
    document.save(buffer)
    raw = _read(_write(tmp_path / "report.docx", buffer.getvalue()))
    assert raw.body.split("\n") == [
        "## 一、基本情况",
        "全市共有党员三万名。",
        "单位 | 党员 | 支部",
        "即墨 | 120 | 8",
        "合并 | 单独",
        "",
    ]
    assert raw.stated == {"title": "组织工作总结", "author": "组织部"}


@pytest.mark.parametrize(
    "damage",
    [
        pytest.param(lambda data: data[: len(data) // 2], id="truncated"),
        pytest.param(lambda data: data[:-30], id="cut-tail"),
        pytest.param(lambda data: "不是压缩包".encode() * 20, id="text-renamed"),
        pytest.param(lambda data: random.Random(1).randbytes(3000), id="random"),
    ],
)
def test_damaged_docx(tmp_path: Path, damage) -> None:
    data = damage(_docx_bytes(["第一段。", "第二段。"]))
    with pytest.raises(UndecodableFile, match=r"^\.docx 文件已损坏或不完整$"):
        _read(_write(tmp_path / "broken.docx", data))


# --- Markdown ---------------------------------------------------------------------------

BODY = "# 组织工作\n\n第一段正文。\n"


@pytest.mark.parametrize(
    ("front", "stated"),
    [
        (
            "title: 改革创新思考\ndate: 2022-10-16\ntags: [干部工作, 基层党建]\n",
            {
                "title": "改革创新思考",
                "date": dt.date(2022, 10, 16),
                "tags": ["干部工作", "基层党建"],
            },
        ),
        (
            "title: 2023\ndate: 2022-10-16 11:44:00\n"
            "tags: 干部工作，基层党建, 人才\nregion: 即墨\n",
            {
                "title": "2023",
                "date": dt.date(2022, 10, 16),
                "tags": ["干部工作", "基层党建", "人才"],
                "region": "即墨",
            },
        ),
        (
            "date: '2022年10月'\ntype: policy\nsource: 人民网\nauthor: 刘汉征\nlayout: post\n",
            {"date": "2022年10月", "type": "policy", "source": "人民网", "author": "刘汉征"},
        ),
        ("标题: 中文键\n标签: 党建\n作者:\n", {"title": "中文键", "tags": ["党建"]}),
        ("", {}),
    ],
)
def test_markdown_front_matter(tmp_path: Path, front: str, stated: dict[str, object]) -> None:
    text = f"---\n{front}---\n{BODY}"
    raw = _read(_write(tmp_path / "doc.md", text))
    assert (raw.file_format, raw.original, raw.body, raw.stated) == ("md", text, BODY, stated)


@pytest.mark.parametrize("suffix", [".md", ".markdown"])
def test_markdown_without_front_matter(tmp_path: Path, suffix: str) -> None:
    text = "组织工作\n---\n正文"
    raw = _read(_write(tmp_path / f"doc{suffix}", text.encode("gb18030")))
    assert (raw.body, raw.stated, raw.encoding) == (text, {}, "gb18030")


@pytest.mark.parametrize(
    ("front", "detail"),
    [
        ("title: a: b\n", "第 2 行：mapping values are not allowed here"),
        ("title: [未闭合\n", "expected ',' or ']'"),
        ("title: 标题\n  bad: indent\n", "第 3 行"),
        ("- 一\n- 二\n", "键: 值"),
        ("date: 2022-13-45\n", "无效的日期"),
    ],
)
def test_malformed_front_matter(tmp_path: Path, front: str, detail: str) -> None:
    path = _write(tmp_path / "bad.md", f"---\n{front}---\n{BODY}")
    with pytest.raises(IngestError, match=r"^YAML 头信息格式错误：") as excinfo:
        _read(path)
    assert detail in str(excinfo.value)
    assert "\n" not in str(excinfo.value)


def test_front_matter_without_closing_fence(tmp_path: Path) -> None:
    with pytest.raises(IngestError, match="缺少结束行"):
        _read(_write(tmp_path / "open.md", f"---\ntitle: 标题\n{BODY}"))


def test_front_matter_without_body_is_empty(tmp_path: Path) -> None:
    with pytest.raises(EmptyFile):
        _read(_write(tmp_path / "only.md", "---\ntitle: 标题\n---\n\n"))


# --- files kb refuses -------------------------------------------------------------------


@pytest.mark.parametrize("suffix", [".txt", ".md", ".html", ".docx"])
@pytest.mark.parametrize(
    ("data", "message"),
    [(b"", "文件为空"), (b"  \n\t\r\n \xe3\x80\x80\n", None)],
    ids=["empty", "whitespace"],
)
def test_empty_files(tmp_path: Path, suffix: str, data: bytes, message: str | None) -> None:
    path = _write(tmp_path / f"empty{suffix}", data)
    error = UndecodableFile if suffix == ".docx" and data else EmptyFile
    with pytest.raises(error) as excinfo:
        _read(path)
    if message:
        assert str(excinfo.value) == message


@pytest.mark.parametrize("suffix", [".txt", ".md", ".html"])
def test_binary_file(tmp_path: Path, suffix: str) -> None:
    data = b"\x89PNG\r\n\x1a\n" + random.Random(7).randbytes(4096)
    with pytest.raises(UndecodableFile, match="无法识别文件编码"):
        _read(_write(tmp_path / f"image{suffix}", data))


def test_large_file_is_rejected_before_reading(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "huge.txt"
    with path.open("wb") as file:
        file.truncate(50 * MB)  # sparse: no 50 MB written to disk

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("the file was opened")

    monkeypatch.setattr(Path, "open", refuse)
    monkeypatch.setattr(Path, "read_bytes", refuse)
    with pytest.raises(FileTooLarge) as excinfo:
        _read(path, max_bytes=LIMIT)
    assert str(excinfo.value) == "文件超过大小上限 20 MB（实际 50.0 MB）"


def test_file_at_the_limit_is_read(tmp_path: Path) -> None:
    data = seed_text(0).encode()
    raw = _read(_write(tmp_path / "exact.txt", data), max_bytes=len(data))
    assert raw.body == seed_text(0)


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("scan.pdf", "不支持的文件类型 .pdf（支持 .txt、.md、.markdown、.html、.htm、.docx）"),
        ("old.doc", "不支持的文件类型 .doc（支持 .txt、.md、.markdown、.html、.htm、.docx）"),
        ("README", "不支持没有扩展名的文件（支持 .txt、.md、.markdown、.html、.htm、.docx）"),
    ],
)
def test_unsupported_suffix(tmp_path: Path, name: str, message: str) -> None:
    with pytest.raises(UnsupportedFile) as excinfo:
        _read(_write(tmp_path / name, "内容"))
    assert str(excinfo.value) == message


def test_missing_path_fails_at_read_time(tmp_path: Path) -> None:
    ((source, path),) = find_files([tmp_path / "missing.txt"])
    with pytest.raises(IngestError, match=r"^文件不存在$"):
        read_file(source, path)


def test_folder_with_a_file_suffix(tmp_path: Path) -> None:
    folder = tmp_path / "notes.txt"
    folder.mkdir()
    with pytest.raises(IngestError, match="不是普通文件"):
        _read(folder)


# --- hostile and odd files ----------------------------------------------------------------


def _zip_bytes(parts: dict[str, bytes], *, method: int = zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=method) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def test_a_docx_that_unpacks_past_the_limit_is_refused_before_unpacking(tmp_path: Path) -> None:
    bomb = _zip_bytes({"word/document.xml": b"<w:t>" + b"0" * (3 * MB) + b"</w:t>"})
    assert len(bomb) < 50_000  # small on disk, megabytes inside
    path = _write(tmp_path / "bomb.docx", bomb)
    with pytest.raises(
        FileTooLarge, match=r"解压后达 3.0 MB，超过 2 MB 的上限（可能是恶意的压缩炸弹）"
    ):
        read_file(str(path), path, limits=Limits(max_unpacked_bytes=2 * MB))


def test_an_encrypted_docx_says_so(tmp_path: Path) -> None:
    # what Word writes for "encrypt with password": an OLE2 file with an EncryptedPackage
    ole = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(500) + "EncryptedPackage".encode("utf-16-le")
    path = _write(tmp_path / "secret.docx", ole + bytes(500))
    with pytest.raises(UndecodableFile, match="设置了打开密码"):
        _read(path)
    # and a zip whose parts carry the encryption flag
    data = bytearray(_docx_bytes(["正文。"]))
    for header in (b"PK\x03\x04", b"PK\x01\x02"):
        at = data.find(header)
        while at >= 0:
            flag = at + (6 if header == b"PK\x03\x04" else 8)
            data[flag] |= 0x1
            at = data.find(header, at + 4)
    path = _write(tmp_path / "zip-encrypted.docx", bytes(data))
    with pytest.raises(UndecodableFile, match="设置了打开密码"):
        _read(path)


def test_a_word_97_file_named_docx_says_what_it_is(tmp_path: Path) -> None:
    path = _write(tmp_path / "old.docx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(2000))
    with pytest.raises(UnsupportedFile, match=r"Word 97–2003（\.doc）"):
        _read(path)


def test_a_docx_compressed_with_deflate64_is_refused_with_the_reason(tmp_path: Path) -> None:
    data = bytearray(_docx_bytes(["正文。"]))
    for header, offset in ((b"PK\x03\x04", 8), (b"PK\x01\x02", 10)):
        at = data.find(header)
        while at >= 0:
            data[at + offset : at + offset + 2] = (9).to_bytes(2, "little")  # Deflate64
            at = data.find(header, at + 4)
    path = _write(tmp_path / "deflate64.docx", bytes(data))
    with pytest.raises(UndecodableFile, match="Deflate64"):
        _read(path)


def test_yaml_aliases_are_refused_before_they_expand(tmp_path: Path) -> None:
    lines = ['a: &a ["笑", "笑", "笑", "笑", "笑", "笑", "笑", "笑", "笑"]']
    for level in "bcdefghi":
        previous = chr(ord(level) - 1)
        lines.append(f"{level}: &{level} [*{previous}, *{previous}, *{previous}, *{previous}]")
    lines.append("title: *i")
    path = _write(tmp_path / "bomb.md", "---\n" + "\n".join(lines) + "\n---\n正文。\n")
    with pytest.raises(IngestError, match=r"YAML 头信息格式错误：第 3 行：不支持 YAML 别名"):
        _read(path)


def test_text_longer_than_the_limit_is_refused_with_both_lengths(tmp_path: Path) -> None:
    path = _write(tmp_path / "long.txt", "组织工作。" * 2_000)
    with pytest.raises(FileTooLarge, match=r"正文超过 5,000 字的上限（实际 10,000 字）"):
        read_file(str(path), path, limits=Limits(max_text_chars=5_000))


def test_stray_nul_bytes_are_removed_with_a_warning(tmp_path: Path) -> None:
    text = seed_text(1)
    data = text.encode("utf-8")
    middle = len(data) // 2
    middle -= next(i for i in range(4) if (data[middle - i] & 0xC0) != 0x80)  # a char start
    path = _write(tmp_path / "nul.txt", data[:middle] + b"\x00\x00" + data[middle:])
    raw = _read(path)
    assert raw.original == text
    assert raw.warnings == ("文件中有 2 个空字符（NUL），已删除",)


@pytest.mark.parametrize(
    ("name_bytes", "shown"),
    [
        ("通知（2023）.txt".encode("gbk"), "通知（2023）.txt"),
        ("組織工作.txt".encode("big5"), "組織工作.txt"),
        ("组织 工作.txt".encode(), "组织 工作.txt"),
        (b"caf\xe9.txt", "caf\\xe9.txt"),
    ],
)
def test_file_names_in_any_encoding_are_read_and_shown(
    tmp_path: Path, name_bytes: bytes, shown: str
) -> None:
    folder = tmp_path / "names"
    folder.mkdir()
    path = Path(os.fsdecode(os.fsencode(folder) + b"/" + name_bytes))
    path.write_bytes("中共某县委组织部推行“一定两评三公开”。".encode())
    ((source, found),) = find_files([folder])
    assert source.endswith("/" + shown)
    assert source.encode("utf-8")  # storable: no surrogates
    assert read_file(source, found).body.startswith("中共")
