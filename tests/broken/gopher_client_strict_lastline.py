"""Broken gopher client: reports an error when a text item ends without the lastline.

Gets wrong: GOPHER-TEXT-4 (cope with servers that close without the lastline).
Caught by: the client scenario ``gopher-client-text-without-lastline``.

Run: ``python tests/broken/gopher_client_strict_lastline.py [--timeout S] gopher://HOST:PORT/TYPEselector``
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
        data = read_to_close(s)
    if url.itemtype in "017" and wire.find_lastline(data) is None:
        print("gopher: no lastline", file=sys.stderr)
        return 1  # BUG: the close ends the item just as well
    sys.stdout.buffer.write(data)
    return 0


if __name__ == "__main__":
    sys.exit(main())
