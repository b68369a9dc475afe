"""Broken gopher client: reads every item type up to the lastline, binaries included, so a binary item holding
``\r\n.\r\n`` is truncated there (and a binary without one hangs until the close).

Gets wrong: GOPHER-BIN-2 (types 5 and 9 are read until the close) and GOPHER-CLIENT-4 (end rule by item type).
Caught by: the client scenarios ``gopher-client-binary-with-lastline-inside``, ``gopher-client-image-item``
and ``gopher-client-html-item``.

Run: ``python tests/broken/gopher_client_binary_dot.py [--timeout S] gopher://HOST:PORT/TYPEselector``
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
        reader = wire.ResponseReader("0")  # BUG: text rules for every type
        while not reader.complete:
            data = s.recv(65536)
            reader.feed(data) if data else reader.feed_eof()
    sys.stdout.buffer.write(wire.decode_text(reader.body, require_lastline=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
