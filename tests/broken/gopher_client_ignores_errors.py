"""Broken gopher client: exits 0 whatever happens: an error item, an empty response, a refused or reset connection
all count as success.

Gets wrong: GOPHER-ERR-2 (an error item is reported, not taken as the item), GOPHER-ERR-3 (an empty close is an
error) and NET-TCP-8 (a network error is reported).
Caught by: the client scenarios ``gopher-client-error-item``, ``gopher-client-empty-response`` and
``gopher-client-refused``.

Run: ``python tests/broken/gopher_client_ignores_errors.py [--timeout S] gopher://HOST:PORT/TYPEselector``
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
    reader = wire.ResponseReader(url.itemtype)
    try:
        with socket.create_connection((url.host, url.port), timeout=a.timeout) as s:
            s.sendall(url.request())
            while not reader.complete:
                data = s.recv(65536)
                reader.feed(data) if data else reader.feed_eof()
    except OSError:
        pass  # BUG: refused, reset, timed out: "no data" is not success
    sys.stdout.buffer.write(reader.body)
    return 0  # BUG: never looks for a type-3 error item or an empty response either

if __name__ == "__main__":
    sys.exit(main())
