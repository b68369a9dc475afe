"""The stand-in for one pytest-xdist worker of a run forked by the self-tests' zygote (tests/pytest_zygote.py).

execnet starts it as the worker's interpreter (``python -I -S zygote_stand_in.py NAME -u -c CODE``); it
asks the zygote listening on the abstract socket ``NAME`` for a fork that becomes the worker, waits for
that worker and exits with its status.  Standard library only, and little of it: it starts in a few ms.
"""

from __future__ import annotations

import json
import os
import socket
import sys


def stand_in(name: str, argv: list[str]) -> int:
    """The stand-in for one xdist worker (``argv``: what execnet gives an interpreter, ``-u -c CODE``): hand
    stdin, stdout and stderr to the zygote's worker socket ``name``, wait for the worker and return its
    status.  Without a zygote to answer, it becomes the worker itself (a new interpreter, as before)."""
    conn = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
    try:
        conn.connect("\0" + name)
        req = {"argv": argv, "cwd": os.getcwd(), "env": dict(os.environ), "pgid": os.getpgrp()}
        socket.send_fds(conn, [json.dumps(req).encode()], [0, 1, 2])
        started = conn.recv(1 << 16)
    except OSError:
        started = b""
    if not started:
        conn.close()
        os.execv(sys.executable, [sys.executable, *argv])
    null = os.open(os.devnull, os.O_RDWR)
    for fd in (0, 1):  # the worker's now: its peer must see EOF when the worker ends, not when we do
        os.dup2(null, fd)
    ended = conn.recv(1 << 16)
    return int(json.loads(ended)["status"]) if ended else 1


if __name__ == "__main__":
    sys.exit(stand_in(sys.argv[1], sys.argv[2:]))
