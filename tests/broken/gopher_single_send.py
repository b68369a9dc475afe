"""Broken gopher server: writes each response with a single ``send()`` on a nonblocking socket and ignores
how much the kernel took, so large items are cut short (or lost on EAGAIN).

Gets wrong: NET-TCP-3 (writers loop until everything is written).
Caught by: the server scenario ``gopher-server-large-binary``.

Run: ``python tests/broken/gopher_single_send.py --port PORT --root DIR``
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
        conn.setblocking(False)
        try:
            conn.send(body)  # BUG: one send(); whatever it did not take is lost
        except BlockingIOError:
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
