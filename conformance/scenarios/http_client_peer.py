"""The suite's side of the HTTP/1.0 client scenarios (RFC 1945): URLs, fetching through the reference peer
or a scripted one, and reading back what the client asked.
"""

from __future__ import annotations

import re

from conformance.checks import check, fail
from conformance.scenarios import common
from netconformance_fixtures.context import settings

TCP = "tcp"


REQUEST_LINE = re.compile(rb"^GET (/\S*) HTTP/1\.\d+\r\n")


def url(address, path: str = "/") -> str:
    """``http://host:port/path`` of a ``(host, port)`` address; of an AF_UNIX socket path (a ``str``),
    ``http://localhost/path``: the client is given the socket's path as ``{path}`` (curl's ``--unix-socket``
    idea) and the URL names the resource."""
    if isinstance(address, str):
        return f"http://localhost{path}"
    host = f"[{address[0]}]" if ":" in address[0] else address[0]
    return f"http://{host}:{address[1]}{path}"


def fetch(client, address, path: str = "/"):
    """Run the client once on ``http://address{path}``."""
    return common.run_client(client, address, TCP, url=url(address, path))


def answer(data: bytes, then: str = "close"):
    """A peer handler: read the request head, answer ``data``, then close, reset or stall."""

    def handler(conn) -> None:
        conn.recv_until(lambda b: b"\r\n\r\n" in b or b"\n\n" in b, settings().scaled(8))
        if conn.send(data):
            {"close": conn.close, "reset": conn.reset, "stall": conn.stall}[then]()

    return handler


def request_head(raw: bytes) -> bytes:
    end = raw.find(b"\r\n\r\n")
    if end < 0:
        end = raw.find(b"\n\n")
        return raw if end < 0 else raw[: end + 2]
    return raw[: end + 4]


def last_request(srv) -> bytes:
    check(srv.exchanges, "HTTP10-CLIENT-1", "the client never sent a request", expected="one request", received="nothing")
    ex = srv.exchanges[-1]
    return ex.head.raw if ex.head is not None else ex.raw


def expect_no_hang(run, reqs, summary: str) -> None:
    if run.hung:
        fail(reqs, f"{summary}: the client hung", expected="the client ends by itself", received=run.describe())
