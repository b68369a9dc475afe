"""Broken gopher server: every file is typed 0 (text) whatever it holds, so clients un-stuff and truncate
binaries.

Gets wrong: GOPHER-TYPE-1 (the server types each item by what it really is).
Caught by: the server scenario ``gopher-server-item-types``.

Run: ``python tests/broken/gopher_wrong_types.py --port PORT --root DIR``
"""

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from reference_servers.gopher import menu, wire  # noqa: F401
from reference_servers.gopher.server import GopherServer
from reference_servers.standalone import run_standalone


class WrongTypes(GopherServer):
    def format_menu(self, items):
        items = [wire.MenuItem("0" if i.itemtype in "9gIh" else i.itemtype, i.display, i.selector, i.host, i.port)
                 for i in items]  # BUG: binaries advertised as text
        return wire.format_menu(items)


if __name__ == "__main__":
    p = argparse.ArgumentParser()
    p.add_argument("--port", type=int, default=0)
    p.add_argument("--root", required=True)
    a = p.parse_args()
    sys.exit(run_standalone(WrongTypes(port=a.port, root=a.root, idle_timeout=3)))
