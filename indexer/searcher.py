"""Run parsed queries against the live index: rank, fold copies, count facets, mark.

One ``Searcher`` per process (or per web worker) keeps a Whoosh searcher, its
``DocTable``, its decoded postings (:mod:`indexer.postings`) and — on the site — recent
result pages warm, and drops them all when an update or rebuild lands. Matching and
scoring run on arrays (:mod:`indexer.evaluate`); only the hits of the page shown read
stored fields.
"""

from __future__ import annotations

import threading
import weakref
from collections import OrderedDict
from pathlib import Path

import numpy as np
from whoosh.query import And, Or, Term
from whoosh.searching import Searcher as WhooshSearcher

from indexer.compile import DOC, STOP_WORDS, CompiledQuery, compile_query
from indexer.evaluate import Evaluator
from indexer.highlight import best_passages
from indexer.query import ParsedQuery
from indexer.rank import Ranked, rank
from indexer.results import Facets, Hit, PassageHit, SearchResult
from indexer.snapshot import Snapshot, open_snapshot
from indexer.store import IndexStore
from indexer.synonyms import Synonyms, load_synonyms
from indexer.table import DocTable
from kb.errors import DocumentNotFound, IndexProblem, QuerySyntaxError

SORTS = ("relevance", "date")
_GENERIC = "进行 情况 问题 工作 方面 通过 同时 开展 加强 推进 提高 建立 实施 坚持 推动 进一步"
GENERIC_WORDS = STOP_WORDS | frozenset(_GENERIC.split())
"""Words too common in organization-work prose to say what a document is about."""
PASSAGES_PER_HIT = 2
FACET_VALUES = 50
"""Values listed per facet (regions, each tag kind), most common first; the rest are
counted in ``Facets.omitted``."""
MAX_PER_PAGE = 100


class Searcher:
    """A warm searcher over one index folder."""

    def __init__(
        self, store: IndexStore, *, synonyms: Synonyms | None = None, result_cache: int = 0
    ) -> None:
        self.store = store
        self.result_cache = result_cache
        """How many result pages to keep for repeated searches (0: none); any change to
        the index clears them."""
        self._results: OrderedDict[tuple[object, ...], SearchResult] = OrderedDict()
        self._results_lock = threading.Lock()
        self._epoch = 0
        """Counts resets, so a page computed on a reader since replaced is not kept."""
        self.synonyms = synonyms if synonyms is not None else load_synonyms()
        self._lock = threading.RLock()
        self._stamp: tuple[int, ...] | None = None
        self._snapshot: Snapshot | None = None
        # a Searcher dropped without close() (an app discarded by a test) still closes
        # its index files, which Whoosh keeps open for as long as a reader lives
        self._held: list[Snapshot] = []
        weakref.finalize(self, _close_all, self._held)
        self.refresh()

    # -- lifecycle ---------------------------------------------------------------------
    def refresh(self) -> None:
        """Pick up a new generation or newly committed segments.

        Every search calls this. When the folders' change stamp equals the one taken at
        the last full look, nothing was written since and the look is skipped.
        """
        with self._lock:
            stamp = self.store.change_stamp(self._generation)
            if stamp is not None and stamp == self._stamp and self._snapshot is not None:
                return
            self._look()
            self._stamp = stamp  # taken before the look: a write during it shows next time

    @property
    def _generation(self) -> Path | None:
        return self._snapshot.generation if self._snapshot is not None else None

    def _look(self) -> None:
        snapshot = self._snapshot
        for _ in range(3):  # a rebuild may switch generations while this one opens
            current = self.store.usable_dir()
            if snapshot is not None and current == snapshot.generation and snapshot.up_to_date():
                return
            try:
                fresh = open_snapshot(current)
                break
            except FileNotFoundError:
                continue
        else:
            raise IndexProblem("检索索引正在更新，暂时无法打开，请稍后重试")
        self.close()
        self._snapshot = fresh
        self._held.append(fresh)

    def _reset(self) -> None:
        """Forget every result page computed on an earlier snapshot."""
        with self._results_lock:
            self._results.clear()
            self._epoch += 1

    def close(self) -> None:
        with self._lock:
            _close_all(self._held)
            self._snapshot = None
            self._reset()

    def __enter__(self) -> Searcher:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def snapshot(self) -> Snapshot:
        """The open state every part of a search reads: reader, table and postings."""
        if self._snapshot is None:
            self.refresh()
        assert self._snapshot is not None
        return self._snapshot

    @property
    def _s(self) -> WhooshSearcher:
        return self.snapshot.searcher

    @property
    def table(self) -> DocTable:
        """The current reader's document arrays."""
        return self.snapshot.table

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
        key = (parsed, page, per_page, sort)
        with self._results_lock:  # not the engine's lock: a kept page never waits for a query
            cached = self._results.get(key)
            if cached is not None:
                self._results.move_to_end(key)
                return cached
            epoch = self._epoch
        with self._lock:
            result = self._search(parsed, page, per_page, sort)
        with self._results_lock:
            if self.result_cache > 0 and epoch == self._epoch:  # same reader since the lookup
                self._results[key] = result
                while len(self._results) > self.result_cache:
                    self._results.popitem(last=False)
        return result

    def _search(self, parsed: ParsedQuery, page: int, per_page: int, sort: str) -> SearchResult:
        compiled = compile_query(parsed, self.synonyms)
        ranked = self._rank(compiled, sort, limit=page * per_page)
        start = (page - 1) * per_page
        hits = tuple(
            self._hit(int(docnum), float(score), compiled)
            for docnum, score in zip(ranked.top[start:], ranked.top_scores[start:], strict=True)
        )
        suggestion = None
        if compiled.has_text and not ranked.exact:
            suggestion = self._suggest(parsed)
        return SearchResult(
            query=parsed.text,
            total=len(ranked.docs),
            page=page,
            per_page=per_page,
            hits=hits,
            facets=self._facets(ranked.docs),
            suggestion=suggestion,
        )

    def matching_ids(self, parsed: ParsedQuery) -> list[int]:
        """Ids of every document ``parsed`` finds, best first, copies folded (exports)."""
        with self._lock:
            ranked = self._rank(compile_query(parsed, self.synonyms), "relevance", limit=None)
            return [int(doc_id) for doc_id in self.table.doc_id[ranked.top]]

    def _rank(self, compiled: CompiledQuery, sort: str, *, limit: int | None) -> Ranked:
        """Every matching document entry, one per group of copies, and the best ``limit``
        of them in order (:mod:`indexer.rank`). The tier of a match is the first of the
        query's tiers (the exact matches first) that holds it."""
        table = self.table
        evaluator = Evaluator(self._s, table, self.snapshot.postings)
        found = evaluator.matches(compiled.match)
        docs = found.docs
        scores = found.scores if compiled.has_text else np.zeros(len(docs))
        tier = np.full(len(docs), len(compiled.tiers))
        member = np.zeros(table.size, dtype=bool)
        for i in reversed(range(len(compiled.tiers))):
            member[:] = False
            member[evaluator.matches(compiled.tiers[i]).docs] = True
            tier[member[docs]] = i
        # without tiers every match is in tier 0, so every match counts as exact
        return rank(table, docs, scores, tier, sort=sort, limit=limit)

    def _facets(self, docnums: np.ndarray) -> Facets:
        table = self.table
        years, counts = np.unique(table.year[docnums], return_counts=True)
        doc_types, _ = table.doc_type.counts(docnums, FACET_VALUES)
        regions, more_regions = table.region.counts(docnums, FACET_VALUES)
        tags, omitted = table.tag_counts(docnums, FACET_VALUES)
        omitted["region"] = more_regions
        return Facets(
            doc_type=doc_types,
            region=regions,
            year={str(y): int(c) for y, c in zip(years[::-1], counts[::-1], strict=True) if y},
            tag=tags,
            omitted={key: count for key, count in omitted.items() if count},
        )

    def _hit(self, docnum: int, score: float, compiled: CompiledQuery) -> Hit:
        table = self.table
        stored = self._s.stored_fields(docnum)["stored"]
        return Hit(
            id=int(table.doc_id[docnum]),
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
            also_at=tuple(
                self._s.stored_fields(d)["stored"]["source"] for d in table.copies(docnum)
            ),
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
            docnum = table.docnum(doc_id)
            if docnum is None:
                raise DocumentNotFound(f"索引中没有编号为 {doc_id} 的文档")
            own_group = table.canonical[docnum]
            stored = self._s.stored_fields(docnum)["stored"]
            text = "\n".join(passage[1] for passage in stored["passages"])
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
            ranked = self._rank(compiled, "relevance", limit=None)
            others = table.canonical[ranked.top] != own_group
            docs, scores = ranked.top[others], ranked.top_scores[others]
            hits = tuple(
                self._hit(int(d), float(s), compiled)
                for d, s in zip(docs[:limit], scores[:limit], strict=True)
            )
            return SearchResult(str(doc_id), len(docs), 1, limit, hits, self._facets(docs))


def _close_all(held: list[Snapshot]) -> None:
    while held:
        held.pop().close()
