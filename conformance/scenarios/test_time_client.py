"""Time clients (RFC 868): decode 4 octets, unsigned, big-endian, since 1900, with the 2036 era rule.

Contract (DESIGN §5): the client prints the time as Unix seconds, ISO 8601 or a ctime-style date; the
suite reads any of these and compares with 1 s tolerance (2 s for the current time).
"""

from __future__ import annotations

import re
import struct
import time

from conformance.checks import check, fail
from conformance.registry import scenario
from conformance.scenarios import common
from netconformance_fixtures.context import settings
from netconformance_fixtures.peers import TcpPeer, UdpPeer
from reference_servers.daytime.wire import parse_daytime
from reference_servers.time import wire

TCP = ("tcp",)
UDP = ("udp",)


def printed_time(stdout: bytes) -> float | None:
    """Unix seconds from a client's output: an integer, ISO 8601, RFC 822 or ctime (see DESIGN §5)."""
    text = stdout.strip()
    if re.fullmatch(rb"-?\d+(\.\d+)?", text):
        return float(text)
    return parse_daytime(text)


def serve_octets(octets: bytes, **send):
    def handler(conn) -> None:
        if conn.send(octets, **send):
            conn.close()

    return handler


def run_value(client, transport, octets: bytes, **send):
    if transport == "tcp":
        with TcpPeer(serve_octets(octets, **send)) as peer:
            return common.run_client(client, peer.address, transport)
    with UdpPeer(lambda p, i, d, src: p.reply(octets, src)) as peer:
        return common.run_client(client, peer.address, transport)


def expect_time(run, reqs, summary: str, octets: bytes, unix: float, tolerance: float = 1.0) -> None:
    common.expect_success(run, reqs, summary, sent=octets)
    told = printed_time(run.stdout)
    if told is None:
        fail(reqs, f"{summary}: the output is not a time in a form the contract allows (Unix seconds, ISO 8601, ctime)",
             sent=octets, expected=wire.iso(int(unix)), received=run.stdout)
    if abs(told - unix) > tolerance:
        fail(reqs, f"{summary}: the client decoded {wire.iso(int(told)) if -2**40 < told < 2**40 else told} ({told - unix:+.0f} s)",
             sent=octets, expected=f"{wire.iso(int(unix))} (+-{tolerance:g} s)", received=run.stdout)


@scenario("time-client-current", protocol="time", role="client", category="byte-order",
          requirements=["TIME-FMT-4", "TIME-FMT-5", "NET-BO-1"])
def test_current(client, transport):
    """The peer sends the current time: the client shows it (within 2 s).  Every current value has the
    top bit set, so a signed decode shows 1832-ish and a little-endian one nonsense."""
    now = time.time()
    octets = wire.encode(now)
    run = run_value(client, transport, octets)
    expect_time(run, ["TIME-FMT-4", "TIME-FMT-5", "NET-BO-1"], "current time", octets, now, tolerance=2.0)


@scenario("time-client-top-bit", protocol="time", role="client", category="byte-order",
          requirements=["TIME-FMT-4"], transports=TCP)
def test_top_bit(client, transport):
    """0x80000000 is 1968-01-20T03:14:08Z (unsigned), not a negative number."""
    octets = b"\x80\x00\x00\x00"
    run = run_value(client, transport, octets)
    expect_time(run, ["TIME-FMT-4"], "value 0x80000000", octets, 2**31 - wire.EPOCH_OFFSET)


@scenario("time-client-rfc-examples", protocol="time", role="client", category="byte-order",
          requirements=["TIME-FMT-5"], transports=TCP)
def test_rfc_examples(client, transport):
    """The RFC's examples: 2,208,988,800 is 1970-01-01T00:00:00Z and 2,629,584,000 is 1983-05-01T00:00:00Z
    (no leap-year slip, no local time zone)."""
    for value, unix in ((2_208_988_800, 0), (2_629_584_000, 420_595_200)):
        octets = struct.pack("!I", value)
        run = run_value(client, transport, octets)
        expect_time(run, ["TIME-FMT-5"], f"value {value}", octets, unix)


@scenario("time-client-2036-wrap", protocol="time", role="client", category="byte-order",
          requirements=["TIME-FMT-6"], transports=TCP)
def test_2036_wrap(client, transport):
    """00 00 00 10 read with the era rule is 2036-02-07T06:28:32Z, not 1900-01-01 (de-facto, RFC 4330 §3)."""
    octets = b"\x00\x00\x00\x10"
    run = run_value(client, transport, octets)
    expect_time(run, ["TIME-FMT-6"], "value 16 past the wrap", octets, wire.WRAP_UNIX + 16)


@scenario("time-client-split-value", protocol="time", role="client", category="partial-reads",
          requirements=["TIME-TCP-4", "NET-TCP-1"], transports=TCP)
def test_split_value(client, transport):
    """Two octets, a 0.2 s pause, two more: the client waits for all 4 before decoding."""
    now = time.time()
    octets = wire.encode(now)
    run = run_value(client, transport, octets, cuts=[2], gap=0.2)
    expect_time(run, ["TIME-TCP-4", "NET-TCP-1"], "value split 2+2", octets, now, tolerance=2.0)


@scenario("time-client-short-value", protocol="time", role="client", category="protocol",
          requirements=["TIME-TCP-4", "TIME-CLIENT-1", "NET-TCP-8"], transports=TCP)
def test_short_value(client, transport):
    """0 octets then close, and 3 octets then close: errors (no time), never a partial decode.

    A close without any octet is RFC 868's own "no time" ("close it without sending anything"): showing a time
    then is TIME-TCP-4 (derived), judged first.  3 octets are off-protocol.  A claimed success after either is
    the suite's contract (TIME-CLIENT-1, de-facto); a hang after the close is NET-TCP-8."""
    for octets in (b"", wire.encode(time.time())[:3]):
        run = run_value(client, transport, octets)
        if not octets and run.status == 0:
            check(printed_time(run.stdout) is None, "TIME-TCP-4", "the client showed a time the server never sent",
                  sent=b"", expected="no time (the server closed without sending anything)", received=run.stdout)
        common.expect_error(run, ["TIME-CLIENT-1"], f"{len(octets)} octets then close", sent=octets, hang_reqs=["NET-TCP-8"])


@scenario("time-client-stalled-server", protocol="time", role="client", category="timeouts",
          requirements=["NET-TCP-8", "TIME-CLIENT-1"], transports=TCP)
def test_stalled_server(client, transport):
    """The peer accepts and never writes: the client gives up within its limit, non-zero."""
    with common.tcp_stall_peer() as peer:
        run = common.run_client(client, peer.address, transport)
    common.expect_error(run, ["NET-TCP-8"], "server accepts and never answers", success_reqs=["TIME-CLIENT-1"])


@scenario("time-client-refused", protocol="time", role="client", category="nonblocking",
          requirements=["NET-TCP-8", "TIME-CLIENT-1"], transports=TCP)
def test_refused(client, transport):
    """Nothing listens: the client reports the refused connection (non-zero exit)."""
    run = common.run_client(client, common.refused_address(), transport)
    common.expect_error(run, ["NET-TCP-8"], "connection refused", within=settings().scaled(10),
                        success_reqs=["TIME-CLIENT-1"])


@scenario("time-client-udp-retransmit", protocol="time", role="client", category="datagram-loss",
          requirements=["TIME-UDP-4", "NET-UDP-2"], transports=UDP)
def test_udp_retransmit(client, transport):
    """The first request is lost: the client retries and shows the time."""
    now = time.time()

    def handler(p, i, d, src) -> None:
        if i > 0:
            p.reply(wire.encode(time.time()), src)

    with UdpPeer(handler) as peer:
        run = common.run_client(client, peer.address, transport)
    expect_time(run, ["TIME-UDP-4", "NET-UDP-2"], "first request lost", b"", now, tolerance=settings().scaled(16))


@scenario("time-client-udp-wrong-size", protocol="time", role="client", category="datagram-loss",
          requirements=["TIME-CLIENT-1"], transports=UDP)
def test_udp_wrong_size(client, transport):
    """Every reply has 5 octets: the client reports an error rather than decoding junk.  The reply is
    off-protocol: a client that decodes its first 4 octets is a liberal receiver, told so as a warning
    (TIME-CLIENT-1)."""
    octets = wire.encode(time.time()) + b"\n"
    with UdpPeer(lambda p, i, d, src: p.reply(octets, src)) as peer:
        run = common.run_client(client, peer.address, transport)
    common.expect_error(run, ["TIME-CLIENT-1"], "5-octet reply", sent=octets)


@scenario("time-client-udp-forged-reply", protocol="time", role="client", category="datagram-loss",
          requirements=["NET-UDP-7", "TIME-UDP-4", "NET-UDP-3"], transports=UDP)
def test_udp_forged_reply(client, transport):
    """A 4-octet reply for 1990 arrives first from another port, then the real one: the real one counts.

    Showing 1990 is taking the forged datagram for the server's answer (NET-UDP-7, TIME-UDP-4: "U: Receive
    the time datagram" - the server's); giving up on it instead of waiting for the real one is a warning
    (NET-UDP-3: a datagram from elsewhere is off-protocol)."""
    now = time.time()
    forged_value = 2_840_140_800
    forged = struct.pack("!I", forged_value)

    def handler(p, i, d, src) -> None:
        p.forge(forged, src)
        p.reply(wire.encode(time.time()), src)

    def shows_forged(stdout: bytes) -> bool:
        told = printed_time(stdout)
        return told is not None and abs(told - wire.to_unix(forged_value)) <= 2

    with UdpPeer(handler) as peer:
        run = common.run_client(client, peer.address, transport)
    common.expect_genuine_reply(run, "forged reply first", genuine=wire.encode(now), stray=forged,
                                lie_reqs=["NET-UDP-7", "TIME-UDP-4"], reject_reqs=["NET-UDP-3"], is_stray=shows_forged)
    expect_time(run, ["TIME-UDP-4"], "forged reply first", b"", now, tolerance=2.0)


@scenario("time-client-udp-all-lost", protocol="time", role="client", category="timeouts",
          requirements=["NET-UDP-8", "TIME-CLIENT-1"], transports=UDP)
def test_udp_all_lost(client, transport):
    """No reply ever: bounded retries, then a non-zero exit.  ``{timeout}`` (each wait) is T here: a client
    that takes it retries sooner, one that does not is held to the same bound.  An unbounded wait is NET-UDP-8,
    a claimed success TIME-CLIENT-1 (both de-facto: no answer exists to get)."""
    with UdpPeer(lambda p, i, d, src: None) as peer:
        run = common.run_client(client, peer.address, transport, wait_timeout=settings().scaled(1))
    common.expect_error(run, ["NET-UDP-8"], "no reply ever", success_reqs=["TIME-CLIENT-1"])
