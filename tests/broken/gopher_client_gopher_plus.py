"""Broken gopher client: always appends the Gopher+ marker ``TAB +`` to its requests.

Gets wrong: GOPHER-EXT-4 (a basic client never sends a TAB suffix for non-search items).
Caught by: the client scenario ``gopher-client-no-gopher-plus-suffix``.

Run: ``python tests/broken/gopher_client_gopher_plus.py [--timeout S] gopher://HOST:PORT/TYPEselector``
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
        s.sendall(url.request()[:-2] + b"\t+\r\n")  # BUG: Gopher+ request to a basic server
        reader = wire.ResponseReader(url.itemtype)
        while not reader.complete:
            data = s.recv(65536)
            reader.feed(data) if data else reader.feed_eof()
    sys.stdout.buffer.write(reader.body)
    return 0


if __name__ == "__main__":
    sys.exit(main())
