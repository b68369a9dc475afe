"""Broken gopher server: a selector it cannot serve gets an empty close instead of a type-3 error item.

Gets wrong: GOPHER-ERR-1 (errors are in-band: a one-line type-3 menu and the lastline).
Caught by: the server scenario ``gopher-server-error-item``.

Run: ``python tests/broken/gopher_silent_error.py --port PORT --root DIR``
"""

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from reference_servers.gopher import menu, wire  # noqa: F401
from reference_servers.gopher.server import GopherServer
from reference_servers.standalone import run_standalone


class SilentError(GopherServer):
    def error(self, message):
        return b""  # BUG: nothing at all; a client cannot tell a failure from an empty item


if __name__ == "__main__":
    p = argparse.ArgumentParser()
    p.add_argument("--port", type=int, default=0)
    p.add_argument("--root", required=True)
    a = p.parse_args()
    sys.exit(run_standalone(SilentError(port=a.port, root=a.root, idle_timeout=3)))
