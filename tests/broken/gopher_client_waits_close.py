"""Broken gopher client: ignores the lastline and reads menus and text until the server closes (as curl does);
against a server that keeps the connection open after the lastline it hangs.

Gets wrong: GOPHER-TEXT-8 (de-facto: the client completes as soon as the lastline has arrived).
Caught by: the client scenario ``gopher-client-lastline-then-held-open``.

Run: ``python tests/broken/gopher_client_waits_close.py [--timeout S] gopher://HOST:PORT/TYPEselector``
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
    with socket.create_connection((url.host, url.port), timeout=60) as s:
        s.sendall(url.request())
        data = read_to_close(s)  # BUG: the lastline already ended the response
    sys.stdout.buffer.write(data)
    return 0


if __name__ == "__main__":
    sys.exit(main())
