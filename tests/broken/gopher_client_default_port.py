"""Broken gopher client: parses the URL with a pattern that drops the port, and always connects to port 70.

Gets wrong: GOPHER-CLIENT-2 (fetch each item from the host and port its menu line names).
Caught by: the client scenario ``gopher-client-item-at-advertised-port`` (and every scenario, since the peers
never listen on 70).

Run: ``python tests/broken/gopher_client_default_port.py [--timeout S] gopher://HOST:PORT/TYPEselector``
"""

import argparse
import re
import socket
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from reference_servers.gopher import wire


def main() -> int:
    p = argparse.ArgumentParser()
    p.add_argument("--timeout", type=float, default=5.0)
    p.add_argument("url")
    a = p.parse_args()
    host = re.match(r"gopher://([^:/]+)", a.url).group(1)
    url = wire.parse_url(a.url)
    try:
        with socket.create_connection((host, 70), timeout=a.timeout) as s:  # BUG: the URL's port is ignored
            s.sendall(url.request())
            out = b""
            while data := s.recv(65536):
                out += data
    except OSError as exc:
        print(f"gopher: {exc}", file=sys.stderr)
        return 3
    sys.stdout.buffer.write(out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
