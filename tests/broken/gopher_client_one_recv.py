"""Broken gopher client: takes a single recv() as the whole response.

Gets wrong: NET-TCP-1 (a response arrives in many segments; read until its end).
Caught by: the client scenarios ``gopher-client-fragmented-text``, ``gopher-client-split-at-boundaries``,
``gopher-client-large-binary`` and ``gopher-client-paused-server``.

Run: ``python tests/broken/gopher_client_one_recv.py [--timeout S] gopher://HOST:PORT/TYPEselector``
"""

import argparse
import socket
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from reference_servers.gopher import wire


def arguments() -> argparse.Namespace:
    p = argparse.ArgumentParser()
    p.add_argument("--timeout", type=float, default=5.0)
    p.add_argument("url")
    return p.parse_args()


def read_to_close(sock: socket.socket) -> bytes:
    out = b""
    while data := sock.recv(65536):
        out += data
    return out


def main() -> int:
    a = arguments()
    url = wire.parse_url(a.url)
    with socket.create_connection((url.host, url.port), timeout=a.timeout) as s:
        s.sendall(url.request())
        data = s.recv(65536)  # BUG: one recv() = one response
    sys.stdout.buffer.write(data)
    return 0


if __name__ == "__main__":
    sys.exit(main())
