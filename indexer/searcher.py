"""Run parsed queries against the live index: rank, fold copies, count facets, mark.

One ``Searcher`` per process (or per web worker) keeps a Whoosh searcher and its
``DocTable`` warm, refreshing both when an update or rebuild lands.
"""

from __future__ import annotations

import threading
import weakref
from collections import Counter
from pathlib import Path

from whoosh.index import FileIndex
from whoosh.query import And, Or, Term
from whoosh.searching import Searcher as WhooshSearcher

from indexer.compile import DOC, STOP_WORDS, CompiledQuery, compile_query
from indexer.highlight import best_passages
from indexer.query import ParsedQuery
from indexer.results import Facets, Hit, PassageHit, SearchResult
from indexer.store import IndexStore
from indexer.synonyms import Synonyms, load_synonyms
from indexer.table import DocTable
from kb.db.models import TAG_KINDS
from kb.errors import DocumentNotFound, QuerySyntaxError

SORTS = ("relevance", "date")
_GENERIC = "进行 情况 问题 工作 方面 通过 同时 开展 加强 推进 提高 建立 实施 坚持 推动 进一步"
GENERIC_WORDS = STOP_WORDS | frozenset(_GENERIC.split())
"""Words too common in organization-work prose to say what a document is about."""
PASSAGES_PER_HIT = 2
MAX_PER_PAGE = 100


class _OpenIndex:
    """The open Whoosh index and searcher of a :class:`Searcher`."""

    def __init__(self) -> None:
        self.ix: FileIndex | None = None
        self.searcher: WhooshSearcher | None = None

    def close(self) -> None:
        if self.searcher is not None:
            self.searcher.close()
        if self.ix is not None:
            self.ix.close()
        self.searcher, self.ix = None, None


class Searcher:
    """A warm searcher over one index folder."""

    def __init__(self, store: IndexStore, *, synonyms: Synonyms | None = None) -> None:
        self.store = store
        self.synonyms = synonyms if synonyms is not None else load_synonyms()
        self._lock = threading.RLock()
        self._generation: Path | None = None
        self._open = _OpenIndex()
        # a Searcher dropped without close() (an app discarded by a test) still closes
        # its index files, which Whoosh keeps open for as long as a reader lives
        weakref.finalize(self, self._open.close)
        self._table: DocTable | None = None
        self.refresh()

    # -- lifecycle ---------------------------------------------------------------------
    def refresh(self) -> None:
        """Pick up a new generation or newly committed segments."""
        with self._lock:
            current = self.store.current_dir()
            opened = self._open
            if opened.searcher is not None and current == self._generation:
                if opened.searcher.up_to_date():
                    return
                opened.searcher = opened.searcher.refresh()
                self._table = None
                return
            self.close()
            opened.ix = self.store.open()
            self._generation = current
            opened.searcher = opened.ix.searcher()
            self._table = None

    def close(self) -> None:
        with self._lock:
            self._open.close()
            self._table = None

    def __enter__(self) -> Searcher:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def _s(self) -> WhooshSearcher:
        assert self._open.searcher is not None
        return self._open.searcher

    @property
    def table(self) -> DocTable:
        if self._table is None:
            self._table = DocTable.build(self._s)
        return self._table

    # -- search ------------------------------------------------------------------------
    def search(
        self,
        parsed: ParsedQuery,
        *,
        page: int = 1,
        per_page: int = 10,
        sort: str = "relevance",
    ) -> SearchResult:
        """Return one page of ranked, folded hits with facets over the whole result set."""
        if sort not in SORTS:
            raise QuerySyntaxError(f"排序方式只能是 relevance 或 date，而不是 {sort!r}")
        if page < 1 or not 1 <= per_page <= MAX_PER_PAGE:
            raise QuerySyntaxError(f"页码应从 1 开始，每页 1–{MAX_PER_PAGE} 条")
        with self._lock:
            compiled = compile_query(parsed, self.synonyms)
            ranked, exact_hits = self._rank(compiled, sort)
            facets = self._facets(d for d, _ in ranked)
            window = ranked[(page - 1) * per_page : page * per_page]
            hits = tuple(self._hit(docnum, score, compiled) for docnum, score in window)
            suggestion = None
            if compiled.has_text and not exact_hits:
                suggestion = self._suggest(parsed)
        return SearchResult(
            query=parsed.text,
            total=len(ranked),
            page=page,
            per_page=per_page,
            hits=hits,
            facets=facets,
            suggestion=suggestion,
        )

    def matching_ids(self, parsed: ParsedQuery) -> list[int]:
        """Ids of every document ``parsed`` finds, best first, copies folded (exports)."""
        with self._lock:
            ranked, _ = self._rank(compile_query(parsed, self.synonyms), "relevance")
            table = self.table
            return [table.doc_id[docnum] for docnum, _ in ranked]

    def _rank(self, compiled: CompiledQuery, sort: str) -> tuple[list[tuple[int, float]], int]:
        """All matching document entries, best first, one per group of copies.

        The second value counts the entries in the first tier (the exact matches).
        """
        table = self.table
        results = self._s.search(compiled.match, limit=None, scored=compiled.has_text)
        scored = [(docnum, float(score or 0.0)) for score, docnum in results.top_n]
        tier_sets = [set(self._s.docs_for_query(q)) for q in compiled.tiers]

        def tier(docnum: int) -> int:
            return next((i for i, docs in enumerate(tier_sets) if docnum in docs), len(tier_sets))

        def key(item: tuple[int, float]) -> tuple[float, ...]:
            docnum, score = item
            relevance = (tier(docnum), -score, table.doc_id[docnum])
            if sort == "date":
                return (-table.date[docnum], *relevance)
            return relevance

        folded: list[tuple[int, float]] = []
        seen: set[int] = set()
        for docnum, score in sorted(scored, key=key):
            group = table.canonical[docnum]
            if group not in seen:
                seen.add(group)
                folded.append((docnum, score))
        return folded, len(tier_sets[0]) if tier_sets else len(folded)

    def _facets(self, docnums: object) -> Facets:
        table = self.table
        doc_type: Counter[str] = Counter()
        region: Counter[str] = Counter()
        year: Counter[str] = Counter()
        tags: dict[str, Counter[str]] = {kind: Counter() for kind in TAG_KINDS}
        for docnum in docnums:  # type: ignore[attr-defined]
            doc_type[table.doc_type[docnum]] += 1
            if docnum in table.region:
                region[table.region[docnum]] += 1
            if docnum in table.year:
                year[str(table.year[docnum])] += 1
            for kind, name in table.tags.get(docnum, ()):
                tags.setdefault(kind, Counter())[name] += 1
        return Facets(
            doc_type=dict(doc_type.most_common()),
            region=dict(region.most_common()),
            year=dict(sorted(year.items(), reverse=True)),
            tag={kind: dict(counts.most_common()) for kind, counts in tags.items() if counts},
        )

    def _hit(self, docnum: int, score: float, compiled: CompiledQuery) -> Hit:
        table = self.table
        stored = self._s.stored_fields(docnum)["stored"]
        doc_id = table.doc_id[docnum]
        copies = [d for d in table.group.get(table.canonical[docnum], []) if d != docnum]
        return Hit(
            id=doc_id,
            title=stored["title"],
            source=stored["source"],
            score=score,
            doc_type=stored["doc_type"],
            region=stored["region"],
            year=stored["year"],
            date=stored["date"],
            author=stored["author"],
            tags=tuple((name, kind) for name, kind in stored["tags"]),
            passages=tuple(
                PassageHit(ordinal, html)
                for ordinal, html in best_passages(
                    stored["passages"], compiled.needles, limit=PASSAGES_PER_HIT
                )
            ),
            also_at=tuple(self._s.stored_fields(d)["stored"]["source"] for d in copies),
        )

    def _suggest(self, parsed: ParsedQuery) -> str | None:
        """A query with one clause corrected to a word the index knows, if any."""
        text = parsed.text
        changed = False
        for group in parsed.groups:
            for clause in group:
                if len(clause.text) < 3:
                    continue
                candidates = [
                    c
                    for c in self._s.suggest("words", clause.text, limit=5, maxdist=1)
                    if c != clause.text
                ]
                if candidates and clause.original in text:
                    text = text.replace(clause.original, candidates[0], 1)
                    changed = True
        return text if changed else None

    # -- similar documents -------------------------------------------------------------
    def similar(self, doc_id: int, *, limit: int = 10) -> SearchResult:
        """Documents about the same things as ``doc_id`` (its own copies left out)."""
        with self._lock:
            table = self.table
            if doc_id not in table.docnum_of:
                raise DocumentNotFound(f"索引中没有编号为 {doc_id} 的文档")
            own_group = table.canonical[table.docnum_of[doc_id]]
            stored = self._s.stored_fields(table.docnum_of[doc_id])["stored"]
            text = "\n".join(text for _, text in stored["passages"])
            terms = self._s.key_terms_from_text("words", text, numterms=30)
            terms = [(t, w) for t, w in terms if len(t) > 1 and t not in GENERIC_WORDS][:15]
            if not terms:
                return SearchResult(str(doc_id), 0, 1, limit, (), Facets())
            query = And([DOC, Or([Term("words", t, boost=w) for t, w in terms])])
            compiled = CompiledQuery(
                match=query,
                tiers=(),
                needles=tuple(t for t, _ in terms),
                has_text=True,
            )
            ranked = [
                (d, s)
                for d, s in self._rank(compiled, "relevance")[0]
                if table.canonical[d] != own_group
            ]
            hits = tuple(self._hit(d, s, compiled) for d, s in ranked[:limit])
            return SearchResult(
                str(doc_id), len(ranked), 1, limit, hits, self._facets(d for d, _ in ranked)
            )
