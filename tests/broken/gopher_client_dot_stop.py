"""Broken gopher client: treats any line beginning with ``.`` as the end of a text item.

Gets wrong: GOPHER-TEXT-5 (only a line holding ``.`` alone ends the text; ``..`` lines are content).
Caught by: the client scenario ``gopher-client-text-dot-lines``.

Run: ``python tests/broken/gopher_client_dot_stop.py [--timeout S] gopher://HOST:PORT/TYPEselector``
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
    out = b""
    for line in data.split(b"\r\n"):
        if line.startswith(b"."):
            break  # BUG: "..x" and ".y" are content
        out += line + b"\r\n"
    sys.stdout.buffer.write(out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
