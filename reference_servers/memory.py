"""Keeping a long-running reference server's memory from staying at its peak (issue 16).

Measured with ``benchmarks/soak.py``: after minutes of abuse, with every session ended, the echo and
gopher servers kept 3-4x their starting RSS while holding only ~4 MiB of live Python objects.  Two causes,
two remedies, both cheap:

* garbage cycles that sessions ended by timeouts leave behind (exception, traceback, frames, buffers): an
  idle server allocates nothing, so the cyclic collector never runs; :func:`collect_when_idle` runs it
  once, one second after the last session ended, then gives free heap memory back (:func:`trim`: the HTTP
  reference kept 33 MiB after a soak that started it at 26 without it, 27 MiB with it);
* glibc's dynamic malloc thresholds, which rise to 32 MiB once a large buffer is freed, after which what
  a burst of sessions freed stays in the allocator's arenas for good; :func:`steady_malloc` fixes them
  at 128 KiB (process-wide; nothing on other C libraries).

A third cause, measured on the SMTP server (whose sessions allocate many small objects): CPython's own
small-object allocator keeps a 1 MiB arena as long as one object in it lives, so long-lived objects
allocated among an abusive load's transient ones pin partly used arenas (27 arenas for 8.3 MB of objects
after the soak, against 17 at the start; +33 % RSS with nothing remembered).  :func:`use_malloc_allocator`
runs the process with ``PYTHONMALLOC=malloc`` instead, whose free pages :func:`trim` gives back wherever
they are in the heap.

All apply to standalone servers only (:func:`reference_servers.standalone.run_standalone` sets
``ReferenceServer.reclaim_when_idle`` and fixes the thresholds), never to references inside a test process.

The module imports only ``gc``, ``os`` and ``sys`` itself (``asyncio`` and ``ctypes`` where used):
:func:`use_malloc_allocator` re-executes the interpreter, and what was imported before it is paid twice.
"""

from __future__ import annotations

import gc
import os
import sys

_M_TRIM_THRESHOLD = -1
_M_MMAP_THRESHOLD = -3
_done: list[bool] = []


def steady_malloc(threshold: int = 128 * 1024) -> None:
    """Fix glibc's mmap and trim thresholds at ``threshold`` bytes (once per process)."""
    if _done:
        return
    _done.append(True)
    import ctypes

    try:
        libc = ctypes.CDLL("libc.so.6")
        libc.mallopt(_M_MMAP_THRESHOLD, threshold)
        libc.mallopt(_M_TRIM_THRESHOLD, threshold)
    except (OSError, AttributeError):
        pass


def collect_when_idle(server, delay: float = 1.0) -> None:
    """From a session of ``server`` (a ReferenceServer, in its event loop) that is ending: ``delay`` seconds
    later, if no session is left, run the cyclic garbage collector.  At most one pending per server."""
    if getattr(server, "_collect_pending", False):
        return
    server._collect_pending = True

    def collect() -> None:
        server._collect_pending = False
        if not server._sessions:
            gc.collect()
            trim()

    import asyncio  # loaded by the server already

    asyncio.get_running_loop().call_later(delay, collect)


def trim() -> None:
    """Give the free memory at the top of glibc's heaps back to the system (``malloc_trim(0)``; nothing on
    other C libraries)."""
    import ctypes

    try:
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):
        pass


def use_malloc_allocator() -> None:
    """Re-execute this process (same interpreter, same ``sys.orig_argv``, same pid) with
    ``PYTHONMALLOC=malloc`` unless ``PYTHONMALLOC`` is already set (a user's choice, or this process after the
    re-execution).  For a standalone server's ``__main__`` only, before it binds anything; returns only when
    nothing was done (the variable is set, or this interpreter cannot say how it was started)."""
    argv = getattr(sys, "orig_argv", None)
    if os.environ.get("PYTHONMALLOC") or not argv or not sys.executable:
        return
    sys.stdout.flush()
    sys.stderr.flush()
    os.execve(sys.executable, [sys.executable, *argv[1:]], {**os.environ, "PYTHONMALLOC": "malloc"})
