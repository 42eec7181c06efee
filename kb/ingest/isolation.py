"""Process each file in a child process that is stopped when it runs out of time or memory.

    pipeline --Job--> Isolation ==pipe==> worker process (``python -m kb.ingest.isolation``)
             <--Processed, or the reason it was rejected--

Some files cost far more to read than their size suggests: YAML aliases that expand a
few hundred bytes into gigabytes, a .docx whose XML unpacks to hundreds of megabytes, a
plain text of millions of characters. The readers refuse the shapes they know before
doing the work; the worker process bounds everything else. This process waits at most
``Limits.seconds`` for the answer and stops the worker when its resident memory grows
by more than ``Limits.memory_bytes`` over what it held before the file; the file is then
rejected with that reason and the batch goes on with a new worker. Inside the worker an
address-space limit turns a runaway allocation into a MemoryError before the machine
runs out.

A worker starts on first use (it loads jieba's dictionaries, OpenCC and the gazetteer:
a few seconds), serves the following files, and stops after :data:`IDLE_SECONDS`
without work, when this process exits, or when this process dies (it asks Linux to
kill it then, :mod:`kb.children`). It is started with ``subprocess`` (fork and exec),
which is safe from a site worker's threads.
"""

from __future__ import annotations

import atexit
import contextlib
import logging
import os
import pickle
import resource
import select
import signal
import struct
import subprocess
import sys
import threading
import time
import traceback
from typing import Any, BinaryIO

from kb import errors
from kb.errors import IngestError
from kb.ingest.process import Job, Processed
from kb.limits import Limits, megabytes

log = logging.getLogger(__name__)

IDLE_SECONDS = 60.0
"""A worker without work for this long is stopped (its dictionaries take memory)."""
START_SECONDS = 180.0
"""How long a new worker may take to load its dictionaries (a busy machine is slow)."""
POLL_SECONDS = 0.05
"""How often the worker's memory is looked at while it works."""
RESTART_GROWTH = 256 * 1024 * 1024
"""A worker whose memory grew this much over its start is replaced between files."""
_HEADER = struct.Struct("<Q")
_PAGE = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096


class WorkerGone(Exception):
    """The worker process exited or closed its pipe."""


class WorkerDied(IngestError):
    """The worker process died while it had a file (the file is rejected with this)."""


def send(stream: BinaryIO, message: object) -> None:
    """Write one framed message (a length, then a pickle) and flush it."""
    data = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
    view = memoryview(_HEADER.pack(len(data)) + data)
    while view:
        written = stream.write(view)
        view = view[written if written is not None else len(view) :]
    stream.flush()


def receive(stream: BinaryIO) -> Any:
    """Read one framed message; raise WorkerGone at the end of the stream.

    Only ever reads the pipe between a process and the worker it started itself."""
    header = _read_exactly(stream, _HEADER.size)
    return pickle.loads(_read_exactly(stream, _HEADER.unpack(header)[0]))


def _read_exactly(stream: BinaryIO, size: int) -> bytes:
    chunks, left = [], size
    while left:
        chunk = stream.read(left)
        if not chunk:
            raise WorkerGone
        chunks.append(chunk)
        left -= len(chunk)
    return b"".join(chunks)


def resident_bytes(pid: int) -> int:
    """The resident memory of process ``pid`` (0 when it cannot be read)."""
    try:
        with open(f"/proc/{pid}/statm", "rb") as statm:
            return int(statm.read().split()[1]) * _PAGE
    except (OSError, ValueError, IndexError):
        return 0


class Worker:
    """One worker process and the pipes to it."""

    def __init__(self) -> None:
        command = [sys.executable, "-m", "kb.ingest.isolation", str(os.getpid())]
        self.process = subprocess.Popen(
            command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, bufsize=0, close_fds=True
        )
        self.owner = os.getpid()
        assert self.process.stdin is not None and self.process.stdout is not None
        self.stdin, self.stdout = self.process.stdin, self.process.stdout
        reply = self._wait(START_SECONDS, memory_limit=None)
        if reply is None or reply[0] != "ready":
            self.stop()
            raise IngestError("无法启动处理文件的进程，请查看日志")
        self.started_with = resident_bytes(self.process.pid)

    def run(self, job: Job, limits: Limits) -> Any:
        """Send ``job`` and return the worker's reply; raise IngestError (and stop the
        worker) when it runs out of time or memory or dies."""
        before = resident_bytes(self.process.pid)
        try:
            send(self.stdin, (job, limits))
        except OSError:
            code = self.stop()
            raise WorkerDied(f"处理文件的进程意外退出（{_exit_text(code)}），文件未导入") from None
        reply = self._wait(limits.seconds, memory_limit=before + limits.memory_bytes)
        if reply == "timeout":
            self.stop()
            raise IngestError(
                f"处理超时：超过 {limits.seconds:g} 秒仍未完成（上限由 KB_INGEST_SECONDS 设定）"
            )
        if reply == "memory":
            self.stop()
            raise IngestError(_memory_reason(limits))
        if reply is None:
            code = self.stop()
            raise WorkerDied(f"处理文件的进程意外退出（{_exit_text(code)}），文件未导入")
        return reply

    def _wait(self, seconds: float, *, memory_limit: int | None) -> Any:
        """The next reply, ``"timeout"``, ``"memory"``, or None when the worker died."""
        deadline = time.monotonic() + seconds
        pid = self.process.pid
        while True:
            ready, _, _ = select.select([self.stdout], [], [], POLL_SECONDS)
            if ready:
                try:
                    return receive(self.stdout)
                except (WorkerGone, OSError, EOFError, pickle.UnpicklingError):
                    return None
            if self.process.poll() is not None:
                return None
            if memory_limit is not None and resident_bytes(pid) > memory_limit:
                return "memory"
            if time.monotonic() > deadline:
                return "timeout"

    def worn(self) -> bool:
        """True when the worker kept much more memory than it started with."""
        return resident_bytes(self.process.pid) > self.started_with + RESTART_GROWTH

    def stop(self) -> int | None:
        """Stop the worker (closing its input first, then by force) and return its
        exit code."""
        if self.owner != os.getpid():  # a forked copy of this object: the parent's worker
            for pipe in (self.stdin, self.stdout):
                with contextlib.suppress(OSError):
                    pipe.close()
            return None
        with contextlib.suppress(OSError):
            self.stdin.close()
        try:
            return self.process.wait(timeout=2)
        except subprocess.TimeoutExpired:
            self.process.kill()
            return self.process.wait()
        finally:
            with contextlib.suppress(OSError):
                self.stdout.close()


def _memory_reason(limits: Limits) -> str:
    return (
        f"处理该文件需要的内存超过 {megabytes(limits.memory_bytes)} MB 的上限"
        "（上限由 KB_INGEST_MEMORY_MB 设定），文件未导入"
    )


def _exit_text(code: int | None) -> str:
    if code is not None and code < 0:
        with contextlib.suppress(ValueError):
            return f"信号 {signal.Signals(-code).name}"
    return f"退出码 {code}"


class Isolation:
    """Runs jobs in a worker process, one at a time, starting workers as needed."""

    def __init__(self, *, idle_seconds: float = IDLE_SECONDS) -> None:
        self.idle_seconds = idle_seconds
        self._worker: Worker | None = None
        self._lock = threading.Lock()
        self._timer: threading.Timer | None = None

    def process(self, job: Job, limits: Limits) -> Processed:
        """Process ``job`` within ``limits``; raise the IngestError that rejects it."""
        with self._lock:
            self._cancel_timer()
            try:
                reply = self._run(job, limits)
            finally:
                self._arm_timer()
            worker = self._worker
            assert worker is not None
            if reply[0] in ("memory", "failed") or worker.worn():
                worker.stop()  # a fresh worker for the next file
                self._worker = None
        return _result(reply, job)

    def _run(self, job: Job, limits: Limits) -> Any:
        """The worker's reply to ``job``. A worker that dies without answering gets one
        more try on a new worker: it may have been dying already (killed while idle)."""
        for attempt in (1, 2):
            worker = self._current()
            try:
                return worker.run(job, limits)
            except WorkerDied:
                self._worker = None
                if attempt == 2:
                    raise
            except IngestError:
                self._worker = None
                raise
        raise AssertionError("unreachable")

    def close(self) -> None:
        """Stop the worker, if one runs."""
        with self._lock:
            self._cancel_timer()
            if self._worker is not None:
                self._worker.stop()
                self._worker = None

    def _current(self) -> Worker:
        worker = self._worker
        if worker is not None and (
            worker.owner != os.getpid() or worker.process.poll() is not None
        ):
            worker.stop()  # closes our ends of its pipes (a forked copy's, or a dead one's)
            self._worker = worker = None
        if worker is None:
            worker = self._worker = Worker()
        return worker

    def _arm_timer(self) -> None:
        self._timer = threading.Timer(self.idle_seconds, self._stop_if_idle)
        self._timer.daemon = True
        self._timer.start()

    def _cancel_timer(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None

    def _stop_if_idle(self) -> None:
        if self._lock.acquire(blocking=False):
            try:
                if self._worker is not None:
                    self._worker.stop()
                    self._worker = None
            finally:
                self._lock.release()


def _result(reply: tuple[Any, ...], job: Job) -> Processed:
    """The worker's answer as a result, or as the IngestError it reported."""
    kind = reply[0]
    if kind == "ok":
        result: Processed = reply[1]
        return result
    if kind == "rejected":
        error = getattr(errors, reply[1], IngestError)
        if not (isinstance(error, type) and issubclass(error, IngestError)):
            error = IngestError
        raise error(reply[2])
    if kind == "memory":
        raise IngestError(reply[1])
    log.error("processing %s failed:\n%s", job.source, reply[1])
    raise IngestError(f"处理失败：程序内部错误（{reply[2]}），已记入日志")


_shared = Isolation()
atexit.register(_shared.close)


def process_isolated(job: Job, limits: Limits) -> Processed:
    """Process ``job`` in this process's shared worker (see the module docstring)."""
    return _shared.process(job, limits)


# -- the worker's side ---------------------------------------------------------------------
ADDRESS_SLACK = 512 * 1024 * 1024
"""Address space a job may reserve beyond its memory limit before allocations fail: the
parent watches resident memory, this only stops what would outrun its look."""


def _address_space() -> int:
    try:
        with open("/proc/self/statm", "rb") as statm:
            return int(statm.read().split()[0]) * _PAGE
    except (OSError, ValueError, IndexError):
        return 0


def serve(parent_pid: int) -> None:
    """The worker's loop: answer each job on stdin until it closes."""
    from kb.children import die_with_parent
    from kb.ingest.process import process, warm_up

    die_with_parent(parent_pid)
    replies = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)  # whatever prints goes to stderr, never into the replies
    requests = sys.stdin.buffer
    warm_up()
    send(replies, ("ready",))
    while True:
        try:
            job, limits = receive(requests)
        except WorkerGone:
            return
        _limit_address_space(limits)
        try:
            reply: tuple[Any, ...] = ("ok", process(job, limits))
        except IngestError as exc:
            reply = ("rejected", type(exc).__name__, str(exc))
        except (MemoryError, RecursionError) as exc:
            kind = "memory" if isinstance(exc, MemoryError) else "rejected"
            reason = _memory_reason(limits) if kind == "memory" else "文件结构嵌套过深，无法读取"
            reply = (kind, reason) if kind == "memory" else (kind, "UndecodableFile", reason)
        except Exception as exc:
            reply = ("failed", traceback.format_exc(), type(exc).__name__)
        send(replies, reply)


def _limit_address_space(limits: Limits) -> None:
    with contextlib.suppress(ValueError, OSError):
        _, hard = resource.getrlimit(resource.RLIMIT_AS)
        wanted = _address_space() + limits.memory_bytes + ADDRESS_SLACK
        if hard != resource.RLIM_INFINITY:
            wanted = min(wanted, hard)
        resource.setrlimit(resource.RLIMIT_AS, (wanted, hard))


if __name__ == "__main__":
    serve(int(sys.argv[1]))
