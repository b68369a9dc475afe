"""Daytime clients (RFC 867): print the server's string verbatim, whatever its format."""

from __future__ import annotations

from conformance.registry import scenario
from conformance.scenarios import common
from netconformance_fixtures.context import settings
from netconformance_fixtures.peers import TcpPeer, UdpPeer

TCP = ("tcp",)
UDP = ("udp",)
CTIME = b"Tue Feb 22 17:37:43 1982\r\n"
FORMATS = [
    b"Tuesday, February 22, 1982 17:37:43-PST\r\n",  # the RFC 867 example
    b"22 FEB 82 17:37:43 PST\r\n",  # SMTP style
    CTIME,
    b"1982-02-22T17:37:43Z\r\n",
    b"it is teatime somewhere\r\n",
]


def serve(text: bytes, **send):
    def handler(conn) -> None:
        if conn.send(text, **send):
            conn.close()

    return handler


def normalize(data: bytes) -> bytes:
    return data.strip(b"\r\n")


@scenario("daytime-client-formats", protocol="daytime", role="client", category="protocol",
          requirements=["DAYTIME-FMT-3"])
def test_formats(client, transport):
    """Five formats (RFC 867 example, SMTP style, ctime, ISO 8601, free text) are each reproduced verbatim
    (compared without the line end): the client must not parse or require a format."""
    for text in FORMATS:
        if transport == "tcp":
            with TcpPeer(serve(text)) as peer:
                run = common.run_client(client, peer.address, transport)
        else:
            with UdpPeer(lambda p, i, d, src, text=text: p.reply(text, src)) as peer:
                run = common.run_client(client, peer.address, transport)
        common.expect_success(run, ["DAYTIME-FMT-3"], f"daytime string {text!r}", expected_stdout=text, normalize=normalize)


@scenario("daytime-client-split-string", protocol="daytime", role="client", category="partial-reads",
          requirements=["DAYTIME-TCP-4", "NET-TCP-1"], transports=TCP)
def test_split_string(client, transport):
    """The string arrives as "Tue Feb", a 0.2 s pause, then the rest and close: it is printed whole."""
    with TcpPeer(serve(CTIME, cuts=[7], gap=0.2)) as peer:
        run = common.run_client(client, peer.address, transport)
    common.expect_success(run, ["DAYTIME-TCP-4", "NET-TCP-1"], "string split after 7 bytes",
                          expected_stdout=CTIME, normalize=normalize)


@scenario("daytime-client-trickled-string", protocol="daytime", role="client", category="partial-reads",
          requirements=["DAYTIME-TCP-4", "NET-TCP-1"], transports=TCP)
def test_trickled_string(client, transport):
    """The string arrives one byte per segment: the client reads to EOF and prints it whole."""
    with TcpPeer(serve(CTIME, chunk=1, gap=0.004)) as peer:
        run = common.run_client(client, peer.address, transport)
    common.expect_success(run, ["DAYTIME-TCP-4", "NET-TCP-1"], "string in 1-byte segments",
                          expected_stdout=CTIME, normalize=normalize)


@scenario("daytime-client-no-line-end", protocol="daytime", role="client", category="protocol",
          requirements=["DAYTIME-TCP-4"], transports=TCP)
def test_no_line_end(client, transport):
    """A string without any line end, then close: printed whole."""
    text = CTIME.strip()
    with TcpPeer(serve(text)) as peer:
        run = common.run_client(client, peer.address, transport)
    common.expect_success(run, ["DAYTIME-TCP-4"], "string with no line end", expected_stdout=text, normalize=normalize)


@scenario("daytime-client-stalled-server", protocol="daytime", role="client", category="timeouts",
          requirements=["NET-TCP-8", "DAYTIME-CLIENT-1"], transports=TCP)
def test_stalled_server(client, transport):
    """The peer accepts and never writes: the client gives up within its limit, non-zero."""
    with common.tcp_stall_peer() as peer:
        run = common.run_client(client, peer.address, transport)
    common.expect_error(run, ["NET-TCP-8"], "server accepts and never answers", success_reqs=["DAYTIME-CLIENT-1"])


@scenario("daytime-client-stall-mid-string", protocol="daytime", role="client", category="timeouts",
          requirements=["DAYTIME-CLIENT-1", "NET-TCP-8"], transports=TCP)
def test_stall_mid_string(client, transport):
    """The peer sends half the string and stalls without closing: the client must time out (non-zero),
    not print the half as if it were complete."""

    def handler(conn) -> None:
        conn.send(CTIME[:10])
        conn.stall()

    with TcpPeer(handler) as peer:
        run = common.run_client(client, peer.address, transport)
    common.expect_error(run, ["DAYTIME-CLIENT-1"], "half a string, then silence", hang_reqs=["NET-TCP-8"])


@scenario("daytime-client-refused", protocol="daytime", role="client", category="nonblocking",
          requirements=["NET-TCP-8", "DAYTIME-CLIENT-1"], transports=TCP)
def test_refused(client, transport):
    """Nothing listens: the client reports the refused connection (non-zero exit)."""
    run = common.run_client(client, common.refused_address(), transport)
    common.expect_error(run, ["NET-TCP-8"], "connection refused", within=settings().scaled(10),
                        success_reqs=["DAYTIME-CLIENT-1"])


@scenario("daytime-client-reset-mid-string", protocol="daytime", role="client", category="nonblocking",
          requirements=["DAYTIME-CLIENT-1", "NET-TCP-8"], transports=TCP)
def test_reset_mid_string(client, transport):
    """The peer sends half the string and resets: a reset is not an end of string, the client reports it."""

    def handler(conn) -> None:
        conn.send(CTIME[:10])
        conn.stop_event.wait(0.05)
        conn.reset()

    with TcpPeer(handler) as peer:
        run = common.run_client(client, peer.address, transport)
    common.expect_error(run, ["DAYTIME-CLIENT-1"], "reset after half the string", hang_reqs=["NET-TCP-8"])


@scenario("daytime-client-udp-retransmit", protocol="daytime", role="client", category="datagram-loss",
          requirements=["DAYTIME-UDP-3", "NET-UDP-2"], transports=UDP)
def test_udp_retransmit(client, transport):
    """The first request is lost: the client retries and prints the string."""

    def handler(p, i, d, src) -> None:
        if i > 0:
            p.reply(CTIME, src)

    with UdpPeer(handler) as peer:
        run = common.run_client(client, peer.address, transport)
    common.expect_success(run, ["DAYTIME-UDP-3", "NET-UDP-2"], "first request lost", expected_stdout=CTIME, normalize=normalize)


@scenario("daytime-client-udp-all-lost", protocol="daytime", role="client", category="timeouts",
          requirements=["NET-UDP-8", "DAYTIME-CLIENT-1"], transports=UDP)
def test_udp_all_lost(client, transport):
    """No reply ever: bounded retries, then a non-zero exit.  ``{timeout}`` (each wait) is T here: a client
    that takes it retries sooner, one that does not is held to the same bound.  An unbounded wait is NET-UDP-8,
    a claimed success DAYTIME-CLIENT-1 (both de-facto: no answer exists to get)."""
    with UdpPeer(lambda p, i, d, src: None) as peer:
        run = common.run_client(client, peer.address, transport, wait_timeout=settings().scaled(1))
    common.expect_error(run, ["NET-UDP-8"], "no reply ever", success_reqs=["DAYTIME-CLIENT-1"])


@scenario("daytime-client-udp-forged-reply", protocol="daytime", role="client", category="datagram-loss",
          requirements=["NET-UDP-7", "NET-UDP-3", "DAYTIME-FMT-3"], transports=UDP)
def test_udp_forged_reply(client, transport):
    """A reply from another port arrives first: the client must print the real one.

    Printing the forged string as the server's is a false answer (NET-UDP-7); giving up on it instead of
    waiting for the real one is a warning (NET-UDP-3: a datagram from elsewhere is off-protocol)."""
    forged = b"Mon Jan  1 00:00:00 1990 FORGED\r\n"

    def handler(p, i, d, src) -> None:
        p.forge(forged, src)
        p.reply(CTIME, src)

    with UdpPeer(handler) as peer:
        run = common.run_client(client, peer.address, transport)
    common.expect_genuine_reply(run, "forged reply first", genuine=CTIME, stray=forged, normalize=normalize,
                                lie_reqs=["NET-UDP-7"], reject_reqs=["NET-UDP-3"], wrong_reqs=["DAYTIME-FMT-3"])
