"""Broken gopher server: builds directory menus from the raw file names, so a name holding a TAB, CR or LF
splits or breaks its menu line.

Gets wrong: GOPHER-MENU-3 (display string and selector never contain TAB, CR, LF or NUL: escape or skip).
Caught by: the server scenario ``gopher-server-menu-odd-names``.

Run: ``python tests/broken/gopher_raw_names.py --port PORT --root DIR``
"""

import argparse
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from reference_servers.gopher import menu
from reference_servers.gopher.server import GopherServer
from reference_servers.standalone import run_standalone


class RawNames(GopherServer):
    def respond(self, request, host, port):
        path = menu.resolve(self.root, request.selector)
        if path is None or not path.is_dir():
            return super().respond(request, host, port)
        base = request.selector.rstrip("/")
        lines = [f"{menu.item_type(path / n)}{n}\t{base}/{n}\t{host}\t{port}\r\n"  # BUG: names not checked
                 for n in sorted(os.listdir(path)) if not n.startswith(".")]
        return iter(["".join(lines).encode("utf-8", "surrogateescape") + b".\r\n"])


if __name__ == "__main__":
    p = argparse.ArgumentParser()
    p.add_argument("--port", type=int, default=0)
    p.add_argument("--root", required=True)
    a = p.parse_args()
    sys.exit(run_standalone(RawNames(port=a.port, root=a.root, idle_timeout=3)))
