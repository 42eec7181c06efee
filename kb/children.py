"""Child processes that never outlive the process that started them.

kb starts helper processes: the worker that reads each ingested file under limits
(:mod:`kb.ingest.isolation`) and the index writers of a parallel rebuild (Whoosh's
``MpWriter``). If the parent is killed (``kill -9``, the OOM killer, a crash), a helper
left running would go on using memory and, for an index writer, hold the index's write
lock that it inherited, so every later writer would wait for it in vain. Each helper
asks Linux to kill it when its parent dies.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import signal

PR_SET_PDEATHSIG = 1
"""``prctl`` option: the signal this process gets when its parent thread exits."""


def die_with_parent(parent_pid: int) -> None:
    """Have this process killed when ``parent_pid`` — its parent — dies; exit now if it
    already has (it was gone before the request took effect).

    On systems without ``prctl`` (not Linux) nothing is asked; the helpers also stop
    when their pipe or queue from the parent closes.
    """
    with contextlib.suppress(OSError, AttributeError):
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    if os.getppid() != parent_pid:
        os._exit(1)
