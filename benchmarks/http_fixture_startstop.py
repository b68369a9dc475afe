"""Start+stop time of the HTTP reference server used as a pytest fixture, against the servers behind
pytest-localserver's ``httpserver`` fixture and pytest-httpserver's ``httpserver`` fixture.

Not run by CI.  Each server is measured the same way, the way a function-scoped fixture uses it:
construct, start, (optionally) serve one GET, stop, ``--rounds`` times; the script prints the median and
the 90th percentile in milliseconds.  The two third-party packages are needed only here:
``pip install pytest-localserver pytest-httpserver``.

    python benchmarks/http_fixture_startstop.py [--rounds 50]
"""

from __future__ import annotations

import argparse
import logging
import statistics
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from netconformance_fixtures.docroot import prepare_docroot
from reference_servers.http.server import HttpServer


def _get(url: str) -> bytes:
    with urllib.request.urlopen(url, timeout=5) as r:
        return r.read()


def reference(root: Path, request: bool) -> float:
    started = time.perf_counter()
    srv = HttpServer(root=root).start()
    if request:
        host, port = srv.address()
        _get(f"http://{host}:{port}/hello.txt")
    srv.stop()
    return time.perf_counter() - started


def localserver(root: Path, request: bool) -> float:
    from pytest_localserver.http import ContentServer  # what pytest-localserver's httpserver fixture builds

    started = time.perf_counter()
    srv = ContentServer()
    srv.start()
    if request:
        srv.serve_content(b"hello")
        _get(srv.url + "/hello.txt")
    srv.stop()
    return time.perf_counter() - started


def httpserver(root: Path, request: bool) -> float:
    from pytest_httpserver import HTTPServer  # what pytest-httpserver's httpserver fixture builds

    started = time.perf_counter()
    srv = HTTPServer(host="127.0.0.1", port=0)
    srv.start()
    if request:
        srv.expect_request("/hello.txt").respond_with_data(b"hello")
        _get(srv.url_for("/hello.txt"))
    srv.clear()
    srv.stop()
    return time.perf_counter() - started


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--rounds", type=int, default=50)
    args = p.parse_args()
    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # no access log lines
    with tempfile.TemporaryDirectory(prefix="nc-bench-") as tmp:
        root = Path(tmp) / "root"
        prepare_docroot(root)
        print(f"{args.rounds} rounds each, Python {sys.version.split()[0]}; milliseconds (median / p90)")
        for name, fn in (("reference_servers.http.HttpServer", reference),
                         ("pytest-localserver ContentServer", localserver),
                         ("pytest-httpserver HTTPServer", httpserver)):
            for request in (False, True):
                try:
                    fn(root, request)  # warm-up (imports)
                except ImportError as exc:
                    print(f"{name:38s} not installed ({exc.name})")
                    break
                times = sorted(fn(root, request) * 1000 for _ in range(args.rounds))
                label = "start+GET+stop" if request else "start+stop"
                print(f"{name:38s} {label:15s} {statistics.median(times):8.2f} / {times[int(0.9 * len(times))]:8.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
