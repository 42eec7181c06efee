"""Find the files to ingest and read each one into a ``RawDocument``.

    paths --find_files--> [(source, path)] --read_file--> RawDocument

``find_files`` never fails on a bad path: the pipeline reports it per file, with the
reason ``read_file`` raises. The per-format readers live in ``kb.ingest.readers``.
"""

from __future__ import annotations

import hashlib
import os
import stat
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from kb.errors import EmptyFile, FileTooLarge, IngestError, UnsupportedFile
from kb.ingest.document import RawDocument
from kb.ingest.readers import Extracted, read_docx, read_html, read_markdown, read_text

Reader = Callable[[bytes], Extracted]

FORMATS: dict[str, tuple[str, Reader]] = {
    ".txt": ("txt", read_text),
    ".md": ("md", read_markdown),
    ".markdown": ("md", read_markdown),
    ".html": ("html", read_html),
    ".htm": ("html", read_html),
    ".docx": ("docx", read_docx),
}
"""Supported suffixes (lower case) → (``RawDocument.file_format``, reader)."""

_MB = 1024 * 1024
_SKIPPED_PREFIXES = (".", "~$")
"""Hidden files and folders, and the lock files Word leaves beside an open document."""


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
            pairs: Iterable[tuple[str, Path]] = ((str(p), p) for p in _walk(path))
        else:
            pairs = [(str(given), path)]
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


def read_file(source: str, path: Path, *, max_bytes: int) -> RawDocument:
    """Read one file into a ``RawDocument``, choosing the reader by its suffix.

    Raises an IngestError with a one-line Chinese message fit for the ingest report:
    UnsupportedFile, FileTooLarge (checked before reading), EmptyFile, UndecodableFile.
    """
    suffix = path.suffix.lower()
    if suffix not in FORMATS:
        supported = "、".join(FORMATS)
        kind = f"不支持的文件类型 {suffix}" if suffix else "不支持没有扩展名的文件"
        raise UnsupportedFile(f"{kind}（支持 {supported}）")
    file_format, reader = FORMATS[suffix]
    data = _read_bytes(path, max_bytes=max_bytes)
    if not data:
        raise EmptyFile("文件为空")
    extracted = reader(data)
    if not extracted.body.strip():
        raise EmptyFile("文件没有文字内容")
    return RawDocument(
        source=source,
        file_format=file_format,
        encoding=extracted.encoding,
        original=extracted.original,
        body=extracted.body,
        raw_hash=hashlib.sha256(data).hexdigest(),
        stated=extracted.stated,
    )


def _read_bytes(path: Path, *, max_bytes: int) -> bytes:
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


def _too_large(size: int, max_bytes: int) -> FileTooLarge:
    limit = max_bytes / _MB
    limit_text = f"{limit:.0f}" if limit == int(limit) else f"{limit:.1f}"
    return FileTooLarge(f"文件超过大小上限 {limit_text} MB（实际 {size / _MB:.1f} MB）")
