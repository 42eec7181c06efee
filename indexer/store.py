"""Where the index lives and who may write it.

    KB_HOME/index/
        CURRENT          name of the generation readers open
        gen-000003/      a Whoosh index plus meta.json (schema version, dictionary hash)
        write.lock       held by the one process writing (ingest, update, rebuild)

A rebuild writes a new generation beside the live one and switches ``CURRENT``
atomically, so readers never see a half-built index. Writers queue on ``write.lock``
(an OS file lock), so users never see Whoosh's ``LockError``.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import json
import os
import shutil
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from whoosh import index as whoosh_index
from whoosh.index import FileIndex
from whoosh.multiproc import MpWriter, SubWriterTask
from whoosh.writing import SegmentWriter

from indexer.analysis import dictionary_hash
from indexer.codec import KbCodec
from indexer.schema import SCHEMA_VERSION, build_schema
from kb.children import die_with_parent
from kb.errors import IndexProblem

WRITE_TIMEOUT = 300.0
"""Seconds a writer waits for another one to finish before giving up with a message."""
SETTLED_NS = 2_000_000_000
"""A change stamp only counts when its newest time is this old (2 s): file systems keep
coarse times, and a change within the same tick as the last look must not hide."""


@dataclass(frozen=True)
class IndexMeta:
    schema_version: int
    dictionary_hash: str
    created: str

    @classmethod
    def current(cls) -> IndexMeta:
        return cls(SCHEMA_VERSION, dictionary_hash(), dt.datetime.now(dt.UTC).isoformat())

    def compatible(self) -> bool:
        """True when this index was built by the running schema and dictionaries."""
        return self.schema_version == SCHEMA_VERSION and self.dictionary_hash == dictionary_hash()


class IndexStore:
    """The generations of one index folder."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)

    # -- generations -------------------------------------------------------------------
    def current_dir(self) -> Path | None:
        """The live generation's folder, or None if no index was built yet."""
        try:
            name = (self.root / "CURRENT").read_text(encoding="utf-8").strip()
        except FileNotFoundError:
            return None
        path = self.root / name
        # a table of contents names a commit; only its file name is looked at, since a
        # writer may delete the one seen (replacing it) before it could be opened
        return path if any(path.glob("_MAIN_*.toc")) else None

    def change_stamp(self, generation: Path | None) -> tuple[int, ...] | None:
        """A cheap fingerprint of the index folder and of ``generation``'s folder.

        Switching generations replaces ``CURRENT`` (the index folder changes); a commit
        adds files to the generation's folder (its folder changes). Equal stamps taken
        apart mean nothing was written between them — provided the times are settled
        (:data:`SETTLED_NS`); otherwise, or when a folder is missing, None: look for real.
        """
        if generation is None:
            return None
        try:
            stats = [os.stat(self.root), os.stat(self.root / "CURRENT"), os.stat(generation)]
        except OSError:
            return None
        if time.time_ns() - max(st.st_mtime_ns for st in stats) < SETTLED_NS:
            return None
        return tuple(v for st in stats for v in (st.st_ino, st.st_mtime_ns, st.st_size))

    def meta(self) -> IndexMeta | None:
        current = self.current_dir()
        if current is None:
            return None
        try:
            data = json.loads((current / "meta.json").read_text(encoding="utf-8"))
            return IndexMeta(**data)
        except (OSError, ValueError, TypeError):
            return None

    def status(self) -> str:
        """``missing``, ``outdated`` or ``ok``."""
        meta = self.meta()
        if meta is None:
            return "missing"
        return "ok" if meta.compatible() else "outdated"

    def usable_dir(self) -> Path:
        """The live generation's folder; raise IndexProblem if it is missing or outdated."""
        status = self.status()
        if status == "missing":
            raise IndexProblem("还没有建立检索索引，请运行 kb index rebuild")
        if status == "outdated":
            raise IndexProblem("检索索引的版本或词典已变化，请运行 kb index rebuild 重建")
        current = self.current_dir()
        if current is None:  # removed since the look: a rebuild just replaced it
            raise IndexProblem("检索索引正在更新，请稍后重试")
        return current

    def open(self) -> FileIndex:
        """Open the live generation for writing; raise IndexProblem if it is unusable."""
        return whoosh_index.open_dir(str(self.usable_dir()))

    def new_generation(self) -> tuple[Path, FileIndex]:
        """Create an empty generation folder (not yet live) and its index."""
        self.root.mkdir(parents=True, exist_ok=True)
        numbers = [int(p.name[4:]) for p in self.root.glob("gen-*") if p.name[4:].isdigit()]
        path = self.root / f"gen-{max(numbers, default=0) + 1:06d}"
        path.mkdir()
        ix = whoosh_index.create_in(str(path), build_schema())
        meta = IndexMeta.current()
        (path / "meta.json").write_text(json.dumps(meta.__dict__), encoding="utf-8")
        return path, ix

    def publish(self, path: Path) -> None:
        """Make ``path`` the live generation and remove the ones before it."""
        tmp = self.root / "CURRENT.tmp"
        tmp.write_text(path.name, encoding="utf-8")
        os.replace(tmp, self.root / "CURRENT")
        for old in self.root.glob("gen-*"):
            if old != path:
                shutil.rmtree(old, ignore_errors=True)

    # -- writing -----------------------------------------------------------------------
    @contextmanager
    def write_lock(self, timeout: float = WRITE_TIMEOUT) -> Iterator[None]:
        """Hold the index's write lock, waiting for another writer to finish."""
        self.root.mkdir(parents=True, exist_ok=True)
        with open(self.root / "write.lock", "a+") as handle:
            deadline = time.monotonic() + timeout
            while True:
                try:
                    fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    if time.monotonic() > deadline:
                        raise IndexProblem(
                            f"检索索引正被另一个进程写入，已等待 {timeout:.0f} 秒，请稍后重试"
                        ) from None
                    time.sleep(0.2)
            try:
                self.remove_abandoned()
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    def tidy(self) -> list[Path]:
        """Remove what killed writers left (:meth:`remove_abandoned`) if no writer is at
        work now; never waits. Readers (``kb index check``, a starting site) call it."""
        if not self.root.is_dir():
            return []
        with open(self.root / "write.lock", "a+") as handle:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                return []
            try:
                return self.remove_abandoned()
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    def remove_abandoned(self) -> list[Path]:
        """Remove what killed writers left: generations that never went live and Whoosh's
        temporary table-of-contents files. Only safe under the write lock (no other
        writer is building anything then); returns what it removed."""
        current = self.current_dir()
        removed: list[Path] = []
        for folder in self.root.glob("gen-*"):
            if folder.is_dir() and folder != current:
                shutil.rmtree(folder, ignore_errors=True)
                removed.append(folder)
        if current is not None:
            for temporary in current.glob("_*.toc.*"):
                temporary.unlink(missing_ok=True)
                removed.append(temporary)
        return removed


@contextmanager
def committing(ix: FileIndex, **writer_options: object) -> Iterator[SegmentWriter]:
    """Open a writer that commits on success and cancels, then re-raises, on error.

    Segments are written as separate files, not one compound file: Whoosh reads a
    compound segment by copying each of its parts into memory (``BufferFile`` wraps the
    map in a ``BytesIO``), so a reader would hold the whole index in RAM twice over.
    Segments are written by :class:`~indexer.codec.KbCodec`, which adds each one's
    postings sidecar (:mod:`indexer.sidecar`).
    """
    writer_options.setdefault("compound", False)
    writer_options.setdefault("codec", KbCodec())
    procs = int(writer_options.pop("procs", 1))  # type: ignore[call-overload]
    if procs > 1:
        writer: SegmentWriter = MortalMpWriter(
            ix, procs=procs, timeout=WRITE_TIMEOUT, delay=0.25, **writer_options
        )
    else:
        writer = ix.writer(timeout=WRITE_TIMEOUT, delay=0.25, **writer_options)
    try:
        yield writer
    except BaseException:
        writer.cancel()
        raise
    writer.commit()


class MortalSubWriter(SubWriterTask):  # type: ignore[misc]
    """One of Whoosh's writer processes that dies with the process that started it: a
    killed ``kb index rebuild`` must not leave writers holding the index's write lock,
    which they inherit (:mod:`kb.children`)."""

    def __init__(self, *args: object) -> None:
        super().__init__(*args)
        self.parent_pid = os.getpid()

    def run(self) -> None:
        die_with_parent(self.parent_pid)
        super().run()


class MortalMpWriter(MpWriter):  # type: ignore[misc]
    """Whoosh's multiprocessing writer whose processes die with it."""

    def _new_task(self) -> MortalSubWriter:
        task = MortalSubWriter(
            self.storage,
            self.indexname,
            self.jobqueue,
            self.resultqueue,
            self.subargs,
            self.multisegment,
        )
        self.tasks.append(task)
        task.start()
        return task
