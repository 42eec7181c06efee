"""``kill -9`` at random moments of a rebuild, of an ingest batch and of a site worker
applying updates, while clients search.

After every kill: the killed process's helpers (index writers, the ingest worker) are
gone; every document is whole or absent; searches were answered throughout (a request
on the killed site worker's connection may be cut, never answered with a 5xx); the
index matches the database, at once or after ``kb index update`` — or, for a site
worker, by itself once gunicorn has replaced it. The time from the kill to a clean
``kb index check`` is measured.
"""

from __future__ import annotations

import os
import random
import shutil
import signal
import statistics
import threading
import time
from collections import Counter
from collections.abc import Iterator
from http.client import HTTPException
from pathlib import Path
from urllib.parse import quote

import pytest
from sqlalchemy import func, insert, select, text

from bench.generate import document
from indexer.build import update
from kb.db.models import Base, Document, MinhashBand, Passage
from kb.db.session import Database
from kb.ingest.dedupe import BANDS
from kb.ingest.pipeline import ingest_paths
from tests.conftest import SEEDS_DIR
from tests.reliability.conftest import MakeInstance
from tests.reliability.harness import (
    EDITORS,
    Browser,
    Instance,
    Site,
    descendants,
    report,
    scaled,
    wait_gone,
)

TRIALS = 10
CORPUS = 520
"""Documents of the rebuild trials: a rebuild of 500 or more runs Whoosh's writer
processes (indexer.build.PARALLEL_FROM)."""


# -- the 520-document corpus, ingested once --------------------------------------------------
@pytest.fixture(scope="session")
def corpus_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite database of CORPUS short generated documents (built once per run)."""
    root = tmp_path_factory.mktemp("crash-corpus")
    folder = root / "files"
    folder.mkdir()
    for number in range(CORPUS):
        paragraphs = document(20_000 + number).text.split("\n")
        (folder / f"g{number:04d}.txt").write_text("\n".join(paragraphs[:6]), encoding="utf-8")
    db = Database(f"sqlite:///{root / 'template.sqlite3'}")
    results = ingest_paths(db, [folder])
    assert sum(r.status != "rejected" for r in results) == CORPUS
    db.dispose()
    return root / "template.sqlite3"


def _copy_database(template: Path, instance: Instance) -> None:
    """Fill the instance's (empty, migrated) database with the template's rows."""
    if instance.url.startswith("sqlite"):
        instance.close()
        shutil.copy(template, instance.home / "kb.sqlite3")
        return
    source = Database(f"sqlite:///{template}")
    with source.engine.connect() as reading, instance.db.engine.begin() as writing:
        for table in Base.metadata.sorted_tables:
            rows = [dict(row) for row in reading.execute(select(table)).mappings()]
            for start in range(0, len(rows), 1000):
                writing.execute(insert(table), rows[start : start + 1000])
            if "id" in table.c and rows:
                writing.execute(
                    text(f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), :top)"),
                    {"top": max(row["id"] for row in rows)},
                )
    source.dispose()


# -- what every trial checks ----------------------------------------------------------------
class Searching:
    """Clients searching a site for as long as the trials run."""

    def __init__(self, site: Site, clients: int = 4) -> None:
        self.site, self.outcomes = site, Counter[str]()
        self.stop = threading.Event()
        self.threads = [threading.Thread(target=self._run, args=(n,)) for n in range(clients)]
        for thread in self.threads:
            thread.start()

    def _run(self, seed: int) -> None:
        rng = random.Random(seed)
        queries = ["干部", "组织工作", "年轻干部培养", "幹部", "一定两评三公开", "基层党建"]
        while not self.stop.is_set():
            path = "/api/search?q=" + quote(rng.choice(queries))
            try:
                reply = self.site.get(path, timeout=60)
            except (OSError, HTTPException):
                self.outcomes["cut"] += 1  # the connection was on a killed worker
                continue
            self.outcomes["5xx" if reply.status >= 500 else "answered"] += 1

    def finish(self) -> Counter[str]:
        self.stop.set()
        for thread in self.threads:
            thread.join()
        return self.outcomes


def whole_or_absent(instance: Instance) -> None:
    """Every stored document has its passages (spans of its text), bands and tags run."""
    with instance.db.session() as session:
        for document_row in session.scalars(select(Document)):
            passages = document_row.passages
            assert passages, f"document {document_row.id} has no passages"
            for passage in passages:
                assert document_row.text[passage.start : passage.end] == passage.text
            assert document_row.tagged_with, f"document {document_row.id} was never tagged"
        bands = session.execute(
            select(MinhashBand.document_id, func.count()).group_by(MinhashBand.document_id)
        ).all()
        assert all(count == BANDS for _, count in bands)
        orphans = session.scalar(
            select(func.count(Passage.id)).where(~Passage.document_id.in_(select(Document.id)))
        )
        assert orphans == 0


def kill_at(process_pid: int, delay: float) -> list[int]:
    """Sleep ``delay`` seconds, then kill -9 the process; return its helpers' pids."""
    time.sleep(delay)
    helpers = descendants(process_pid)
    os.kill(process_pid, signal.SIGKILL)
    return helpers


def recover(instance: Instance, killed_at: float) -> tuple[float, bool]:
    """Seconds from the kill to a clean index check, running ``kb index update`` (the
    repair the check names) when it is not clean; and whether it was needed."""
    if instance.check().clean:
        return time.monotonic() - killed_at, False
    update(instance.db, instance.store)
    assert instance.check().clean, instance.check()
    return time.monotonic() - killed_at, True


@pytest.fixture(scope="module")
def seeded_site(make_instance: MakeInstance) -> Iterator[tuple[Instance, Site]]:
    instance = make_instance()
    ingest_paths(instance.db, [SEEDS_DIR])
    instance.add_editors()
    instance.kb("index", "rebuild")
    site = Site(instance)
    yield instance, site
    log = site.stop()
    assert "Traceback" not in log, log[-4000:]


# -- the trials -----------------------------------------------------------------------------
def test_kill_9_of_a_rebuild(
    make_instance: MakeInstance, corpus_template: Path, backend: str
) -> None:
    instance = make_instance()
    _copy_database(corpus_template, instance)
    site = Site(instance)  # builds the index
    searching = Searching(site, clients=2)
    started = time.monotonic()
    instance.kb("index", "rebuild")
    full = time.monotonic() - started  # under the same load: kills land anywhere in a run
    rng = random.Random(9)
    recoveries, repaired, helpers_seen = [], 0, 0
    try:
        for _ in range(scaled(TRIALS)):
            rebuild = instance.start_kb("index", "rebuild")
            helpers = kill_at(rebuild.pid, rng.uniform(0.2, full))
            rebuild.wait()
            killed_at = time.monotonic()
            helpers_seen += len(helpers)
            assert not wait_gone(helpers), "the rebuild's writer processes outlived it"
            took, needed = recover(instance, killed_at)
            recoveries.append(took)
            repaired += needed
            update(instance.db, instance.store)  # the next writer removes what was left
            assert len(list(instance.store.root.glob("gen-*"))) == 1
    finally:
        outcomes = searching.finish()
        log = site.stop()
    assert outcomes["5xx"] == 0 and outcomes["answered"] > 0, outcomes
    assert "Traceback" not in log, log[-4000:]
    assert helpers_seen > 0  # some kills landed while Whoosh's writers ran
    whole_or_absent(instance)
    report(
        "rebuild",
        backend=backend,
        trials=len(recoveries),
        rebuild_seconds=round(full, 2),
        recover_median=round(statistics.median(recoveries), 2),
        recover_worst=round(max(recoveries), 2),
        needed_update=repaired,
        searches=dict(outcomes),
    )


def test_kill_9_of_an_ingest_batch(
    seeded_site: tuple[Instance, Site], tmp_path: Path, backend: str
) -> None:
    instance, site = seeded_site

    def batch(name: str, first: int) -> Path:
        folder = tmp_path / name
        folder.mkdir()
        for number in range(first, first + 8):
            (folder / f"b{number}.txt").write_text(document(number).text, encoding="utf-8")
        return folder

    searching = Searching(site, clients=2)
    started = time.monotonic()
    instance.kb("ingest", str(batch("whole", 29_000)))
    full = time.monotonic() - started  # under the same load: kills land anywhere in a run
    rng = random.Random(11)
    recoveries, repaired, landed = [], 0, 0
    try:
        for trial in range(scaled(TRIALS)):
            folder = batch(f"batch-{trial}", 30_000 + trial * 8)
            with instance.db.session() as session:
                before = session.scalar(select(func.count(Document.id))) or 0
            ingest = instance.start_kb("ingest", str(folder))
            helpers = kill_at(ingest.pid, rng.uniform(0.5, full))
            ingest.wait()
            killed_at = time.monotonic()
            assert not wait_gone(helpers), "the ingest worker outlived the batch"
            whole_or_absent(instance)
            with instance.db.session() as session:
                landed += (session.scalar(select(func.count(Document.id))) or 0) - before
            took, needed = recover(instance, killed_at)
            recoveries.append(took)
            repaired += needed
    finally:
        outcomes = searching.finish()
    assert outcomes["5xx"] == 0 and outcomes["answered"] > 0, outcomes
    report(
        "ingest",
        backend=backend,
        trials=len(recoveries),
        batch_seconds=round(full, 2),
        documents_landed=landed,
        recover_median=round(statistics.median(recoveries), 2),
        recover_worst=round(max(recoveries), 2),
        needed_update=repaired,
        searches=dict(outcomes),
    )


def _lock_holder(instance: Instance, pids: list[int]) -> int | None:
    """The site worker holding the index's write lock (applying updates), if any."""
    lock = str(instance.store.root / "write.lock")
    for pid in pids:
        try:
            fds = os.listdir(f"/proc/{pid}/fd")
        except FileNotFoundError:
            continue
        for fd in fds:
            try:
                if os.readlink(f"/proc/{pid}/fd/{fd}") == lock:
                    return pid
            except OSError:
                continue
    return None


def test_kill_9_of_a_site_worker_applying_updates(
    seeded_site: tuple[Instance, Site], backend: str
) -> None:
    instance, site = seeded_site
    browser = Browser(site)
    browser.login(*EDITORS[0])
    searching = Searching(site, clients=2)
    rng = random.Random(13)
    recoveries, while_writing = [], 0
    try:
        for trial in range(scaled(TRIALS)):
            marker = "".join(rng.choice("甲乙丙丁戊己庚辛壬癸子丑寅卯") for _ in range(8))
            content = document(40_000 + trial).text + f"\n本文检索标记：{marker}。\n"
            reply = browser.upload([(f"crash-{trial}.txt".encode(), content.encode())])
            assert reply.status == 200, reply.text[-500:]
            (result,) = reply.json()  # type: ignore[misc]
            assert result["status"] in ("added", "duplicate"), result
            workers = site.workers()
            deadline = time.monotonic() + rng.uniform(0.0, 0.5)
            victim = None
            while victim is None and time.monotonic() < deadline:
                victim = _lock_holder(instance, workers)
            while_writing += victim is not None
            victim = victim or rng.choice(workers)
            os.kill(victim, signal.SIGKILL)
            killed_at = time.monotonic()
            # gunicorn starts a new worker, which catches up: no one runs kb index update
            found = False
            while not found and time.monotonic() - killed_at < 60:
                try:
                    answer = site.get("/api/search?q=" + quote(f'"{marker}"'))
                    found = [h["id"] for h in answer.json()["hits"]] == [result["id"]]  # type: ignore[index]
                except (OSError, HTTPException):
                    pass
                time.sleep(0.2)
            assert found, f"upload {result['id']} not findable after the worker's death"
            deadline = killed_at + 60
            while not instance.check().clean and time.monotonic() < deadline:
                time.sleep(0.2)
            assert instance.check().clean
            recoveries.append(time.monotonic() - killed_at)
            while len(site.workers()) < 2 and time.monotonic() < deadline:
                time.sleep(0.1)
    finally:
        outcomes = searching.finish()
    assert outcomes["5xx"] == 0 and outcomes["answered"] > 0, outcomes
    whole_or_absent(instance)
    report(
        "site worker",
        backend=backend,
        trials=len(recoveries),
        killed_while_writing=while_writing,
        recover_median=round(statistics.median(recoveries), 2),
        recover_worst=round(max(recoveries), 2),
        searches=dict(outcomes),
    )
