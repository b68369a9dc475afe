"""Broken gopher client: waits for the server to speak before sending its request (a deadlock with any gopher server).

Gets wrong: GOPHER-CLIENT-3 (send the request right after connecting).
Caught by: the client scenario ``gopher-client-request-without-greeting``.

Run: ``python tests/broken/gopher_client_waits_greeting.py [--timeout S] gopher://HOST:PORT/TYPEselector``
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
        greeting = s.recv(1024)  # BUG: gopher servers never greet
        s.sendall(url.request())
        data = greeting + read_to_close(s)
    sys.stdout.buffer.write(data)
    return 0


if __name__ == "__main__":
    sys.exit(main())
