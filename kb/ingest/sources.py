"""Find the files to ingest and read each one into a ``RawDocument``.

    paths --find_files--> [(source, path)] --read_file--> RawDocument

``read_file`` is ``read_bytes`` (in the process that ingests) then ``raw_document`` (in
the child process that works under limits, :mod:`kb.ingest.process`). A source is the
path as a person reads it (file names in GBK or Big5 decoded as such); the file is
opened by its real path.

``find_files`` never fails on a bad path: the pipeline reports it per file, with the
reason ``read_file`` raises. The per-format readers live in ``kb.ingest.readers``.
"""

from __future__ import annotations

import hashlib
import os
import re
import stat
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from kb.errors import EmptyFile, FileTooLarge, IngestError, UnsupportedFile
from kb.ingest.decode import decode_name
from kb.ingest.document import RawDocument
from kb.ingest.readers import Extracted, read_docx, read_html, read_markdown, read_text
from kb.limits import MB, Limits, megabytes

DEFAULT_LIMITS = Limits()
_CONTROL = re.compile(r"[\x00-\x1f\x7f\ud800-\udfff]")

Reader = Callable[[bytes, Limits], Extracted]

READERS: dict[str, Reader] = {
    "txt": read_text,
    "md": read_markdown,
    "html": read_html,
    "docx": read_docx,
}
"""``RawDocument.file_format`` → the reader of that format."""
FORMATS: dict[str, str] = {
    ".txt": "txt",
    ".md": "md",
    ".markdown": "md",
    ".html": "html",
    ".htm": "html",
    ".docx": "docx",
}
"""Supported suffixes (lower case) → ``RawDocument.file_format``."""

_SKIPPED_PREFIXES = (".", "~$")
"""Hidden files and folders, and the lock files Word leaves beside an open document."""
MAX_SOURCE = 1024
"""Characters a document's source and source key may have (their database columns)."""


def find_files(paths: Iterable[str | Path]) -> list[tuple[str, Path]]:
    """Expand files and folders into ``(source, path)`` pairs, each file once.

    A folder is searched recursively in sorted order, skipping hidden files and folders;
    its files are listed whatever their suffix, so that unsupported ones are reported.
    A file, or a path that does not exist, is listed as given.
    """
    found: list[tuple[str, Path]] = []
    seen: set[Path] = set()
    for given in paths:
        path = Path(given)
        if path.is_dir():
            pairs: Iterable[tuple[str, Path]] = ((display_source(p), p) for p in _walk(path))
        else:
            pairs = [(display_source(given), path)]
        for source, file_path in pairs:
            key = file_path.resolve()
            if key not in seen:
                seen.add(key)
                found.append((source, file_path))
    return found


def _walk(root: Path) -> Iterator[Path]:
    files: list[Path] = []
    for folder, dirnames, filenames in os.walk(root):
        dirnames[:] = [name for name in dirnames if not name.startswith(_SKIPPED_PREFIXES)]
        files.extend(
            Path(folder, name) for name in filenames if not name.startswith(_SKIPPED_PREFIXES)
        )
    yield from sorted(files, key=lambda p: p.relative_to(root).parts)


def file_format(path: Path) -> str:
    """The format kb reads ``path`` as, by its suffix; raise UnsupportedFile otherwise."""
    suffix = path.suffix.lower()
    if suffix not in FORMATS:
        supported = "、".join(FORMATS)
        kind = f"不支持的文件类型 {readable(suffix)}" if suffix else "不支持没有扩展名的文件"
        raise UnsupportedFile(f"{kind}（支持 {supported}）")
    return FORMATS[suffix]


def read_file(source: str, path: Path, *, limits: Limits = DEFAULT_LIMITS) -> RawDocument:
    """Read one file into a ``RawDocument``, choosing the reader by its suffix.

    Raises an IngestError with a one-line Chinese message fit for the ingest report:
    UnsupportedFile, FileTooLarge (checked before reading), EmptyFile, UndecodableFile.
    """
    file_format_ = file_format(path)
    data = read_bytes(path, max_bytes=limits.max_bytes)
    return raw_document(source, file_format_, data, limits=limits)


def raw_document(
    source: str, file_format_: str, data: bytes, *, limits: Limits = DEFAULT_LIMITS
) -> RawDocument:
    """Read a file's bytes with the reader of its format, within ``limits``."""
    if not data:
        raise EmptyFile("文件为空")
    extracted = READERS[file_format_](data, limits)
    if not extracted.body.strip():
        raise EmptyFile("文件没有文字内容")
    if len(extracted.body) > limits.max_text_chars:
        raise FileTooLarge(
            f"正文超过 {limits.max_text_chars:,} 字的上限（实际 {len(extracted.body):,} 字），"
            "请拆分后再导入"
        )
    return RawDocument(
        source=source,
        file_format=file_format_,
        encoding=extracted.encoding,
        original=extracted.original,
        body=extracted.body,
        raw_hash=hashlib.sha256(data).hexdigest(),
        stated=extracted.stated,
        warnings=extracted.warnings,
    )


def read_bytes(path: Path, *, max_bytes: int) -> bytes:
    """Read a regular file's bytes, refusing it by its size before reading any."""
    try:
        status = path.stat()
        if not stat.S_ISREG(status.st_mode):
            raise IngestError("不是普通文件（可能是文件夹）")
        if status.st_size > max_bytes:
            raise _too_large(status.st_size, max_bytes)
        with path.open("rb") as file:
            # one byte more than allowed tells a file that grew since stat
            data = file.read(max_bytes + 1)
            if len(data) > max_bytes:
                raise _too_large(os.fstat(file.fileno()).st_size, max_bytes)
    except FileNotFoundError:
        raise IngestError("文件不存在") from None
    except PermissionError:
        raise IngestError("没有读取该文件的权限") from None
    except OSError as exc:
        raise IngestError(f"无法读取文件：{exc.strerror or exc}") from None
    return data


def readable(path: str | Path) -> str:
    """A path as text a person can read and a database can store, whatever encoding
    its bytes are in (:func:`~kb.ingest.decode.decode_name`); control characters
    become U+FFFD."""
    return _CONTROL.sub("\ufffd", decode_name(os.fsencode(path)))


def source_key(path: Path) -> str:
    """The identity of a file for re-ingest: its resolved absolute path, stored whole
    (a long one is shortened with a hash of the rest, so it still names one file)."""
    key = os.fsencode(path.resolve()).decode("utf-8", "backslashreplace")
    if len(key) <= MAX_SOURCE:
        return key
    digest = hashlib.sha256(key.encode("utf-8")).hexdigest()
    return f"{key[: MAX_SOURCE - 70]}…{digest}"


def display_source(source: str) -> str:
    """``source`` readable and short enough to store (a long path keeps its end)."""
    text = readable(source)
    return text if len(text) <= MAX_SOURCE else "…" + text[-(MAX_SOURCE - 1) :]


def _too_large(size: int, max_bytes: int) -> FileTooLarge:
    return FileTooLarge(f"文件超过大小上限 {megabytes(max_bytes)} MB（实际 {size / MB:.1f} MB）")
