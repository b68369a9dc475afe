"""Packet-level scenarios (category ``raw-packets``), parametrized over every protocol with a reference.

A scapy-built peer (:mod:`netconformance_fixtures.rawnet`) speaks for the harness inside a private network namespace
where the target runs: it decides every segment (one byte each with PSH, out of order, overlapping), the
window it advertises, and when it sends FIN or RST; crafted datagrams carry zero or 65,507 octets, arrive
as IP fragments, carry a bad checksum, or come from a small-service port.  Each scenario's description
says which part of the outcome the *kernel* decides (reassembly, checksums, zero-window probing): those
checks prove the stack, and the target gets no credit for them.

Tiers: TCP segment control, client scenarios and spoofed source ports need tier 2 (namespace and
firewall); the other crafted-datagram scenarios need tier 1 (raw sockets).  Without them the scenarios
are skipped with the reason (see docs/raw-packets.md).
"""

from __future__ import annotations

import importlib.util
import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from conformance.checks import check, excerpt, fail
from conformance.protocols import PROTOCOLS
from conformance.registry import scenario
from netconformance_fixtures.context import settings
from netconformance_fixtures.docroot import FILES
from netconformance_fixtures.transcript import current

CATEGORY = "raw-packets"
GAP = 0.003  # seconds between one-byte segments: the target sees many short reads (fault-injection-notes §3)


def scaled(k: float = 1.0) -> float:
    """``k`` times the run's base wait T (seconds)."""
    return settings().scaled(k)


def _has_reference(protocol: str) -> bool:
    module = PROTOCOLS[protocol].server_class.partition(":")[0]
    try:
        return importlib.util.find_spec(module) is not None
    except ModuleNotFoundError:
        return False


# ---------------------------------------------------------------------- how each protocol is spoken
FINAL_REPLY = re.compile(rb"(?m)^\d{3} [^\r\n]*\r?\n")


def _daytime_norm(data: bytes) -> bytes:
    from reference_servers.daytime import wire

    text = data.strip()
    return b"<a daytime string>" if text and wire.nonprintable_octets(text) == [] and wire.line_count(data) <= 1 else data


def _time_norm(data: bytes) -> bytes:
    from reference_servers.time import wire

    if len(data) == 4 and abs(wire.decode(data) - time.time()) < 300:
        return b"<4 octets: the time now>"
    return data


def _http_norm(data: bytes) -> bytes:
    return re.sub(rb"(?im)^date:[^\r\n]*\r?\n", b"", data)


def _smtp_norm(data: bytes) -> bytes:
    return b" ".join(m.group(0)[:3] for m in FINAL_REPLY.finditer(data))


@dataclass(frozen=True)
class Dialogue:
    """How the harness talks to a server of one protocol at the packet level.

    ``request``: what a client sends (after the greeting when ``greeting`` is set); ``complete(answer,
    request)``: the answer is whole (None: the server closes after answering); ``normalise``: the part of
    an answer that must be equal between two exchanges (dates and clocks removed); ``farewell``: sent after
    the answer when the server keeps the session (SMTP ``QUIT``); ``closing_request``: the request of the
    half-close scenario and whether the server then closes by itself; ``big``: the request of the
    zero-window scenario (large for echo, whose answer is as large as the request).
    """

    protocol: str
    request: bytes
    reqs: tuple[str, ...]
    normalise: Callable[[bytes], bytes] = lambda b: b
    complete: Callable[[bytes, bytes], bool] | None = None
    greeting: Callable[[bytes], bool] | None = None
    farewell: bytes = b""
    closing_request: bytes | None = None
    big: bytes | None = None

    @property
    def segmentable(self) -> bool:
        return bool(self.request)


DIALOGUES = {
    "echo": Dialogue("echo", b"one byte at a time, please\r\n", ("ECHO-TCP-4",),
                     complete=lambda answer, request: len(answer) >= len(request),
                     big=bytes(range(256)) * 192),  # 48 KiB
    "daytime": Dialogue("daytime", b"", ("DAYTIME-TCP-1",), normalise=_daytime_norm),
    "time": Dialogue("time", b"", ("TIME-TCP-1",), normalise=_time_norm),
    "gopher": Dialogue("gopher", b"/sub/nested.txt\r\n", ("GOPHER-REQ-3",)),
    "http": Dialogue("http", b"GET /hello.txt HTTP/1.0\r\nUser-Agent: netconformance-raw\r\n\r\n", ("HTTP10-REQ-2",),
                     normalise=_http_norm),
    "smtp": Dialogue("smtp", b"HELO raw.example\r\n", ("SMTP-LINE-1",), normalise=_smtp_norm,
                     complete=lambda answer, request: bool(FINAL_REPLY.search(answer)),
                     greeting=lambda data: bool(FINAL_REPLY.search(data)), farewell=b"QUIT\r\n",
                     closing_request=b"QUIT\r\n"),
}
SERVER_PROTOCOLS = [p for p in DIALOGUES if p in PROTOCOLS and _has_reference(p)]


# ---------------------------------------------------------------------- attribution helpers
def graded_like(primary: str, others) -> tuple[str, ...]:
    """``primary`` and those of ``others`` with the same grade: one check never mixes grades (a weaker
    requirement riding along would be graded as the stronger one)."""
    from conformance.verdicts import grade_of

    grade = grade_of([primary])
    return (primary, *(r for r in others if r != primary and grade_of([r]) == grade))


def dead_reqs(server) -> tuple[str, ...]:
    from conformance.scenarios import common

    return common.dead_server_reqs(server)


# ---------------------------------------------------------------------- exchange helpers
def open_conn(env, server, **options):
    """A raw connection to the target's TCP port, established (fails the scenario if the handshake does not complete).

    A target that exited, or whose kernel answers the SYN with RST (nothing listens any more), has lost its
    service (the dead-server ids, NET-TCP-10 for most protocols); a live target that lets the SYN go
    unanswered (a full backlog) is NET-TCP-5."""
    ep = env.tcp(server.address("tcp"), **options)
    if not ep.connect(scaled(4)):
        time.sleep(scaled(0.2))
        if server.alive() is False:
            fail(dead_reqs(server), "the target is no longer running", expected="SYN-ACK to our SYN",
                 received=server.exit_description())
        fail(dead_reqs(server) if ep.reset_received else ("NET-TCP-5",), "the target did not complete the TCP handshake",
             expected="SYN-ACK to our SYN", received="RST" if ep.reset_received else "nothing",
             detail=server.exit_description() or None)
    return ep


def read_greeting(ep, d: Dialogue, reqs=None) -> bytes:
    if d.greeting is None:
        return b""
    got = ep.recv_until(d.greeting, scaled(8))
    if got.end != "complete":
        fail(reqs or d.reqs, "the server's greeting did not arrive", expected="a complete greeting", received=got.data,
             when=got.describe())
    return got.data


def read_answer(ep, d: Dialogue, base: int, request: bytes, timeout: float, *, to_eof: bool = False):
    if d.complete is None or to_eof:
        return ep.recv_to_eof(timeout)
    return ep.recv_until(lambda b: d.complete(b[base:], request), timeout)


def finish(ep, d: Dialogue) -> None:
    """End politely: the farewell (SMTP QUIT) or nothing, then FIN; wait briefly for the server's FIN."""
    if ep.reset_received or ep.state != "established":
        return
    try:
        if d.farewell:
            ep.send(d.farewell, ack_timeout=scaled(2))
        ep.fin()
        ep.recv_to_eof(scaled(1))
    except TimeoutError:
        pass


def exchange(env, server, d: Dialogue, request: bytes | None = None, *, to_eof: bool = False,
             send: Callable | None = None, what: str = "a normal exchange", reqs=None) -> bytes:
    """One exchange through the raw peer: greeting, ``request`` (sent by ``send(ep, data)``), the whole answer.
    Returns greeting + answer; fails the scenario when the answer does not complete."""
    request = d.request if request is None else request
    ep = open_conn(env, server)
    greeting = read_greeting(ep, d)
    if request:
        (send or (lambda e, data: e.send(data)))(ep, request)
    got = read_answer(ep, d, len(greeting), request, scaled(8), to_eof=to_eof)
    if got.end not in ("complete", "eof"):
        fail(reqs or d.reqs, f"{what}: the answer did not complete", sent=request, received=greeting + got.data,
             when=got.describe(), detail=server.exit_description() or None)
    if not to_eof:
        finish(ep, d)
    ep.close()
    return greeting + got.data


def same_answer(d: Dialogue, reqs, summary: str, request: bytes, whole: bytes, got: bytes, when: str) -> None:
    if d.normalise(got) != d.normalise(whole):
        fail(reqs, summary, sent=request, expected=f"the answer to the request sent whole: {excerpt(whole)}",
             received=got, when=when, detail="compared after removing dates and clocks" if d.normalise(whole) != whole else None)


# ---------------------------------------------------------------------- registration
def _register(sid: str, protocol: str, requirements, doc: str, fn: Callable, *, tier: int = 2,
              role: str = "server", transports=("tcp",)) -> None:
    fn.__doc__ = doc
    fn.__name__ = fn.__qualname__ = "test_" + sid.replace("-", "_")
    fn = scenario(sid, protocol=protocol, role=role, category=CATEGORY, requirements=requirements,
                  transports=transports)(fn)
    fn.raw_tier = tier  # read by the raw_env fixture (fixtures/rawplugin.py)
    globals()[fn.__name__] = fn


# ---------------------------------------------------------------------- TCP: segments from the peer
def _one_byte_segments(d: Dialogue):
    def test(raw_server, raw_env):
        whole = exchange(raw_env, raw_server, d)
        ep = open_conn(raw_env, raw_server)
        greeting = read_greeting(ep, d)
        ep.send(d.request, sizes=1, gap=GAP, ack_timeout=scaled(4))
        got = read_answer(ep, d, len(greeting), d.request, scaled(8))
        finish(ep, d)
        same_answer(d, graded_like("NET-TCP-1", d.reqs), f"the request in {len(d.request)} one-byte segments got another answer "
                    "than the same request in one segment", d.request, whole, greeting + got.data, got.describe())
    return test


def _out_of_order(d: Dialogue):
    def send_scrambled(ep, data: bytes) -> None:
        third = max(1, len(data) // 3)
        a, b, c = data[:third], data[third:2 * third], data[2 * third:]
        ep.send_at(len(a) + len(b), c)        # the last third first: the kernel queues it
        time.sleep(GAP * 3)
        ep.send_at(0, a)                      # the first third: delivered, the kernel ACKs up to it
        time.sleep(GAP * 3)
        ep.send_at(max(0, len(a) - 1), data[max(0, len(a) - 1):len(a) + 1])  # overlaps a and b, same bytes
        time.sleep(GAP * 3)
        ep.send_at(len(a), b)                 # fills the hole: the kernel delivers b and c
        ep.snd_nxt += len(data)
        if not ep.wait_acked(scaled(4)):
            raise TimeoutError("the scrambled request was not acknowledged")

    def test(raw_server, raw_env):
        whole = exchange(raw_env, raw_server, d)
        got = exchange(raw_env, raw_server, d, send=send_scrambled, what="the request sent out of order")
        same_answer(d, graded_like("NET-TCP-1", d.reqs), "the request sent out of order (last third first, then an overlapping "
                    "retransmission) got another answer than the request sent in order", d.request, whole, got,
                    "after the kernel reassembled the segments")
    return test


# ---------------------------------------------------------------------- TCP: RST, FIN, zero window
def _rst_mid_response(d: Dialogue, rounds: int = 3):
    def test(raw_server, raw_env):
        whole = exchange(raw_env, raw_server, d)
        request = d.big or d.request
        def died(after: int) -> None:
            time.sleep(scaled(0.4))
            if raw_server.alive() is False:
                fail(dead_reqs(raw_server), f"the target died after {after} connection(s) were reset in the middle of its answer",
                     expected="the target keeps serving", received=raw_server.exit_description())

        for n in range(rounds):
            ep = open_conn(raw_env, raw_server, window=512)  # a small window keeps the answer in flight
            if request and d.greeting is None:
                ep.send(request, ack_timeout=None)
            first = ep.recv_until(lambda b: len(b) > 0, scaled(8))
            if not first.data:
                died(n)
                # before any reset the answer itself is missing (the protocol's requirement); after one, the
                # live target mishandles sessions since the reset (NET-TCP-5)
                fail(d.reqs if n == 0 else ("NET-TCP-5",), "the target sent nothing to interrupt", sent=request,
                     expected="the first bytes of the answer", received=first.data, when=first.describe())
            ep.rst()
            ep.close()
        died(rounds)
        got = exchange(raw_env, raw_server, d, what=f"the exchange after {rounds} resets", reqs=("NET-TCP-5",))
        same_answer(d, ("NET-TCP-5",), f"after {rounds} resets in the middle of an answer, a normal exchange got "
                    "another answer", d.request, whole, got, "after the resets")
    return test


def _fin_after_request(d: Dialogue):
    def test(raw_server, raw_env):
        request = d.closing_request if d.closing_request is not None else d.request
        if d.protocol == "echo":
            expected = request
        else:
            expected = exchange(raw_env, raw_server, d, request, to_eof=True)
        ep = open_conn(raw_env, raw_server)
        greeting = read_greeting(ep, d)
        if request:
            ep.send(request, ack_timeout=None)
        ep.fin()
        got = ep.recv_to_eof(scaled(8))
        data = greeting + got.data
        # echo: octets received and never sent back break RFC 862 itself (ECHO-TCP-2); for the others a
        # half-close is outside their RFCs (NET-TCP-4, de-facto)
        lost = ("ECHO-TCP-2",) if d.protocol == "echo" else ("NET-TCP-4",)
        if d.protocol == "echo":  # the echo owed is judged first: a missing close is the lesser finding
            same_answer(d, lost, "the request followed at once by FIN (half-close) did not get the whole answer",
                        request + b" + FIN", expected, data, got.describe())
        if got.end != "eof":
            fail(("NET-TCP-4",), "after the client's FIN the target did not finish its answer and close",
                 sent=request + b" + FIN", expected=f"{excerpt(expected)} then FIN", received=data, when=got.describe())
        same_answer(d, lost, "the request followed at once by FIN (half-close) did not get the whole answer",
                    request + b" + FIN", expected, data, got.describe())
    return test


def _zero_window(d: Dialogue):
    def test(raw_server, raw_env):
        request = d.big or d.request
        if d.protocol == "echo":
            whole = request
        else:
            whole = exchange(raw_env, raw_server, d, request)
        ep = open_conn(raw_env, raw_server, window=0)
        if request and d.greeting is None:
            ep.send(request, ack_timeout=scaled(4))
        time.sleep(scaled(1))
        early = len(ep.received)
        ep.set_window(65535)
        greeting = read_greeting(ep, d, ("NET-TCP-3",))
        if request and d.greeting is not None:
            ep.send(request, ack_timeout=scaled(4))
        got = read_answer(ep, d, len(greeting), request, scaled(8))
        data = greeting + got.data
        current().note(f"zero window held {scaled(1):g} s: {ep.zero_window_probes} window probes from the target's kernel, "
                       f"{early} bytes taken early")
        finish(ep, d)
        if got.end not in ("complete", "eof"):
            fail(("NET-TCP-3",), "after the window reopened the answer did not complete", sent=request,
                 expected=whole, received=data, when=got.describe(),
                 detail=raw_server.exit_description() or None)
        same_answer(d, ("NET-TCP-3",), "an answer held back by a zero window arrived changed or truncated once the "
                    "window reopened", request, whole, data, got.describe())
    return test


for _p in SERVER_PROTOCOLS:
    _d = DIALOGUES[_p]
    if _d.segmentable:
        _register(f"{_p}-raw-one-byte-segments", _p, ["NET-TCP-1", *_d.reqs], f"""\
The request in one-byte segments, PSH on each, gets the same answer as the request in one segment.

The scapy peer sends {_d.request!r} one byte per segment, {GAP * 1000:g} ms apart, so the target's reads
return one byte at a time; the answer is compared with the answer to the whole request. The application
decides this outcome: it must buffer until its protocol's delimiter.""", _one_byte_segments(_d))
        _register(f"{_p}-raw-out-of-order", _p, ["NET-TCP-1", *_d.reqs], """\
The request sent out of order, with an overlapping retransmission, gets the same answer as sent in order.

The last third of the request goes first, then the first third, then a segment overlapping both (same
bytes), then the middle. The KERNEL decides most of this: it queues the out-of-order segment, trims the
overlap and delivers the bytes in order. What the application must do is act only on complete input,
which arrives in two reads here.""", _out_of_order(_d))
    _register(f"{_p}-raw-rst-mid-response", _p, ["NET-TCP-5", *dict.fromkeys(("NET-TCP-10", *_d.reqs))], """\
RST from the peer in the middle of the target's answer ends only that session.

Three times: with a 512-byte window (so the answer is still in flight), the peer sends RST as soon as the
first bytes of the answer arrive; then a normal exchange must get the normal answer. The application
decides: it sees ECONNRESET/EPIPE and must end that session only.""", _rst_mid_response(_d))
    _register(f"{_p}-raw-fin-after-request", _p, ["NET-TCP-4", *(["ECHO-TCP-2"] if _p == "echo" else [])], f"""\
FIN right after the request (half-close): the target still sends its whole answer, then closes.

The peer sends {(_d.closing_request if _d.closing_request is not None else _d.request)!r} and FIN back to back and reads
until the target's FIN. The application decides: it reads EOF after the request and must still answer.""",
              _fin_after_request(_d))
    _register(f"{_p}-raw-zero-window", _p, ["NET-TCP-3"], f"""\
An answer held back by a zero window arrives complete once the window reopens.

The peer advertises a window of 0 from its SYN on, {'sends a 48 KiB request, ' if _d.big else ''}holds the
window shut for T, then opens it to 65,535. Zero-window probing and resuming are the KERNEL's work; what the
application decides is whether it keeps its unsent answer (loops on partial or would-block writes, does
not close abortively with SO_LINGER 0) while the peer cannot receive.""", _zero_window(_d))


# ---------------------------------------------------------------------- UDP: crafted datagrams
UDP_PROTOCOLS = [p for p in ("echo", "daytime", "time") if p in SERVER_PROTOCOLS]
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
        return None if _daytime_norm(reply) != reply or (reply.strip() and len(reply) < 512) else "not a daytime string"
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


def _udp_zero_length(protocol: str):
    def test(raw_server, raw_env):
        crafted_query(raw_env, raw_server, protocol, b"", ("NET-UDP-4", *EMPTY_REQS[protocol]),
                      "a crafted zero-length datagram (UDP length 8)")
    return test


def _udp_max_size(protocol: str):
    def test(raw_server, raw_env):
        from netconformance_fixtures.rawnet.udp import MAX_PAYLOAD

        payload = (b"\x00\xff\r\n" + bytes(range(256)) * 256)[:MAX_PAYLOAD]
        crafted_query(raw_env, raw_server, protocol, payload, BIG_REQS[protocol],
                      "a 65,507-octet datagram in one 65,535-octet IP packet")
    return test


def _udp_fragments(protocol: str, size: int = 20_000):
    def test(raw_server, raw_env):
        from netconformance_fixtures.rawnet import udp

        payload = (bytes(range(256)) * (size // 256 + 1))[: size - 3] + b"end"
        crafted_query(raw_env, raw_server, protocol, payload, BIG_REQS[protocol],
                      f"one {len(payload)}-octet datagram sent as IP fragments, last fragment first",
                      packets=lambda src, dst: udp.fragments(udp.datagram(src, dst, payload), 1480, reverse=True))
    return test


def _udp_bad_checksum(protocol: str):
    def test(raw_server, raw_env):
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
    return test


def _udp_small_service_source(protocol: str):
    def test(raw_server, raw_env, observe):
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
    return test


for _p in UDP_PROTOCOLS:
    _register(f"{_p}-raw-udp-zero-length", _p, ["NET-UDP-4", *EMPTY_REQS[_p]], """\
A crafted zero-length datagram (UDP length 8) gets exactly one answer.

Built by scapy and sent from a raw socket to the service port; the reply comes back to the harness's
bound socket. The application decides: an empty datagram is a datagram, not an end of stream.""",
              _udp_zero_length(_p), tier=1, transports=("udp",))
    _register(f"{_p}-raw-udp-max-size", _p, list(dict.fromkeys(("NET-UDP-5", *BIG_REQS[_p]))), """\
A 65,507-octet datagram (the IPv4 maximum, one 65,535-octet packet) gets exactly one correct answer.

The application decides: its receive buffer must hold the largest datagram (RFC 768 length field).""",
              _udp_max_size(_p), tier=1, transports=("udp",))
    _register(f"{_p}-raw-udp-fragments", _p, list(dict.fromkeys(("NET-UDP-5", *BIG_REQS[_p]))), """\
One 20,000-octet datagram sent as 14 IP fragments, last fragment first, gets one correct answer.

Reassembly is the KERNEL's work (the application only ever sees whole datagrams); what the application
decides is that its buffer holds the reassembled datagram and that it answers once.""",
              _udp_fragments(_p), tier=1, transports=("udp",))
    _register(f"{_p}-raw-udp-bad-checksum", _p, list(dict.fromkeys((*UDP_REQS[_p], "NET-UDP-2", *CONTENT_REQS[_p]))), """\
A datagram with a bad UDP checksum gets no answer; the next good datagram gets exactly one.

Dropping the corrupt datagram is the KERNEL's decision (counted in UdpInCsumErrors): an application
reading through a normal UDP socket never sees it. Only a target that reads packets past the stack
(a raw socket) can fail the first half; every target must still answer the good datagram.""",
              _udp_bad_checksum(_p), tier=1, transports=("udp",))
    _register(f"{_p}-raw-udp-small-service-source", _p, ["ECHO-UDP-7", "NET-UDP-2", *CONTENT_REQS[_p]], """\
Datagrams from source ports 7, 13, 19 and 37 (echo, daytime, chargen, time): how often does the target answer?

BSD inetd drops them (the echo/chargen loop guard). Each is sent once, from 127.0.0.2 inside the
namespace, and replies are counted for 3T. No reply: loop guard present. One reply each: no loop guard,
reported as a security finding (an observation in the report; ECHO-UDP-7 is a MAY). Several replies to one
datagram fail: that amplifies a ping-pong into a storm. The application decides.""",
              _udp_small_service_source(_p), tier=2, transports=("udp",))


# ---------------------------------------------------------------------- clients under test
@dataclass(frozen=True)
class ClientCase:
    """A reply the raw peer gives a client under test: ``answer(request)`` bytes after ``request_done``."""

    protocol: str
    reqs: tuple[str, ...]
    reset_reqs: tuple[str, ...]
    request_done: Callable[[bytes], bool] | None
    answer: Callable[[bytes], bytes]
    run_kwargs: Callable[[int], dict]
    expected: Callable[[bytes], tuple[bytes, ...]]  # accepted stdout for a given answer
    session: Callable | None = None  # session(ep, then, sent: bytearray): a dialogue instead of request/answer


ECHO_MESSAGE = b"raw echo, one byte per segment\n"
DAYTIME_TEXT = b"Sat Nov 21 11:11:17 2026\r\n"


def _gopher_text(selector: bytes) -> bytes:
    from reference_servers.gopher import wire

    return wire.encode_text(FILES["hello.txt"])


def _gopher_outputs(answer: bytes) -> tuple[bytes, ...]:
    from reference_servers.gopher import wire

    return tuple(wire.client_outputs(answer, "0"))


def _http_answer(_: bytes) -> bytes:
    body = FILES["hello.txt"]
    return (b"HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\nContent-Length: %d\r\n\r\n" % len(body)) + body


def _time_answer(_: bytes) -> bytes:
    from reference_servers.time import wire

    return wire.encode(time.time())


SMTP_MESSAGE = b"From: a@example.test\r\nTo: b@example.test\r\nSubject: raw\r\n\r\nOne byte at a time.\r\n"


def _smtp_session(ep, then: str, sent: bytearray) -> None:
    """A minimal SMTP server (RFC 5321 section 4.3.2 replies), every reply in one-byte segments; with
    ``then="rst"``, half the reply to the end of data, then RST.  Every byte sent is appended to ``sent``."""

    def reply(text: bytes, *, last: bool = False) -> None:
        data = text[: max(1, len(text) // 2)] if last and then == "rst" else text
        sent.extend(data)
        ep.send(data, sizes=1, gap=GAP, ack_timeout=scaled(8))
        if last and then == "rst":
            ep.rst()

    pending = b""

    def read_until(done: Callable[[bytes], bool]) -> bool:
        nonlocal pending
        while not done(pending):
            got = ep.recv_until(lambda b: len(b) > 0, scaled(8))
            if not got.data:
                return False
            pending += ep.take()
        return True

    reply(b"220 raw.example ESMTP netconformance raw peer\r\n")
    while read_until(lambda b: b"\n" in b):
        line, pending = pending.split(b"\n", 1)
        verb = line.strip()[:4].upper()
        if verb == b"DATA":
            reply(b"354 end data with <CR><LF>.<CR><LF>\r\n")
            if not read_until(lambda b: b"\r\n.\r\n" in b):
                break
            pending = pending.split(b"\r\n.\r\n", 1)[1]
            reply(b"250 2.0.0 queued as RAW1\r\n", last=True)
            if then == "rst":
                break
        elif verb == b"QUIT":
            reply(b"221 2.0.0 bye\r\n")
            ep.fin()
            break
        elif verb in (b"EHLO", b"HELO"):
            reply(b"250 raw.example\r\n")
        elif verb in (b"MAIL", b"RCPT", b"RSET", b"NOOP"):
            reply(b"250 2.0.0 ok\r\n")
        else:
            reply(b"502 5.5.1 not implemented\r\n")


CLIENT_CASES = {
    "echo": ClientCase("echo", ("ECHO-TCP-8",), ("ECHO-TCP-8",), lambda b: len(b) >= len(ECHO_MESSAGE),
                       lambda request: request, lambda port: {"stdin": ECHO_MESSAGE}, lambda a: (ECHO_MESSAGE,)),
    "daytime": ClientCase("daytime", ("DAYTIME-TCP-4",), ("DAYTIME-TCP-4",), None, lambda _: DAYTIME_TEXT,
                          lambda port: {}, lambda a: (a, a.rstrip(b"\r\n"), a.rstrip(b"\r\n") + b"\n")),
    "time": ClientCase("time", ("TIME-TCP-4",), ("TIME-TCP-4",), None, _time_answer, lambda port: {},
                       lambda a: ()),  # judged by value, see _expect_time
    "gopher": ClientCase("gopher", ("NET-TCP-1",), ("GOPHER-CLIENT-4",),
                         lambda b: b"\n" in b, _gopher_text,
                         lambda port: {"url": f"gopher://127.0.0.1:{port}/0/hello.txt"}, _gopher_outputs),
    "smtp": ClientCase("smtp", ("SMTP-REPLY-5",), ("SMTP-CLIENT-LOST-1",), None, lambda _: b"",
                       lambda port: {"stdin": SMTP_MESSAGE, "mail_from": "a@example.test", "recipients": ["b@example.test"]},
                       lambda a: (), session=_smtp_session),
    "http": ClientCase("http", (), ("HTTP10-LEN-7", "HTTP10-CLIENT-6"),
                       lambda b: b"\r\n\r\n" in b, _http_answer,
                       lambda port: {"url": f"http://127.0.0.1:{port}/hello.txt"}, lambda a: (FILES["hello.txt"],)),
}
CLIENT_PROTOCOLS = [p for p in CLIENT_CASES if p in PROTOCOLS and _has_reference(p)]


def serve_once(env, case: ClientCase, *, then: str):
    """Start a raw peer thread on a fresh port: accept one connection, read the request, answer in one-byte
    segments (``then="fin"``) or half the answer in one-byte segments then RST (``then="rst"``).
    Returns ``(port, thread, state)``; ``state["answer"]`` is what the peer meant to send."""
    ep = env.listen()
    state: dict = {}

    def run() -> None:
        try:
            if not ep.accept(settings().client_timeout):
                state["error"] = "the client never connected"
                return
            if case.session is not None:
                state["answer"] = bytearray()  # filled as the dialogue goes
                case.session(ep, then, state["answer"])
                return
            request = b""
            if case.request_done is not None:
                request = ep.recv_until(case.request_done, scaled(8)).data
            answer = case.answer(request)
            state["answer"] = answer
            if then == "fin":
                ep.send(answer, sizes=1, gap=GAP, ack_timeout=scaled(8))
                ep.fin()
            else:
                ep.send(answer[: max(1, len(answer) // 2)], sizes=1, gap=GAP, ack_timeout=scaled(8))
                ep.rst()
            ep.recv_to_eof(scaled(2))
        except Exception as exc:  # noqa: BLE001 - the peer thread reports any failure to the scenario
            state["error"] = f"{type(exc).__name__}: {exc}"

    thread = threading.Thread(target=run, name="raw-peer", daemon=True)
    thread.start()
    return ep.local[1], thread, state


def _expect_time(run, reqs, summary: str, answer: bytes) -> None:
    from conformance.scenarios import common
    from reference_servers.daytime.wire import parse_daytime
    from reference_servers.time import wire

    common.expect_success(run, reqs, summary, sent=answer)
    text = run.stdout.strip()
    told = float(text) if re.fullmatch(rb"-?\d+(\.\d+)?", text) else parse_daytime(text)
    unix = wire.decode(answer)
    if told is None or abs(told - unix) > 1.5:
        fail(reqs, f"{summary}: the client printed another time", sent=answer,
             expected=f"{wire.iso(unix)} (+-1.5 s)", received=run.stdout)


def _client_one_byte(case: ClientCase):
    def test(raw_client, raw_env):
        from conformance.scenarios import common

        port, thread, state = serve_once(raw_env, case, then="fin")
        run = raw_client.run(port=port, **case.run_kwargs(port))
        thread.join(scaled(4))
        answer = bytes(state.get("answer", b""))
        summary = "the reply in one-byte segments, PSH on each"
        if case.protocol == "time":
            _expect_time(run, graded_like("NET-TCP-1", case.reqs), summary, answer)
            return
        common.expect_success(run, graded_like("NET-TCP-1", case.reqs), summary, sent=answer)
        accepted = case.expected(answer)
        if not accepted:  # SMTP: success is the exit status
            return
        check(run.stdout in accepted, graded_like("NET-TCP-1", case.reqs), f"{summary}: the client printed something else",
              sent=answer, expected=accepted[-1], received=run.stdout,
              detail=f"{len(accepted)} accepted form(s)" + (f"; peer: {state['error']}" if "error" in state else ""))
    return test


def _client_reset(case: ClientCase):
    def test(raw_client, raw_env):
        from conformance.scenarios import common

        port, thread, state = serve_once(raw_env, case, then="rst")
        run = raw_client.run(port=port, **case.run_kwargs(port))
        thread.join(scaled(4))
        answer = bytes(state.get("answer", b""))
        # a client that hangs after the reset has an unbounded wait (NET-TCP-8); one that claims success
        # printed a partial reply as whole (the protocol's own requirement)
        common.expect_error(run, case.reset_reqs, "half the reply in one-byte segments, then RST", hang_reqs=("NET-TCP-8",),
                            sent=(answer if case.session else answer[: max(1, len(answer) // 2)]) + b" + RST")
    return test


for _p in CLIENT_PROTOCOLS:
    _c = CLIENT_CASES[_p]
    _register(f"{_p}-client-raw-one-byte-segments", _p, ["NET-TCP-1", *_c.reqs], """\
The raw peer answers the client under test one byte per segment, PSH on each: the client prints the whole reply.

The client runs inside the namespace and connects to a port where only the scapy peer answers (the
kernel's RSTs are dropped). The application decides: it must read until its protocol's end of reply.""",
              _client_one_byte(_c), role="client")
    _register(f"{_p}-client-raw-reset-mid-reply", _p, [*_c.reset_reqs, "NET-TCP-8"], """\
The raw peer sends half its reply in one-byte segments, then RST: the client must report an error.

A reset is not an end of reply: the client exits non-zero instead of printing a partial reply as a
success. The kernel turns the RST into ECONNRESET; the application decides what it reports.""",
              _client_reset(_c), role="client")
