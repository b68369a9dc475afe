"""Broken gopher client: fetches every URL with a gopher transaction: telnet (type 8) targets get a selector, and
``URL:`` links are sent to the gopher server.

Gets wrong: GOPHER-TYPE-4 (never send a gopher selector to a telnet target) and GOPHER-EXT-3 (open ``URL:`` links
directly).
Caught by: the client scenarios ``gopher-client-telnet-item`` and ``gopher-client-url-link``.

Run: ``python tests/broken/gopher_client_fetch_anything.py [--timeout S] gopher://HOST:PORT/TYPEselector``
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
        s.sendall(url.request())  # BUG: whatever the type, whatever the selector
        data = read_to_close(s)
    sys.stdout.buffer.write(data)
    return 0


if __name__ == "__main__":
    sys.exit(main())
