"""Broken gopher server: serves in one thread and lets any exception escape: a client reset (ECONNRESET), or a
request line the strict parser refuses (a selector holding NUL or a stray CR), kills the whole server.

Gets wrong: NET-TCP-5 (a reset or a bad request ends only that session), GOPHER-SEC-1 (a NUL selector gets an
error item) and GOPHER-REQ-2 (a stray CR is answered, not fatal).
Caught by: the server scenarios ``gopher-server-survives-resets``, ``gopher-server-selector-with-nul`` and
``gopher-server-selector-with-cr``.

Run: ``python tests/broken/gopher_fragile.py --port PORT --root DIR``
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
    conn.settimeout(3)
    buf = b""
    while b"\n" not in buf:
        try:
            data = conn.recv(4096)  # BUG: ConnectionResetError is not caught: it ends the process
        except TimeoutError:
            conn.close()
            return
        if not data:
            conn.close()
            return
        buf += data
    request, _ = wire.parse_request(buf)  # BUG: its ProtocolError (NUL, stray CR) ends the process
    conn.sendall(content(ref, request.selector, port))
    conn.close()


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
