"""Broken gopher server: copies the selector into a fixed 100-character buffer, so longer selectors are cut and
not found.

Gets wrong: GOPHER-REQ-6 (selectors of up to 255 characters are served).
Caught by: the server scenario ``gopher-server-long-selector``.

Run: ``python tests/broken/gopher_short_buffer.py --port PORT --root DIR``
"""

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from reference_servers.gopher import menu, wire  # noqa: F401
from reference_servers.gopher.server import GopherServer
from reference_servers.standalone import run_standalone


class ShortBuffer(GopherServer):
    def respond(self, request, host, port):
        cut = wire.Request(request.selector[:100], request.fields)  # BUG: char selector[100]
        return super().respond(cut, host, port)


if __name__ == "__main__":
    p = argparse.ArgumentParser()
    p.add_argument("--port", type=int, default=0)
    p.add_argument("--root", required=True)
    a = p.parse_args()
    sys.exit(run_standalone(ShortBuffer(port=a.port, root=a.root, idle_timeout=3)))
