"""One committed state of the index, opened whole: reader, document table and postings.

A reader of a Whoosh index opens some of its files lazily (the column files: stored
fields, lengths, sortable values). Another process committing meanwhile may merge
segments and delete the files of the ones merged away; a file already open stays
readable (POSIX keeps an unlinked file for as long as it is open), a file not yet
opened is gone. So a snapshot opens *every* file of every segment when it is made,
retrying from the table of contents when a writer deleted one under it, and from then
on reads only through what it holds: its reader, the :class:`~indexer.table.DocTable`
built from that very reader, and the postings cache over it. Nothing in a snapshot
ever describes another state of the index.

Whoosh's own ``Searcher.refresh()`` is never used: whoosh-reloaded's ``reuse`` keeps
the previous reader's segments — those merged away included — and reuses segment
readers whose deletions have changed since.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from whoosh import index as whoosh_index
from whoosh.codec.whoosh3 import W3Codec, W3PerDocReader
from whoosh.index import EmptyIndexError, FileIndex
from whoosh.reading import IndexReader
from whoosh.searching import Searcher as WhooshSearcher

from indexer.postings import PostingsCache
from indexer.table import DocTable
from kb.errors import IndexProblem

OPEN_ATTEMPTS = 20
"""Times a snapshot is opened again when a writer deleted a file under it."""
RETRY_SECONDS = 0.05
T = TypeVar("T")


class Snapshot:
    """An open, self-consistent view of one generation's committed state."""

    def __init__(self, generation: Path, ix: FileIndex, searcher: WhooshSearcher) -> None:
        self.generation = generation
        self.ix = ix
        self.searcher = searcher
        reader = searcher.reader()
        self.table = DocTable.of(reader, scored_fields(searcher))
        if self.table.size != reader.doc_count_all():
            raise IndexProblem("检索索引的文档表与索引不一致，请运行 kb index rebuild 重建")
        self.postings = PostingsCache(reader, self.table.live)

    @property
    def reader(self) -> IndexReader:
        return self.searcher.reader()

    def up_to_date(self) -> bool:
        """True while no commit has landed in this generation since the snapshot."""
        try:
            return bool(self.ix.latest_generation() == self.reader.generation())
        except OSError:
            return False

    def close(self) -> None:
        self.searcher.close()
        self.ix.close()


def scored_fields(searcher: WhooshSearcher) -> list[str]:
    return [name for name, field in searcher.schema.items() if field.scorable]


def open_snapshot(generation: Path) -> Snapshot:
    """Open ``generation``'s latest commit whole: files, document table and postings."""
    return _opened(generation, Snapshot)


def open_searcher(generation: Path) -> tuple[FileIndex, WhooshSearcher]:
    """Open ``generation``'s latest commit with every file held (no table): for reading
    all stored documents while writers may commit."""
    return _opened(generation, lambda _generation, ix, searcher: (ix, searcher))


def _opened(generation: Path, make: Callable[[Path, FileIndex, WhooshSearcher], T]) -> T:
    """``make(generation, ix, searcher)`` over a reader with every file held, opened again
    while writers delete files under it."""
    for attempt in range(OPEN_ATTEMPTS):
        ix = searcher = None
        try:
            ix = whoosh_index.open_dir(str(generation))
            searcher = ix.searcher()
            hold_files(searcher.reader())
            return make(generation, ix, searcher)
        except BaseException as exc:
            if searcher is not None:
                searcher.close()
            if ix is not None:
                ix.close()
            if not isinstance(exc, FileNotFoundError | EmptyIndexError):
                raise
            if not generation.exists():  # a rebuild replaced it: the caller looks again
                raise FileNotFoundError(f"检索索引的 {generation.name} 已被替换") from exc
            if attempt == OPEN_ATTEMPTS - 1:
                break
            time.sleep(RETRY_SECONDS)
    raise IndexProblem("检索索引正在更新，暂时无法打开，请稍后重试")


def hold_files(reader: IndexReader) -> None:
    """Open every column file of every segment of ``reader`` now, so none can be
    deleted under it later (see the module's docstring).

    Whoosh asks the file system whether a column exists before each use; a held
    segment answers from the columns it opened instead, or a column deleted under it
    would read as absent. A segment whose stored fields are already gone raises
    FileNotFoundError: it was merged away, and the caller opens the index again.
    """
    names: list[str] | None = None
    for leaf, _ in reader.leaf_readers():
        perdoc = getattr(leaf, "_perdoc", None)
        segment = leaf.segment()
        if not isinstance(perdoc, W3PerDocReader) or segment is None:
            continue  # an empty index's reader has no segment and no files
        if names is None:  # every segment of a generation is in the same folder
            names = list(leaf.storage().list())
        prefix = segment.make_filename(".")
        suffix = W3Codec.COLUMN_EXT
        held = {
            name[len(prefix) : -len(suffix)]
            for name in names
            if name.startswith(prefix) and name.endswith(suffix)
        }
        if "_stored" not in held:
            raise FileNotFoundError(segment.make_filename("._stored" + suffix))
        for column in held:
            if column not in perdoc._colfiles:
                perdoc._colfiles[column] = perdoc._get_column_file(column)
        perdoc.has_column = frozenset(held).__contains__  # type: ignore[method-assign]


__all__ = ["Snapshot", "hold_files", "open_searcher", "open_snapshot"]
