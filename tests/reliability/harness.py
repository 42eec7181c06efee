"""Real kb processes for the reliability suite: the CLI, ``kb serve`` on loopback, HTTP.

Nothing here imitates kb: commands run as users run them (``python -c 'from kb.cli
import main; main()'`` with ``KB_HOME`` and ``KB_DATABASE_URL``), the site is gunicorn
with its worker processes, and requests go over sockets. ``KB_RELIABILITY_SCALE``
multiplies every count (the long version, ``make bench``'s ``reliability`` phase).
"""

from __future__ import annotations

import http.client
import json
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from urllib.parse import urlencode

from indexer.build import DriftReport, check
from indexer.store import IndexStore
from kb.db.session import Database
from kb.users import add_user

KB = [sys.executable, "-c", "from kb.cli import main; main()"]
SCALE = max(1, int(os.environ.get("KB_RELIABILITY_SCALE", "1") or "1"))
EDITORS = (("editor", "correct-horse-battery"), ("other", "staple-battery-horse"))
"""Two editors: packs of one must be invisible to the other."""


def scaled(count: int) -> int:
    return count * SCALE


def report(name: str, **figures: object) -> None:
    """Append one test's measurements to ``$KB_RELIABILITY_REPORT`` (JSON lines), when
    set: ``make bench`` collects them for the README."""
    target = os.environ.get("KB_RELIABILITY_REPORT")
    if target:
        with open(target, "a", encoding="utf-8") as out:
            out.write(json.dumps({"test": name, "scale": SCALE, **figures}, ensure_ascii=False))
            out.write("\n")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def children(pid: int) -> list[int]:
    """The direct child processes of ``pid`` (none once it is gone)."""
    try:
        return [int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except (FileNotFoundError, ProcessLookupError):
        return []


def descendants(pid: int) -> list[int]:
    found, todo = [], [pid]
    while todo:
        kids = children(todo.pop())
        found += kids
        todo += kids
    return found


def alive(pid: int) -> bool:
    """True while ``pid`` runs (a zombie waiting to be reaped does not count)."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except (FileNotFoundError, ProcessLookupError, IndexError):
        return False


def wait_gone(pids: Iterable[int], seconds: float = 10.0) -> list[int]:
    """Wait for ``pids`` to end; return those still running after ``seconds``."""
    pids = list(pids)
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        pids = [pid for pid in pids if alive(pid)]
        if not pids:
            return []
        time.sleep(0.05)
    return pids


@dataclass
class Instance:
    """A knowledge base: a KB_HOME folder and its database (SQLite or PostgreSQL)."""

    home: Path
    url: str
    settings: dict[str, str] = field(default_factory=dict)

    @property
    def env(self) -> dict[str, str]:
        return {
            **os.environ,
            "KB_HOME": str(self.home),
            "KB_DATABASE_URL": self.url,
            "KB_SECRET_KEY": "reliability-suite-key",
            **self.settings,
        }

    def kb(
        self, *args: str, timeout: float = 600, check: bool = True
    ) -> subprocess.CompletedProcess[str]:
        """Run a kb command to the end."""
        done = subprocess.run(
            [*KB, *args], env=self.env, capture_output=True, text=True, timeout=timeout
        )
        if check and done.returncode != 0:
            raise AssertionError(f"kb {' '.join(args)} failed: {done.stderr[-2000:]}")
        return done

    def start_kb(self, *args: str) -> subprocess.Popen[str]:
        """Start a kb command (to be killed); its errors go to ``kb-errors.log``."""
        with (self.home / "kb-errors.log").open("a", encoding="utf-8") as errors:
            return subprocess.Popen(
                [*KB, *args], env=self.env, stdout=subprocess.DEVNULL, stderr=errors, text=True
            )

    def errors(self) -> str:
        """What the commands started with :meth:`start_kb` wrote to standard error."""
        path = self.home / "kb-errors.log"
        return path.read_text(encoding="utf-8") if path.exists() else ""

    @cached_property
    def db(self) -> Database:
        return Database(self.url)

    @property
    def store(self) -> IndexStore:
        return IndexStore(self.home / "index")

    def check(self) -> DriftReport:
        return check(self.db, self.store)

    def add_editors(self) -> None:
        with self.db.session() as session:
            for name, password in EDITORS:
                add_user(session, name, password)

    def close(self) -> None:
        if "db" in self.__dict__:
            self.db.dispose()


@dataclass
class Reply:
    status: int
    headers: dict[str, str]
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", "replace")

    def json(self) -> object:
        return json.loads(self.body)


class Site:
    """``kb serve`` with its worker processes, answering on a loopback port."""

    def __init__(self, instance: Instance, *, workers: int = 2) -> None:
        self.instance = instance
        self.port = free_port()
        self.errors = (instance.home / f"serve-{self.port}.log").open("w+", encoding="utf-8")
        command = [*KB, "serve", "--port", str(self.port), "--workers", str(workers)]
        self.process = subprocess.Popen(
            command, env=instance.env, stdout=subprocess.DEVNULL, stderr=self.errors
        )
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            assert self.process.poll() is None, self.log()
            try:
                if self.get("/api/tags").status == 200 and len(self.workers()) == workers:
                    return
            except OSError:
                pass
            time.sleep(0.1)
        raise TimeoutError(f"kb serve did not answer: {self.log()}")

    def workers(self) -> list[int]:
        return children(self.process.pid)

    def log(self) -> str:
        self.errors.flush()
        return (self.instance.home / f"serve-{self.port}.log").read_text(encoding="utf-8")

    def request(
        self,
        method: str,
        path: str,
        *,
        body: bytes | None = None,
        headers: dict[str, str] | None = None,
        timeout: float = 60,
    ) -> Reply:
        """Send one request as given (the path is not re-encoded) and read the answer."""
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        try:
            connection.putrequest(method, path, skip_accept_encoding=True)
            for name, value in (headers or {}).items():
                connection.putheader(name, value)
            if body is not None:
                connection.putheader("Content-Length", str(len(body)))
            connection.endheaders(body)
            response = connection.getresponse()
            return Reply(response.status, dict(response.getheaders()), response.read())
        finally:
            connection.close()

    def get(self, path: str, **options: object) -> Reply:
        return self.request("GET", path, **options)  # type: ignore[arg-type]

    def stop(self) -> str:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        log = self.log()
        self.errors.close()
        return log


def multipart(fields: dict[str, str], files: list[tuple[str, bytes, bytes]]) -> tuple[bytes, str]:
    """A multipart/form-data body: ``files`` are (field, file name as bytes, content)."""
    boundary = "kb" + secrets.token_hex(12)
    parts: list[bytes] = []
    for name, value in fields.items():
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'.encode()
            + value.encode()
            + b"\r\n"
        )
    for name, filename, content in files:
        quoted = filename.replace(b'"', b"%22").replace(b"\r", b"").replace(b"\n", b"")
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="'.encode()
            + quoted
            + b'"\r\nContent-Type: application/octet-stream\r\n\r\n'
            + content
            + b"\r\n"
        )
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


class Browser:
    """One client of a site with its cookies, as a browser keeps them."""

    def __init__(self, site: Site) -> None:
        self.site = site
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, **options: object) -> Reply:
        headers = dict(options.pop("headers", None) or {})  # type: ignore[call-overload]
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        reply = self.site.request(method, path, headers=headers, **options)  # type: ignore[arg-type]
        cookie = reply.headers.get("Set-Cookie")
        if cookie:
            name, _, rest = cookie.partition("=")
            self.cookies[name] = rest.split(";", 1)[0]
        return reply

    def get(self, path: str) -> Reply:
        return self.request("GET", path)

    def token(self, path: str = "/login") -> str:
        page = self.get(path).text
        found = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page) or re.search(
            r'<meta name="csrf-token" content="([^"]+)"', page
        )
        assert found, f"no CSRF token on {path}"
        return found.group(1)

    def post_form(self, path: str, fields: dict[str, str], *, token: bool = True) -> Reply:
        data = dict(fields)
        if token:
            data["csrf_token"] = self.token()
        body = urlencode(data).encode()
        headers = {"Content-Type": "application/x-www-form-urlencoded"}
        return self.request("POST", path, body=body, headers=headers)

    def post_json(self, path: str, data: object, *, token: bool = True) -> Reply:
        headers = {"Content-Type": "application/json"}
        if token:
            headers["X-CSRFToken"] = self.token("/")
        return self.request("POST", path, body=json.dumps(data).encode(), headers=headers)

    def login(self, name: str, password: str) -> None:
        reply = self.post_form("/login", {"name": name, "password": password})
        assert reply.status == 302, reply.text[-500:]

    def upload(self, files: list[tuple[bytes, bytes]]) -> Reply:
        body, content_type = multipart(
            {"csrf_token": self.token("/edit/upload")}, [("files", n, c) for n, c in files]
        )
        return self.request(
            "POST", "/edit/upload?format=json", body=body, headers={"Content-Type": content_type}
        )
