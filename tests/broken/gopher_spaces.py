"""Broken gopher server: menu lines separate their fields with spaces instead of TABs.

Gets wrong: GOPHER-MENU-1 (fields are TAB-separated).
Caught by: the server scenario ``gopher-server-menu-syntax``.

Run: ``python tests/broken/gopher_spaces.py --port PORT --root DIR``
"""

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from reference_servers.gopher import menu, wire  # noqa: F401
from reference_servers.gopher.server import GopherServer
from reference_servers.standalone import run_standalone


class Spaces(GopherServer):
    def format_menu(self, items):
        lines = [f"{i.itemtype}{i.display} {i.selector} {i.host} {i.port}\r\n" for i in items]  # BUG: spaces
        return "".join(lines).encode() + b".\r\n"


if __name__ == "__main__":
    p = argparse.ArgumentParser()
    p.add_argument("--port", type=int, default=0)
    p.add_argument("--root", required=True)
    a = p.parse_args()
    sys.exit(run_standalone(Spaces(port=a.port, root=a.root, idle_timeout=3)))
