"""The suite's side of the Gopher client scenarios (RFC 1436): the scripted peer the client fetches from, and
the judgements of what the client printed.
"""

from __future__ import annotations

import time

from conformance.checks import check, fail
from conformance.scenarios import common
from netconformance_fixtures.context import settings
from netconformance_fixtures.peers import TcpPeer
from netconformance_fixtures.process import Run
from reference_servers.gopher import wire

TCP = ("tcp",)


MENU = wire.format_menu([
    wire.info_item("Welcome to the netconformance gopher peer"),
    wire.MenuItem("0", "Hello", "/hello.txt", "127.0.0.1", 70),
    wire.MenuItem("1", "A directory", "/sub", "127.0.0.1", 70),
    wire.MenuItem("9", "Every byte", "/allbytes.bin", "127.0.0.1", 70),
    wire.MenuItem("7", "Search", "/search", "127.0.0.1", 70),
])


class Script:
    """A peer handler: reads the request line, records it, answers ``response`` (whole, in ``chunk``-byte
    writes ``gap`` seconds apart, or cut at ``cuts``), then closes, resets or stalls."""

    def __init__(self, response: bytes, *, chunk: int | None = None, gap: float = 0.0,
                 cuts: list[int] | None = None, then: str = "close") -> None:
        self.response = response
        self.chunk, self.gap, self.cuts, self.then = chunk, gap, cuts, then
        self.requests: list[bytes] = []
        self.request_delays: list[float] = []

    def __call__(self, conn) -> None:
        accepted = time.monotonic()
        request = conn.recv_until(lambda b: b"\n" in b, settings().scaled(8))
        if b"\n" not in request:
            conn.close()
            return
        self.requests.append(request)
        self.request_delays.append(time.monotonic() - accepted)
        if not conn.send(self.response, chunk=self.chunk, gap=self.gap, cuts=self.cuts):
            return
        {"close": conn.close, "reset": conn.reset, "stall": conn.stall}[self.then]()


def url(peer: TcpPeer, itemtype: str, selector: str, search: str | None = None) -> str:
    """The gopher URL of an item at ``peer``; over AF_UNIX (``peer.address`` a path) it names ``localhost``
    port 70 and the client is given the socket's path as ``{path}``."""
    host, port = ("localhost", 70) if isinstance(peer.address, str) else peer.address[:2]
    return wire.format_url(host, port, itemtype, selector, search)


def fetch(client, script: Script, itemtype: str, selector: str, search: str | None = None,
          **peer_kwargs) -> tuple[Run, str]:
    with TcpPeer(script, **peer_kwargs) as peer:
        target = url(peer, itemtype, selector, search)
        run = common.run_client(client, peer.address, "tcp", url=target)
    return run, target


def accepted_outputs(response: bytes, itemtype: str) -> tuple[bytes, ...]:
    """The outputs DESIGN §5 accepts: the item as received or decoded; a decoded menu or text item may also
    carry its line ends as LF (a client printing lines in the platform's text convention), which is
    structure-preserving, unlike stopping early or un-stuffing wrongly."""
    outputs = wire.client_outputs(response, itemtype)
    if wire.framing(itemtype) == "lastline" and itemtype != wire.HTML:
        outputs = tuple(dict.fromkeys((*outputs, outputs[-1].replace(b"\r\n", b"\n"))))
    return outputs


def expect_item(run: Run, reqs, summary: str, response: bytes, itemtype: str, target: str) -> None:
    """The client exits 0 and prints the item as received or decoded (DESIGN §5), nothing in between."""
    outputs = accepted_outputs(response, itemtype)
    common.expect_success(run, reqs, summary, sent=target)
    if run.stdout not in outputs:
        forms = " or ".join(("as received", "decoded")[: len(outputs)]) if len(outputs) > 1 else "exactly"
        fail(reqs, f"{summary}: the client printed something else than the item", sent=target,
             expected=outputs[-1], received=run.stdout,
             detail=f"accepted: the item {forms} ({', '.join(str(len(o)) + ' bytes' for o in outputs)})")


def expect_no_request(peer: TcpPeer, reqs, summary: str, forbidden: bytes, target: str) -> None:
    got = b"".join(bytes(c.received) for c in peer.connections)
    check(forbidden not in got, reqs, f"{summary}: the client sent a gopher request for it", sent=target,
          expected="no request line carrying the selector", received=got)
