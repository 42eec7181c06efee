"""Each file is processed in a real worker process, stopped when it runs out of time or
memory; the batch goes on with a new worker."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import func, select

from kb.db.models import Document
from kb.db.session import Database
from kb.errors import IngestError
from kb.ingest.isolation import Isolation, resident_bytes
from kb.ingest.pipeline import ingest_paths
from kb.ingest.process import Job
from kb.limits import MB, Limits
from tests.conftest import seed_path, seed_text


def _job(name: str, text: str) -> Job:
    return Job(name, "txt", text.encode("utf-8"))


def _long_text(chars: int) -> str:
    body = seed_text(1) + seed_text(3)
    return (body * (chars // len(body) + 1))[:chars]


@pytest.fixture
def isolation() -> Isolation:
    running = Isolation()
    yield running
    running.close()


def _gone(pid: int, seconds: float = 5.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            state = Path(f"/proc/{pid}/stat").read_text().split()[2]
        except FileNotFoundError:
            return True
        if state == "Z":
            return True
        time.sleep(0.05)
    return False


def test_a_file_is_processed_in_another_process(isolation: Isolation) -> None:
    done = isolation.process(_job("a.txt", seed_text(0)), Limits())
    assert done.prepared.passages and done.candidates
    worker = isolation._worker
    assert worker is not None and worker.process.pid != os.getpid()


def test_a_file_over_the_time_limit_is_rejected_and_the_next_one_goes_through(
    isolation: Isolation,
) -> None:
    with pytest.raises(
        IngestError, match=r"处理超时：超过 0.5 秒仍未完成（上限由 KB_INGEST_SECONDS"
    ):
        isolation.process(_job("slow.txt", _long_text(200_000)), Limits(seconds=0.5))
    assert isolation._worker is None  # the stuck worker was stopped
    done = isolation.process(_job("next.txt", seed_text(2)), Limits())
    assert done.prepared.metadata.title


def test_a_file_over_the_memory_limit_is_rejected(isolation: Isolation) -> None:
    with pytest.raises(IngestError, match=r"内存超过 40 MB 的上限（上限由 KB_INGEST_MEMORY_MB"):
        isolation.process(_job("big.txt", _long_text(400_000)), Limits(memory_bytes=40 * MB))
    assert isolation.process(_job("next.txt", seed_text(2)), Limits()).prepared.passages


def test_a_worker_that_died_between_files_is_replaced(isolation: Isolation) -> None:
    isolation.process(_job("a.txt", seed_text(0)), Limits())
    worker = isolation._worker
    assert worker is not None
    os.kill(worker.process.pid, signal.SIGKILL)  # dying, maybe not yet reaped: retried
    assert isolation.process(_job("b.txt", seed_text(4)), Limits()).prepared.passages
    assert isolation._worker is not worker
    assert worker.process.returncode == -signal.SIGKILL


def test_the_worker_dies_with_the_process_that_started_it(tmp_path: Path) -> None:
    script = (
        "import os, signal\n"
        "from kb.ingest.isolation import Isolation\n"
        "from kb.ingest.process import Job\n"
        "from kb.limits import Limits\n"
        "isolation = Isolation()\n"
        "isolation.process(Job('a.txt', 'txt', '组织工作。'.encode() * 20), Limits())\n"
        "print(isolation._worker.process.pid, flush=True)\n"
        "os.kill(os.getpid(), signal.SIGKILL)\n"
    )
    run = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=120
    )
    assert run.returncode == -signal.SIGKILL
    worker_pid = int(run.stdout.split()[0])
    assert _gone(worker_pid)


def test_an_idle_worker_is_stopped() -> None:
    isolation = Isolation(idle_seconds=0.2)
    isolation.process(_job("a.txt", seed_text(0)), Limits())
    worker = isolation._worker
    assert worker is not None and resident_bytes(worker.process.pid) > 0
    assert _gone(worker.process.pid)
    deadline = time.monotonic() + 5
    while isolation._worker is not None and time.monotonic() < deadline:
        time.sleep(0.05)
    assert isolation._worker is None
    isolation.close()


def test_a_file_rejected_by_a_limit_leaves_nothing_and_the_batch_goes_on(
    db: Database, tmp_path: Path
) -> None:
    folder = tmp_path / "batch"
    folder.mkdir()
    (folder / "1-slow.txt").write_text(_long_text(300_000), encoding="utf-8")
    (folder / "2-seed.txt").write_bytes(seed_path(2).read_bytes())
    results = ingest_paths(db, [folder], limits=Limits(seconds=0.5))
    assert [r.status for r in results] == ["rejected", "added"]
    assert "处理超时" in (results[0].reason or "")
    with db.session() as session:
        assert session.scalar(select(func.count(Document.id))) == 1
