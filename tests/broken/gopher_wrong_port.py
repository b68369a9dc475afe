"""Broken gopher server: menus advertise port 70 (the "standard" port) instead of the port the server really
listens on.

Gets wrong: GOPHER-MENU-4 (host and port must let a client fetch the item).
Caught by: the server scenario ``gopher-server-menu-items-reachable``.

Run: ``python tests/broken/gopher_wrong_port.py --port PORT --root DIR``
"""

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from reference_servers.gopher import menu, wire  # noqa: F401
from reference_servers.gopher.server import GopherServer
from reference_servers.standalone import run_standalone


class WrongPort(GopherServer):
    def format_menu(self, items):
        items = [wire.MenuItem(i.itemtype, i.display, i.selector, i.host, 70) for i in items]  # BUG
        return wire.format_menu(items)


if __name__ == "__main__":
    p = argparse.ArgumentParser()
    p.add_argument("--port", type=int, default=0)
    p.add_argument("--root", required=True)
    a = p.parse_args()
    sys.exit(run_standalone(WrongPort(port=a.port, root=a.root, idle_timeout=3)))
