"""Raw-packets scenarios, servers over UDP: datagrams crafted by scapy and sent from a raw socket.

Zero or 65,507 octets, 14 IP fragments last first, a bad checksum, or a small-service source port (the
echo/chargen loop guard).  Tier 1 (raw sockets), tier 2 for spoofed source ports; without them the
scenarios are skipped with the reason (see docs/raw-packets.md).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

from conformance.checks import fail
from conformance.scenarios.rawdriver import raw_scenario, scaled
from conformance.scenarios.rawframing import daytime_norm
from netconformance_fixtures.transcript import current

UDP_REQS = {"echo": ("ECHO-UDP-1",), "daytime": ("DAYTIME-UDP-1",), "time": ("TIME-UDP-1",)}
EMPTY_REQS = {"echo": ("ECHO-UDP-5",), "daytime": ("DAYTIME-UDP-1",), "time": ("TIME-UDP-1",)}
#: a datagram with content: RFC 868's client sends an empty one, so a time server's answer to another is
#: de-facto (TIME-UDP-2), and its receive buffer need not hold the content it ignores
CONTENT_REQS = {"echo": ("ECHO-UDP-1",), "daytime": ("DAYTIME-UDP-1",), "time": ("TIME-UDP-2",)}
BIG_REQS = {"echo": ("NET-UDP-5", "ECHO-UDP-4"), "daytime": ("DAYTIME-UDP-1",), "time": ("TIME-UDP-2",)}

SMALL_SERVICE_PORTS = (7, 13, 19, 37)


def collect(sock, first: float, settle: float) -> list[bytes]:
    """Datagrams arriving on ``sock``: wait up to ``first`` seconds for one, then ``settle`` for more."""
    got: list[bytes] = []
    deadline = time.monotonic() + first
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            return got
        sock.settimeout(left)
        try:
            data, _ = sock.recvfrom(70_000)
        except (TimeoutError, BlockingIOError):
            return got
        got.append(data)
        deadline = time.monotonic() + settle


def judge_reply(protocol: str, request: bytes, reply: bytes) -> str | None:
    """Why ``reply`` is not a correct answer to ``request`` (None when it is)."""
    if protocol == "echo":
        return None if reply == request else f"the echo differs ({len(reply)} octets for {len(request)})"
    if protocol == "daytime":
        return None if daytime_norm(reply) != reply or (reply.strip() and len(reply) < 512) else "not a daytime string"
    return None if len(reply) == 4 else f"{len(reply)} octets instead of exactly 4"


def crafted_query(env, server, protocol: str, payload: bytes, reqs, what: str, *, packets=None) -> None:
    """Send ``payload`` (as ``packets(src, dst)`` when given) from a bound socket's port; expect one correct reply."""
    from netconformance_fixtures.rawnet import udp

    sock = env.udp_socket()
    src, dst = sock.getsockname(), server.address("udp")
    built = packets(src, dst) if packets else [udp.datagram(src, dst, payload)]
    current().note(f"crafted: {len(built)} packet(s), {len(payload)}-octet payload {src[1]} -> {dst[1]}")
    for pkt in built:
        env.send(pkt)
    replies = collect(sock, scaled(4), scaled(0.5))
    if not replies:
        fail(reqs, f"{what}: no reply", sent=payload, expected="one datagram", received="nothing",
             when=f"within {scaled(4):g} s", detail=server.exit_description() or None)
    if len(replies) > 1:
        fail(reqs, f"{what}: {len(replies)} replies to one datagram", sent=payload, expected="exactly one datagram",
             received=f"{len(replies)} datagrams: " + ", ".join(f"{len(r)} octets" for r in replies[:5]))
    why = judge_reply(protocol, payload, replies[0])
    if why:
        fail(reqs, f"{what}: {why}", sent=payload, expected="the protocol's answer", received=replies[0])


# ---------------------------------------------------------------------- the checks
def check_udp_zero_length(raw_server, raw_env, protocol: str) -> None:
    crafted_query(raw_env, raw_server, protocol, b"", ("NET-UDP-4", *EMPTY_REQS[protocol]),
                  "a crafted zero-length datagram (UDP length 8)")


def check_udp_max_size(raw_server, raw_env, protocol: str) -> None:
    from netconformance_fixtures.rawnet.udp import MAX_PAYLOAD

    payload = (b"\x00\xff\r\n" + bytes(range(256)) * 256)[:MAX_PAYLOAD]
    crafted_query(raw_env, raw_server, protocol, payload, BIG_REQS[protocol],
                  "a 65,507-octet datagram in one 65,535-octet IP packet")


def check_udp_fragments(raw_server, raw_env, protocol: str, size: int = 20_000) -> None:
    from netconformance_fixtures.rawnet import udp

    payload = (bytes(range(256)) * (size // 256 + 1))[: size - 3] + b"end"
    crafted_query(raw_env, raw_server, protocol, payload, BIG_REQS[protocol],
                  f"one {len(payload)}-octet datagram sent as IP fragments, last fragment first",
                  packets=lambda src, dst: udp.fragments(udp.datagram(src, dst, payload), 1480, reverse=True))


def check_udp_bad_checksum(raw_server, raw_env, protocol: str) -> None:
    from netconformance_fixtures.rawnet import udp

    sock = raw_env.udp_socket()
    src, dst = sock.getsockname(), raw_server.address("udp")
    before = raw_env.udp_csum_errors()
    raw_env.send(udp.datagram(src, dst, b"bad checksum\n", bad_checksum=True, ident=7))
    stray = collect(sock, scaled(1), scaled(0.2))
    after = raw_env.udp_csum_errors()
    counted = f"; the kernel counted {after - before} UdpInCsumErrors" if before is not None and after is not None else ""
    current().note(f"bad checksum: {len(stray)} replies{counted}")
    if stray:
        fail(("NET-UDP-2",), "a datagram with a bad UDP checksum was answered: it must be discarded unseen"
             + (" (the kernel did count it as a checksum error, so the target read it past the stack, e.g. "
                "from a raw socket)" if counted and after - before else ""),
             sent=b"bad checksum\n", expected="no reply", received=stray[0])
    crafted_query(raw_env, raw_server, protocol, b"good checksum\n", CONTENT_REQS[protocol],
                  "a good datagram after one with a bad checksum")


def check_udp_small_service_source(raw_server, raw_env, observe, protocol: str) -> None:
    from netconformance_fixtures.rawnet import udp
    from netconformance_fixtures.rawnet.link import ports_of

    dst = raw_server.address("udp")
    counts = {port: 0 for port in SMALL_SERVICE_PORTS}
    lock = threading.Lock()

    def watch(pkt) -> None:
        ports = ports_of(pkt)
        if pkt.proto == 17 and ports and pkt.dst == "127.0.0.2" and ports[0] == dst[1] and ports[1] in counts:
            with lock:
                counts[ports[1]] += 1

    raw_env.link.subscribe(watch)
    try:
        for port in SMALL_SERVICE_PORTS:
            raw_env.send(udp.datagram(("127.0.0.2", port), dst, b"loop?\n", ident=port))
        time.sleep(scaled(3))
    finally:
        raw_env.link.unsubscribe(watch)
    finding = ", ".join(f"port {p}: {n} repl{'y' if n == 1 else 'ies'}" for p, n in counts.items())
    guarded = not any(counts.values())
    observe("loop guard present: no reply to datagrams from small-service ports" if guarded else
            f"security finding: no loop guard (ECHO-UDP-7 is a MAY; BSD inetd drops these): {finding}")
    current().note(f"small-service source ports: {finding}")
    loops = {p: n for p, n in counts.items() if n > 1}
    if loops:
        # several answers to one datagram break "an answering datagram" (the MAY loop guard is not the issue)
        fail(CONTENT_REQS[protocol], "one datagram from a small-service port drew several replies: facing "
             "an echo or chargen service this amplifies into a packet storm",
             sent=b"loop?\n from 127.0.0.2 ports " + ", ".join(map(str, SMALL_SERVICE_PORTS)).encode(),
             expected="no reply (a loop guard, as BSD inetd) or at most one", received=finding)


# ---------------------------------------------------------------------- the families
def udp_zero_length(sid: str, protocol: str, requirements) -> Callable:
    """Declare a scenario of this family (the check: :func:`check_udp_zero_length`)."""
    return raw_scenario(sid, protocol, requirements, """\
A crafted zero-length datagram (UDP length 8) gets exactly one answer.

Built by scapy and sent from a raw socket to the service port; the reply comes back to the harness's
bound socket. The application decides: an empty datagram is a datagram, not an end of stream.""", tier=1, transports=("udp",))


def udp_max_size(sid: str, protocol: str, requirements) -> Callable:
    """Declare a scenario of this family (the check: :func:`check_udp_max_size`)."""
    return raw_scenario(sid, protocol, requirements, """\
A 65,507-octet datagram (the IPv4 maximum, one 65,535-octet packet) gets exactly one correct answer.

The application decides: its receive buffer must hold the largest datagram (RFC 768 length field).""", tier=1, transports=("udp",))


def udp_fragments(sid: str, protocol: str, requirements) -> Callable:
    """Declare a scenario of this family (the check: :func:`check_udp_fragments`)."""
    return raw_scenario(sid, protocol, requirements, """\
One 20,000-octet datagram sent as 14 IP fragments, last fragment first, gets one correct answer.

Reassembly is the KERNEL's work (the application only ever sees whole datagrams); what the application
decides is that its buffer holds the reassembled datagram and that it answers once.""", tier=1, transports=("udp",))


def udp_bad_checksum(sid: str, protocol: str, requirements) -> Callable:
    """Declare a scenario of this family (the check: :func:`check_udp_bad_checksum`)."""
    return raw_scenario(sid, protocol, requirements, """\
A datagram with a bad UDP checksum gets no answer; the next good datagram gets exactly one.

Dropping the corrupt datagram is the KERNEL's decision (counted in UdpInCsumErrors): an application
reading through a normal UDP socket never sees it. Only a target that reads packets past the stack
(a raw socket) can fail the first half; every target must still answer the good datagram.""", tier=1, transports=("udp",))


def udp_small_service_source(sid: str, protocol: str, requirements) -> Callable:
    """Declare a scenario of this family (the check: :func:`check_udp_small_service_source`)."""
    return raw_scenario(sid, protocol, requirements, """\
Datagrams from source ports 7, 13, 19 and 37 (echo, daytime, chargen, time): how often does the target answer?

BSD inetd drops them (the echo/chargen loop guard). Each is sent once, from 127.0.0.2 inside the
namespace, and replies are counted for 3T. No reply: loop guard present. One reply each: no loop guard,
reported as a security finding (an observation in the report; ECHO-UDP-7 is a MAY). Several replies to one
datagram fail: that amplifies a ping-pong into a storm. The application decides.""", tier=2, transports=("udp",))


@udp_zero_length("echo-raw-udp-zero-length", "echo", ["NET-UDP-4", "ECHO-UDP-5"])
def test_echo_raw_udp_zero_length(raw_server, raw_env):
    check_udp_zero_length(raw_server, raw_env, "echo")


@udp_max_size("echo-raw-udp-max-size", "echo", ["NET-UDP-5", "ECHO-UDP-4"])
def test_echo_raw_udp_max_size(raw_server, raw_env):
    check_udp_max_size(raw_server, raw_env, "echo")


@udp_fragments("echo-raw-udp-fragments", "echo", ["NET-UDP-5", "ECHO-UDP-4"])
def test_echo_raw_udp_fragments(raw_server, raw_env):
    check_udp_fragments(raw_server, raw_env, "echo")


@udp_bad_checksum("echo-raw-udp-bad-checksum", "echo", ["ECHO-UDP-1", "NET-UDP-2"])
def test_echo_raw_udp_bad_checksum(raw_server, raw_env):
    check_udp_bad_checksum(raw_server, raw_env, "echo")


@udp_small_service_source("echo-raw-udp-small-service-source", "echo", ["ECHO-UDP-7", "NET-UDP-2", "ECHO-UDP-1"])
def test_echo_raw_udp_small_service_source(raw_server, raw_env, observe):
    check_udp_small_service_source(raw_server, raw_env, observe, "echo")


@udp_zero_length("daytime-raw-udp-zero-length", "daytime", ["NET-UDP-4", "DAYTIME-UDP-1"])
def test_daytime_raw_udp_zero_length(raw_server, raw_env):
    check_udp_zero_length(raw_server, raw_env, "daytime")


@udp_max_size("daytime-raw-udp-max-size", "daytime", ["NET-UDP-5", "DAYTIME-UDP-1"])
def test_daytime_raw_udp_max_size(raw_server, raw_env):
    check_udp_max_size(raw_server, raw_env, "daytime")


@udp_fragments("daytime-raw-udp-fragments", "daytime", ["NET-UDP-5", "DAYTIME-UDP-1"])
def test_daytime_raw_udp_fragments(raw_server, raw_env):
    check_udp_fragments(raw_server, raw_env, "daytime")


@udp_bad_checksum("daytime-raw-udp-bad-checksum", "daytime", ["DAYTIME-UDP-1", "NET-UDP-2"])
def test_daytime_raw_udp_bad_checksum(raw_server, raw_env):
    check_udp_bad_checksum(raw_server, raw_env, "daytime")


@udp_small_service_source("daytime-raw-udp-small-service-source", "daytime", ["ECHO-UDP-7", "NET-UDP-2", "DAYTIME-UDP-1"])
def test_daytime_raw_udp_small_service_source(raw_server, raw_env, observe):
    check_udp_small_service_source(raw_server, raw_env, observe, "daytime")


@udp_zero_length("time-raw-udp-zero-length", "time", ["NET-UDP-4", "TIME-UDP-1"])
def test_time_raw_udp_zero_length(raw_server, raw_env):
    check_udp_zero_length(raw_server, raw_env, "time")


@udp_max_size("time-raw-udp-max-size", "time", ["NET-UDP-5", "TIME-UDP-2"])
def test_time_raw_udp_max_size(raw_server, raw_env):
    check_udp_max_size(raw_server, raw_env, "time")


@udp_fragments("time-raw-udp-fragments", "time", ["NET-UDP-5", "TIME-UDP-2"])
def test_time_raw_udp_fragments(raw_server, raw_env):
    check_udp_fragments(raw_server, raw_env, "time")


@udp_bad_checksum("time-raw-udp-bad-checksum", "time", ["TIME-UDP-1", "NET-UDP-2", "TIME-UDP-2"])
def test_time_raw_udp_bad_checksum(raw_server, raw_env):
    check_udp_bad_checksum(raw_server, raw_env, "time")


@udp_small_service_source("time-raw-udp-small-service-source", "time", ["ECHO-UDP-7", "NET-UDP-2", "TIME-UDP-2"])
def test_time_raw_udp_small_service_source(raw_server, raw_env, observe):
    check_udp_small_service_source(raw_server, raw_env, observe, "time")
