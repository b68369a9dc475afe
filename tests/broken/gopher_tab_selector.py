"""Broken gopher server: the whole request line up to CRLF, TAB suffix included, is taken as the selector, so
Gopher+ requests (`sel TAB +`) get "not found" and search words become part of the selector.

Gets wrong: GOPHER-REQ-4 (use the request only up to the first TAB) and GOPHER-SEARCH-1.
Caught by: the server scenarios ``gopher-server-selector-tab-suffix`` and ``gopher-server-search-menu``.

Run: ``python tests/broken/gopher_tab_selector.py --port PORT --root DIR``
"""

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from reference_servers.gopher import menu, wire  # noqa: F401
from reference_servers.gopher.server import GopherServer
from reference_servers.standalone import run_standalone


class TabSelector(GopherServer):
    def respond(self, request, host, port):
        whole = "\t".join((request.selector, *request.fields))  # BUG: TAB suffix kept
        return super().respond(wire.Request(whole), host, port)


if __name__ == "__main__":
    p = argparse.ArgumentParser()
    p.add_argument("--port", type=int, default=0)
    p.add_argument("--root", required=True)
    a = p.parse_args()
    sys.exit(run_standalone(TabSelector(port=a.port, root=a.root, idle_timeout=3)))
