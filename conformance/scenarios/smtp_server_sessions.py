"""SMTP server scenarios: QUIT and closing, timeouts, 421 on shutdown, resets and concurrent sessions (RFC 5321
§3.8, §4.1.1.10, §4.5.3.2).
"""

from __future__ import annotations

import threading
import time

from conformance.errors import NotApplicable, ProtocolError, ScenarioFailure
from conformance.registry import scenario
from conformance.scenarios import common
from conformance.scenarios.smtpdriver import Dialogue, message, quick_exchange, rcpt, token
from conformance.scenarios.smtpmaildir import delivered, not_delivered
from netconformance_fixtures import netio
from netconformance_fixtures.context import settings
from reference_servers.smtp import wire

P = {"protocol": "smtp", "role": "server"}


@scenario("smtp-server-quit", category="protocol", requirements=["SMTP-QUIT-1", "SMTP-REPLY-7"], **P)
def test_quit(server):
    """QUIT gets 221 (text naming the domain), then the server closes within 2T."""
    with Dialogue(server) as d:
        d.ehlo()
        d.expect("QUIT", (221,), "SMTP-QUIT-1", "QUIT not answered with 221")
        end = d.at_eof(settings().scaled(2))
        d.check(end in ("eof", "reset"), "SMTP-QUIT-1", "the connection stayed open after 221",
                expected="EOF", received=end)


@scenario("smtp-server-quit-mid-transaction", category="nonblocking", requirements=["SMTP-QUIT-3"], **P)
def test_quit_mid_transaction(server):
    """QUIT after MAIL+RCPT, and a connection dropped in the middle of the content, deliver nothing."""
    tok = token()
    with Dialogue(server) as d:
        d.ehlo()
        d.expect("MAIL FROM:<a@client.test>", (250,), "SMTP-QUIT-3", "MAIL refused")
        d.expect(f"RCPT TO:<{rcpt()}>", ("2",), "SMTP-QUIT-3", "RCPT refused")
        d.expect("QUIT", (221,), "SMTP-QUIT-3", "QUIT not answered with 221")
    with Dialogue(server) as d:
        d.ehlo()
        d.expect("MAIL FROM:<a@client.test>", (250,), "SMTP-QUIT-3", "MAIL refused")
        d.expect(f"RCPT TO:<{rcpt()}>", ("2",), "SMTP-QUIT-3", "RCPT refused")
        d.expect("DATA", (354,), "SMTP-QUIT-3", "DATA refused")
        d.send(f"Subject: {tok}\r\n\r\nhalf a mess".encode())
        time.sleep(settings().scaled(0.2))
        netio.rst_close(d.sock)
    not_delivered(server, tok, "SMTP-QUIT-3", "a partial message was delivered after the connection was lost")


@scenario("smtp-server-idle-timeout", category="timeouts", requirements=["SMTP-TIMEOUT-3", "NET-TCP-6"], **P)
def test_idle_timeout(server_factory, nc_target):
    """An idle session is closed after the server's idle timeout, with a 421 first (good practice).

    Applies to the reference (started with an idle timeout of 2T for this scenario) and to commands whose
    template passes `{timeout}` (taken as their idle timeout, 4T); otherwise the timeout is unknown (RFC 5321
    asks for at least 5 minutes) and the scenario is not applicable."""
    spec, _ = nc_target
    if spec.kind == "ref":
        idle = settings().scaled(2)
    elif spec.kind == "cmd" and "{timeout}" in (spec.template or ""):
        idle = settings().scaled(4)
    else:
        raise NotApplicable("the idle timeout of this server is unknown (pass {timeout} as its idle timeout)")
    server = common.timeout_server(server_factory, spec, idle)
    with Dialogue(server) as d:
        got = netio.recv_to_eof(d.sock, idle + settings().scaled(8))
        d.log.append(("S", got.data))
        d.check(got.end in ("eof", "reset"), "SMTP-TIMEOUT-3", "an idle session was never closed", received=got.data)
        d.check(got.data.startswith(b"421"), "SMTP-TIMEOUT-3", "idle session closed without a 421", received=got.data)


@scenario("smtp-server-shutdown-421", category="nonblocking", requirements=["SMTP-421-1"], **P)
def test_shutdown_421(server):
    """Stopping the server (SIGTERM for a command) with a session open sends `421 <domain> ...`, then EOF."""
    if server.spec.kind == "address":
        raise NotApplicable("the suite cannot stop a server given by address")
    d = Dialogue(server)
    stopper = threading.Thread(target=server.stop, daemon=True)
    try:
        d.ehlo()
        stopper.start()
        got = netio.recv_to_eof(d.sock, settings().scaled(8))
        d.log.append(("S", got.data))
        d.check(got.data.startswith(b"421"), "SMTP-421-1", "the server went away without saying 421",
                expected="421 <domain> ... then EOF", received=got.data or got.end)
    finally:
        d.close()
        if stopper.is_alive():
            stopper.join(10)


@scenario("smtp-server-half-close", category="nonblocking", requirements=["NET-TCP-4"], **P)
def test_half_close(server):
    """EHLO, then (with PIPELINING) `RSET` and `QUIT` in one write, or (without) just `QUIT`, then
    shutdown(SHUT_WR): every reply arrives, then EOF."""
    with Dialogue(server) as d:
        pipelining = "PIPELINING" in d.ehlo()
        d.send(b"RSET\r\nQUIT\r\n" if pipelining else b"QUIT\r\n")
        netio.half_close(d.sock)
        got = netio.recv_to_eof(d.sock, settings().scaled(8))
        d.log.append(("S", got.data))
        try:
            codes = [r.code for r in wire.parse_replies(got.data, strict=False)]
        except ProtocolError:
            codes = []
        want = [250, 221] if pipelining else [221]
        d.check(codes == want, "NET-TCP-4", "replies lost after the client half-closed",
                expected=" then ".join(map(str, want)), received=got.data)


@scenario("smtp-server-junk-after-quit", category="nonblocking", requirements=["NET-TCP-9"], **P)
def test_junk_after_quit(server):
    """`QUIT` followed by 64 KiB of junk in one write: the 221 arrives and the session ends with a clean
    close, not a reset (a server that closes with the junk unread makes the kernel send RST, which on a
    real network can destroy the 221 in flight; on loopback it shows as ECONNRESET after the 221).

    The client talks ahead, without EHLO or PIPELINING, and sends junk after QUIT: it has left the protocol,
    and a server may refuse a client that talks ahead (SMTP-PIPE-11).  So every reaction here is a warning
    (NET-TCP-9); the MUST to answer QUIT with 221 and then close (RFC 5321 §4.1.1.10) is smtp-server-quit's,
    judged with a client that stays in the protocol."""
    with Dialogue(server) as d:
        d.send(b"QUIT\r\n" + b"junk " * 13107)
        time.sleep(settings().scaled(0.5))
        got = netio.recv_to_eof(d.sock, settings().scaled(8))
        d.log.append(("S", got.data))
        if b"221" not in got.data:
            lost = got.end == "reset" and not netio.closed(got)  # a TCP reset may have destroyed a 221 in flight
            d.fail("NET-TCP-9", "the 221 was lost (reset by the server closing with unread input?)" if lost
                   else "QUIT with junk behind it was not answered with 221", expected="221",
                   received=f"{got.data!r} then {got.describe()}")
        d.check(got.end != "timeout", "NET-TCP-9", "the connection stayed open after 221, with the junk unread",
                expected="EOF", received=f"{got.data!r} then {got.describe()}")
        # over AF_UNIX a reset destroys nothing (the 221 arrived whole before it): no evidence against the server
        d.check(netio.closed(got), "NET-TCP-9", "the session ended with a reset, not a clean close: the server "
                "closed with the client's input unread", received=f"{got.data!r} then {got.describe()}")


@scenario("smtp-server-survives-resets", category="nonblocking", requirements=["NET-TCP-5", "SMTP-QUIT-3"], **P)
def test_survives_resets(server):
    """20 clients reset their connection in the middle of a transaction; the server keeps serving and
    delivers none of those half messages.  The maildir is looked at even when the server did not keep
    serving: a half message delivered (a MUST) is then the failure reported."""
    tok = token()
    partial = f"EHLO x\r\nMAIL FROM:<a@client.test>\r\nRCPT TO:<{rcpt()}>\r\nDATA\r\nSubject: {tok}\r\n\r\nhalf".encode()
    try:
        common.survives_resets(server, quick_exchange, partial=partial, rounds=20)
    except (ScenarioFailure, OSError):
        if server.maildir is not None:  # unknown (an address): the first failure stands
            not_delivered(server, tok, "SMTP-QUIT-3", "a half message from a reset connection was delivered")
        raise
    not_delivered(server, tok, "SMTP-QUIT-3", "a half message from a reset connection was delivered")


# ====================================================================== concurrency
@scenario("smtp-server-idle-client-does-not-block", category="concurrency", requirements=["NET-TCP-6", "SMTP-CONN-5"], **P)
def test_idle_client_does_not_block(server):
    """One session stays silent in the middle of a command; a second session completes meanwhile."""
    common.idle_client_does_not_block(server, quick_exchange, reqs=("NET-TCP-6", "SMTP-CONN-5"),
                                      idle_bytes=b"EHLO idle.test\r\nMAIL FROM:<a@cl")


@scenario("smtp-server-interleaved-sessions", category="concurrency", requirements=["SMTP-CONN-5"], **P)
def test_interleaved(server):
    """Two sessions interleaved command by command both deliver their own message.  The second session's
    greeting, and every reply that would be missing because the server serves one session at a time, are
    SMTP-CONN-5 (a SHOULD), not the MUSTs of a lone session's greeting and replies."""
    toks = [token(), token()]
    ds = [Dialogue(server)]
    try:
        ds.append(Dialogue(server, reqs=("SMTP-CONN-5",)))  # greeted while the first session is open
        for d in ds:
            d.ehlo()
        for d in ds:
            d.expect("MAIL FROM:<a@client.test>", (250,), "SMTP-CONN-5", "MAIL refused")
        for d in ds:
            d.expect(f"RCPT TO:<{rcpt()}>", ("2",), "SMTP-CONN-5", "RCPT refused")
        for d in ds:
            d.expect("DATA", (354,), "SMTP-CONN-5", "DATA refused")
        for d, tok in zip(ds, toks):
            d.check(d.cmd(wire.encode_data(message(tok)), ("SMTP-CONN-5",)).code == 250, "SMTP-CONN-5",
                    "message refused")
        for d, tok in zip(ds, toks):
            delivered(server, tok, "SMTP-CONN-5", "a message of interleaved sessions was not delivered", d)
    finally:
        for d in ds:
            d.close()
