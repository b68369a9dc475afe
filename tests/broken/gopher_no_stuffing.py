"""Broken gopher server: text lines beginning with `.` are sent without the extra `.` (no dot-stuffing), so a `.`
line in a file ends the transfer early.

Gets wrong: GOPHER-TEXT-2 (dot-stuffing).
Caught by: the server scenario ``gopher-server-text-item-dot-stuffing``.

Run: ``python tests/broken/gopher_no_stuffing.py --port PORT --root DIR``
"""

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from reference_servers.gopher import menu, wire  # noqa: F401
from reference_servers.gopher.server import GopherServer
from reference_servers.standalone import run_standalone


class NoStuffing(GopherServer):
    def encode_text(self, content):
        return wire.encode_text(content, stuff=False)  # BUG: "." lines are not doubled


if __name__ == "__main__":
    p = argparse.ArgumentParser()
    p.add_argument("--port", type=int, default=0)
    p.add_argument("--root", required=True)
    a = p.parse_args()
    sys.exit(run_standalone(NoStuffing(port=a.port, root=a.root, idle_timeout=3)))
