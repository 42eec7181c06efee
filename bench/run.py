"""Run the benchmark at each size and write bench/results/<size>.{json,md}.

    BENCH_SIZES=1000,10000 python -m bench.run

Per size, in one run so the comparisons share the machine's conditions:

1. generate the corpus (``bench.generate``; kept in ``bench/.work/<size>/docs``);
2. ingest it with kb (files → database → index), once;
3. ``BENCH_REPEAT`` rounds, interleaved: jieba alone over the same text (the
   segmentation floor), the naive index built from the files, kb's index rebuilt from
   the database — each in a fresh process;
4. index sizes on disk;
5. query latency on warm searchers, kb and naive alternating query by query, and recall
   against substring ground truth;
6. ``kb serve`` cold start (process start → first answered query), then 8 concurrent
   clients on ``/api/search`` with wrk, then the server's peak RSS.

Settings (environment): ``BENCH_SIZES`` (1000,10000), ``BENCH_REPEAT`` (3; 1 from 100k
documents), ``BENCH_ROUNDS`` (query rounds, 5), ``BENCH_LOAD_SECONDS`` (20),
``BENCH_WORK`` (bench/.work), ``BENCH_KEEP_DB`` (1: reuse an ingested database of the
same corpus and skip the ingest measurement), ``BENCH_BASELINES`` (0: skip jieba alone and
the naive setup, for a quick kb-only look at a large size; no ratios then),
``BENCH_PHASES`` (``search``: measure queries and the site again over the index and with
the ingest/build figures of the last full run of that size, which the report dates).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import time
from importlib.metadata import version
from pathlib import Path

from bench.generate import DEFAULT_SEED, GENERATOR_VERSION, write_corpus
from bench.load import Server, run_wrk
from bench.queries import QUERIES, Meta, ground_truth

BENCH = Path(__file__).resolve().parent
RESULTS = BENCH / "results"
PYTHON = sys.executable
MB = 1024 * 1024


def env_int(name: str, default: int) -> int:
    return int(os.environ.get(name) or default)


def log(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def task(*args: str) -> dict:
    """Run ``python -m bench.tasks ARGS`` (or ``bench.naive``) in a fresh process."""
    out = subprocess.run([PYTHON, "-m", *args], check=True, capture_output=True, text=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def summary(values: list[float]) -> dict[str, float]:
    """Median and spread (min, max, and the runs) of repeated measurements."""
    return {
        "median": statistics.median(values),
        "min": min(values),
        "max": max(values),
        "runs": [round(v, 4) for v in values],
    }


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    rank = max(0, min(len(ordered) - 1, round(p / 100 * len(ordered) + 0.5) - 1))
    return ordered[rank]


# -- phases ------------------------------------------------------------------------------
def corpus(work: Path, size: int) -> dict:
    """Generate (or reuse) the corpus; write a manifest of its files."""
    docs = work / "docs"
    marker = work / "corpus.json"
    expected = {"size": size, "seed": DEFAULT_SEED, "generator": GENERATOR_VERSION}
    if not (marker.exists() and json.loads(marker.read_text())["spec"] == expected):
        shutil.rmtree(work, ignore_errors=True)
        log(f"generating {size} documents")
        start = time.perf_counter()
        documents = write_corpus(docs, size)
        manifest = [
            {"key": str(d.number), "path": str(docs / d.name), "bytes": d.size,
             "traditional": d.traditional}
            for d in documents
        ]  # fmt: skip
        (work / "manifest.json").write_text(json.dumps(manifest))
        marker.write_text(json.dumps({"spec": expected, "seconds": time.perf_counter() - start}))
    manifest = json.loads((work / "manifest.json").read_text())
    total = sum(item["bytes"] for item in manifest)
    sizes = sorted(item["bytes"] for item in manifest)
    return {
        "documents": len(manifest),
        "bytes": total,
        "mb": total / MB,
        "doc_bytes": {"min": sizes[0], "median": sizes[len(sizes) // 2], "max": sizes[-1]},
        "traditional_share": sum(item["traditional"] for item in manifest) / len(manifest),
        "generate_seconds": json.loads(marker.read_text())["seconds"],
    }


def ingest(work: Path, mb: float, documents: int) -> dict | None:
    home = work / "kb"
    if os.environ.get("BENCH_KEEP_DB", "0") == "1" and (home / "kb.sqlite3").exists():
        log("reusing the ingested database (BENCH_KEEP_DB=1): ingest not measured")
        return None
    shutil.rmtree(home, ignore_errors=True)
    log("kb ingest")
    result = task("bench.tasks", "ingest", str(home), str(work / "docs"))
    result["docs_per_s"] = documents / result["seconds"]
    result["mb_per_s"] = mb / result["seconds"]
    return result


def stored_metadata(work: Path) -> tuple[dict[str, Meta], dict[int, str]]:
    """Metadata kb stored per file (key → Meta) and database id → key."""
    os.environ["KB_HOME"] = str(work / "kb")
    from kb.config import load_config
    from kb.db import repository
    from kb.db.session import Database

    db = Database(load_config().database_url)
    metas: dict[str, Meta] = {}
    keys: dict[int, str] = {}
    with db.session() as session:
        for doc in repository.list_documents(session):
            key = str(int(Path(doc.source).stem))
            metas[key] = Meta(doc.doc_type, doc.region or "", doc.year or 0)
            keys[doc.id] = key
    db.dispose()
    return metas, keys


def builds(
    work: Path, corpus_info: dict, metas: dict[str, Meta], repeat: int, *, baselines: bool
) -> dict:
    """Interleaved rounds of: jieba floor, naive build, kb rebuild."""
    manifest = json.loads((work / "manifest.json").read_text())
    for item in manifest:
        meta = metas[item["key"]]
        item.update(doc_type=meta.doc_type, region=meta.region, year=meta.year)
    naive_manifest = work / "naive-manifest.json"
    naive_manifest.write_text(json.dumps(manifest))
    mb, docs = corpus_info["mb"], corpus_info["documents"]
    runs: dict[str, list[float]] = {"jieba": [], "naive": [], "kb": []} if baselines else {"kb": []}
    index_bytes = 0
    for round_ in range(repeat):
        if not baselines:
            log(f"build round {round_ + 1}/{repeat}: kb index rebuild")
            rebuilt = task("bench.tasks", "rebuild", str(work / "kb"))
            runs["kb"].append(rebuilt["seconds"])
            index_bytes = rebuilt["index_bytes"]
            continue
        log(f"build round {round_ + 1}/{repeat}: jieba floor")
        runs["jieba"].append(task("bench.tasks", "jieba", str(work / "manifest.json"))["seconds"])
        log(f"build round {round_ + 1}/{repeat}: naive index")
        shutil.rmtree(work / "naive", ignore_errors=True)
        runs["naive"].append(
            task("bench.naive", "build", str(work / "naive"), str(naive_manifest))["seconds"]
        )
        log(f"build round {round_ + 1}/{repeat}: kb index rebuild")
        rebuilt = task("bench.tasks", "rebuild", str(work / "kb"))
        runs["kb"].append(rebuilt["seconds"])
        index_bytes = rebuilt["index_bytes"]
    out: dict[str, object] = {}
    for name, seconds in runs.items():
        out[name] = {
            "seconds": summary(seconds),
            "mb_per_s": mb / statistics.median(seconds),
            "docs_per_s": docs / statistics.median(seconds),
        }
    out["index_bytes"] = {
        "kb": index_bytes,
        "naive": sum(f.stat().st_size for f in (work / "naive").iterdir()) if baselines else 0,
        "kb_database": (work / "kb" / "kb.sqlite3").stat().st_size,
    }
    return out


def queries(
    work: Path, metas: dict[str, Meta], keys: dict[int, str], rounds: int, *, baselines: bool
) -> dict:
    """Latency on warm searchers (kb with facets and highlights) and recall."""
    from bench.naive import NaiveSearcher
    from indexer.query import parse_query
    from indexer.searcher import Searcher
    from indexer.store import IndexStore

    manifest = json.loads((work / "manifest.json").read_text())
    texts = ((i["key"], Path(i["path"]).read_text(encoding="utf-8"), metas[i["key"]])
             for i in manifest)  # fmt: skip
    truth = ground_truth(QUERIES, texts)
    kb = Searcher(IndexStore(work / "kb" / "index"))
    naive = NaiveSearcher(work / "naive") if baselines else None
    parsed = [parse_query(q.kb_syntax()) for q in QUERIES]
    samples: dict[str, list[float]] = {"kb": [], "naive": []}
    per_query: list[dict[str, object]] = []
    first: dict[str, list[float]] = {"kb": [], "naive": []}
    for q, p in zip(QUERIES, parsed, strict=True):  # warm-up: one pass each, timed too
        start = time.perf_counter()
        kb.search(p)
        first["kb"].append(time.perf_counter() - start)
        if naive is not None:
            start = time.perf_counter()
            naive.search(q)
            first["naive"].append(time.perf_counter() - start)
    kb_times: list[list[float]] = [[] for _ in QUERIES]
    naive_times: list[list[float]] = [[] for _ in QUERIES]
    for _ in range(rounds):
        for i, (q, p) in enumerate(zip(QUERIES, parsed, strict=True)):
            start = time.perf_counter()
            result = kb.search(p)
            kb_times[i].append(time.perf_counter() - start)
            assert result.facets is not None and all(h.passages for h in result.hits)
            if naive is not None:
                start = time.perf_counter()
                naive.search(q)
                naive_times[i].append(time.perf_counter() - start)
    documents = len(manifest)
    for i, q in enumerate(QUERIES):
        samples["kb"] += kb_times[i]
        samples["naive"] += naive_times[i]
        found_kb = {keys[d] for d in kb.matching_ids(parsed[i])}
        found_naive = naive.matches(q) if naive is not None else set()
        expected = truth[i]
        per_query.append({
            "query": q.kb_syntax(),
            "kind": q.kind,
            "truth": len(expected),
            "share_of_documents": len(expected) / documents,
            "kb": _recall_row(found_kb, expected, kb_times[i]),
            "naive": _recall_row(found_naive, expected, naive_times[i] or [0.0]),
        })  # fmt: skip
    kb.close()
    if naive is not None:
        naive.close()
    judged = [row for row in per_query if row["truth"]]
    shares = sorted(row["share_of_documents"] for row in per_query)
    out: dict[str, object] = {"rounds": rounds, "queries": len(QUERIES)}
    for name in ("kb", "naive") if baselines else ("kb",):
        ms = [s * 1000 for s in samples[name]]
        first_ms = [s * 1000 for s in first[name]]
        out[name] = {
            "p50_ms": percentile(ms, 50),
            "p95_ms": percentile(ms, 95),
            "max_ms": max(ms),
            "first_pass_p50_ms": percentile(first_ms, 50),
            "first_pass_p95_ms": percentile(first_ms, 95),
            "recall_mean": statistics.mean(row[name]["recall"] for row in judged),
            "recall_micro": sum(row[name]["found"] for row in judged)
            / sum(row["truth"] for row in judged),
        }
    out["judged_queries"] = len(judged)
    out["share_of_documents"] = {
        "max": shares[-1],
        "median": shares[len(shares) // 2],
        "over_half": sum(s > 0.5 for s in shares),
    }
    out["per_query"] = per_query
    return out


def _recall_row(found: set[str], expected: set[str], times: list[float]) -> dict[str, object]:
    hit = len(found & expected)
    return {
        "returned": len(found),
        "found": hit,
        "recall": hit / len(expected) if expected else None,
        "p50_ms": statistics.median(times) * 1000,
    }


def site(work: Path, repeat: int, load_seconds: int) -> dict:
    """Cold starts, then wrk on /api/search, then the server's memory.

    The server is ``kb serve`` as shipped: gunicorn, one worker process per core (at
    most 4), 4 threads each. Its memory is the proportional set size summed over the
    master and workers (pages the workers share counted once), with each process's
    peak RSS beside it.

    The load runs twice: as shipped (the searcher keeps result pages, and 48 queries
    cycling hit them after the first pass) and with ``KB_RESULT_CACHE=0``, where every
    request runs the query: the engine's own throughput.
    """
    home = work / "kb"
    texts = [q.kb_syntax() for q in QUERIES]
    colds: list[float] = []
    for attempt in range(repeat):
        server = Server(home)
        try:
            colds.append(server.start(texts[attempt % len(texts)]))
            if attempt < repeat - 1:
                continue
            log(f"wrk: 8 clients, {load_seconds} s")
            load = run_wrk(server.port, texts, seconds=load_seconds)
            load["memory_mb"] = server.memory_mb()
        finally:
            server.stop()
    server = Server(home, env={"KB_RESULT_CACHE": "0"})
    try:
        server.start(texts[0])
        log(f"wrk: 8 clients, {load_seconds} s, KB_RESULT_CACHE=0")
        uncached = run_wrk(server.port, texts, seconds=load_seconds)
        uncached["memory_mb"] = server.memory_mb()
    finally:
        server.stop()
    from web.server import DEFAULT_THREADS, default_workers

    return {
        "cold_start_s": summary(colds),
        "load": load,
        "load_uncached": uncached,
        "server": {"workers": default_workers(), "threads": DEFAULT_THREADS},
    }


# -- report -----------------------------------------------------------------------------
def machine() -> dict[str, object]:
    cpu = ""
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    mem = Path("/proc/meminfo").read_text().splitlines()[0].split()[1]
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory_gb": round(int(mem) / 1024 / 1024, 1),
        "os": platform.platform(),
        "python": platform.python_version(),
        "packages": {p: version(p) for p in ("whoosh-reloaded", "jieba", "opencc", "gunicorn")},
        "wrk": subprocess.run(["wrk", "--version"], capture_output=True, text=True).stdout.split(
            "\n"
        )[0]
        if shutil.which("wrk")
        else None,
    }


def targets(r: dict) -> dict[str, dict[str, object]]:
    b, q, s = r["build"], r["queries"], r["site"]
    baselines = "naive" in b
    against_naive: dict[str, dict[str, object]] = {}
    if baselines:
        floor2 = 2 * b["jieba"]["mb_per_s"]
        against_naive = {
            "build ≥ 4× naive MB/s": _target(b["kb"]["mb_per_s"] / b["naive"]["mb_per_s"], 4, ">="),
            "build ≥ 0.7 × 2 cores × jieba floor": _target(b["kb"]["mb_per_s"] / floor2, 0.7, ">="),
            "query p95 ≤ 0.25 × naive p95": _target(
                q["kb"]["p95_ms"] / q["naive"]["p95_ms"], 0.25, "<="
            ),
        }
    memory = "server memory (PSS, all processes) ≤ 400 MB" + (
        " (target at 100k)" if baselines else ""
    )
    return {
        **against_naive,
        "recall ≥ 0.98": _target(q["kb"]["recall_mean"], 0.98, ">="),
        "/api/search p95 ≤ 50 ms (8 clients)": _target(s["load"]["p95_ms"], 50, "<="),
        "/api/search p95 ≤ 50 ms, KB_RESULT_CACHE=0": _target(
            s["load_uncached"]["p95_ms"], 50, "<="
        ),
        "zero errors under load": _target(
            s["load"]["errors"] + s["load_uncached"]["errors"], 0, "<="
        ),
        "cold start ≤ 2 s": _target(s["cold_start_s"]["median"], 2, "<="),
        memory: _target(s["load"]["memory_mb"]["pss_sum"], 400, "<="),
    }


def _target(value: float, bound: float, op: str) -> dict[str, object]:
    met = value >= bound if op == ">=" else value <= bound
    return {"value": round(value, 4), "bound": bound, "met": met}


def markdown(r: dict) -> str:
    c, b, q, s = r["corpus"], r["build"], r["queries"], r["site"]
    ing = r["ingest"]
    kb_b, nv_b, jb = b["kb"], b["naive"], b["jieba"]
    spread = lambda x: f"{x['seconds']['min']:.1f}–{x['seconds']['max']:.1f} s"  # noqa: E731
    lines = [
        f"# Benchmark: {c['documents']:,} documents ({c['mb']:.1f} MB)",
        "",
        f"Run {r['started']} on {r['machine']['cpu']}, {r['machine']['cores']} cores, "
        f"{r['machine']['memory_gb']} GB, Python {r['machine']['python']}. "
        f"Medians of {b['repeat']} interleaved runs (spread = min–max); "
        f"ratios are within this run.",
        *_phases_note(r),
        "",
        f"Corpus: {c['documents']:,} generated documents, {c['mb']:.1f} MB, "
        f"{c['doc_bytes']['min']}–{c['doc_bytes']['max']} bytes each (median "
        f"{c['doc_bytes']['median']}), {c['traditional_share']:.0%} traditional script. "
        f"The most common benchmark query is in {q['share_of_documents']['max']:.0%} of the "
        f"documents, the median one in {q['share_of_documents']['median']:.1%}.",
        "",
        "## Indexing",
        "",
        "| | docs/s | MB/s | seconds (median, spread) | vs naive |",
        "|---|---:|---:|---|---:|",
        f"| jieba alone, one core (segmentation floor) | {jb['docs_per_s']:.0f} | "
        f"{jb['mb_per_s']:.2f} | {jb['seconds']['median']:.1f} ({spread(jb)}) | — |",
        f"| naive: Whoosh + ChineseAnalyzer, default writer | {nv_b['docs_per_s']:.0f} | "
        f"{nv_b['mb_per_s']:.2f} | {nv_b['seconds']['median']:.1f} ({spread(nv_b)}) | 1.00× |",
        f"| **kb index rebuild** (database → index) | {kb_b['docs_per_s']:.0f} | "
        f"{kb_b['mb_per_s']:.2f} | {kb_b['seconds']['median']:.1f} ({spread(kb_b)}) | "
        f"{kb_b['mb_per_s'] / nv_b['mb_per_s']:.2f}× |",
    ]
    if ing is not None:
        lines.append(
            f"| kb ingest (files → database → index), one run | {ing['docs_per_s']:.0f} | "
            f"{ing['mb_per_s']:.3f} | {ing['seconds']:.1f} (database "
            f"{ing['database_seconds']:.1f}, index {ing['index_seconds']:.1f}) | "
            f"{ing['mb_per_s'] / nv_b['mb_per_s']:.2f}× |"
        )
    else:
        lines.append("| kb ingest | not measured (database reused) | | | |")
    sizes = b["index_bytes"]
    lines += [
        "",
        f"kb rebuild = {kb_b['mb_per_s'] / jb['mb_per_s']:.2f} × jieba's single-core floor "
        f"({kb_b['mb_per_s'] / (2 * jb['mb_per_s']):.2f} × two cores' worth).",
        "",
        f"Index size on disk: kb {sizes['kb'] / MB:.0f} MB, naive {sizes['naive'] / MB:.0f} MB "
        f"(kb's database {sizes['kb_database'] / MB:.0f} MB).",
        "",
        "## Queries (warm searcher, page 1 of 10 with highlights; kb also counts facets)",
        "",
        "| | p50 ms | p95 ms | max ms | first pass p50 / p95 ms "
        "| recall (mean per query) | recall (all matches) |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for name, label in (("naive", "naive"), ("kb", "**kb**")):
        e = q[name]
        lines.append(
            f"| {label} | {e['p50_ms']:.1f} | {e['p95_ms']:.1f} | {e['max_ms']:.1f} | "
            f"{e['first_pass_p50_ms']:.1f} / {e['first_pass_p95_ms']:.1f} | "
            f"{e['recall_mean']:.3f} | {e['recall_micro']:.3f} |"
        )
    load, bare = s["load"], s["load_uncached"]
    cold = s["cold_start_s"]
    lines += [
        "",
        f"{q['queries']} queries × {q['rounds']} rounds each, kb and naive alternating; "
        f"recall over the {q['judged_queries']} queries with at least one matching document. "
        f"kb p95 = {q['kb']['p95_ms'] / q['naive']['p95_ms']:.2f} × naive p95. "
        "“First pass” is the warm-up pass: each query's first run on the "
        "opened searcher, when kb still reads its terms' postings into its cache.",
        "",
        f"## The site (`kb serve`: gunicorn, {s['server']['workers']} worker processes × "
        f"{s['server']['threads']} threads)",
        "",
        "| | as shipped (result cache) | KB_RESULT_CACHE=0 |",
        "|---|---:|---:|",
        f"| /api/search, {load['clients']} concurrent clients (wrk, {load['seconds']:.0f} s) | "
        f"{load['requests_per_s']:.0f} req/s | {bare['requests_per_s']:.0f} req/s |",
        f"| latency p50 / p95 / p99 | {load['p50_ms']:.1f} / {load['p95_ms']:.1f} / "
        f"{load['p99_ms']:.1f} ms | {bare['p50_ms']:.1f} / {bare['p95_ms']:.1f} / "
        f"{bare['p99_ms']:.1f} ms |",
        f"| errors | {load['errors']} of {load['requests']} | "
        f"{bare['errors']} of {bare['requests']} |",
        f"| server memory, PSS of all processes | {load['memory_mb']['pss_sum']:.0f} MB | "
        f"{bare['memory_mb']['pss_sum']:.0f} MB |",
        f"| peak RSS: largest process / sum over {load['memory_mb']['processes']} processes | "
        f"{load['memory_mb']['peak_rss_max']:.0f} / {load['memory_mb']['peak_rss_sum']:.0f} MB | "
        f"{bare['memory_mb']['peak_rss_max']:.0f} / {bare['memory_mb']['peak_rss_sum']:.0f} MB |",
        "",
        "The 48 queries cycle, so with the result cache nearly every request after the "
        "first pass is answered from it; the right column is the engine answering every "
        "request.",
        "",
        "| | value |",
        "|---|---:|",
        f"| cold start (process start → first answered query) | {cold['median']:.2f} s "
        f"({cold['min']:.2f}–{cold['max']:.2f}) |",
        "",
        "## Targets",
        "",
        "| target | value | met |",
        "|---|---:|---|",
    ]
    for name, t in r["targets"].items():
        lines.append(f"| {name} | {t['value']} | {'yes' if t['met'] else '**no**'} |")
    lines += ["", "## Per query", "", "| query | kind | share | kb recall | naive recall |",
              "|---|---|---:|---:|---:|"]  # fmt: skip
    for row in q["per_query"]:
        kb_r, nv_r = row["kb"]["recall"], row["naive"]["recall"]
        lines.append(
            f"| `{row['query']}` | {row['kind']} | {row['share_of_documents']:.1%} | "
            f"{'—' if kb_r is None else f'{kb_r:.2f}'} | {'—' if nv_r is None else f'{nv_r:.2f}'} |"
        )
    return "\n".join(lines) + "\n"


def _phases_note(r: dict) -> list[str]:
    """The line saying which figures come from an earlier run (``BENCH_PHASES=search``)."""
    if "build_started" not in r:
        return []
    return [
        "",
        f"Ingest and index build figures are from the run of {r['build_started']}; "
        f"queries and the site were measured again at {r['started']} over that index "
        "(`BENCH_PHASES=search`).",
    ]


def short_markdown(r: dict) -> str:
    """The report of a kb-only run (``BENCH_BASELINES=0``): no ratios."""
    c, b, q, s = r["corpus"], r["build"], r["queries"], r["site"]
    kb_b, kq, load, cold = b["kb"], q["kb"], s["load"], s["cold_start_s"]
    ing = r["ingest"]
    lines = [
        f"# Benchmark, kb only: {c['documents']:,} documents ({c['mb']:.1f} MB)",
        "",
        f"Run {r['started']} on {r['machine']['cpu']}, {r['machine']['cores']} cores; "
        "BENCH_BASELINES=0: no jieba floor or naive setup in this run, so no ratios.",
        *_phases_note(r),
        "",
        "| | value |",
        "|---|---:|",
        "| ingest (files → database → index) | "
        + ("not measured (database reused)" if ing is None else
           f"{ing['docs_per_s']:.0f} docs/s, {ing['mb_per_s']:.3f} MB/s") + " |",
        f"| index rebuild | {kb_b['docs_per_s']:.0f} docs/s, {kb_b['mb_per_s']:.2f} MB/s "
        f"({kb_b['seconds']['median']:.0f} s) |",
        f"| index size | {b['index_bytes']['kb'] / MB:.0f} MB |",
        f"| query p50 / p95 (facets, highlights) | {kq['p50_ms']:.1f} / {kq['p95_ms']:.1f} ms |",
        f"| first pass p50 / p95 | {kq['first_pass_p50_ms']:.1f} / "
        f"{kq['first_pass_p95_ms']:.1f} ms |",
        f"| recall (mean per query) | {kq['recall_mean']:.3f} |",
        f"| /api/search, 8 clients | {load['requests_per_s']:.1f} req/s, p95 "
        f"{load['p95_ms']:.0f} ms, {load['errors']} errors of {load['requests']} |",
        f"| /api/search, 8 clients, KB_RESULT_CACHE=0 | "
        f"{s['load_uncached']['requests_per_s']:.1f} req/s, p95 "
        f"{s['load_uncached']['p95_ms']:.0f} ms, {s['load_uncached']['errors']} errors |",
        f"| cold start | {cold['median']:.2f} s |",
        f"| server memory: PSS of all processes; largest peak RSS | "
        f"{load['memory_mb']['pss_sum']:.0f} MB; {load['memory_mb']['peak_rss_max']:.0f} MB |",
    ]  # fmt: skip
    return "\n".join(lines) + "\n"


def bench_size(size: int, root: Path) -> dict:
    work = root / str(size)
    work.mkdir(parents=True, exist_ok=True)
    repeat = env_int("BENCH_REPEAT", 3 if size < 100_000 else 1)
    result: dict[str, object] = {
        "size": size,
        "started": dt.datetime.now().isoformat(timespec="seconds"),
        "machine": machine(),
    }
    result["corpus"] = info = corpus(work, size)
    phases = os.environ.get("BENCH_PHASES", "all")
    baselines = os.environ.get("BENCH_BASELINES", "1") != "0"
    if phases == "search":  # queries and site again, over the index a previous run built
        previous = json.loads((RESULTS / f"{size}.json").read_text(encoding="utf-8"))
        result["ingest"], result["build"] = previous["ingest"], previous["build"]
        result["build_started"] = previous.get("build_started", previous["started"])
        baselines = "naive" in previous["build"]
        metas, keys = stored_metadata(work)
    else:
        result["ingest"] = ingest(work, info["mb"], info["documents"])
        metas, keys = stored_metadata(work)
        result["build"] = builds(work, info, metas, repeat, baselines=baselines)
        result["build"]["repeat"] = repeat  # type: ignore[index]
    log("queries")
    result["queries"] = queries(work, metas, keys, env_int("BENCH_ROUNDS", 5), baselines=baselines)
    log("site")
    result["site"] = site(work, 3, env_int("BENCH_LOAD_SECONDS", 20))
    result["targets"] = targets(result)
    return result


def main() -> None:
    sizes = [int(s) for s in os.environ.get("BENCH_SIZES", "1000,10000").split(",") if s]
    root = Path(os.environ.get("BENCH_WORK") or BENCH / ".work").resolve()
    RESULTS.mkdir(exist_ok=True)
    for size in sizes:
        log(f"size {size}")
        result = bench_size(size, root)
        (RESULTS / f"{size}.json").write_text(
            json.dumps(result, ensure_ascii=False, indent=1), encoding="utf-8"
        )
        report = markdown(result) if "naive" in result["build"] else short_markdown(result)
        (RESULTS / f"{size}.md").write_text(report, encoding="utf-8")
        log(f"wrote {RESULTS / f'{size}.md'}")
        print(report)


if __name__ == "__main__":
    main()
