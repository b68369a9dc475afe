"""Broken gopher server: an empty selector (bare CRLF) gets an error item instead of the root menu.

Gets wrong: GOPHER-REQ-2 (an empty selector means the root menu).
Caught by: the server scenario ``gopher-server-empty-selector-root-menu``.

Run: ``python tests/broken/gopher_no_empty_selector.py --port PORT --root DIR``
"""

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from reference_servers.gopher import menu, wire  # noqa: F401
from reference_servers.gopher.server import GopherServer
from reference_servers.standalone import run_standalone


class NoEmptySelector(GopherServer):
    def respond(self, request, host, port):
        if request.selector == "":
            return iter([self.error("empty selector")])  # BUG: should list the root
        return super().respond(request, host, port)


if __name__ == "__main__":
    p = argparse.ArgumentParser()
    p.add_argument("--port", type=int, default=0)
    p.add_argument("--root", required=True)
    a = p.parse_args()
    sys.exit(run_standalone(NoEmptySelector(port=a.port, root=a.root, idle_timeout=3)))
