"""The site under load: cold start, then 8 concurrent clients on ``/api/search``.

The server is ``kb serve`` (gunicorn: a master and its workers). The load comes from
``wrk`` (Debian package ``wrk``): 8 connections cycling through the benchmark queries
(the server closes each after its answer, so wrk reconnects); a Lua ``done`` hook
reports the latency percentiles and every kind of error (connect, read, write, timeout,
non-2xx status) as JSON.
"""

from __future__ import annotations

import http.client
import json
import os
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path
from urllib.parse import quote

VENV_BIN = Path(__file__).resolve().parent.parent / ".venv" / "bin"

_LUA = """
local paths = {%(paths)s}
local counter = 0
request = function()
  counter = counter + 1
  return wrk.format("GET", paths[(counter %% #paths) + 1])
end
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    '{"requests": %%d, "duration_us": %%d, "connect": %%d, "read": %%d, "write": %%d, ' ..
    '"status": %%d, "timeout": %%d, "p50_us": %%d, "p95_us": %%d, "p99_us": %%d, ' ..
    '"max_us": %%d}\\n',
    summary.requests, summary.duration, e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(95), latency:percentile(99), latency.max))
end
"""


def search_path(query: str) -> str:
    return f"/api/search?q={quote(query)}"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def get(port: int, path: str, timeout: float = 30.0) -> int:
    """Status of one GET on loopback (a fresh connection)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request("GET", path)
        response = conn.getresponse()
        response.read()
        return response.status
    finally:
        conn.close()


class Server:
    """``kb serve`` on a free loopback port; records the time to the first answer."""

    def __init__(
        self,
        home: Path,
        *,
        workers: int | None = None,
        threads: int | None = None,
        env: dict[str, str] | None = None,
    ) -> None:
        """``workers``/``threads`` None: ``kb serve``'s defaults, the site as shipped."""
        self.home, self.workers, self.threads, self.extra_env = home, workers, threads, env or {}
        self.port = free_port()
        self.process: subprocess.Popen[bytes] | None = None

    def start(self, first_query: str, timeout: float = 120.0) -> float:
        """Start the server; return seconds from process start to the first answered query."""
        env = {**os.environ, "KB_HOME": str(self.home), **self.extra_env}
        started = time.perf_counter()
        command = [str(VENV_BIN / "kb"), "serve", "--port", str(self.port)]
        if self.workers is not None:
            command += ["--workers", str(self.workers)]
        if self.threads is not None:
            command += ["--threads", str(self.threads)]
        self.process = subprocess.Popen(
            command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
        )
        path = search_path(first_query)
        while time.perf_counter() - started < timeout:
            if self.process.poll() is not None:
                raise RuntimeError(f"kb serve exited: {self.process.stderr.read().decode()}")  # type: ignore[union-attr]
            try:
                if get(self.port, path) == 200:
                    return time.perf_counter() - started
            except OSError:
                time.sleep(0.01)
        raise TimeoutError("kb serve did not answer")

    def processes(self) -> list[int]:
        """The master's pid and its workers'."""
        assert self.process is not None
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        return [self.process.pid, *(int(pid) for pid in children.read_text().split())]

    def memory_mb(self) -> dict[str, float]:
        """Peak RSS (VmHWM) of the largest process and summed over all of them, and the
        proportional set size (PSS: shared pages split between their sharers) summed —
        what the server occupies now, without counting pages the workers share twice."""
        peaks, pss = [], 0.0
        for pid in self.processes():
            peaks.append(_proc_kb(Path(f"/proc/{pid}/status"), "VmHWM:") / 1024)
            pss += _proc_kb(Path(f"/proc/{pid}/smaps_rollup"), "Pss:") / 1024
        return {"peak_rss_max": max(peaks), "peak_rss_sum": sum(peaks), "pss_sum": pss,
                "processes": len(peaks)}  # fmt: skip

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def _proc_kb(path: Path, key: str) -> int:
    """A ``key: N kB`` line of a /proc file."""
    line = next(line for line in path.read_text().splitlines() if line.startswith(key))
    return int(line.split()[1])


def run_wrk(port: int, queries: list[str], *, seconds: int, connections: int = 8) -> dict:
    """Run wrk against the queries; return requests/s, latency percentiles (ms), errors."""
    wrk = shutil.which("wrk")
    if wrk is None:
        raise RuntimeError("wrk is not installed: apt-get install wrk (make bench does it)")
    paths = ", ".join(json.dumps(search_path(q), ensure_ascii=True) for q in queries)
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(_LUA % {"paths": paths})
    try:
        out = subprocess.run(
            [wrk, "-t", "2", "-c", str(connections), "-d", f"{seconds}s", "--timeout", "10s",
             "-s", script.name, f"http://127.0.0.1:{port}"],
            check=True, capture_output=True, text=True,
        ).stdout  # fmt: skip
    finally:
        os.unlink(script.name)
    raw = json.loads(out.strip().splitlines()[-1])
    errors = sum(raw[k] for k in ("connect", "read", "write", "status", "timeout"))
    return {
        "clients": connections,
        "seconds": raw["duration_us"] / 1e6,
        "requests": raw["requests"],
        "requests_per_s": raw["requests"] / (raw["duration_us"] / 1e6),
        "p50_ms": raw["p50_us"] / 1000,
        "p95_ms": raw["p95_us"] / 1000,
        "p99_ms": raw["p99_us"] / 1000,
        "max_ms": raw["max_us"] / 1000,
        "errors": errors,
        "error_kinds": {k: raw[k] for k in ("connect", "read", "write", "status", "timeout")},
    }
