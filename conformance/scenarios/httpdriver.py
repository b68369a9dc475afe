"""The suite-side HTTP/1.0 client driver (RFC 1945) the HTTP server scenarios speak through.

:func:`exchange` sends a request (whole, trickled or cut) on a fresh connection, optionally half-closes,
and reads to EOF with a bounded wait; :func:`parse` turns the bytes into a :class:`Resp` with the sans-I/O
:func:`reference_servers.http.wire.parse_response_head`; ``expect_*`` fail the scenario
(:func:`conformance.checks.fail`) with the requirement ids they are given.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from conformance.checks import fail
from conformance.errors import NotApplicable
from netconformance_fixtures import netio
from netconformance_fixtures.context import settings
from netconformance_fixtures.docroot import FILES
from reference_servers.http import wire

HELLO = FILES["hello.txt"]


@dataclass
class Resp:
    """A response as received: ``raw`` bytes, how the read ended, and the parse (``head`` is None when the
    bytes do not start with a Status-Line)."""

    raw: bytes
    got: netio.Received
    head: wire.ResponseHead | None
    body: bytes
    error: str | None = None

    @property
    def status(self) -> int | None:
        return self.head.status if self.head else None

    def header(self, name: str) -> str | None:
        return self.head.headers.get(name) if self.head else None

    def describe(self) -> str:
        return self.got.describe()


def parse(got: netio.Received) -> Resp:
    raw = got.data
    if not raw.startswith(b"HTTP/"):
        return Resp(raw, got, None, raw, "no Status-Line")
    try:
        head, used = wire.parse_response_head(raw, eof=True)
    except Exception as exc:  # noqa: BLE001 - any parse problem is reported, not raised
        return Resp(raw, got, None, b"", str(exc))
    if head.simple:
        return Resp(raw, got, None, raw, "no Status-Line")
    return Resp(raw, got, head, raw[used:])


def exchange(server, data: bytes, *, trickle: bool = False, cuts: list[int] | None = None, gap: float | None = None,
             half_close: bool = False, wait: float | None = None, rcvbuf: int | None = None) -> Resp:
    """Send ``data`` (whole, trickled one byte at a time, or cut at ``cuts``), optionally half-close, and
    read to EOF within ``wait`` seconds (default 8T)."""
    with netio.connect(server.address("tcp"), rcvbuf=rcvbuf) as s:
        try:
            if trickle:
                netio.trickle(s, data, gap=0.004 if gap is None else gap)
            elif cuts:
                netio.send_split(s, data, cuts, gap=settings().scaled(0.1) if gap is None else gap)
            else:
                s.sendall(data)
            if half_close:
                netio.half_close(s)
        except OSError:
            pass  # the server answered (or gave up, or reset) before the whole request was written: read what it said
        got = netio.recv_to_eof(s, settings().scaled(8) if wait is None else wait)
    return parse(got)


def get(server, path: str, extra: bytes = b"", method: str = "GET") -> Resp:
    return exchange(server, f"{method} {path} HTTP/1.0\r\n".encode() + extra + b"\r\n")


def expect_status(resp: Resp, statuses, reqs, summary: str, sent: bytes | str) -> None:
    """Fail unless the response has a Status-Line whose code is in ``statuses``."""
    if isinstance(statuses, int):
        statuses = (statuses,)
    want = " or ".join(str(s) for s in statuses)
    if resp.head is None:
        fail(reqs, f"{summary}: no parseable Status-Line ({resp.error})", sent=sent,
             expected=f"HTTP/1.0 {want}", received=resp.raw, when=resp.describe())
    if resp.status not in statuses:
        fail(reqs, f"{summary}: status {resp.status}", sent=sent, expected=f"status {want}",
             received=resp.raw, when=resp.describe())


def expect_file(resp: Resp, content: bytes, reqs, summary: str, sent: bytes | str) -> None:
    expect_status(resp, 200, reqs, summary, sent)
    if resp.body != content:
        fail(reqs, f"{summary}: the body differs from the file", sent=sent, expected=content, received=resp.body,
             when=resp.describe())


def normal_exchange(address) -> None:
    """GET /hello.txt must give 200 and the file (the "still serving" check)."""
    req = b"GET /hello.txt HTTP/1.0\r\n\r\n"
    with netio.connect(address) as s:
        s.sendall(req)
        got = netio.recv_to_eof(s, settings().scaled(8))
    resp = parse(got)
    expect_file(resp, HELLO, ("NET-TCP-5",), "a normal request", req)


def plant(server, name: str, data: bytes, mtime: float | None = None):
    """Write ``name`` into the server's document root (not-applicable when the suite has none)."""
    root = server.require("root")
    path = root / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    if mtime is not None:
        os.utime(path, (mtime, mtime))
    return path


def require_echo(server) -> None:
    """Not-applicable unless POST /echo echoes the entity body (the reference's /echo resource)."""
    req = b"POST /echo HTTP/1.0\r\nContent-Length: 5\r\nContent-Type: text/plain\r\n\r\nhello"
    resp = exchange(server, req)
    if resp.head is None or resp.status // 100 != 2 or resp.body != b"hello":
        raise NotApplicable(f"the server does not echo POST bodies at /echo (answered {resp.status or resp.error}); "
                            "POST scenarios need such a resource")
