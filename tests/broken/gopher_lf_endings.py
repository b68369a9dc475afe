"""Broken gopher server: menus and text items use bare LF line ends instead of CRLF (the lastline is `.` LF).

Gets wrong: GOPHER-MENU-1 (every menu line ends with CRLF), GOPHER-MENU-2 (`.` CRLF) and GOPHER-TEXT-7.
Caught by: the server scenarios ``gopher-server-menu-syntax`` and ``gopher-server-text-crlf`` (and
``gopher-server-menu-lastline``).

Run: ``python tests/broken/gopher_lf_endings.py --port PORT --root DIR``
"""

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from reference_servers.gopher import menu, wire  # noqa: F401
from reference_servers.gopher.server import GopherServer
from reference_servers.standalone import run_standalone


class LfEndings(GopherServer):
    def format_menu(self, items):
        return wire.format_menu(items, line_ending=b"\n")  # BUG: LF, not CRLF

    def encode_text(self, content):
        return wire.encode_text(content, line_ending=b"\n")  # BUG: LF, not CRLF


if __name__ == "__main__":
    p = argparse.ArgumentParser()
    p.add_argument("--port", type=int, default=0)
    p.add_argument("--root", required=True)
    a = p.parse_args()
    sys.exit(run_standalone(LfEndings(port=a.port, root=a.root, idle_timeout=3)))
