"""Broken gopher client: removes the lastline of text items but leaves the stuffed dots in place.

Gets wrong: GOPHER-TEXT-3 (remove the extra leading dot); the output is neither the raw nor the decoded form.
Caught by: the client scenario ``gopher-client-text-dot-unstuffing``.

Run: ``python tests/broken/gopher_client_keeps_stuffing.py [--timeout S] gopher://HOST:PORT/TYPEselector``
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
    end = wire.find_lastline(data)
    if end is not None:
        data = data[: end - 3]  # BUG: drops ".\r\n" but keeps "..x" as "..x"
    sys.stdout.buffer.write(data)
    return 0


if __name__ == "__main__":
    sys.exit(main())
