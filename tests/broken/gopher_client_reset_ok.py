"""Broken gopher client: takes a connection reset as the normal end of a binary item and exits 0 with a truncated file.

Gets wrong: GOPHER-CLIENT-6 (de-facto: a binary item ends at the server's orderly close; a reset is a network error).
Caught by: the client scenario ``gopher-client-reset-mid-binary``.

Run: ``python tests/broken/gopher_client_reset_ok.py [--timeout S] gopher://HOST:PORT/TYPEselector``
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
        out = b""
        try:
            while data := s.recv(65536):
                out += data
        except ConnectionResetError:
            pass  # BUG: a reset is not the end of the item
    sys.stdout.buffer.write(out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
