"""Broken gopher client: sets no timeout at all: a server that accepts and never answers makes it wait forever.

Gets wrong: NET-TCP-8 (every wait is bounded; a timeout is reported).
Caught by: the client scenarios ``gopher-client-stalled-server``, ``gopher-client-stall-mid-item`` and
``gopher-client-never-accepted``.

Run: ``python tests/broken/gopher_client_no_timeout.py [--timeout S] gopher://HOST:PORT/TYPEselector``
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
    s = socket.create_connection((url.host, url.port))
    s.settimeout(None)  # BUG: --timeout ignored
    s.sendall(url.request())
    sys.stdout.buffer.write(read_to_close(s))
    return 0


if __name__ == "__main__":
    sys.exit(main())
