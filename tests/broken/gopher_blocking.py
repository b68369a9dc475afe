"""Broken gopher server: serves one client at a time with blocking sockets and no timeout, reading the request line
without any size bound: an idle client blocks everybody, and a client that never sends LF is held forever.

Gets wrong: NET-TCP-6 (an idle client must not block others), GOPHER-REQ-7 (request timeout), GOPHER-REQ-6 (bounded
request size).
Caught by: the server scenarios ``gopher-server-idle-client-does-not-block``,
``gopher-server-request-timeout`` and ``gopher-server-oversize-request``.

Run: ``python tests/broken/gopher_blocking.py --port PORT --root DIR``
"""

import argparse
import socket
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from reference_servers.gopher import wire
from reference_servers.gopher.server import GopherServer


def content(ref: GopherServer, line: str, port: int) -> bytes:
    """What the reference server would answer to the request ``line`` (the bug here is in the I/O)."""
    selector, *fields = line.split("\t")
    return b"".join(ref.respond(wire.Request(selector, tuple(fields)), "127.0.0.1", port))


def session(conn: socket.socket, ref: GopherServer, port: int) -> None:
    with conn:
        buf = b""
        while b"\n" not in buf:  # BUG: no timeout, no size limit
            data = conn.recv(4096)
            if not data:
                return
            buf += data
        conn.sendall(content(ref, buf.split(b"\n")[0].rstrip(b"\r").decode(), port))


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--port", type=int, default=0)
    p.add_argument("--root", required=True)
    a = p.parse_args()
    ref = GopherServer(root=a.root)
    ls = socket.create_server(("127.0.0.1", a.port))
    port = ls.getsockname()[1]
    print(f"LISTENING tcp 127.0.0.1 {port}", flush=True)
    while True:
        conn, _ = ls.accept()
        session(conn, ref, port)  # BUG: one client at a time


if __name__ == "__main__":
    main()
