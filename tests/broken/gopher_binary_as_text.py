"""Broken gopher server: binary items are sent like text: LF converted to CRLF, dot-stuffed, and ended by a
lastline.

Gets wrong: GOPHER-BIN-1 (binary items go out raw until the close).
Caught by: the server scenario ``gopher-server-binary-item-exact``.

Run: ``python tests/broken/gopher_binary_as_text.py --port PORT --root DIR``
"""

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from reference_servers.gopher import menu, wire  # noqa: F401
from reference_servers.gopher.server import GopherServer
from reference_servers.standalone import run_standalone


class BinaryAsText(GopherServer):
    def binary(self, path):
        yield wire.encode_text(path.read_bytes())  # BUG: binaries are not text


if __name__ == "__main__":
    p = argparse.ArgumentParser()
    p.add_argument("--port", type=int, default=0)
    p.add_argument("--root", required=True)
    a = p.parse_args()
    sys.exit(run_standalone(BinaryAsText(port=a.port, root=a.root, idle_timeout=3)))
