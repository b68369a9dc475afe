"""Time servers (RFC 868), TCP and UDP: values are checked as raw octets (big-endian, 4 octets,
seconds since 1900), including clocks past 2038-01-19 (Unix 2^31) and past the 2036-02-07 wrap."""

from __future__ import annotations

import struct
import time
from datetime import UTC, datetime

from conformance.checks import check, fail
from conformance.registry import scenario
from conformance.scenarios import common
from netconformance_fixtures import netio
from netconformance_fixtures.context import settings
from reference_servers.time import wire

TCP = ("tcp",)
UDP = ("udp",)
TOLERANCE = 2.0


def fetch(server, transport: str, request: bytes = b"", reqs=("TIME-TCP-1",), why: str = "") -> bytes:
    """The raw reply: TCP read to EOF (must end within 4T), UDP the single datagram."""
    if transport == "tcp":
        with netio.connect(server.address("tcp")) as s:
            got = netio.recv_to_eof(s, settings().scaled(4))
        check(got.data, reqs, "no time arrived" + why, sent=b"", expected="4 octets, then EOF", received=got.data, when=got.describe())
        return got.data
    with netio.udp_socket() as s:
        got = netio.udp_query(s, server.address("udp"), request, settings().scaled(4), resends=2)
    check(got, reqs if why else "TIME-UDP-1", "no answer to a datagram" + why, sent=request, expected="one 4-octet datagram", received="nothing")
    return got[0].data


def time_exchange(address) -> None:
    with netio.connect(address) as s:
        got = netio.recv_to_eof(s, settings().scaled(4))
    check(len(got.data) == 4, "NET-TCP-5", "no 4-octet time in a normal exchange", expected="4 octets", received=got.data,
          when=got.describe())


def judge_value(octets: bytes, reference_unix: float, reqs_prefix=(), *, later: float = 0.0) -> None:
    """Check 4 octets against ``reference_unix``: size, byte order, epoch - each failure named precisely.

    ``later``: seconds the server's clock may have run beyond ``reference_unix`` (a clock set when the server
    started keeps ticking through its start-up and the exchange, however slow a loaded machine makes them)."""
    check(len(octets) == 4, list(reqs_prefix) + ["TIME-FMT-3"], f"{len(octets)} octets instead of exactly 4",
          expected=f"4 octets like {wire.encode(reference_unix).hex(' ')}", received=octets)
    want = struct.unpack("!I", wire.encode(reference_unix))[0]
    be = struct.unpack("!I", octets)[0]
    le = struct.unpack("<I", octets)[0]

    def close(v: int) -> bool:
        return -TOLERANCE <= ((v - want + 2**31) % 2**32) - 2**31 <= TOLERANCE + later

    if close(be):
        return
    ctx = dict(expected=f"{wire.encode(reference_unix).hex(' ')} (= {want}, {wire.iso(int(reference_unix))}, -{TOLERANCE:g} "
                        f"to +{TOLERANCE + later:.0f} s)",
               received=octets)
    if close(le):
        fail(["TIME-FMT-2", "NET-BO-1"], "the value is byte-swapped (little-endian)", **ctx)
    unix_want = int(reference_unix) % 2**32
    if -TOLERANCE <= be - unix_want <= TOLERANCE + later:
        fail("TIME-FMT-1", "the value is Unix time (seconds since 1970), not seconds since 1900", **ctx)
    if -TOLERANCE <= le - unix_want <= TOLERANCE + later:
        fail(["TIME-FMT-1", "TIME-FMT-2"], "the value is little-endian Unix time", **ctx)
    fail("TIME-FMT-1", f"the value is {be} ({wire.iso(wire.to_unix(be))} by the RFC 868 reading), {be - want:+d} s from ours", **ctx)


@scenario("time-tcp-speaks-first", protocol="time", role="server", category="protocol",
          requirements=["TIME-TCP-1"], transports=TCP)
def test_speaks_first(server):
    """On connection the 4 octets arrive without the client sending anything."""
    with netio.connect(server.address("tcp")) as s:
        got = netio.recv_exactly(s, 4, settings().scaled(4))
    check(got.data, "TIME-TCP-1", "the server waited for input instead of sending the time",
          sent=b"", expected="4 octets, unprompted", received=got.data, when=got.describe())


@scenario("time-tcp-four-octets-then-close", protocol="time", role="server", category="protocol",
          requirements=["TIME-FMT-3", "TIME-TCP-2"], transports=TCP)
def test_four_octets_then_close(server):
    """Exactly 4 octets, then EOF (no text, no newline, no 8-octet time_t)."""
    with netio.connect(server.address("tcp")) as s:
        got = netio.recv_to_eof(s, settings().scaled(4))
    check(got.end == "eof", "TIME-TCP-2", "the connection stayed open after the time", expected="4 octets then EOF",
          received=got.data, when=got.describe())
    check(len(got.data) == 4, "TIME-FMT-3", f"{len(got.data)} octets instead of exactly 4", expected="4 octets then EOF",
          received=got.data, when=got.describe())


@scenario("time-value-now", protocol="time", role="server", category="byte-order",
          requirements=["TIME-FMT-1", "TIME-FMT-2", "NET-BO-1"])
def test_value_now(server, transport):
    """The raw octets are the current time: seconds since 1900, big-endian, within 2 s.

    Little-endian packing, a forgotten 2,208,988,800 offset and both at once are each named."""
    before = time.time()
    octets = fetch(server, transport)
    judge_value(octets, (before + time.time()) / 2)


@scenario("time-udp-exactly-four-octets", protocol="time", role="server", category="protocol",
          requirements=["TIME-UDP-1", "TIME-FMT-3", "NET-UDP-4"], transports=UDP)
def test_udp_empty_request(server):
    """An empty datagram gets exactly one datagram of exactly 4 octets."""
    with netio.udp_socket() as s:
        got = netio.udp_query(s, server.address("udp"), b"", settings().scaled(2), expect=None)
    check(len(got) == 1, ["TIME-UDP-1", "NET-UDP-4"], f"{len(got)} replies to an empty datagram", sent=b"",
          expected="exactly one datagram", received=b" | ".join(d.data for d in got) if got else "nothing")
    check(len(got[0].data) == 4, ["TIME-UDP-1", "TIME-FMT-3"], f"a {len(got[0].data)}-octet reply", sent=b"",
          expected="4 octets", received=got[0].data)


@scenario("time-udp-nonempty-request", protocol="time", role="server", category="robustness",
          requirements=["TIME-UDP-2"], transports=UDP)
def test_udp_nonempty_request(server):
    """A datagram with content ("\\n", then 1000 bytes) is answered the same way: content is ignored."""
    for request in (b"\n", bytes(range(250)) * 4):
        with netio.udp_socket() as s:
            got = netio.udp_query(s, server.address("udp"), request, settings().scaled(2), resends=2)
        check(got and len(got[0].data) == 4, "TIME-UDP-2", "no 4-octet reply to a non-empty datagram",
              sent=request, expected="4 octets", received=got[0].data if got else "nothing")


@scenario("time-tcp-ignores-input", protocol="time", role="server", category="robustness",
          requirements=["TIME-TCP-5", "NET-TCP-9"], transports=TCP)
def test_ignores_input(server):
    """A client that sends 4 KiB at once still gets its 4 octets and a clean EOF (no reset).

    RFC 868's client sends nothing, so input is off-protocol: the reaction is a warning, a reset (closed
    with the input unread) under NET-TCP-9 (not over AF_UNIX, where the 4 octets arrive whole before the
    reset), anything else under TIME-TCP-5.  A server that answers and closes before reading all the input
    is right: the rest of the write failing is not held against it."""
    junk = b"what time is it?\r\n" * 228
    with netio.connect(server.address("tcp")) as s:
        netio.send_unread(s, junk)  # a server that sends the time and closes before reading it all is right
        time.sleep(settings().scaled(0.2))
        got = netio.recv_to_eof(s, settings().scaled(4))
    check(got.end != "reset" or netio.closed(got), ["NET-TCP-9"],  # an AF_UNIX reset destroys nothing
          "the connection was reset after client input (closed with the input unread?): the time can be destroyed",
          sent=junk, expected="4 octets then EOF", received=got.data, when=got.describe())
    check(len(got.data) == 4 and netio.closed(got), ["TIME-TCP-5"],
          "no clean 4-octet reply after client input", sent=junk,
          expected="4 octets then EOF", received=got.data, when=got.describe())


@scenario("time-clock-past-2038", protocol="time", role="server", category="byte-order",
          requirements=["TIME-FMT-1", "TIME-FMT-2", "TIME-FMT-3"], needs=("launch",))
def test_clock_past_2038(server_factory, transport):
    """With the server's clock at 2038-01-19T03:14:10Z (Unix time past 2^31: a signed 32-bit time_t
    overflows), the octets are still the right unsigned 1900-based value.

    The clock is injected into the reference, and into a command through libfaketime."""
    at = 2**31 + 2
    started = time.monotonic()  # the server's clock reads ``at`` from its start on, and keeps ticking
    server = server_factory(clock=at)
    octets = fetch(server, transport, reqs=("TIME-FMT-3",),
                   why=" with the clock at 2038-01-19T03:14:10Z (a signed 32-bit pack overflows there)")
    judge_value(octets, at, later=time.monotonic() - started)


@scenario("time-clock-past-2036-wrap", protocol="time", role="server", category="byte-order",
          requirements=["TIME-FMT-6"], needs=("launch",))
def test_clock_past_2036_wrap(server_factory, transport):
    """With the server's clock at 2036-02-07T06:28:20Z, 4 s past the 32-bit wrap, the value is
    (seconds since 1900) mod 2^32 = 00 00 00 04 (give or take the run's seconds), not an error or nothing."""
    at = wire.WRAP_UNIX + 4
    started = time.monotonic()  # the server's clock reads ``at`` from its start on, and keeps ticking
    server = server_factory(clock=at)
    octets = fetch(server, transport, reqs=("TIME-FMT-6",), why=" with the clock past the 2036 wrap (unsigned 32-bit overflow?)")
    later = time.monotonic() - started
    check(len(octets) == 4, "TIME-FMT-6", "no 4-octet value past the 2036 wrap", expected="00 00 00 04", received=octets)
    value = struct.unpack("!I", octets)[0]
    check(4 <= value <= 4 + TOLERANCE + 1 + later, "TIME-FMT-6", f"the value past the wrap is {value}, not (1900-seconds mod 2^32)",
          expected=f"00 00 00 04 (+{TOLERANCE + 1 + later:.0f} s) for {datetime.fromtimestamp(at, UTC):%Y-%m-%dT%H:%M:%SZ}",
          received=octets)


@scenario("time-no-clock", protocol="time", role="server", category="protocol",
          requirements=["TIME-TCP-3", "TIME-UDP-3"], needs=("launch",))
def test_no_clock(server_factory, transport):
    """When the server cannot tell the time it sends nothing: TCP closes (or refuses) with 0 octets, UDP
    gives no reply.  Needs a server whose clock can be taken away (the reference)."""
    server = server_factory(clock="none")
    if transport == "tcp":
        with netio.connect(server.address("tcp")) as s:
            got = netio.recv_to_eof(s, settings().scaled(4))
        check(got.data == b"", "TIME-TCP-3", "a server without a clock sent octets", expected="0 octets, then EOF",
              received=got.data, when=got.describe())
    else:
        with netio.udp_socket() as s:
            got = netio.udp_query(s, server.address("udp"), b"", settings().scaled(2))
        check(not got, "TIME-UDP-3", "a server without a clock answered", sent=b"", expected="no datagram",
              received=got[0].data if got else "nothing")


@scenario("time-tcp-half-close", protocol="time", role="server", category="nonblocking",
          requirements=["NET-TCP-4", "TIME-TCP-1", "NET-TCP-10"], transports=TCP)
def test_half_close(server):
    """A client that half-closes at once still gets the 4 octets (NET-TCP-4), and the server is still
    serving afterwards (NET-TCP-10)."""
    with netio.connect(server.address("tcp")) as s:
        netio.half_close(s)
        got = netio.recv_to_eof(s, settings().scaled(4))
    time.sleep(settings().scaled(0.2))
    common.still_serving(server, "a client half-closed its connection")
    check(len(got.data) == 4, ["NET-TCP-4"], "no time for a client that half-closed first", expected="4 octets then EOF",
          received=got.data, when=got.describe())


@scenario("time-tcp-survives-resets", protocol="time", role="server", category="nonblocking",
          requirements=["NET-TCP-5", "NET-TCP-10"], transports=TCP)
def test_survives_resets(server):
    """20 clients reset their connection at once; the server keeps serving."""
    common.survives_resets(server, time_exchange)


@scenario("time-tcp-idle-client", protocol="time", role="server", category="concurrency",
          requirements=["NET-TCP-6"], transports=TCP)
def test_idle_client(server):
    """A client that connects and never reads nor closes does not delay the next one."""
    common.idle_client_does_not_block(server, time_exchange)


@scenario("time-udp-survives-icmp", protocol="time", role="server", category="nonblocking",
          requirements=["NET-UDP-6"], transports=UDP)
def test_udp_survives_icmp(server):
    """Replies that draw ICMP port-unreachable do not end the server loop."""
    common.survives_icmp(server, b"")
