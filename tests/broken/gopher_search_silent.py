"""Broken gopher server: a search with no hits closes without sending anything (not even the lastline).

Gets wrong: GOPHER-SEARCH-5 (no hits is an empty menu, never an empty close).
Caught by: the server scenario ``gopher-server-search-no-hits``.

Run: ``python tests/broken/gopher_search_silent.py --port PORT --root DIR``
"""

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from reference_servers.gopher import menu, wire  # noqa: F401
from reference_servers.gopher.server import GopherServer
from reference_servers.standalone import run_standalone


class SearchSilent(GopherServer):
    def respond(self, request, host, port):
        chunks = list(super().respond(request, host, port))
        if request.selector == menu.SEARCH_SELECTOR and chunks == [b".\r\n"]:
            return iter([b""])  # BUG: no hits -> zero bytes
        return iter(chunks)


if __name__ == "__main__":
    p = argparse.ArgumentParser()
    p.add_argument("--port", type=int, default=0)
    p.add_argument("--root", required=True)
    a = p.parse_args()
    sys.exit(run_standalone(SearchSilent(port=a.port, root=a.root, idle_timeout=3)))
