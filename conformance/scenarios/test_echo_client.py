"""Echo clients (RFC 862): the client under test talks to a scripted reference peer.

Contract (DESIGN §5): the client sends its stdin to ``{host}`` ``{port}`` and writes the echo to stdout;
exit 0 means the echo came back equal.  RFC 862 defines the server only: a client that fails a correct
echo (shows it short or changed, gives up on it, waits for a close) fails ECHO-TCP-8 / ECHO-UDP-8; one that
claims success after a broken exchange breaks the suite's contract, ECHO-CLIENT-1 (de-facto).
"""

from __future__ import annotations

import time

from conformance.registry import scenario
from conformance.scenarios import common
from netconformance_fixtures.context import settings
from netconformance_fixtures.peers import TcpPeer, UdpPeer
from netconformance_fixtures.proxy import Impairment, UdpImpairmentProxy

TCP = ("tcp",)
UDP = ("udp",)
MESSAGE = b"netconformance echo \x00\xff\r\nsecond line\n"


def echo_back(chunk: int | None = None, gap: float = 0.0, keep: int = 0, then: str = "close"):
    """A peer handler that reads the request and echoes it (all but ``keep`` trailing bytes), written in
    ``chunk``-byte pieces ``gap`` seconds apart, then closes, resets or stalls."""

    def handler(conn) -> None:
        data = conn.recv_until(lambda b: len(b) >= len(MESSAGE), settings().scaled(8))
        reply = data[: len(data) - keep] if keep else data
        if not conn.send(reply, chunk=chunk, gap=gap):
            return
        {"close": conn.close, "reset": conn.reset, "stall": conn.stall}[then]()

    return handler


@scenario("echo-client-basic", protocol="echo", role="client", category="protocol",
          requirements=["ECHO-TCP-8", "ECHO-UDP-8"])
def test_basic(client, transport):
    """A correct server echoes the message: the client exits 0 and prints exactly what it sent."""
    if transport == "tcp":
        with TcpPeer(echo_back()) as peer:
            run = common.run_client(client, peer.address, transport, MESSAGE)
    else:
        with UdpPeer(lambda p, i, d, src: p.reply(d, src)) as peer:
            run = common.run_client(client, peer.address, transport, MESSAGE)
    common.expect_success(run, ["ECHO-TCP-8" if transport == "tcp" else "ECHO-UDP-8"], "plain echo",
                          expected_stdout=MESSAGE, sent=MESSAGE)


@scenario("echo-client-fragmented-echo", protocol="echo", role="client", category="partial-reads",
          requirements=["ECHO-TCP-8", "NET-TCP-1"], transports=TCP)
def test_fragmented_echo(client, transport):
    """The echo arrives one byte per segment, 5 ms apart: the client must keep reading until it has
    everything, not compare after the first recv()."""
    with TcpPeer(echo_back(chunk=1, gap=0.005, then="stall")) as peer:
        run = common.run_client(client, peer.address, transport, MESSAGE)
    common.expect_success(run, ["ECHO-TCP-8", "NET-TCP-1"], "echo fragmented into 1-byte segments",
                          expected_stdout=MESSAGE, sent=MESSAGE)


@scenario("echo-client-large-echo", protocol="echo", role="client", category="nonblocking",
          requirements=["NET-TCP-3", "ECHO-TCP-8"], transports=TCP)
def test_large_echo(client, transport):
    """16 MiB echoed as the peer reads it (the peer stops reading while its own writes block, and keeps
    64 KiB socket buffers): a client that writes everything before reading deadlocks once the kernel
    buffers (about 10 MB here) are full; one that reads and writes concurrently succeeds."""
    import random
    import socket

    data = random.Random(settings().seed).randbytes(16 * 2**20)

    def handler(conn) -> None:
        for opt in (socket.SO_RCVBUF, socket.SO_SNDBUF):
            conn.sock.setsockopt(socket.SOL_SOCKET, opt, 65536)
        got = 0
        while got < len(data):
            chunk = conn.recv_some(settings().scaled(8))
            if not chunk:
                return
            got += len(chunk)
            if not conn.send(chunk):
                return
        conn.close()

    with TcpPeer(handler) as peer:
        # a bulk transfer: each wait of the client may take longer than in a plain exchange
        run = common.run_client(client, peer.address, transport, data, wait_timeout=settings().scaled(10))
    common.expect_success(run, ["NET-TCP-3", "ECHO-TCP-8"], "16 MiB echo", expected_stdout=data,
                          sent=f"{len(data)} bytes")


@scenario("echo-client-short-echo", protocol="echo", role="client", category="protocol",
          requirements=["ECHO-CLIENT-1", "NET-TCP-8"], transports=TCP)
def test_short_echo(client, transport):
    """The peer echoes all but the last byte, then closes: the client must report an error, not success.

    A server that echoes short is off-protocol and RFC 862 defines no client: a claimed success breaks the
    suite's contract (ECHO-CLIENT-1, de-facto), a hang after the close is NET-TCP-8."""
    with TcpPeer(echo_back(keep=1, then="close")) as peer:
        run = common.run_client(client, peer.address, transport, MESSAGE)
    common.expect_error(run, ["ECHO-CLIENT-1"], "echo one byte short, then close", sent=MESSAGE, hang_reqs=["NET-TCP-8"])


@scenario("echo-client-short-echo-stall", protocol="echo", role="client", category="timeouts",
          requirements=["ECHO-CLIENT-1", "NET-TCP-8"], transports=TCP)
def test_short_echo_stall(client, transport):
    """The peer echoes all but the last byte and then stalls: the client must time out and report it."""
    with TcpPeer(echo_back(keep=1, then="stall")) as peer:
        run = common.run_client(client, peer.address, transport, MESSAGE)
    common.expect_error(run, ["ECHO-CLIENT-1"], "echo one byte short, then silence", sent=MESSAGE, hang_reqs=["NET-TCP-8"])


@scenario("echo-client-stalled-server", protocol="echo", role="client", category="timeouts",
          requirements=["NET-TCP-8", "ECHO-CLIENT-1"], transports=TCP)
def test_stalled_server(client, transport):
    """The peer accepts and never writes: the client gives up within its own limit and exits non-zero."""
    with common.tcp_stall_peer() as peer:
        run = common.run_client(client, peer.address, transport, MESSAGE)
    common.expect_error(run, ["NET-TCP-8"], "server accepts and never answers", sent=MESSAGE, success_reqs=["ECHO-CLIENT-1"])


@scenario("echo-client-never-accepted", protocol="echo", role="client", category="timeouts",
          requirements=["NET-TCP-8", "ECHO-CLIENT-1"], transports=TCP)
def test_never_accepted(client, transport):
    """The peer listens but never accepts (the connection sits in the backlog): the client times out."""
    with TcpPeer(None, accept=False) as peer:
        run = common.run_client(client, peer.address, transport, MESSAGE)
    common.expect_error(run, ["NET-TCP-8"], "server never accepts", sent=MESSAGE, success_reqs=["ECHO-CLIENT-1"])


@scenario("echo-client-refused", protocol="echo", role="client", category="nonblocking",
          requirements=["NET-TCP-8", "ECHO-CLIENT-1"], transports=TCP)
def test_refused(client, transport):
    """Nothing listens: the client reports the refused connection at once (non-zero exit)."""
    run = common.run_client(client, common.refused_address(), transport, MESSAGE)
    common.expect_error(run, ["NET-TCP-8"], "connection refused", within=settings().scaled(10), sent=MESSAGE,
                        success_reqs=["ECHO-CLIENT-1"])


@scenario("echo-client-reset-mid-echo", protocol="echo", role="client", category="nonblocking",
          requirements=["ECHO-CLIENT-1", "NET-TCP-8"], transports=TCP)
def test_reset_mid_echo(client, transport):
    """The peer echoes half the message, then resets: the client reports the error (non-zero exit)."""
    with TcpPeer(echo_back(keep=len(MESSAGE) // 2, then="reset")) as peer:
        run = common.run_client(client, peer.address, transport, MESSAGE)
    common.expect_error(run, ["ECHO-CLIENT-1"], "reset in the middle of the echo", sent=MESSAGE, hang_reqs=["NET-TCP-8"])


@scenario("echo-client-paused-server", protocol="echo", role="client", category="nonblocking",
          requirements=["NET-TCP-7", "ECHO-TCP-8"], transports=TCP)
def test_paused_server(client, transport):
    """The peer echoes half, pauses for 3T (a would-block on the client's reads), then the rest: the
    client waits and succeeds.  The pause is well clear of T itself, so that a client whose own limit
    is T (socat's default ``-t 0.5`` against the default T) fails every time instead of racing it;
    it is still far below the 5-10 s that correct clients wait (DESIGN §5)."""

    def handler(conn) -> None:
        data = conn.recv_until(lambda b: len(b) >= len(MESSAGE), settings().scaled(8))
        half = len(data) // 2
        conn.send(data, cuts=[half], gap=settings().scaled(3))
        conn.close()

    with TcpPeer(handler) as peer:
        # a client that takes {timeout} gets 6T per wait: twice the pause
        run = common.run_client(client, peer.address, transport, MESSAGE, wait_timeout=settings().scaled(6))
    # giving up during the pause is the NET-TCP-7 (de-facto) evidence; a wrong echo is ECHO-TCP-8
    common.expect_success(run, ["ECHO-TCP-8"], "echo paused halfway", expected_stdout=MESSAGE, sent=MESSAGE,
                          error_reqs=["NET-TCP-7"])


# ---------------------------------------------------------------------- UDP
@scenario("echo-client-udp-retransmit", protocol="echo", role="client", category="datagram-loss",
          requirements=["ECHO-UDP-8", "NET-UDP-2"], transports=UDP)
def test_udp_retransmit(client, transport, reference):
    """The first request is lost (seeded proxy in front of a correct server, every reply duplicated):
    the client retransmits and succeeds."""
    srv = reference()
    plan = Impairment(seed=settings().seed, drop_first=1, duplicate=1.0, directions=("up", "down"))
    with UdpImpairmentProxy(srv.address("udp"), plan) as proxy:
        run = common.run_client(client, proxy.address, transport, MESSAGE)
    common.expect_success(run, ["ECHO-UDP-8", "NET-UDP-2"], "first request lost", expected_stdout=MESSAGE, sent=MESSAGE)


@scenario("echo-client-udp-all-lost", protocol="echo", role="client", category="timeouts",
          requirements=["NET-UDP-8", "ECHO-CLIENT-1"], transports=UDP)
def test_udp_all_lost(client, transport):
    """Every request is lost: the client gives up after bounded retries and exits non-zero (no hang).
    ``{timeout}`` (each wait) is T here: a client that takes it retries sooner, one that does not is held to
    the same bound.  No answer exists here, so the evidence is only how the client ends: an unbounded wait
    (NET-UDP-8) or a claimed success (ECHO-CLIENT-1), both de-facto; a client that never asks again fails
    echo-client-udp-retransmit (NET-UDP-2)."""
    with UdpPeer(lambda p, i, d, src: None) as peer:
        run = common.run_client(client, peer.address, transport, MESSAGE, wait_timeout=settings().scaled(1))
    common.expect_error(run, ["NET-UDP-8"], "no reply ever", sent=MESSAGE, success_reqs=["ECHO-CLIENT-1"])


@scenario("echo-client-udp-forged-reply", protocol="echo", role="client", category="datagram-loss",
          requirements=["NET-UDP-7", "ECHO-UDP-8", "NET-UDP-3"], transports=UDP)
def test_udp_forged_reply(client, transport):
    """A reply arrives first from another port, then the real one: the client must ignore the forged
    datagram.  (The forged copy carries different bytes, so a client that takes it prints the wrong thing.)

    Printing the forged datagram as the echo is a false answer (NET-UDP-7, ECHO-UDP-8); giving up on it
    instead of waiting for the real one is a warning (NET-UDP-3: a datagram from elsewhere is off-protocol)."""
    forged = b"FORGED" + MESSAGE[6:]

    def handler(p, i, data, src) -> None:
        p.forge(b"FORGED" + data[6:], src)
        p.reply(data, src)

    with UdpPeer(handler) as peer:
        run = common.run_client(client, peer.address, transport, MESSAGE)
    common.expect_genuine_reply(run, "forged reply from another port first", genuine=MESSAGE, stray=forged,
                                lie_reqs=["NET-UDP-7", "ECHO-UDP-8"], reject_reqs=["NET-UDP-3"],
                                wrong_reqs=["ECHO-UDP-8"], sent=MESSAGE)


STALE = b"netconformance echo: an earlier request\n"


@scenario("echo-client-udp-stale-duplicate", protocol="echo", role="client", category="datagram-loss",
          requirements=["ECHO-UDP-8", "NET-UDP-7", "NET-UDP-2"], transports=UDP)
def test_udp_stale_duplicate(client, transport):
    """From the server's own address and port, a late duplicate of an earlier echo arrives first, then the
    echo of this request: the client must take only the datagram that answers its current request.

    Duplicates are ordinary UDP (RFC 768: "delivery and duplicate protection are not guaranteed"), so
    this is in-protocol: printing the stale datagram as the echo (a false answer) and giving up on it
    (no echo though one came) both break the client (ECHO-UDP-8, NET-UDP-7)."""

    def handler(p, i, data, src) -> None:
        p.reply(STALE, src)
        time.sleep(0.05)
        p.reply(data, src)

    with UdpPeer(handler) as peer:
        run = common.run_client(client, peer.address, transport, MESSAGE)
    common.expect_genuine_reply(run, "a stale duplicate of an earlier echo first", genuine=MESSAGE, stray=STALE,
                                lie_reqs=["NET-UDP-7", "ECHO-UDP-8"], reject_reqs=["ECHO-UDP-8", "NET-UDP-2"],
                                wrong_reqs=["ECHO-UDP-8"], sent=MESSAGE)


@scenario("echo-client-udp-empty", protocol="echo", role="client", category="datagram-loss",
          requirements=["NET-UDP-4", "ECHO-UDP-8"], transports=UDP)
def test_udp_empty(client, transport):
    """Empty stdin: the client sends an empty datagram; the empty reply is data, not "connection closed"."""
    with UdpPeer(lambda p, i, d, src: p.reply(d, src)) as peer:
        run = common.run_client(client, peer.address, transport, b"")
    common.expect_success(run, ["NET-UDP-4", "ECHO-UDP-8"], "empty datagram echoed", expected_stdout=b"", sent=b"")


@scenario("echo-client-udp-truncated-reply", protocol="echo", role="client", category="datagram-loss",
          requirements=["ECHO-CLIENT-1"], transports=UDP)
def test_udp_truncated_reply(client, transport, reference):
    """A proxy truncates every reply to 8 bytes: the client must not report success.  ``{timeout}`` (each
    wait) is T here, as in echo-client-udp-all-lost.  No datagram is the echo, so this is a broken exchange
    (ECHO-CLIENT-1, de-facto), whether the client claims success or waits for ever."""
    srv = reference()
    with UdpImpairmentProxy(srv.address("udp"), Impairment(seed=settings().seed, truncate=8)) as proxy:
        run = common.run_client(client, proxy.address, transport, MESSAGE, wait_timeout=settings().scaled(1))
    common.expect_error(run, ["ECHO-CLIENT-1"], "every reply truncated to 8 bytes", sent=MESSAGE)
