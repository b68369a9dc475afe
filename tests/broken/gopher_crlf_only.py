"""Broken gopher server: waits for CRLF and ignores a bare LF, so a client ending its request with LF alone hangs.

Gets wrong: GOPHER-REQ-5 (tolerate a bare-LF request; de-facto).
Caught by: the server scenario ``gopher-server-request-bare-lf``.

Run: ``python tests/broken/gopher_crlf_only.py --port PORT --root DIR``
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
        conn.settimeout(3)
        buf = b""
        while b"\r\n" not in buf:  # BUG: a bare LF never ends the line
            data = conn.recv(4096)
            if not data:
                return
            buf += data
        conn.sendall(content(ref, buf.split(b"\r\n")[0].decode(), port))


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
