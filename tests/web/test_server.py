"""``kb serve``: gunicorn with several worker processes on a real knowledge base.

The server runs as users start it, in its own process group; the tests talk to it over
loopback. Several workers must agree: a document ingested by another process is found
by every worker once its index update lands.
"""

from __future__ import annotations

import gc
import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.error import HTTPError, URLError
from urllib.parse import quote
from urllib.request import urlopen

import pytest

from indexer import table
from indexer.searcher import Searcher
from indexer.store import IndexStore
from kb.config import load_config
from kb.db.session import Database
from kb.ingest.pipeline import ingest_paths
from tests.conftest import seed_path
from web.server import bind_address, default_workers, prepare

KB = [sys.executable, "-c", "from kb.cli import main; main()"]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _get(port: int, path: str) -> tuple[int, dict]:
    with urlopen(f"http://127.0.0.1:{port}{path}", timeout=30) as response:
        return response.status, json.loads(response.read())


def _search(port: int, query: str) -> dict:
    status, body = _get(port, f"/api/search?q={quote(query)}&limit=20")
    assert status == 200
    return body


class Running:
    def __init__(self, home: Path, workers: int) -> None:
        self.port = _free_port()
        env = {**os.environ, "KB_HOME": str(home)}
        command = [*KB, "serve", "--port", str(self.port), "--workers", str(workers)]
        self.process = subprocess.Popen(
            command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            assert self.process.poll() is None, self.process.communicate()
            try:
                _get(self.port, "/api/tags")
                if len(self.workers()) == workers:  # gunicorn forks them one by one
                    return
            except (URLError, ConnectionError):
                pass
            time.sleep(0.1)
        raise TimeoutError("kb serve did not answer with every worker")

    def workers(self) -> list[int]:
        pid = self.process.pid
        return [int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]

    def stop(self) -> tuple[int, str, str]:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
        out, err = self.process.communicate(timeout=30)
        return self.process.returncode, out, err


@pytest.fixture
def ingested_home(tmp_path: Path) -> Path:
    """Four seeds in the database and no index yet: the server builds it."""
    home = tmp_path / "kb"
    env = {**os.environ, "KB_HOME": str(home)}
    seeds = [seed_path(n) for n in range(4)]
    subprocess.run([*KB, "ingest", *map(str, seeds)], env=env, check=True, capture_output=True)
    return home


@pytest.fixture
def server(ingested_home: Path) -> Iterator[Running]:
    running = Running(ingested_home, workers=2)
    yield running
    running.stop()


def test_two_workers_answer_searches_in_either_script(server: Running) -> None:
    assert len(server.workers()) == 2
    simplified = _search(server.port, "组织工作改革创新")
    traditional = _search(server.port, "組織工作改革創新")
    assert simplified["total"] >= 1
    assert [h["id"] for h in traditional["hits"]] == [h["id"] for h in simplified["hits"]]
    assert "<mark>" in simplified["hits"][0]["passages"][0]["html"]


def test_every_worker_finds_a_document_another_process_ingested(
    server: Running, ingested_home: Path
) -> None:
    query = "刘汉征"  # the byline of seed 4, which is not in the database yet
    assert _search(server.port, query)["total"] == 0
    env = {**os.environ, "KB_HOME": str(ingested_home)}
    added = subprocess.run(
        [*KB, "ingest", str(seed_path(4)), "--json"],
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    (result,) = json.loads(added.stdout)
    assert result["status"] == "added"
    # each request is a new connection, taken by either worker: every answer has it
    for _ in range(12):
        assert [h["id"] for h in _search(server.port, query)["hits"]] == [result["id"]]


def test_sigterm_stops_the_master_and_its_workers(ingested_home: Path) -> None:
    running = Running(ingested_home, workers=2)
    workers = running.workers()
    code, out, _ = running.stop()
    assert code == 0
    assert "知识库网站已启动" in out and "2 个进程" in out
    time.sleep(0.5)
    for pid in workers:
        assert not Path(f"/proc/{pid}").exists() or "Z" in _state(pid)


def _state(pid: int) -> str:
    return Path(f"/proc/{pid}/stat").read_text().split()[2]


def test_bind_address_and_default_workers() -> None:
    assert bind_address("0.0.0.0", 80) == "0.0.0.0:80"
    assert bind_address("::", 5000) == "[::]:5000"
    assert 1 <= default_workers() <= 4


def test_the_master_builds_the_index_and_the_table_its_workers_find(tmp_path: Path) -> None:
    config = load_config({"KB_HOME": str(tmp_path / "kb")})
    db = Database(config.database_url)
    ingest_paths(db, [seed_path(0), seed_path(1)])
    db.dispose()
    try:
        prepare(config)
    finally:
        gc.unfreeze()
    assert table._kept is not None
    with Searcher(IndexStore(config.index_dir)) as searcher:
        assert searcher.table is table._kept[1]
        assert searcher.table.size == 2


def test_the_server_names_no_software_and_answers_overlong_urls_in_json(server: Running) -> None:
    with urlopen(f"http://127.0.0.1:{server.port}/api/tags", timeout=30) as response:
        assert response.headers["Server"] == "kb"
        assert response.headers["X-Content-Type-Options"] == "nosniff"
    # up to gunicorn's largest request line, the app answers and names the parameter
    with pytest.raises(HTTPError) as app_answer:
        urlopen(f"http://127.0.0.1:{server.port}/api/search?q={quote('干' * 800)}", timeout=30)
    assert app_answer.value.code == 400
    assert json.loads(app_answer.value.read())["error"]["parameter"] == "q"
    # beyond it, gunicorn answers itself, in the API's JSON
    with pytest.raises(HTTPError) as too_long:
        urlopen(f"http://127.0.0.1:{server.port}/api/search?q={quote('干' * 3000)}", timeout=30)
    assert too_long.value.code == 414
    assert too_long.value.headers["Content-Type"].startswith("application/json")
    assert "q 最多 200 字" in json.loads(too_long.value.read())["error"]["message"]
