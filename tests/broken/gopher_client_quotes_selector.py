"""Broken gopher client: sends the selector as it appears in the URL (still percent-encoded) and a search as
``selector?words`` instead of ``selector TAB words``.

Gets wrong: GOPHER-CLIENT-1 (the selector goes out exactly as in the menu) and GOPHER-SEARCH-2 (literal TAB).
Caught by: the client scenarios ``gopher-client-selector-opaque`` and ``gopher-client-search-request``.

Run: ``python tests/broken/gopher_client_quotes_selector.py [--timeout S] gopher://HOST:PORT/TYPEselector``
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
    path = a.url.split("/", 3)[3] if a.url.count("/") >= 3 else ""
    selector = path[1:].replace("%09", "?").replace("%09".lower(), "?")  # BUG: no percent-decoding, "?" for TAB
    with socket.create_connection((url.host, url.port), timeout=a.timeout) as s:
        s.sendall(selector.encode() + b"\r\n")
        reader = wire.ResponseReader(url.itemtype)
        while not reader.complete:
            data = s.recv(65536)
            reader.feed(data) if data else reader.feed_eof()
    sys.stdout.buffer.write(reader.body)
    return 0


if __name__ == "__main__":
    sys.exit(main())
