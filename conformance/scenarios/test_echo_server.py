"""Echo servers (RFC 862): scenarios run against the echo server under test, over TCP and UDP."""

from __future__ import annotations

import random
import socket
import threading
import time

from conformance.checks import check, fail
from conformance.registry import scenario
from conformance.scenarios import common
from conformance.verdicts import grade_of
from netconformance_fixtures import netio
from netconformance_fixtures.context import settings
from reference_servers.echo import wire

TCP = ("tcp",)
UDP = ("udp",)


def payload(n: int, salt: str = "") -> bytes:
    """``n`` seeded random bytes that include NUL, CR, LF and 0xFF."""
    rng = random.Random(f"{settings().seed}:{salt}:{n}")
    return (b"\x00\r\n\xff" + rng.randbytes(max(0, n - 4)))[:n]


def expect_echo(sock, sent: bytes, reqs, what: str, timeout: float | None = None) -> None:
    """The echo of ``sent`` arrives whole.  A short or missing echo fails ``reqs`` (what the scenario
    probes: line buffering, concurrency...); a byte that arrived different is ECHO-TCP-2 whatever the
    scenario probes (RFC 862: "any data received is sent back"), unless ``reqs`` already grade as a MUST."""
    got = netio.recv_exactly(sock, len(sent), timeout)
    diff = wire.first_difference(sent, got.data)
    if diff is not None:
        if diff < len(got.data) and grade_of(reqs if not isinstance(reqs, str) else [reqs]) != "fail":
            reqs = ("ECHO-TCP-2",)
        fail(reqs, f"{what}: the echo differs from what was sent, first at offset {diff}",
             sent=sent, expected=f"the same {len(sent)} bytes back", received=got.data, when=got.describe())


def echo_exchange(address) -> None:
    with netio.connect(address) as s:
        s.sendall(b"ping\r\n")
        expect_echo(s, b"ping\r\n", ("NET-TCP-5",), "normal exchange")


# ---------------------------------------------------------------------- TCP: protocol
@scenario("echo-tcp-no-banner", protocol="echo", role="server", category="protocol",
          requirements=["ECHO-TCP-1"], transports=TCP)
def test_no_banner(server):
    """The server says nothing until spoken to.

    Connects and sends nothing for T seconds: any byte received is an unsolicited banner."""
    with netio.connect(server.address("tcp")) as s:
        got = netio.recv_for(s, settings().timeout)
    check(not got.data, "ECHO-TCP-1", "the server sent bytes before receiving any",
          sent=b"", expected="0 bytes", received=got.data, when=got.describe())


@scenario("echo-tcp-binary-transparency", protocol="echo", role="server", category="protocol",
          requirements=["ECHO-TCP-2", "NET-TCP-1"], transports=TCP)
def test_binary_transparency(server):
    """64 KiB of random bytes including NUL, CR, LF and 0xFF come back identical.

    Catches servers that decode text, strip whitespace, rewrite line ends or append a newline."""
    data = payload(65536, "binary")
    with netio.connect(server.address("tcp")) as s:
        sender = threading.Thread(target=s.sendall, args=(data,), daemon=True)
        sender.start()
        expect_echo(s, data, ("ECHO-TCP-2", "NET-TCP-1"), "64 KiB binary payload")
        sender.join(1)


@scenario("echo-tcp-keeps-echoing", protocol="echo", role="server", category="protocol",
          requirements=["ECHO-TCP-3"], transports=TCP)
def test_keeps_echoing(server):
    """The server keeps the session after the first echo.

    Sends "a", reads it, waits T, sends "b": "b" must come back (no close after one round)."""
    with netio.connect(server.address("tcp")) as s:
        s.sendall(b"a")
        expect_echo(s, b"a", "ECHO-TCP-3", "first round")
        time.sleep(settings().timeout)
        try:
            s.sendall(b"b")
        except OSError as exc:
            fail("ECHO-TCP-3", f"the server ended the session after one echo ({exc.strerror})", sent=b"b")
        expect_echo(s, b"b", "ECHO-TCP-3", "second round, after a pause")


@scenario("echo-tcp-no-line-buffering", protocol="echo", role="server", category="protocol",
          requirements=["ECHO-TCP-4"], transports=TCP)
def test_no_line_buffering(server):
    """One byte without a newline is echoed at once.

    A server that reads lines (readline) or waits for a full buffer stays silent."""
    with netio.connect(server.address("tcp")) as s:
        s.sendall(b"x")
        expect_echo(s, b"x", "ECHO-TCP-4", "a single byte with no line end", timeout=settings().scaled(4))


@scenario("echo-tcp-half-close", protocol="echo", role="server", category="nonblocking",
          requirements=["ECHO-TCP-2", "ECHO-TCP-6", "NET-TCP-4", "NET-TCP-10"], transports=TCP)
def test_half_close(server):
    """After the client half-closes, the server flushes what it owes, then closes.

    Sends 100 KiB, shuts down writing, reads to EOF: exactly the 100 KiB (ECHO-TCP-2: every octet received
    is sent back), then EOF within 4T (ECHO-TCP-6, de-facto: RFC 862 says nothing of a half-close); the
    server is still serving afterwards (NET-TCP-10)."""
    data = payload(100 * 1024, "half")
    with netio.connect(server.address("tcp")) as s:
        try:
            s.sendall(data)
            netio.half_close(s)
        except OSError as exc:  # reset (ECONNRESET, EPIPE, or ENOTCONN at the shutdown) with data still owed
            fail(["ECHO-TCP-2"], "the server reset the connection while the client was still sending: the data "
                 "owed was not all echoed", sent=data, expected=f"the same {len(data)} bytes then EOF",
                 received=f"{type(exc).__name__}: {exc.strerror or exc}")
        got = netio.recv_to_eof(s, settings().scaled(8))
    diff = wire.first_difference(data, got.data)
    check(diff is None, ["ECHO-TCP-2"], f"data owed at the half-close was lost or changed (offset {diff})",
          sent=data, expected=f"the same {len(data)} bytes then EOF", received=got.data, when=got.describe())
    check(got.end == "eof", ["ECHO-TCP-6"], "the server did not close after the client half-closed",
          sent=data, expected=f"{len(data)} bytes then EOF", received=got.data, when=got.describe())
    time.sleep(settings().scaled(0.2))
    common.still_serving(server, "a client half-closed its connection")


# ---------------------------------------------------------------------- TCP: partial reads
@scenario("echo-tcp-trickled", protocol="echo", role="server", category="partial-reads",
          requirements=["NET-TCP-1", "ECHO-TCP-4"], transports=TCP)
def test_trickled(server):
    """Bytes written one at a time (TCP_NODELAY, 4 ms apart) are all echoed, in order."""
    data = b"trickle\r\n\x00\xffend of trickle\n"
    with netio.connect(server.address("tcp")) as s:
        netio.trickle(s, data)
        expect_echo(s, data, ("NET-TCP-1", "ECHO-TCP-4"), "payload trickled 1 byte per write")


@scenario("echo-tcp-several-lines-one-segment", protocol="echo", role="server", category="partial-reads",
          requirements=["NET-TCP-2", "ECHO-TCP-2"], transports=TCP)
def test_several_lines_one_segment(server):
    """Three lines in one segment all come back.

    Catches a line-oriented server that handles one line per read and drops the rest of the buffer."""
    data = b"line one\r\nline two\nline three\r\n"
    with netio.connect(server.address("tcp")) as s:
        s.sendall(data)
        expect_echo(s, data, ("NET-TCP-2", "ECHO-TCP-2"), "three lines written at once")


# ---------------------------------------------------------------------- TCP: back-pressure and errors
@scenario("echo-tcp-large-concurrent", protocol="echo", role="server", category="nonblocking",
          requirements=["ECHO-TCP-5", "NET-TCP-3"], transports=TCP)
def test_large_concurrent(server):
    """8 MiB written and read concurrently come back complete and in order.

    A server that uses send() without looping, or drops data on a full socket buffer, truncates."""
    data = payload(8 * 2**20, "large")
    with netio.connect(server.address("tcp"), timeout=settings().scaled(20)) as s:
        sender = threading.Thread(target=lambda: s.raw.sendall(data), daemon=True)
        sender.start()
        got = netio.recv_exactly(s.raw, len(data), settings().scaled(40))
        sender.join(2)
    diff = wire.first_difference(data, got.data)
    check(diff is None, ["ECHO-TCP-5", "NET-TCP-3"], f"8 MiB echo incomplete or corrupted (first difference at {diff})",
          sent=f"{len(data)} bytes, sha256 {wire.digest(data)[:16]}",
          expected=f"the same {len(data)} bytes", received=f"{len(got.data)} bytes, sha256 {wire.digest(got.data)[:16]}",
          when=got.describe())


@scenario("echo-tcp-paused-reader", protocol="echo", role="server", category="nonblocking",
          requirements=["NET-TCP-3", "NET-TCP-7"], transports=TCP)
def test_paused_reader(server):
    """The client stops reading for 2T while sending 4 MiB (small receive buffer), then drains.

    The server's writes would block meanwhile (EAGAIN); it must wait, not fail or drop data."""
    data = payload(4 * 2**20, "paused")
    with netio.connect(server.address("tcp"), timeout=settings().scaled(20), rcvbuf=8192) as s:
        sender = threading.Thread(target=lambda: s.raw.sendall(data), daemon=True)
        sender.start()
        time.sleep(settings().scaled(2))
        got = netio.recv_exactly(s.raw, len(data), settings().scaled(40))
        sender.join(2)
    diff = wire.first_difference(data, got.data)
    check(diff is None, ["NET-TCP-3", "ECHO-TCP-5"],
          f"echo incomplete after the client paused reading (first difference at {diff})",
          sent=f"{len(data)} bytes", expected=f"the same {len(data)} bytes",
          received=f"{len(got.data)} bytes", when=got.describe())


@scenario("echo-tcp-survives-resets", protocol="echo", role="server", category="nonblocking",
          requirements=["NET-TCP-5", "NET-TCP-10"], transports=TCP)
def test_survives_resets(server):
    """20 clients send half a message and reset the connection; the server still echoes for the next.

    A dead or deaf server has lost the service (NET-TCP-10, MUST); a live one that fails the next exchange
    dropped more than the reset session (NET-TCP-5, SHOULD)."""
    common.survives_resets(server, echo_exchange, partial=payload(3000, "reset"))


@scenario("echo-tcp-survives-early-close", protocol="echo", role="server", category="nonblocking",
          requirements=["NET-TCP-5", "NET-TCP-10"], transports=TCP)
def test_survives_early_close(server):
    """Clients write 64 KiB and close as soon as the echo starts arriving, without reading it: the unread
    data turns the close into a reset, and the server's pending writes fail with EPIPE or ECONNRESET.
    The server keeps serving."""
    data = payload(65536, "early")
    for _ in range(3):
        s = netio.connect(server.address("tcp"))
        try:
            s.raw.settimeout(settings().scaled(4))
            s.raw.sendall(data)
            common.wait_readable(s.raw, settings().scaled(4))
        except OSError:
            pass
        s.close()
    time.sleep(settings().scaled(0.5))
    common.serving_exchange(server, echo_exchange, "clients closed without reading their echo",
                            sent=f"{len(data)} bytes, then close")


# ---------------------------------------------------------------------- TCP: concurrency
@scenario("echo-tcp-concurrent-sessions", protocol="echo", role="server", category="concurrency",
          requirements=["ECHO-TCP-7", "NET-TCP-6", "ECHO-TCP-2"], transports=TCP)
def test_concurrent_sessions(server):
    """Two interleaved sessions each get back only their own bytes, without waiting for each other.

    Bytes of one session arriving on the other are ECHO-TCP-2, judged even when the first session's own
    second echo is missing too (ECHO-TCP-7 alone would hide them)."""
    address = server.address("tcp")
    with netio.connect(address) as a, netio.connect(address) as b:
        a.sendall(b"AAAA")
        b.sendall(b"BBBB")
        expect_echo(b, b"BBBB", ("ECHO-TCP-7", "NET-TCP-6"), "second session, while the first is open")
        expect_echo(a, b"AAAA", ("ECHO-TCP-7",), "first session")
        netio.send_unread(a, b"aa")  # refused (AF_UNIX, or after a reset) when the server closed: judged by the echo
        try:
            expect_echo(a, b"aa", ("ECHO-TCP-7",), "first session, second round")
        finally:  # "aa" sent to b instead leaves a's echo missing (de-facto): b is read even then, its MUST wins
            got = netio.recv_for(b, settings().scaled(0.2))
            # a session that receives bytes it never sent gets back something other than its data: ECHO-TCP-2
            check(not got.data, "ECHO-TCP-2", "bytes of one session arrived on another",
                  sent=b"aa (on the other session)", expected="0 bytes", received=got.data)


@scenario("echo-tcp-idle-client", protocol="echo", role="server", category="timeouts",
          requirements=["NET-TCP-6"], transports=TCP)
def test_idle_client(server):
    """A client that connects and stays silent does not stop another from being served."""
    common.idle_client_does_not_block(server, echo_exchange)


# ---------------------------------------------------------------------- UDP
@scenario("echo-udp-one-reply", protocol="echo", role="server", category="protocol",
          requirements=["ECHO-UDP-1"], transports=UDP)
def test_udp_one_reply(server):
    """A datagram is answered by exactly one datagram with the same data (binary-safe)."""
    data = b"hello\x00\xff\r\n"
    with netio.udp_socket() as s:
        got = netio.udp_query(s, server.address("udp"), data, settings().scaled(2), expect=None, resends=2)
    check(got, "ECHO-UDP-1", "no answer to a datagram", sent=data, expected="one identical datagram",
          received="nothing", when=f"within {settings().scaled(2):g} s")
    check(len(got) <= got.sends, "ECHO-UDP-1", f"{len(got)} datagrams answered one (sent {got.sends} time(s))",
          sent=data, expected="exactly one datagram", received=b"|".join(d.data for d in got))
    check(got[0].data == data, "ECHO-UDP-1", "the answer differs from the request",
          sent=data, expected=data, received=got[0].data)


@scenario("echo-udp-reply-source", protocol="echo", role="server", category="protocol",
          requirements=["ECHO-UDP-2", "NET-UDP-1"], transports=UDP)
def test_udp_reply_source(server):
    """The answer comes from the port queried, to the client's port.

    The query goes out on a connect()ed UDP socket, which the kernel only lets receive from that exact
    address and port: an answer from another local port never arrives."""
    address = server.address("udp")
    raw = socket.socket(socket.AF_INET6 if ":" in server.address("udp")[0] else socket.AF_INET, socket.SOCK_DGRAM)
    raw.connect(address)
    from netconformance_fixtures.transcript import RecordingSocket

    with RecordingSocket(raw, "udp") as s:
        s.send(b"from a connected socket")
        got = netio.recv_exactly(s, 1, settings().scaled(4))
    check(got.data, ["ECHO-UDP-2", "NET-UDP-1"], "no answer reached a connected socket: the reply went to another port or came from another one",
          sent=b"from a connected socket", expected=f"a datagram from {address[0]}:{address[1]}", received=got.data,
          when=got.describe())


@scenario("echo-udp-boundaries", protocol="echo", role="server", category="datagram-loss",
          requirements=["ECHO-UDP-3", "ECHO-UDP-1"], transports=UDP)
def test_udp_boundaries(server):
    """Datagrams "a" and "bb" sent back to back come back as two datagrams of 1 and 2 octets."""
    address = server.address("udp")
    with netio.udp_socket() as s:
        s.sendto(b"a", address)
        got = netio.udp_query(s, address, b"bb", settings().scaled(2), expect=2)
    datas = sorted(d.data for d in got)
    shown = " | ".join(repr(d.data) for d in got) or "nothing"
    if datas in ([b"a"], [b"bb"], []):
        # each reply is one whole request: a request went unanswered (boundaries are not the issue)
        fail("ECHO-UDP-1", "a datagram sent right after another got no answer", sent=b"a | bb",
             expected="two datagrams, b'a' and b'bb'", received=shown)
    check(datas == [b"a", b"bb"], "ECHO-UDP-3", "datagram boundaries were not kept",
          sent=b"a | bb", expected="two datagrams of 1 and 2 octets", received=shown)


@scenario("echo-udp-sizes", protocol="echo", role="server", category="datagram-loss",
          requirements=["ECHO-UDP-4", "NET-UDP-5"], transports=UDP)
def test_udp_sizes(server):
    """Datagrams of 1, 512, 1472, 8192, 8193, 12289 octets and the largest one come back whole: 65,507
    octets over IPv4 (65,535 less the 20-octet IPv4 and 8-octet UDP headers), 65,527 over IPv6, whose
    16-bit Payload Length counts the UDP header but not its own 40-octet header (RFC 8200 §3).

    Catches recvfrom(1024)/(8192)/(65507) buffers and BusyBox's 12 KiB limit."""
    address = server.address("udp")
    largest = 65527 if not isinstance(address, str) and ":" in address[0] else 65507
    with netio.udp_socket() as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 20)
        for n in (1, 512, 1472, 8192, 8193, 12289, largest):
            data = payload(n, "udp")
            got = netio.udp_query(s, address, data, settings().scaled(4), resends=2)
            check(got, ["ECHO-UDP-4", "NET-UDP-5"], f"no answer to a {n}-octet datagram", sent=data,
                  expected=f"{n} octets back", received="nothing")
            check(got[0].data == data, ["ECHO-UDP-4", "NET-UDP-5"], f"a {n}-octet datagram was not echoed whole",
                  sent=data, expected=f"the same {n} octets", received=got[0].data)


@scenario("echo-udp-empty", protocol="echo", role="server", category="datagram-loss",
          requirements=["ECHO-UDP-5", "NET-UDP-4"], transports=UDP)
def test_udp_empty(server):
    """An empty datagram is answered with an empty datagram: RFC 862 answers "a datagram" with its data, and
    RFC 768's minimum length of eight makes a header with no data a datagram (FreeBSD inetd answers it,
    BusyBox does not)."""
    with netio.udp_socket() as s:
        got = netio.udp_query(s, server.address("udp"), b"", settings().scaled(2), resends=2)
    check(got, ["ECHO-UDP-5", "NET-UDP-4"], "no answer to an empty datagram (treated as no data?)",
          sent=b"", expected="one empty datagram", received="nothing", when=f"within {settings().scaled(2):g} s")
    check(got[0].data == b"", "ECHO-UDP-5", "the answer to an empty datagram is not empty",
          sent=b"", expected=b"", received=got[0].data)


@scenario("echo-udp-burst", protocol="echo", role="server", category="datagram-loss",
          requirements=["NET-UDP-2", "ECHO-UDP-1"], transports=UDP)
def test_udp_burst(server):
    """20 datagrams sent back to back are each answered once: no state that a burst could wedge."""
    address = server.address("udp")
    sent = [f"burst-{i:02d}".encode() for i in range(20)]
    with netio.udp_socket() as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 20)
        for d in sent[:-1]:
            s.sendto(d, address)
        got = netio.udp_query(s, address, sent[-1], settings().scaled(4), expect=len(sent))
    received = sorted(d.data for d in got)
    check(received == sorted(sent), ["NET-UDP-2", "ECHO-UDP-1"], f"{len(received)} answers to {len(sent)} datagrams",
          sent=b" ".join(sent), expected="each datagram echoed once", received=b" ".join(received))


@scenario("echo-udp-survives-icmp", protocol="echo", role="server", category="nonblocking",
          requirements=["ECHO-UDP-6", "NET-UDP-6"], transports=UDP)
def test_udp_survives_icmp(server):
    """Replies that draw ICMP port-unreachable (the client already closed) do not end the server loop."""
    common.survives_icmp(server, b"gone", reqs=("ECHO-UDP-6", "NET-UDP-6"))


