"""Fixtures for the SMTP unit tests: a running reference server with a Maildir, and raw sessions."""

from __future__ import annotations

import pytest
from smtp_testlib import Raw

from reference_servers.smtp.server import SmtpServer


@pytest.fixture
def maildir(tmp_path):
    return tmp_path / "maildir"


@pytest.fixture
def server(maildir):
    srv = SmtpServer(maildir=maildir, idle_timeout=5.0).start()
    yield srv
    srv.stop()


@pytest.fixture
def raw(server):
    opened: list[Raw] = []

    def open_(srv=None, timeout: float = 5.0, greet: bool = True) -> Raw:
        r = Raw((srv or server).address(), timeout)
        opened.append(r)
        if greet:
            assert r.reply().code == 220
        return r

    yield open_
    for r in opened:
        r.close()
