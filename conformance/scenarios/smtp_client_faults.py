"""SMTP client scenarios: partial reads, garbage replies, 421, lost connections, stalls and refused
servers (RFC 5321 §3.8, §4.5.3.2; the NET-TCP requirements).
"""

from __future__ import annotations

from conformance.registry import scenario
from conformance.scenarios import common
from conformance.scenarios.smtp_client_peer import MESSAGE, SENDER, P, domain, expect_failure, expect_ok, submit, verdict
from netconformance_fixtures.context import settings
from reference_servers.smtp.server import Behaviour


@scenario("smtp-client-multiline-greeting-split", category="partial-reads", requirements=["SMTP-CONN-4", "SMTP-REPLY-5"], **P)
def test_multiline_greeting_split(client, transport, reference):
    """A three-line greeting written in two pieces cut mid-line (2T apart): EHLO comes once, after the
    last line; every later multi-line reply is split the same way."""
    beh = Behaviour(replies={"GREETING": f"220-{domain()} first line\n220-second line\n220 third line"},
                    split_pause=settings().scaled(0.6))
    run, srv, log = submit(client, transport, reference, behaviour=beh)
    verdict(not (log and log.commands and log.commands[0].ahead), ("SMTP-CONN-4", "SMTP-REPLY-5"),
            "the client answered the greeting before its last line", log)
    expect_ok(run, log, ("SMTP-CONN-4", "SMTP-REPLY-5"), "split multi-line replies")


@scenario("smtp-client-replies-trickled", category="partial-reads", requirements=["NET-TCP-1", "SMTP-REPLY-5"], **P)
def test_replies_trickled(client, transport, reference):
    """Every reply arrives 3 octets per segment: the submission succeeds."""
    run, srv, log = submit(client, transport, reference, behaviour=Behaviour(fragment=3, fragment_gap=0.003))
    expect_ok(run, log, ("NET-TCP-1", "SMTP-REPLY-5"), "fragmented replies")
    verdict(srv.accepted, "NET-TCP-1", "nothing delivered", log)


@scenario("smtp-client-garbage-reply", category="robustness", requirements=["SMTP-REPLY-4", "SMTP-LIMIT-5", "SMTP-CLIENT-6"],
          **P)
def test_garbage_reply(client, transport, reference):
    """MAIL is answered with a line that is no reply at all (`hello there`, then the connection stays
    open): the client does not go on as after a 250 (SMTP-REPLY-4), and reports an error within its timeout
    (NET-TCP-8), never success (SMTP-CLIENT-6)."""
    run, srv, log = submit(client, transport, reference, behaviour=Behaviour(replies={"MAIL": b"hello there\r\n"}))
    verdict(not srv.accepted, "SMTP-REPLY-4", "a message was delivered after a garbage reply to MAIL", log)
    expect_failure(run, log, "SMTP-CLIENT-6", "garbage instead of a reply", hang_reqs="NET-TCP-8")


@scenario("smtp-client-421-mid-session", category="nonblocking", requirements=["SMTP-421-2"], **P)
def test_421(client, transport, reference):
    """RCPT gets `421` and the server closes: the client reports a failure (non-zero exit), does not hang
    (NET-TCP-8), and never claims the message was sent (SMTP-421-2, a SHOULD: RFC 5321 §3.8 has a client
    treat the close as a 451; no MUST says how it reports a 4yz)."""
    run, srv, log = submit(client, transport, reference,
                           behaviour=Behaviour(replies={"RCPT": f"421 4.3.2 {domain()} Service shutting down"}))
    expect_failure(run, log, "SMTP-421-2", "421 mid-session", hang_reqs="NET-TCP-8")


@scenario("smtp-client-lost-after-data", category="nonblocking", requirements=["SMTP-CLIENT-LOST-1"], **P)
def test_lost_after_data(client, transport, reference):
    """The server closes right after the final `.`, with no reply: never reported as delivered."""
    run, srv, log = submit(client, transport, reference, behaviour=Behaviour(replies={"EOD": "close"}))
    expect_failure(run, log, "SMTP-CLIENT-LOST-1", "connection lost after end-of-data")


@scenario("smtp-client-reset-mid-session", category="nonblocking", requirements=["SMTP-CLIENT-LOST-1"], **P)
def test_reset(client, transport, reference):
    """The server resets the connection (RST) when MAIL arrives: failure reported, no hang, no crash.

    No 421 was sent, so the evidence is RFC 5321 §3.8's (a reset is treated as if 451 had been received, a
    SHOULD), not SMTP-421-2's."""
    run, srv, log = submit(client, transport, reference, behaviour=Behaviour(replies={"MAIL": "reset"}))
    expect_failure(run, log, "SMTP-CLIENT-LOST-1", "reset mid-session", hang_reqs="NET-TCP-8")


@scenario("smtp-client-stalled-mail", category="timeouts", requirements=["SMTP-TIMEOUT-1", "NET-TCP-8", "SMTP-CLIENT-6"],
          **P)
def test_stalled_mail(client, transport, reference):
    """The server never answers MAIL: the client gives up on its own (per-command timeout) and reports
    failure, before the suite's client timeout kills it.

    A hang is graded NET-TCP-8 (de-facto), not SMTP-TIMEOUT-1's MUST: RFC 5321 §4.5.3.2.2 suggests 5 minutes
    for MAIL, so a client still waiting when the suite's client timeout ends may have its timeout mechanism and
    only a longer setting (whose reconfigurability is a SHOULD).  Giving up and claiming success is
    SMTP-CLIENT-6."""
    run, srv, log = submit(client, transport, reference, behaviour=Behaviour(replies={"MAIL": "stall"}))
    expect_failure(run, log, "SMTP-CLIENT-6", "MAIL never answered", hang_reqs="NET-TCP-8")


@scenario("smtp-client-stalled-greeting", category="timeouts", requirements=["NET-TCP-8", "SMTP-TIMEOUT-1", "SMTP-CLIENT-6"],
          **P)
def test_stalled_greeting(client, transport):
    """The server accepts and never says anything: the client times out and reports failure."""
    with common.tcp_stall_peer() as peer:
        run = common.run_client(client, peer.address, transport, MESSAGE, mail_from=SENDER,
                                recipients=[f"alice@{domain()}"])
    # graded as smtp-client-stalled-mail: the hang NET-TCP-8 (a 5-minute greeting timeout is the RFC's own
    # suggestion, §4.5.3.2.1), a claimed success SMTP-CLIENT-6
    common.expect_error(run, ["NET-TCP-8"], "greeting never sent", success_reqs=["SMTP-CLIENT-6"])


@scenario("smtp-client-refused", category="nonblocking", requirements=["SMTP-CLIENT-LOST-1"], **P)
def test_refused(client, transport):
    """Nothing listens at the address: the client reports the failure (non-zero exit) at once."""
    run = common.run_client(client, common.refused_address(), transport, MESSAGE, mail_from=SENDER,
                            recipients=[f"alice@{domain()}"])
    common.expect_error(run, ["SMTP-CLIENT-LOST-1"], "connection refused")
