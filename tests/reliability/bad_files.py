"""More than a hundred files an office could send kb, most of them broken.

Each is ``(name as bytes, content, expectation)``: ``rejected`` (with a reason that
contains the given words), ``added`` or ``either`` (both are acceptable; neither may
fail). Made here, deterministically, from the seeds and sentences written for the
purpose.
"""

from __future__ import annotations

import io
import random
import zipfile
from dataclasses import dataclass

import docx

from tests.conftest import seed_text

MB = 1024 * 1024
SETTINGS = {
    "KB_MAX_FILE_MB": "1",
    "KB_MAX_TEXT_CHARS": "200000",
    "KB_MAX_UNPACKED_MB": "20",
    "KB_INGEST_SECONDS": "40",
}
"""The limits the suite's instance runs with (small, so the files over them are small)."""

ARTICLE = (
    "中共某县委组织部推行“擂台比武”选拔年轻干部。\n"
    "全县120名年轻干部参加比武，18人走上乡镇领导岗位，选人用人公信度明显提升。\n"
    "下一步将把“擂台比武”与日常考核结合起来，形成常态长效机制。\n"
)


@dataclass(frozen=True)
class BadFile:
    name: bytes
    content: bytes
    expect: str
    """``rejected``, ``added`` or ``either``."""
    reason: str = ""
    """Words the rejection's reason must contain."""


def _article(number: int) -> str:
    return ARTICLE.replace("某县", f"第{number}县").replace("120", str(100 + number))


def _docx(lines: list[str]) -> bytes:
    document = docx.Document()
    for line in lines:
        document.add_paragraph(line)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _zip(parts: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def _patched(data: bytes, local: int, central: int, value: bytes, *, bits: bool = False) -> bytes:
    """Change a field of every zip header (local at ``local``, central at ``central``)."""
    out = bytearray(data)
    for header, offset in ((b"PK\x03\x04", local), (b"PK\x01\x02", central)):
        at = out.find(header)
        while at >= 0:
            if bits:
                out[at + offset] |= value[0]
            else:
                out[at + offset : at + offset + len(value)] = value
            at = out.find(header, at + 4)
    return bytes(out)


def _html(body: str, head: str = "") -> bytes:
    return f"<!doctype html><html><head>{head}</head><body>{body}</body></html>".encode()


def files() -> list[BadFile]:
    """The whole set (deterministic)."""
    rng = random.Random(15)
    good_docx = _docx(_article(1).splitlines())
    made: list[BadFile] = []

    def add(name: str | bytes, content: bytes, expect: str, reason: str = "") -> None:
        raw = name if isinstance(name, bytes) else name.encode()
        made.append(BadFile(raw, content, expect, reason))

    # empty and nearly empty
    for suffix in ("txt", "md", "html", "docx"):
        add(f"empty.{suffix}", b"", "rejected", "文件为空")
    add("blank.txt", " \n\t\r\n\u3000".encode(), "rejected")
    add("bom-only.txt", b"\xef\xbb\xbf", "rejected")
    add("one-letter.txt", b"a", "either")
    add("punctuation.txt", "。，、；：？！……——".encode(), "rejected")
    add("front-only.md", "---\ntitle: 只有头信息\n---\n".encode(), "rejected", "没有正文")

    # binary data under text names
    for size in (10, 1000, 100_000):
        for suffix in ("txt", "md", "html"):
            add(f"random-{size}.{suffix}", rng.randbytes(size), "rejected")
    add("png.txt", b"\x89PNG\r\n\x1a\n" + rng.randbytes(2000), "rejected")
    add("elf.txt", b"\x7fELF\x02\x01\x01" + bytes(200) + rng.randbytes(800), "rejected")
    add("gzip.html", b"\x1f\x8b\x08\x00" + rng.randbytes(3000), "rejected")
    add("pdf-bytes.txt", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n" + rng.randbytes(3000), "rejected")
    add("control.txt", bytes(rng.randint(1, 8) for _ in range(3000)), "rejected")

    # encodings
    text = _article(2)
    utf8 = text.encode("utf-8")
    add("gbk.txt", _article(3).encode("gbk"), "added")
    add("gb18030.txt", (_article(4) + "𠀀").encode("gb18030"), "added")
    add("big5.txt", seed_text(4)[:800].encode("big5", "replace"), "either")
    add("utf16-bom.txt", _article(5).encode("utf-16"), "added")
    add("utf16le-no-bom.txt", ("Title line\n" + _article(6)).encode("utf-16-le"), "either")
    add("utf16-odd.txt", _article(7).encode("utf-16")[:-1], "either")
    add("invalid-utf8.txt", utf8[:60] + b"\xff\xfe\xfd" + utf8[60:] * 3, "rejected")
    add("mixed-gbk-utf8.txt", _article(8).encode("gbk") + _article(9).encode("utf-8"), "either")
    add("stray-nul.txt", utf8 + b"\x00" + utf8 * 3, "added")
    add("many-nul.txt", b"\x00".join(utf8[i : i + 3] for i in range(0, len(utf8), 3)), "either")
    add("overlong-utf8.txt", b"\xc0\xaf" * 50 + utf8, "either")
    add("bom-then-gbk.txt", b"\xef\xbb\xbf" + _article(10).encode("gbk"), "rejected", "UTF-8")
    add("latin1.txt", "Organisation café Überblick ".encode("latin-1") * 20, "either")
    add("shift-jis.txt", "組織の仕事について説明します。".encode("shift_jis") * 10, "either")
    add("crlf.txt", _article(11).replace("\n", "\r\n").encode(), "added")
    add("cr-only.txt", _article(12).replace("\n", "\r").encode(), "added")
    add("emoji.txt", "😀🎉👍".encode() * 50, "either")
    add("arabic.txt", "العمل التنظيمي في الحزب ".encode() * 30, "either")

    # over the limits
    add("over-size.txt", ("组织工作。" * 80_000).encode(), "rejected", "超过大小上限")
    add("over-text.txt", ("干部" * 110_000).encode(), "rejected", "正文超过")
    add("long-line.txt", ("很长的一行没有换行" * 9_000).encode(), "either")

    # .docx
    add("good.docx", good_docx, "added")
    add("truncated.docx", good_docx[: len(good_docx) // 2], "rejected", "损坏")
    add("cut-tail.docx", good_docx[:-30], "rejected", "损坏")
    add("random.docx", rng.randbytes(3000), "rejected", "损坏")
    add("text-named.docx", utf8, "rejected", "损坏")
    add("no-document.docx", _zip({"hello.txt": b"x"}), "rejected")
    add(
        "bomb.docx",
        _zip({"word/document.xml": b"<w:t>" + b"0" * (25 * MB) + b"</w:t>"}),
        "rejected",
        "压缩炸弹",
    )
    huge_text = "<w:document><w:body>" + "<w:p><w:r><w:t>干部干部干部</w:t></w:r></w:p>" * 120_000
    add(
        "huge-text.docx",
        _zip({"[Content_Types].xml": b"", "word/document.xml": huge_text.encode()}),
        "rejected",
    )
    add("zip-encrypted.docx", _patched(good_docx, 6, 8, b"\x01", bits=True), "rejected", "密码")
    ole = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600)
    add(
        "password.docx",
        ole + "EncryptedPackage".encode("utf-16-le") + bytes(600),
        "rejected",
        "密码",
    )
    add("word97.docx", ole + bytes(3000), "rejected", ".doc")
    add(
        "deflate64.docx",
        _patched(good_docx, 8, 10, (9).to_bytes(2, "little")),
        "rejected",
        "Deflate64",
    )
    broken_xml = _zip({"[Content_Types].xml": b"<Types", "word/document.xml": b"<w:document"})
    add("bad-xml.docx", broken_xml, "rejected")
    add("empty-paragraphs.docx", _docx([""] * 2000), "rejected")
    entities = (
        '<!DOCTYPE w:document [<!ENTITY a "哈哈哈哈哈哈哈哈哈哈">'
        + "".join(f'<!ENTITY {chr(98 + i)} "{("&" + chr(97 + i) + ";") * 10}">' for i in range(8))
        + "]>"
    )
    laughs = _zip(
        {
            "[Content_Types].xml": zipfile.ZipFile(io.BytesIO(good_docx)).read(
                "[Content_Types].xml"
            ),
            "word/document.xml": (
                entities + "<w:document><w:body><w:p><w:r><w:t>&i;</w:t>"
                "</w:r></w:p></w:body></w:document>"
            ).encode(),
        }
    )
    add("billion-laughs.docx", laughs, "rejected")
    add("table-only.docx", _docx(["| 甲 | 乙 |"] * 50), "either")

    # HTML
    add("scripts-only.html", _html("<script>var a = 1;</script>" * 50), "rejected")
    add("styles-only.html", _html("", "<style>body{color:red}</style>"), "rejected")
    add("chrome-only.html", _html("<nav>首页 | 要闻</nav><footer>版权所有</footer>"), "either")
    nested = "<div>" * 5000 + _article(13) + "</div>" * 5000
    add("deeply-nested.html", _html(nested), "either")
    add("charset-lies.html", _html(f"<p>{_article(14)}</p>", '<meta charset="big5">'), "added")
    add("unclosed.html", f"<html><body><p>{_article(15)}<div><span>".encode(), "either")
    add("comments-only.html", _html("<!-- " + _article(16) + " -->"), "rejected")
    add(
        "iframe.html",
        _html('<iframe src="https://x.example"></iframe><object data="x"></object>'),
        "rejected",
    )
    add("big-attribute.html", _html(f'<p title="{"x" * 500_000}">{_article(17)}</p>'), "either")
    add("xss-page.html", _html(f"<script>alert(1)</script><p>{_article(18)}</p>"), "added")
    add(
        "xml-declaration.html",
        b'<?xml version="1.0" encoding="gbk"?>' + _html(f"<p>{_article(19)}</p>"),
        "either",
    )
    add("frameset.html", b"<html><frameset><frame src='a.html'></frameset></html>", "rejected")
    laughs = (
        '<!DOCTYPE x [<!ENTITY a "哈哈哈哈哈哈哈哈哈哈">'
        + "".join(f'<!ENTITY {chr(98 + i)} "{("&" + chr(97 + i) + ";") * 10}">' for i in range(8))
        + "]>"
    )
    add(
        "billion-laughs.html",
        (laughs + f"<html><body><p>&i;{_article(20)}</p></body></html>").encode(),
        "either",
    )
    add("cdata.html", _html(f"<![CDATA[{_article(21)}]]>"), "either")
    add("only-tags.html", b"<html><body>" + b"<br>" * 10_000 + b"</body></html>", "rejected")

    # Markdown front matter
    body = "\n" + _article(22)
    for name, front, expect in [
        ("unclosed-front.md", "---\ntitle: 没有结尾\n", "rejected"),
        ("tabs.md", "---\ntitle:\t标题\n\tdate: 2020-01-01\n---", "rejected"),
        ("bad-date.md", "---\ndate: 2022-13-01\n---", "rejected"),
        ("list-root.md", "---\n- a\n- b\n---", "rejected"),
        ("scalar-root.md", "---\n就是一句话\n---", "rejected"),
        ("python-tag.md", "---\ntitle: !!python/object/apply:os.system ['true']\n---", "rejected"),
        ("title-list.md", "---\ntitle: [一, 二]\n---", "either"),
        ("duplicate-keys.md", "---\ntitle: 甲\ntitle: 乙\n---", "either"),
        ("deep-nesting.md", "---\ntitle: " + "[" * 5000 + "]" * 5000 + "\n---", "rejected"),
        ("long-title.md", "---\ntitle: " + "长" * 10_000 + "\n---", "either"),
        ("number-date.md", "---\ndate: 20200101\n---", "either"),
        ("bom-front.md", "\ufeff---\ntitle: 带BOM\n---", "either"),
        ("unknown-keys.md", "---\nfoo: bar\n标签: 擂台比武，年轻干部\n---", "added"),
    ]:
        add(name, (front + body).encode(), expect)
    alias = ['a: &a ["哈", "哈", "哈", "哈", "哈", "哈", "哈", "哈", "哈"]']
    for level in "bcdefghi":
        prev = chr(ord(level) - 1)
        alias.append(f"{level}: &{level} [*{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}]")
    add(
        "alias-bomb.md",
        ("---\n" + "\n".join(alias) + "\ntitle: *i\n---" + body).encode(),
        "rejected",
        "别名",
    )

    # names
    for number, name in enumerate(
        [
            "名 字 带 空格.txt",
            "通知（2023）第1号.txt",
            "通知（2023）第1号.TXT",
            "a\nnewline.txt",
            "x" * 200 + ".txt",
            "semi;colon&amp'quote\".txt",
            "<img src=x onerror=alert(1)>.txt",
            "%2e%2e%2fescape.txt",
        ]
    ):
        add(name, _article(30 + number).encode(), "added")
    add("通知（GBK名）.txt".encode("gbk"), _article(40).encode(), "added")
    add("組織工作.txt".encode("big5"), _article(41).encode(), "added")
    add(b"caf\xe9-latin1.txt", _article(42).encode(), "added")
    add(b"\xff\xfe-invalid.txt", _article(43).encode(), "added")

    # unsupported types
    for name in (
        "scan.pdf",
        "old.doc",
        "notice.wps",
        "tool.exe",
        "archive.zip",
        "photo.jpg",
        "README",
    ):
        add(name, rng.randbytes(500), "rejected", "不支持")
    return made
