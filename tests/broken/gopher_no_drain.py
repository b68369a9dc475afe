"""Broken gopher server: reads the request line and nothing more, writes the item and closes at once; bytes
the client sent after its line are still unread, so the kernel answers the close with a RST and discards the
part of the item not yet delivered.

Gets wrong: NET-TCP-9 (shut down writing, drain or linger, then close).
Caught by: the server scenario ``gopher-server-unread-input``.

Run: ``python tests/broken/gopher_no_drain.py --port PORT --root DIR``
"""

import argparse
import socket
import sys
import threading
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from reference_servers.gopher import wire
from reference_servers.gopher.server import GopherServer


def session(conn: socket.socket, ref: GopherServer, port: int) -> None:
    with conn:
        conn.settimeout(3)
        buf = b""
        while b"\n" not in buf and (data := conn.recv(1)):  # reads exactly up to the LF
            buf += data
        selector, *fields = buf.rstrip(b"\r\n").decode("utf-8", "surrogateescape").split("\t")
        conn.settimeout(30)
        conn.sendall(b"".join(ref.respond(wire.Request(selector, tuple(fields)), "127.0.0.1", port)))
    # BUG: closed with the client's surplus unread: RST, and the unsent rest of the item is lost


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
