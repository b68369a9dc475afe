"""Broken gopher server: does not know the ``URL:`` convention: such selectors get an error item.

Gets wrong: GOPHER-EXT-3 (answer ``URL:`` selectors with an HTML redirect page; de-facto).
Caught by: the server scenario ``gopher-server-url-selector``.

Run: ``python tests/broken/gopher_no_url_links.py --port PORT --root DIR``
"""

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from reference_servers.gopher import menu, wire  # noqa: F401
from reference_servers.gopher.server import GopherServer
from reference_servers.standalone import run_standalone


class NoUrlLinks(GopherServer):
    def respond(self, request, host, port):
        if request.selector.startswith("URL:"):
            return iter([self.error("no such selector")])  # BUG: no redirect page
        return super().respond(request, host, port)


if __name__ == "__main__":
    p = argparse.ArgumentParser()
    p.add_argument("--port", type=int, default=0)
    p.add_argument("--root", required=True)
    a = p.parse_args()
    sys.exit(run_standalone(NoUrlLinks(port=a.port, root=a.root, idle_timeout=3)))
