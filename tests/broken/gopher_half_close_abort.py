"""Broken gopher server: treats a client's half-close (EOF right after the request) as an abort and answers nothing.

Gets wrong: NET-TCP-4 (a client that half-closes after its request still gets the complete response).
Caught by: the server scenario ``gopher-server-half-close-after-request``.

Run: ``python tests/broken/gopher_half_close_abort.py --port PORT --root DIR``
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
        conn.settimeout(0.2)
        try:
            if conn.recv(1, socket.MSG_PEEK) == b"":
                return  # BUG: "client went away", but it only shut down its sending side
        except (TimeoutError, OSError):
            pass
        conn.sendall(content(ref, line, port))


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
