"""Broken gopher server: menus and text items end without the lastline (``.`` CRLF); it just closes.

Gets wrong: GOPHER-MENU-2 (a menu ends with the lastline) and GOPHER-TEXT-1 (a text item ends with it).
Caught by: the server scenarios ``gopher-server-menu-lastline`` and ``gopher-server-text-item``.

Run: ``python tests/broken/gopher_no_lastline.py --port PORT --root DIR``
"""

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from reference_servers.gopher import wire
from reference_servers.gopher.server import GopherServer
from reference_servers.standalone import run_standalone


class NoLastline(GopherServer):
    def format_menu(self, items):
        return wire.format_menu(items, lastline=False)  # BUG: no ".\r\n"

    def encode_text(self, content):
        return wire.encode_text(content, lastline=False)  # BUG: no ".\r\n"


if __name__ == "__main__":
    p = argparse.ArgumentParser()
    p.add_argument("--port", type=int, default=0)
    p.add_argument("--root", required=True)
    a = p.parse_args()
    sys.exit(run_standalone(NoLastline(port=a.port, root=a.root, idle_timeout=3)))
