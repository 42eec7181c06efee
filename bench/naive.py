"""The usual tutorial setup, built only from public APIs, as the baseline.

One Whoosh ``TEXT`` field analysed by ``jieba.analyse.ChineseAnalyzer`` (jieba's global
tokenizer, default dictionary, search mode), the default ``ix.writer()``, the query
parser, and Whoosh's highlighter on the stored text. Filters are plain ``ID`` /
``NUMERIC`` fields holding the same metadata kb stored for each file.

    python -m bench.naive build INDEX_DIR MANIFEST.json   # prints {"seconds": …}
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

from jieba.analyse import ChineseAnalyzer
from whoosh import index
from whoosh.fields import ID, NUMERIC, TEXT, Schema
from whoosh.qparser import QueryParser
from whoosh.query import And, NumericRange, Query, Term

from bench.queries import BenchQuery


def schema() -> Schema:
    analyzer = ChineseAnalyzer()
    return Schema(
        path=ID(stored=True, unique=True),
        content=TEXT(stored=True, analyzer=analyzer),
        doc_type=ID,
        region=ID,
        year=NUMERIC(int),
    )


def build(index_dir: Path, manifest: list[dict[str, object]]) -> float:
    """Index every file of ``manifest`` (path, doc_type, region, year); return seconds."""
    index_dir.mkdir(parents=True, exist_ok=True)
    start = time.perf_counter()
    ix = index.create_in(str(index_dir), schema())
    writer = ix.writer()
    for item in manifest:
        path = Path(str(item["path"]))
        writer.add_document(
            path=str(item["key"]),
            content=path.read_text(encoding="utf-8"),
            doc_type=str(item["doc_type"]),
            region=str(item["region"]),
            year=int(item["year"]),  # type: ignore[call-overload]
        )
    writer.commit()
    ix.close()
    return time.perf_counter() - start


class NaiveSearcher:
    """A warm Whoosh searcher over the naive index."""

    def __init__(self, index_dir: Path) -> None:
        self.ix = index.open_dir(str(index_dir))
        self.searcher = self.ix.searcher()
        self.parser = QueryParser("content", self.ix.schema)

    def query(self, q: BenchQuery) -> Query:
        text = " ".join(f'"{p}"' if q.phrase else p for p in q.parts)
        parts: list[Query] = [self.parser.parse(text)]
        if q.doc_type:
            parts.append(Term("doc_type", q.doc_type))
        if q.region:
            parts.append(Term("region", q.region))
        if q.years:
            parts.append(NumericRange("year", *q.years))
        return parts[0] if len(parts) == 1 else And(parts)

    def search(self, q: BenchQuery, limit: int = 10) -> list[tuple[str, str]]:
        """Top ``limit`` hits with their highlighted fragments (the timed operation)."""
        results = self.searcher.search(self.query(q), limit=limit)
        return [(hit["path"], hit.highlights("content")) for hit in results]

    def matches(self, q: BenchQuery) -> set[str]:
        """Every key the query finds (for recall; not timed)."""
        return {hit["path"] for hit in self.searcher.search(self.query(q), limit=None)}

    def close(self) -> None:
        self.searcher.close()
        self.ix.close()


def main(argv: list[str]) -> None:
    if len(argv) != 3 or argv[0] != "build":
        raise SystemExit(__doc__)
    manifest = json.loads(Path(argv[2]).read_text(encoding="utf-8"))
    print(json.dumps({"seconds": build(Path(argv[1]), manifest)}))


if __name__ == "__main__":
    main(sys.argv[1:])
