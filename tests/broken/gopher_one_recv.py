"""Broken gopher server: takes the first recv() as the whole request line and strips it, so a selector split across
segments is cut short, and bytes after the CRLF in the same segment become part of the selector.

Gets wrong: NET-TCP-1 / GOPHER-REQ-3 (act only on a complete line) and GOPHER-REQ-9 (surplus after the line, de-facto).
Caught by: the server scenarios ``gopher-server-selector-trickled``, ``gopher-server-selector-split`` and
``gopher-server-selector-with-surplus``.

Run: ``python tests/broken/gopher_one_recv.py --port PORT --root DIR``
"""

import argparse
import socket
import sys
import threading
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
        selector = conn.recv(1024).decode("utf-8", "replace").strip()  # BUG: one recv() = one request
        conn.sendall(content(ref, selector, port))


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
        threading.Thread(target=session, args=(conn, ref, port), daemon=True).start()


if __name__ == "__main__":
    main()
