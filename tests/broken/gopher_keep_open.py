"""Broken gopher server: does not close the connection after the response; it waits for the client to close.

Gets wrong: GOPHER-REQ-8 (the server closes after the response).
Caught by: the server scenario ``gopher-server-close-after-response``.

Run: ``python tests/broken/gopher_keep_open.py --port PORT --root DIR``
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
        while b"\n" not in buf and (data := conn.recv(4096)):
            buf += data
        line = buf.split(b"\n")[0].rstrip(b"\r").decode("utf-8", "surrogateescape")
        body = content(ref, line, port)
        conn.sendall(body)
        conn.settimeout(2)
        try:
            while conn.recv(4096):  # BUG: waits for the client to hang up first
                pass
        except OSError:
            pass


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
