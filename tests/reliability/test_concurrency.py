"""Three ``kb ingest`` processes on disjoint folders while eight clients search the site:
every document lands, every one is findable by a marker planted in it, no request fails,
and the index matches the database."""

from __future__ import annotations

import random
import threading
import time
from collections import Counter
from pathlib import Path
from urllib.parse import quote

from sqlalchemy import select

from bench.generate import document
from kb.db.models import Document
from kb.ingest.pipeline import ingest_paths
from tests.conftest import SEEDS_DIR
from tests.reliability.conftest import MakeInstance
from tests.reliability.harness import Site, report, scaled

MARKER_CHARS = "甲乙丙丁戊己庚辛壬癸子丑寅卯辰巳午未申酉戌亥"
PROCESSES = 3
CLIENTS = 8


def _markers(count: int, rng: random.Random) -> list[str]:
    markers: set[str] = set()
    while len(markers) < count:
        markers.add("".join(rng.choice(MARKER_CHARS) for _ in range(7)))
    return sorted(markers)


def _search_load(site: Site, stop: threading.Event, outcomes: Counter[str], seed: int) -> None:
    rng = random.Random(seed)
    paths = [
        "/api/search?q=" + quote(q) for q in ("干部", "组织工作", "幹部 培养", "一定两评三公开")
    ]
    paths += ["/documents/1", "/documents/3", "/?q=" + quote("年轻干部"), "/tags/approach"]
    while not stop.is_set():
        path = rng.choice(paths)
        try:
            reply = site.get(path, timeout=60)
            outcomes[f"{reply.status // 100}xx"] += 1
            if reply.status >= 500:
                outcomes[f"{reply.status} {path}"] += 1
        except OSError as error:
            outcomes[f"error {type(error).__name__}"] += 1


def test_three_ingests_and_eight_searching_clients(
    make_instance: MakeInstance, tmp_path: Path, backend: str
) -> None:
    instance = make_instance()
    ingest_paths(instance.db, [SEEDS_DIR])
    instance.kb("index", "rebuild")
    per_folder = scaled(20)
    markers = _markers(PROCESSES * per_folder, random.Random(7))
    planted: dict[str, str] = {}
    for folder_number in range(PROCESSES):
        folder = tmp_path / f"folder-{folder_number}"
        folder.mkdir()
        for i in range(per_folder):
            number = folder_number * per_folder + i
            marker = markers[number]
            text = document(10_000 + number).text + f"\n\n本文检索标记：{marker}。\n"
            path = folder / f"doc-{number:04d}.txt"
            path.write_text(text, encoding="utf-8")
            planted[marker] = str(path.resolve())

    site = Site(instance)
    stop = threading.Event()
    outcomes: Counter[str] = Counter()
    clients = [
        threading.Thread(target=_search_load, args=(site, stop, outcomes, n))
        for n in range(CLIENTS)
    ]
    try:
        for client in clients:
            client.start()
        time.sleep(1)
        started = time.monotonic()
        ingests = [
            instance.start_kb("ingest", str(tmp_path / f"folder-{n}")) for n in range(PROCESSES)
        ]
        for process in ingests:
            assert process.wait(timeout=900) == 0, instance.errors()[-3000:]
        assert "Traceback" not in instance.errors()
        seconds = time.monotonic() - started
        time.sleep(2)  # the clients go on a little after the last ingest
    finally:
        stop.set()
        for client in clients:
            client.join()
        log = site.stop()
    problems = {k: v for k, v in outcomes.items() if not k.startswith(("2xx", "3xx", "4xx"))}
    assert not problems, (problems, log[-3000:])
    assert outcomes["2xx"] > 100, outcomes
    assert "Traceback" not in log and "-> 500" not in log, log[-3000:]

    with instance.db.session() as session:
        stored = dict(session.execute(select(Document.source_key, Document.id)).all())
    assert all(key in stored for key in planted.values())
    assert instance.check().clean
    finder = Site(instance, workers=1)
    try:
        for marker, key in planted.items():
            reply = finder.get("/api/search?q=" + quote(f'"{marker}"'))  # exactly this
            hits = reply.json()["hits"]  # type: ignore[index]
            assert [hit["id"] for hit in hits] == [stored[key]], marker
    finally:
        finder.stop()
    report(
        "concurrency",
        backend=backend,
        ingests=PROCESSES,
        documents=len(planted),
        ingest_seconds=round(seconds, 1),
        searches=dict(outcomes),
    )
