"""Fixtures for the HTTP unit tests: a document root and a running reference server."""

from __future__ import annotations

from pathlib import Path

import pytest
from http_testlib import make_docroot

from reference_servers.http.server import HttpServer


@pytest.fixture
def docroot(tmp_path: Path) -> Path:
    return make_docroot(tmp_path / "root")


@pytest.fixture
def ref_server(docroot: Path):
    srv = HttpServer(root=docroot, redirects={"/old": (301, "/hello.txt"), "/tmp": (302, "/index.html")},
                     fault_paths={"/crash"}, header_timeout=3.0, idle_timeout=3.0, linger=0.5)
    srv.start()
    yield srv
    srv.stop()
