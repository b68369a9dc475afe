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

Both apply to standalone servers only (:func:`reference_servers.standalone.run_standalone` sets
``ReferenceServer.reclaim_when_idle`` and fixes the thresholds), never to references inside a test process.
"""

from __future__ import annotations

import asyncio
import ctypes
import gc

_M_TRIM_THRESHOLD = -1
_M_MMAP_THRESHOLD = -3
_done: list[bool] = []


def steady_malloc(threshold: int = 128 * 1024) -> None:
    """Fix glibc's mmap and trim thresholds at ``threshold`` bytes (once per process)."""
    if _done:
        return
    _done.append(True)
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

    asyncio.get_running_loop().call_later(delay, collect)


def trim() -> None:
    """Give the free memory at the top of glibc's heaps back to the system (``malloc_trim(0)``; nothing on
    other C libraries)."""
    try:
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):
        pass
