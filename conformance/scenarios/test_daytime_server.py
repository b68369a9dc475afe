"""Daytime servers (RFC 867), TCP and UDP.  RFC 867 prescribes no format: checks are structural, and
the time is compared with our clock only when the string is in a format we recognise."""

from __future__ import annotations

import time

from conformance.checks import check, fail
from conformance.errors import NotApplicable
from conformance.registry import scenario
from conformance.scenarios import common
from netconformance_fixtures import netio
from netconformance_fixtures.context import settings
from reference_servers.daytime import wire

TCP = ("tcp",)
UDP = ("udp",)


def fetch_tcp(address, reqs=("DAYTIME-TCP-1",)) -> bytes:
    with netio.connect(address) as s:
        got = netio.recv_to_eof(s, settings().scaled(4))
    check(got.data, reqs, "no date arrived", sent=b"", expected="the date and time, then EOF",
          received=got.data, when=got.describe())
    return got.data


def daytime_exchange(address) -> None:
    fetch_tcp(address, ("NET-TCP-5",))


def fetch(server, transport: str) -> bytes:
    if transport == "tcp":
        return fetch_tcp(server.address("tcp"))
    with netio.udp_socket() as s:
        got = netio.udp_query(s, server.address("udp"), b"", settings().scaled(4), resends=2)
    check(got, "DAYTIME-UDP-1", "no answer to a datagram", sent=b"", expected="one datagram", received="nothing")
    return got[0].data


@scenario("daytime-tcp-speaks-first", protocol="daytime", role="server", category="protocol",
          requirements=["DAYTIME-TCP-1"], transports=TCP)
def test_speaks_first(server):
    """On connection the date arrives without the client sending anything."""
    with netio.connect(server.address("tcp")) as s:
        got = netio.recv_exactly(s, 1, settings().scaled(4))
    check(got.data, "DAYTIME-TCP-1", "the server waited for input instead of sending the date",
          sent=b"", expected="the date, unprompted", received=got.data, when=got.describe())


@scenario("daytime-tcp-closes", protocol="daytime", role="server", category="protocol",
          requirements=["DAYTIME-TCP-2"], transports=TCP)
def test_closes(server):
    """After the string the server closes: a client reading to EOF finishes within 4T."""
    with netio.connect(server.address("tcp")) as s:
        got = netio.recv_to_eof(s, settings().scaled(4))
    check(got.end == "eof", "DAYTIME-TCP-2", "the connection stayed open after the date",
          sent=b"", expected="the date, then EOF", received=got.data, when=got.describe())


@scenario("daytime-tcp-ignores-input", protocol="daytime", role="server", category="robustness",
          requirements=["DAYTIME-TCP-3", "NET-TCP-9"], transports=TCP)
def test_ignores_input(server):
    """An HTTP request plus 10 KiB of junk sent at once changes nothing: the same kind of date arrives,
    then a clean EOF (no reset destroying it because the junk was left unread).

    RFC 867 says the input "is thrown away": a reply that echoes it, changes shape, or never comes is
    DAYTIME-TCP-3; an echo in what arrived counts even when a reset followed.  A reset (the server closed
    with the junk unread, and the kernel's RST destroyed the date in flight) is NET-TCP-9, a SHOULD: the
    server did throw the input away, just not cleanly.  Over AF_UNIX that reset destroys nothing (the date
    arrives whole, then the reset): no NET-TCP-9 there.  A server that sends the date and closes before
    reading all the junk did what RFC 867 says: the rest of the write failing is not held against it."""
    junk = b"GET / HTTP/1.0\r\n\r\n" + bytes(range(256)) * 40
    with netio.connect(server.address("tcp")) as s:
        netio.send_unread(s, junk)  # a server that sends the date and closes before reading it all is right
        time.sleep(settings().scaled(0.2))
        got = netio.recv_to_eof(s, settings().scaled(4))
    # an echo is conclusive in whatever arrived, reset or not: judged before the reset (a SHOULD) can hide it
    plain = fetch_tcp(server.address("tcp"))
    check(b"GET" not in got.data and b"HTTP" not in got.data, "DAYTIME-TCP-3", "the reply echoes the client's input",
          sent=junk, expected=plain, received=got.data, when=got.describe())
    check(got.end != "reset" or netio.closed(got), ["NET-TCP-9"],  # an AF_UNIX reset destroys nothing
          "the connection was reset after client input (closed with the input unread?): the date can be destroyed",
          sent=junk, expected="the date, then EOF", received=got.data, when=got.describe())
    check(netio.closed(got) and got.data, ["DAYTIME-TCP-3"],
          "the date did not arrive, then EOF, after client input",
          sent=junk, expected="the date, then EOF", received=got.data, when=got.describe())
    check(abs(len(got.data) - len(plain)) <= 2, "DAYTIME-TCP-3", "the reply to a client that sent input differs in shape",
          sent=junk, expected=plain, received=got.data)


@scenario("daytime-format-printable", protocol="daytime", role="server", category="protocol",
          requirements=["DAYTIME-FMT-1"])
def test_format_printable(server, transport):
    """Every octet is printable ASCII, space, CR or LF (no trailing NUL, no UTF-8 month names)."""
    data = fetch(server, transport)
    bad = wire.nonprintable_octets(data)
    check(not bad, "DAYTIME-FMT-1", f"octet 0x{bad[0][1]:02x} at offset {bad[0][0]} is not printable ASCII" if bad else "",
          expected="printable ASCII, SP, CR, LF", received=data)


@scenario("daytime-format-one-line", protocol="daytime", role="server", category="protocol",
          requirements=["DAYTIME-FMT-2"])
def test_format_one_line(server, transport):
    """The string is a single line (at most one line end, at the end)."""
    data = fetch(server, transport)
    n = wire.line_count(data)
    check(n == 1, "DAYTIME-FMT-2", f"the string has {n} lines", expected="one line", received=data)


@scenario("daytime-current-time", protocol="daytime", role="server", category="protocol",
          requirements=["DAYTIME-FMT-4"])
def test_current_time(server, transport):
    """The string tells the current time, within 2 s (checked when its format is a common one: ctime,
    RFC 822/5322, ISO 8601, the RFC 867 example; other formats are legal and get not-applicable)."""
    before = time.time()
    data = fetch(server, transport)
    after = time.time()
    told = wire.parse_daytime(data)
    if told is None:
        raise NotApplicable(f"format not recognised, so not compared with the clock (legal: RFC 867 has no syntax): {data[:60]!r}")
    # the server's moment lies within the exchange; whole-second formats truncate up to 1 s
    now = min(max(told, before - 1), after)
    off = told - now
    if abs(off) > 2:
        hours = round(off / 3600)
        hint = (f" - off by {hours} h: local time without a zone indicator?" if hours and abs(off - hours * 3600) <= 2 else "")
        fail("DAYTIME-FMT-4", f"the time told is {off:+.0f} s from ours{hint}",
             expected=time.strftime("%a %b %d %H:%M:%S %Y UTC", time.gmtime(now)) + " (+-2 s)", received=data)


@scenario("daytime-tcp-half-close", protocol="daytime", role="server", category="nonblocking",
          requirements=["NET-TCP-4", "DAYTIME-TCP-1", "NET-TCP-10"], transports=TCP)
def test_half_close(server):
    """A client that half-closes at once (sends FIN first) still gets the date (NET-TCP-4), and the server
    is still serving afterwards (NET-TCP-10)."""
    with netio.connect(server.address("tcp")) as s:
        netio.half_close(s)
        got = netio.recv_to_eof(s, settings().scaled(4))
    time.sleep(settings().scaled(0.2))
    common.still_serving(server, "a client half-closed its connection")
    check(got.data and got.end == "eof", ["NET-TCP-4"], "no date for a client that half-closed first",
          expected="the date, then EOF", received=got.data, when=got.describe())


@scenario("daytime-tcp-survives-resets", protocol="daytime", role="server", category="nonblocking",
          requirements=["NET-TCP-5", "NET-TCP-10"], transports=TCP)
def test_survives_resets(server):
    """20 clients reset their connection at once; the server keeps serving."""
    common.survives_resets(server, daytime_exchange)


@scenario("daytime-tcp-idle-client", protocol="daytime", role="server", category="concurrency",
          requirements=["NET-TCP-6"], transports=TCP)
def test_idle_client(server):
    """A client that connects and never reads nor closes does not delay the next one."""
    common.idle_client_does_not_block(server, daytime_exchange)


@scenario("daytime-udp-any-datagram", protocol="daytime", role="server", category="datagram-loss",
          requirements=["DAYTIME-UDP-1", "NET-UDP-4"], transports=UDP)
def test_udp_any_datagram(server):
    """An empty datagram and a datagram "xyz" each get one reply."""
    for request in (b"", b"xyz"):
        with netio.udp_socket() as s:
            got = netio.udp_query(s, server.address("udp"), request, settings().scaled(2), expect=None, resends=2)
        check(1 <= len(got) <= got.sends, ["DAYTIME-UDP-1"] + (["NET-UDP-4"] if not request else []),
              f"{len(got)} replies to one datagram (sent {got.sends} time(s))", sent=request,
              expected="exactly one datagram", received=b" | ".join(d.data for d in got) if got else "nothing")


@scenario("daytime-udp-single-datagram", protocol="daytime", role="server", category="protocol",
          requirements=["DAYTIME-UDP-2", "NET-UDP-1"], transports=UDP)
def test_udp_single_datagram(server):
    """The whole string comes back in one datagram, from the port queried (connect()ed socket)."""
    import socket

    from netconformance_fixtures.transcript import RecordingSocket

    raw = socket.socket(socket.AF_INET6 if ":" in server.address("udp")[0] else socket.AF_INET, socket.SOCK_DGRAM)
    raw.connect(server.address("udp"))
    with RecordingSocket(raw, "udp") as s:
        s.send(b"")
        got = netio.recv_exactly(s, 1, settings().scaled(4))
    check(got.data, ["DAYTIME-UDP-2", "NET-UDP-1"],
          "no date in one datagram to a connected socket", sent=b"", expected="one datagram with the date",
          received=got.data, when=got.describe())


@scenario("daytime-udp-survives-icmp", protocol="daytime", role="server", category="nonblocking",
          requirements=["NET-UDP-6"], transports=UDP)
def test_udp_survives_icmp(server):
    """Replies that draw ICMP port-unreachable do not end the server loop."""
    common.survives_icmp(server, b"")
