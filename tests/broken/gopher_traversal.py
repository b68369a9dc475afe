"""Broken gopher server: selectors are joined to the root without any check, so `../` climbs out of the document
root.

Gets wrong: GOPHER-SEC-1 (selectors never escape the document root).
Caught by: the server scenario ``gopher-server-traversal``.

Run: ``python tests/broken/gopher_traversal.py --port PORT --root DIR``
"""

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from reference_servers.gopher import menu, wire  # noqa: F401
from reference_servers.gopher.server import GopherServer
from reference_servers.standalone import run_standalone


class Traversal(GopherServer):
    def respond(self, request, host, port):
        path = Path(str(self.root) + "/" + request.selector.lstrip("/"))  # BUG: no normalisation, no check
        if ".." in request.selector and path.is_file():
            return iter([path.read_bytes()])
        return super().respond(request, host, port)


if __name__ == "__main__":
    p = argparse.ArgumentParser()
    p.add_argument("--port", type=int, default=0)
    p.add_argument("--root", required=True)
    a = p.parse_args()
    sys.exit(run_standalone(Traversal(port=a.port, root=a.root, idle_timeout=3)))
