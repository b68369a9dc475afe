"""Broken gopher server: display strings are padded to 100 characters, past the 70-character guideline.

Gets wrong: GOPHER-MENU-5 (display strings should be under 70 characters; a SHOULD).
Caught by: the server scenario ``gopher-server-menu-display-length``.

Run: ``python tests/broken/gopher_long_display.py --port PORT --root DIR``
"""

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from reference_servers.gopher import menu, wire  # noqa: F401
from reference_servers.gopher.server import GopherServer
from reference_servers.standalone import run_standalone


class LongDisplay(GopherServer):
    def format_menu(self, items):
        items = [wire.MenuItem(i.itemtype, (i.display + " " * 100)[:100] + "|", i.selector, i.host, i.port)
                 for i in items]  # BUG: 101-character display strings
        return wire.format_menu(items)


if __name__ == "__main__":
    p = argparse.ArgumentParser()
    p.add_argument("--port", type=int, default=0)
    p.add_argument("--root", required=True)
    a = p.parse_args()
    sys.exit(run_standalone(LongDisplay(port=a.port, root=a.root, idle_timeout=3)))
