"""Broken gopher client: validates menus strictly before printing them: ``i`` lines without TABs, LF-only lines, blank lines,
Gopher+ fields after the port (``70 TAB +``), unknown item types and 8-bit display strings make it fail.

Gets wrong: GOPHER-EXT-1 (tolerate ``i`` lines with missing fields), GOPHER-CLIENT-5 (LF-only and blank lines),
GOPHER-MENU-6 (ignore fields after the port), GOPHER-TYPE-2 (unknown types are not fatal), GOPHER-MENU-7 (8-bit text).
Caught by: the client scenarios ``gopher-client-menu-sparse-info``, ``gopher-client-menu-lf-only``,
``gopher-client-menu-gopher-plus-fields``, ``gopher-client-menu-unknown-types`` and
``gopher-client-menu-high-octets``.

Run: ``python tests/broken/gopher_client_strict_menu.py [--timeout S] gopher://HOST:PORT/TYPEselector``
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
        reader = wire.ResponseReader(url.itemtype)
        while not reader.complete:
            data = s.recv(65536)
            reader.feed(data) if data else reader.feed_eof()
    body = reader.body
    if url.itemtype == "1":
        lines = body.split(b"\r\n")
        if lines[-2:] != [b".", b""]:
            raise SystemExit("gopher: menu not in CRLF lines ending with the lastline")  # BUG: too strict
        for line in lines[:-2]:
            display, _selector, _host, port = line.split(b"\t", 3)  # BUG: exactly 4 fields
            if display[:1].decode() not in "0123456789+TgIih":
                raise SystemExit(f"gopher: unknown item type {display[:1]!r}")  # BUG: should be skipped
            display.decode("ascii")  # BUG: 8-bit display strings are legal
            int(port)  # BUG: "70\t+" is not a number
    sys.stdout.buffer.write(body)
    return 0


if __name__ == "__main__":
    sys.exit(main())
