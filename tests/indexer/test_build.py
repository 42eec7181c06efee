"""Index build, update, check and versioning against a real database and Whoosh index."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from sqlalchemy import delete

from indexer import build
from indexer import store as index_store
from indexer.build import build_options, check, document_entry, rebuild, update
from indexer.normalize import normalize
from indexer.query import parse_query
from indexer.searcher import Searcher
from indexer.store import IndexStore
from kb.db import repository
from kb.db.models import Document
from kb.db.session import Database
from kb.errors import IndexProblem
from kb.ingest.pipeline import ingest_paths
from kb.limits import Limits
from kb.script import to_simplified
from kb.tagging import store as tagging
from tests.conftest import seed_path, seed_text
from tests.indexer.conftest import make_index

MAX = 20 * 1024 * 1024


def test_a_document_is_one_entry_that_stores_its_passages(db: Database) -> None:
    (result,) = ingest_paths(db, [seed_path(4)], limits=Limits(max_bytes=MAX))
    with db.session() as session:
        (record,) = repository.document_records(session, [result.id])
    entry = document_entry(record)
    assert entry["kind"] == "doc" and entry["entry"] == f"d:{record.id}"
    stored = entry["stored"]
    assert isinstance(stored, dict)
    assert [(o, t) for o, t, _ in stored["passages"]] == [
        (p.ordinal, p.text) for p in record.passages
    ]
    forms = [form for _, _, form in stored["passages"]]
    assert any(forms)  # a traditional document: its passages keep their simplified form
    for _, text, form in stored["passages"]:
        assert (form or text) == normalize(text)
    assert "劉漢征" in str(entry["head"])  # the byline stays findable
    assert "責編" in str(entry["rest_chars"])  # so does dropped site furniture
    assert "責編" not in str(entry["chars"])
    # only what cleaning dropped: the body, re-punctuated by cleaning, is not indexed twice
    assert entry["rest_chars"] == "劉漢征\n責編/常妍 美編/ 孟憲強 于珊"


def test_a_near_duplicate_is_folded_into_its_original(tmp_path: Path) -> None:
    repost = tmp_path / "docs" / "repost.txt"
    repost.parent.mkdir()
    repost.write_text(
        "来源：某网\n" + to_simplified(seed_text(4)).replace("濮阳", "濮陽", 1), "utf-8"
    )
    db, store = make_index(tmp_path, seed_path(4), repost)
    with Searcher(store) as searcher:
        result = searcher.search(parse_query("一定两评三公开"))
    assert result.total == 1
    (hit,) = result.hits
    assert hit.id == 1 and hit.also_at == (str(repost),)
    db.dispose()


def test_tags_are_facets_and_filters(tmp_path: Path) -> None:
    db, store = make_index(tmp_path, seed_path(4), seed_path(2))
    with db.session() as session:
        tagging.set_status(session, "公信组工", "rejected")
    update(db, store)
    with Searcher(store) as searcher:
        result = searcher.search(parse_query("组织"))
        assert result.facets.tag["approach"]["一定两评三公开"] == 1
        assert result.facets.tag["demonstration"] == {
            "李连成": 1,
            "西辛庄": 1,
            "山东省人才工作先进单位": 1,
        }
        assert "公信组工" not in result.facets.tag["approach"]
        assert [h.id for h in searcher.search(parse_query("tag:一定两评三公开")).hits] == [1]
        assert searcher.search(parse_query("标签:公信组工")).total == 0
        (hit,) = searcher.search(parse_query("tag:李连成")).hits
        assert ("李连成", "demonstration") in hit.tags
    db.dispose()


def test_update_touches_only_changed_documents_and_check_reports_drift(tmp_path: Path) -> None:
    folder = tmp_path / "docs"
    folder.mkdir()
    for n in (1, 3):
        (folder / f"{n}.txt").write_bytes(seed_path(n).read_bytes())
    db, store = make_index(tmp_path, folder)
    assert check(db, store).clean
    assert update(db, store).added == []

    (folder / "3.txt").write_text(seed_text(3) + "\n新增一段：推行“三聯三帶”工作法。\n", "utf-8")
    ingest_paths(db, [folder], limits=Limits(max_bytes=MAX))
    drift = check(db, store)
    assert drift.stale == [2] and not drift.clean
    report = update(db, store)
    assert (report.updated, report.added, report.removed) == ([2], [], [])
    with Searcher(store) as searcher:
        assert searcher.search(parse_query("三联三带")).total == 1

    with db.session() as session:
        session.execute(delete(Document).where(Document.id == 1))
    assert check(db, store).extra == [1]
    assert update(db, store).removed == [1]
    assert check(db, store).clean
    db.dispose()


def test_an_index_from_another_schema_or_dictionary_is_rebuilt(tmp_path: Path) -> None:
    db, store = make_index(tmp_path, seed_path(0))
    current = store.current_dir()
    assert current is not None
    meta = json.loads((current / "meta.json").read_text())
    (current / "meta.json").write_text(json.dumps({**meta, "dictionary_hash": "old"}))
    assert store.status() == "outdated"
    with pytest.raises(IndexProblem, match="kb index rebuild"):
        Searcher(store)
    report = update(db, store)
    assert report.rebuilt and store.status() == "ok"
    assert check(db, store).clean
    db.dispose()


def test_a_missing_index_says_how_to_build_one(tmp_path: Path) -> None:
    with pytest.raises(IndexProblem, match="kb index rebuild"):
        Searcher(IndexStore(tmp_path / "nothing"))


def test_a_reader_keeps_working_while_a_rebuild_replaces_the_index(tmp_path: Path) -> None:
    db, store = make_index(tmp_path, seed_path(0), seed_path(4))
    searcher = Searcher(store)
    before = searcher.search(parse_query("干部")).total
    rebuild(db, store)
    assert searcher.search(parse_query("干部")).total == before
    searcher.refresh()
    assert searcher.search(parse_query("干部")).total == before
    searcher.close()
    db.dispose()


def test_a_second_writer_waits_instead_of_failing(tmp_path: Path) -> None:
    db, store = make_index(tmp_path, seed_path(0))
    errors: list[BaseException] = []
    holding = threading.Event()

    def hold_lock() -> None:
        with store.write_lock():
            holding.set()
            time.sleep(1.0)

    holder = threading.Thread(target=hold_lock)
    holder.start()
    holding.wait()
    started = time.monotonic()
    try:
        ingest_paths(db, [seed_path(2)], limits=Limits(max_bytes=MAX))
        update(db, store)
    except BaseException as exc:  # pragma: no cover - the assertion below reports it
        errors.append(exc)
    waited = time.monotonic() - started
    holder.join()
    assert errors == [] and waited >= 0.5
    assert check(db, store).clean
    db.dispose()


def test_a_writer_that_waits_too_long_gets_a_clear_message(tmp_path: Path) -> None:
    store = IndexStore(tmp_path / "index")
    with (
        store.write_lock(),
        pytest.raises(IndexProblem, match="正被另一个进程写入"),
        store.write_lock(timeout=0.3),
    ):
        pass


def test_a_segment_of_documents_without_region_or_date_stays_searchable(tmp_path: Path) -> None:
    db, store = make_index(tmp_path, seed_path(4))
    searcher = Searcher(store)
    assert searcher.search(parse_query("干部")).total == 1
    plain = tmp_path / "plain.md"
    plain.write_text(
        "---\ntitle: 无地区无日期\n---\n推行“三联三带”工作法，组织干部下基层。\n", "utf-8"
    )
    (result,) = ingest_paths(db, [plain], limits=Limits(max_bytes=MAX))
    update(db, store, [result.id])  # a new segment where no entry has a region or date
    searcher.refresh()
    found = searcher.search(parse_query("干部"))
    assert found.total == 2 and found.facets.region == {"濮阳": 1}
    with Searcher(store) as fresh:
        assert fresh.search(parse_query('"三联三带"')).total == 1
    searcher.close()
    db.dispose()


@pytest.mark.parametrize(
    ("documents", "cores", "options"),
    [
        (10, 8, {}),  # a handful: one process is quicker than starting others
        (10_000, 1, {}),
        (10_000, 2, {"procs": 2, "multisegment": True, "limitmb": 256}),
        (10_000, 32, {"procs": 8, "multisegment": True, "limitmb": 256}),
    ],
)
def test_large_rebuilds_index_in_one_process_per_core(
    documents: int, cores: int, options: dict[str, object]
) -> None:
    assert build_options(documents, cores) == options


def test_a_parallel_rebuild_finds_what_a_serial_one_finds(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db, store = make_index(tmp_path, seed_path(0), seed_path(2), seed_path(4))
    queries = ["组工", '"基层党建"', "一定两评三公开", "type:case", "干部 year:2016"]

    def results() -> list[tuple[int, list[int], dict[str, object]]]:
        with Searcher(store) as searcher:
            found = [searcher.search(parse_query(q)) for q in queries]
        return [(r.total, [h.id for h in r.hits], r.facets.to_json()) for r in found]

    serial = results()
    parallel = {"procs": 2, "multisegment": True, "batchsize": 1}
    monkeypatch.setattr(build, "build_options", lambda documents: parallel)
    rebuild(db, store)
    current = store.current_dir()
    assert current is not None and len(list(current.glob("*.trm"))) >= 2  # one segment per process
    assert results() == serial
    db.dispose()


def test_kept_results_are_reused_until_the_index_changes(tmp_path: Path) -> None:
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "1.txt").write_bytes(seed_path(1).read_bytes())
    db, store = make_index(tmp_path, folder)
    query = parse_query("三联三带")
    with Searcher(store, result_cache=2) as searcher:
        first = searcher.search(query)
        assert first.total == 0
        assert searcher.search(query) is first  # kept
        assert searcher.search(query, page=2) is not first  # another page, another entry
        searcher.search(parse_query("组工"))  # a third entry pushes the oldest out
        assert searcher.search(query) is not first

        (folder / "2.txt").write_text(seed_text(3) + "\n推行“三聯三帶”工作法。\n", "utf-8")
        ingest_paths(db, [folder], limits=Limits(max_bytes=MAX))
        update(db, store)
        searcher.refresh()
        assert searcher.search(query).total == 1  # the change cleared what was kept
    with Searcher(store) as uncached:
        assert uncached.search(query) is not uncached.search(query)
    db.dispose()


def test_a_settled_change_stamp_holds_until_a_write_and_every_write_is_seen(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "1.txt").write_bytes(seed_path(1).read_bytes())
    db, store = make_index(tmp_path, folder)
    query = parse_query("三联三带")
    with Searcher(store) as searcher:
        generation = store.current_dir()
        assert store.change_stamp(generation) is None  # just written: not settled yet
        monkeypatch.setattr(index_store, "SETTLED_NS", 0)
        stamp = store.change_stamp(generation)
        assert stamp is not None and stamp == store.change_stamp(generation)
        searcher.refresh()  # a full look, which keeps the stamp
        assert searcher._stamp == stamp
        assert searcher.search(query).total == 0

        (folder / "2.txt").write_text(seed_text(3) + "\n推行“三聯三帶”工作法。\n", "utf-8")
        ingest_paths(db, [folder], limits=Limits(max_bytes=MAX))
        update(db, store)  # a commit into the same generation
        assert store.change_stamp(generation) != stamp
        searcher.refresh()
        assert searcher.search(query).total == 1
        rebuild(db, store)  # a new generation
        assert store.current_dir() != generation
        searcher.refresh()
        assert searcher.search(query).total == 1
        assert searcher._generation == store.current_dir()
    db.dispose()


def test_writer_processes_die_with_a_killed_rebuild_and_its_leftovers_go(tmp_path: Path) -> None:
    """kill -9 of a parallel rebuild: its writer processes, which inherited the write
    lock, die with it; the next writer removes the generation it never published."""
    db, store = make_index(tmp_path, seed_path(0))
    live = store.current_dir()
    script = (
        "import os, signal, sys, time\n"
        "from pathlib import Path\n"
        "from indexer.build import document_entry\n"
        "from indexer.store import IndexStore, committing\n"
        "from kb.db import repository\n"
        "from kb.db.session import Database\n"
        "db = Database(sys.argv[1]); store = IndexStore(Path(sys.argv[2]))\n"
        "with db.session() as session:\n"
        "    (record,) = repository.document_records(session)\n"
        "with store.write_lock():\n"
        "    path, ix = store.new_generation()\n"
        "    with committing(ix, procs=2, multisegment=True) as writer:\n"
        "        writer.batchsize = 1\n"
        "        for _ in range(4):\n"
        "            writer.add_document(**document_entry(record))\n"
        "        time.sleep(1)\n"
        "        pid = os.getpid()\n"
        "        kids = Path(f'/proc/{pid}/task/{pid}/children').read_text().split()\n"
        "        print(' '.join(kids), flush=True)\n"
        "        os.kill(pid, signal.SIGKILL)\n"
    )
    run = subprocess.run(
        [sys.executable, "-c", script, db.url, str(store.root)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == -signal.SIGKILL, run.stderr
    writers = [int(pid) for pid in run.stdout.split()]
    assert len(writers) >= 2
    deadline = time.monotonic() + 10
    while any(Path(f"/proc/{pid}").exists() for pid in writers) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not any(Path(f"/proc/{pid}").exists() for pid in writers)
    assert len(list(store.root.glob("gen-*"))) == 2  # the live one and the abandoned one
    assert check(db, store).clean  # and the check, finding no writer at work, tidies up
    assert list(store.root.glob("gen-*")) == [live]
    with store.write_lock(timeout=5):  # free: no writer holds it any more
        pass
