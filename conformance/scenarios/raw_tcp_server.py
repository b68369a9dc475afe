"""Raw-packets scenarios, servers over TCP: the scapy peer decides every segment the target receives.

It sends the request one byte per segment with PSH, out of order with an overlapping retransmission, or
followed at once by FIN; it resets the connection in the middle of the answer, or advertises a zero window.
Each family's description says which part of the outcome the kernel decides.  Tier 2 (namespace and
firewall); without it the scenarios are skipped with the reason (see docs/raw-packets.md).
"""

from __future__ import annotations

import time
from collections.abc import Callable

from conformance.checks import excerpt, fail
from conformance.scenarios.rawdriver import (
    GAP,
    Dialogue,
    dead_reqs,
    exchange,
    finish,
    graded_like,
    open_conn,
    raw_scenario,
    read_answer,
    read_greeting,
    same_answer,
    scaled,
)
from conformance.scenarios.rawframing import DAYTIME, ECHO, GOPHER, HTTP, SMTP, TIME
from netconformance_fixtures.transcript import current


# ---------------------------------------------------------------------- the checks
def check_one_byte_segments(raw_server, raw_env, d: Dialogue) -> None:
    whole = exchange(raw_env, raw_server, d)
    ep = open_conn(raw_env, raw_server)
    greeting = read_greeting(ep, d)
    ep.send(d.request, sizes=1, gap=GAP, ack_timeout=scaled(4))
    got = read_answer(ep, d, len(greeting), d.request, scaled(8))
    finish(ep, d)
    same_answer(d, graded_like("NET-TCP-1", d.reqs), f"the request in {len(d.request)} one-byte segments got another answer "
                "than the same request in one segment", d.request, whole, greeting + got.data, got.describe())


def check_out_of_order(raw_server, raw_env, d: Dialogue) -> None:
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

    whole = exchange(raw_env, raw_server, d)
    got = exchange(raw_env, raw_server, d, send=send_scrambled, what="the request sent out of order")
    same_answer(d, graded_like("NET-TCP-1", d.reqs), "the request sent out of order (last third first, then an overlapping "
                "retransmission) got another answer than the request sent in order", d.request, whole, got,
                "after the kernel reassembled the segments")


def check_rst_mid_response(raw_server, raw_env, d: Dialogue, rounds: int = 3) -> None:
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


def check_fin_after_request(raw_server, raw_env, d: Dialogue) -> None:
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


def check_zero_window(raw_server, raw_env, d: Dialogue) -> None:
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


# ---------------------------------------------------------------------- the families
def one_byte_segments(sid: str, d: Dialogue, requirements) -> Callable:
    """Declare a scenario of this family (the check: :func:`check_one_byte_segments`)."""
    return raw_scenario(sid, d.protocol, requirements, f"""\
The request in one-byte segments, PSH on each, gets the same answer as the request in one segment.

The scapy peer sends {d.request!r} one byte per segment, {GAP * 1000:g} ms apart, so the target's reads
return one byte at a time; the answer is compared with the answer to the whole request. The application
decides this outcome: it must buffer until its protocol's delimiter.""")


def out_of_order(sid: str, d: Dialogue, requirements) -> Callable:
    """Declare a scenario of this family (the check: :func:`check_out_of_order`)."""
    return raw_scenario(sid, d.protocol, requirements, """\
The request sent out of order, with an overlapping retransmission, gets the same answer as sent in order.

The last third of the request goes first, then the first third, then a segment overlapping both (same
bytes), then the middle. The KERNEL decides most of this: it queues the out-of-order segment, trims the
overlap and delivers the bytes in order. What the application must do is act only on complete input,
which arrives in two reads here.""")


def rst_mid_response(sid: str, d: Dialogue, requirements) -> Callable:
    """Declare a scenario of this family (the check: :func:`check_rst_mid_response`)."""
    return raw_scenario(sid, d.protocol, requirements, """\
RST from the peer in the middle of the target's answer ends only that session.

Three times: with a 512-byte window (so the answer is still in flight), the peer sends RST as soon as the
first bytes of the answer arrive; then a normal exchange must get the normal answer. The application
decides: it sees ECONNRESET/EPIPE and must end that session only.""")


def fin_after_request(sid: str, d: Dialogue, requirements) -> Callable:
    """Declare a scenario of this family (the check: :func:`check_fin_after_request`)."""
    return raw_scenario(sid, d.protocol, requirements, f"""\
FIN right after the request (half-close): the target still sends its whole answer, then closes.

The peer sends {(d.closing_request if d.closing_request is not None else d.request)!r} and FIN back to back and reads
until the target's FIN. The application decides: it reads EOF after the request and must still answer.""")


def zero_window(sid: str, d: Dialogue, requirements) -> Callable:
    """Declare a scenario of this family (the check: :func:`check_zero_window`)."""
    return raw_scenario(sid, d.protocol, requirements, f"""\
An answer held back by a zero window arrives complete once the window reopens.

The peer advertises a window of 0 from its SYN on, {'sends a 48 KiB request, ' if d.big else ''}holds the
window shut for T, then opens it to 65,535. Zero-window probing and resuming are the KERNEL's work; what the
application decides is whether it keeps its unsent answer (loops on partial or would-block writes, does
not close abortively with SO_LINGER 0) while the peer cannot receive.""")


@one_byte_segments("echo-raw-one-byte-segments", ECHO, ["NET-TCP-1", "ECHO-TCP-4"])
def test_echo_raw_one_byte_segments(raw_server, raw_env):
    check_one_byte_segments(raw_server, raw_env, ECHO)


@out_of_order("echo-raw-out-of-order", ECHO, ["NET-TCP-1", "ECHO-TCP-4"])
def test_echo_raw_out_of_order(raw_server, raw_env):
    check_out_of_order(raw_server, raw_env, ECHO)


@rst_mid_response("echo-raw-rst-mid-response", ECHO, ["NET-TCP-5", "NET-TCP-10", "ECHO-TCP-4"])
def test_echo_raw_rst_mid_response(raw_server, raw_env):
    check_rst_mid_response(raw_server, raw_env, ECHO)


@fin_after_request("echo-raw-fin-after-request", ECHO, ["NET-TCP-4", "ECHO-TCP-2"])
def test_echo_raw_fin_after_request(raw_server, raw_env):
    check_fin_after_request(raw_server, raw_env, ECHO)


@zero_window("echo-raw-zero-window", ECHO, ["NET-TCP-3"])
def test_echo_raw_zero_window(raw_server, raw_env):
    check_zero_window(raw_server, raw_env, ECHO)


@rst_mid_response("daytime-raw-rst-mid-response", DAYTIME, ["NET-TCP-5", "NET-TCP-10", "DAYTIME-TCP-1"])
def test_daytime_raw_rst_mid_response(raw_server, raw_env):
    check_rst_mid_response(raw_server, raw_env, DAYTIME)


@fin_after_request("daytime-raw-fin-after-request", DAYTIME, ["NET-TCP-4"])
def test_daytime_raw_fin_after_request(raw_server, raw_env):
    check_fin_after_request(raw_server, raw_env, DAYTIME)


@zero_window("daytime-raw-zero-window", DAYTIME, ["NET-TCP-3"])
def test_daytime_raw_zero_window(raw_server, raw_env):
    check_zero_window(raw_server, raw_env, DAYTIME)


@rst_mid_response("time-raw-rst-mid-response", TIME, ["NET-TCP-5", "NET-TCP-10", "TIME-TCP-1"])
def test_time_raw_rst_mid_response(raw_server, raw_env):
    check_rst_mid_response(raw_server, raw_env, TIME)


@fin_after_request("time-raw-fin-after-request", TIME, ["NET-TCP-4"])
def test_time_raw_fin_after_request(raw_server, raw_env):
    check_fin_after_request(raw_server, raw_env, TIME)


@zero_window("time-raw-zero-window", TIME, ["NET-TCP-3"])
def test_time_raw_zero_window(raw_server, raw_env):
    check_zero_window(raw_server, raw_env, TIME)


@one_byte_segments("gopher-raw-one-byte-segments", GOPHER, ["NET-TCP-1", "GOPHER-REQ-3"])
def test_gopher_raw_one_byte_segments(raw_server, raw_env):
    check_one_byte_segments(raw_server, raw_env, GOPHER)


@out_of_order("gopher-raw-out-of-order", GOPHER, ["NET-TCP-1", "GOPHER-REQ-3"])
def test_gopher_raw_out_of_order(raw_server, raw_env):
    check_out_of_order(raw_server, raw_env, GOPHER)


@rst_mid_response("gopher-raw-rst-mid-response", GOPHER, ["NET-TCP-5", "NET-TCP-10", "GOPHER-REQ-3"])
def test_gopher_raw_rst_mid_response(raw_server, raw_env):
    check_rst_mid_response(raw_server, raw_env, GOPHER)


@fin_after_request("gopher-raw-fin-after-request", GOPHER, ["NET-TCP-4"])
def test_gopher_raw_fin_after_request(raw_server, raw_env):
    check_fin_after_request(raw_server, raw_env, GOPHER)


@zero_window("gopher-raw-zero-window", GOPHER, ["NET-TCP-3"])
def test_gopher_raw_zero_window(raw_server, raw_env):
    check_zero_window(raw_server, raw_env, GOPHER)


@one_byte_segments("http-raw-one-byte-segments", HTTP, ["NET-TCP-1", "HTTP10-REQ-2"])
def test_http_raw_one_byte_segments(raw_server, raw_env):
    check_one_byte_segments(raw_server, raw_env, HTTP)


@out_of_order("http-raw-out-of-order", HTTP, ["NET-TCP-1", "HTTP10-REQ-2"])
def test_http_raw_out_of_order(raw_server, raw_env):
    check_out_of_order(raw_server, raw_env, HTTP)


@rst_mid_response("http-raw-rst-mid-response", HTTP, ["NET-TCP-5", "NET-TCP-10", "HTTP10-REQ-2"])
def test_http_raw_rst_mid_response(raw_server, raw_env):
    check_rst_mid_response(raw_server, raw_env, HTTP)


@fin_after_request("http-raw-fin-after-request", HTTP, ["NET-TCP-4"])
def test_http_raw_fin_after_request(raw_server, raw_env):
    check_fin_after_request(raw_server, raw_env, HTTP)


@zero_window("http-raw-zero-window", HTTP, ["NET-TCP-3"])
def test_http_raw_zero_window(raw_server, raw_env):
    check_zero_window(raw_server, raw_env, HTTP)


@one_byte_segments("smtp-raw-one-byte-segments", SMTP, ["NET-TCP-1", "SMTP-LINE-1"])
def test_smtp_raw_one_byte_segments(raw_server, raw_env):
    check_one_byte_segments(raw_server, raw_env, SMTP)


@out_of_order("smtp-raw-out-of-order", SMTP, ["NET-TCP-1", "SMTP-LINE-1"])
def test_smtp_raw_out_of_order(raw_server, raw_env):
    check_out_of_order(raw_server, raw_env, SMTP)


@rst_mid_response("smtp-raw-rst-mid-response", SMTP, ["NET-TCP-5", "NET-TCP-10", "SMTP-LINE-1"])
def test_smtp_raw_rst_mid_response(raw_server, raw_env):
    check_rst_mid_response(raw_server, raw_env, SMTP)


@fin_after_request("smtp-raw-fin-after-request", SMTP, ["NET-TCP-4"])
def test_smtp_raw_fin_after_request(raw_server, raw_env):
    check_fin_after_request(raw_server, raw_env, SMTP)


@zero_window("smtp-raw-zero-window", SMTP, ["NET-TCP-3"])
def test_smtp_raw_zero_window(raw_server, raw_env):
    check_zero_window(raw_server, raw_env, SMTP)
