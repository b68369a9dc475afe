"""SMTP client scenarios: the session a client runs, PIPELINING, SIZE and 8BITMIME, and how it handles
refusals (RFC 5321 §3-§4; RFC 2920, RFC 1870, RFC 6152).
"""

from __future__ import annotations

import re

from conformance.registry import scenario
from conformance.scenarios.smtp_client_peer import (
    HEAD,
    MESSAGE,
    P,
    commands,
    domain,
    expect_failure,
    expect_ok,
    expected_content,
    same_message,
    sent_by,
    submit,
    verdict,
)
from netconformance_fixtures.context import settings
from reference_servers.smtp import wire
from reference_servers.smtp.server import Behaviour


@scenario("smtp-client-basic", category="protocol",
          requirements=["SMTP-TXN-9", "SMTP-SEQ-10", "SMTP-QUIT-4", "SMTP-QUIT-5", "SMTP-DATA-6"], **P)
def test_basic(client, transport, reference):
    """A plain submission: `MAIL FROM:<...>` and `RCPT TO:<...>` without spaces, the message delivered
    unchanged (no extra blank line), QUIT last, and the client waits for the 221 before closing."""
    run, srv, log = submit(client, transport, reference)
    expect_ok(run, log, "SMTP-TXN-9", "plain submission")
    sent = sent_by(log)
    verdict(re.search(rb"(?i)(^|\r\n)MAIL FROM:<", sent) and re.search(rb"(?i)\r\nRCPT TO:<", sent), "SMTP-TXN-9",
            "MAIL/RCPT not in the form 'MAIL FROM:<path>' / 'RCPT TO:<path>'", log)
    verdict(srv.accepted and same_message(srv.accepted[0].content, MESSAGE), "SMTP-DATA-6",
            "the delivered message differs from stdin", log, run, expected=expected_content(MESSAGE),
            received=srv.accepted[0].content if srv.accepted else "nothing delivered")
    verdict(commands(log)[-1:] == ["QUIT"], "SMTP-QUIT-4", "the session did not end with QUIT", log)
    quit_reply = max((t for t, k, d in log.events if k == "S" and d.startswith(b"221")), default=None)
    verdict(quit_reply is not None and (log.eof_at is None or log.eof_at >= quit_reply), "SMTP-QUIT-5",
            "the client closed before the 221 was sent", log)


@scenario("smtp-client-quit-waits-221", category="timeouts", requirements=["SMTP-QUIT-5", "SMTP-SEQ-10"], **P)
def test_quit_waits(client, transport, reference):
    """Every reply comes T/2 late: the client still waits for each, and for the 221, before closing."""
    run, srv, log = submit(client, transport, reference, behaviour=Behaviour(reply_delay=settings().scaled(0.5)))
    expect_ok(run, log, "SMTP-SEQ-10", "slow server")
    quit_reply = max((t for t, k, d in log.events if k == "S" and d.startswith(b"221")), default=None)
    verdict(quit_reply is not None and (log.eof_at is None or log.eof_at >= quit_reply), "SMTP-QUIT-5",
            "the client closed before the 221 was sent", log)


@scenario("smtp-client-dot-stuffing", category="protocol", requirements=["SMTP-DATA-3", "SMTP-HIST-1"], **P)
def test_dot_stuffing(client, transport, reference):
    """Lines `.`, `.x` and `..` are stuffed (`..`, `..x`, `...`): the server stores the original message."""
    msg = MESSAGE + b".\r\n.x\r\n..\r\n.hidden line\r\nlast\r\n"
    run, srv, log = submit(client, transport, reference, msg=msg)
    got = srv.accepted[0].content if srv.accepted else None
    verdict(same_message(got, msg), "SMTP-DATA-3", "dot-leading lines were not stuffed", log, run,
            expected=expected_content(msg), received=got if got is not None else "nothing delivered")
    expect_ok(run, log, "SMTP-DATA-3", "message with dot-leading lines")


@scenario("smtp-client-crlf-only", category="protocol", requirements=["SMTP-DATA-5", "SMTP-DATA-6"], **P)
def test_crlf_only(client, transport, reference):
    """A message with LF line ends and no final newline: only CRLF on the wire, a final CRLF added, and no
    extra blank line before the terminating dot."""
    msg = HEAD.replace(b"\r\n", b"\n") + b"From: <sender@client.test>\nSubject: lf\n\nline one\nline two"
    run, srv, log = submit(client, transport, reference, msg=msg)
    expect_ok(run, log, "SMTP-DATA-5", "LF-terminated message")
    raw = sent_by(log)
    verdict(b"\n" not in raw.replace(b"\r\n", b"") and b"\r" not in raw.replace(b"\r\n", b""), "SMTP-DATA-5",
            "bare LF or CR on the wire", log, received=raw)
    verdict(srv.accepted and same_message(srv.accepted[0].content, msg), "SMTP-DATA-6",
            "the message was changed (extra blank line?)", log, expected=expected_content(msg),
            received=srv.accepted[0].content if srv.accepted else "nothing delivered")


@scenario("smtp-client-ehlo-name", category="protocol", requirements=["SMTP-EHLO-11", "SMTP-EHLO-9"], **P)
def test_ehlo_name(client, transport, reference):
    """The client opens with EHLO (or HELO) whose argument is a domain or an address literal."""
    run, srv, log = submit(client, transport, reference)
    first = log.commands[0] if log and log.commands else None
    verdict(first is not None and first.verb in ("EHLO", "HELO"), "SMTP-EHLO-9", "the first command is not EHLO/HELO", log)
    arg = first.line.decode("ascii", "replace").partition(" ")[2]
    verdict(wire.is_domain(arg), "SMTP-EHLO-11", f"EHLO argument {arg!r} is neither a domain nor an address literal", log)


@scenario("smtp-client-helo-fallback", category="protocol", requirements=["SMTP-EHLO-12", "SMTP-EHLO-9"], **P)
def test_helo_fallback(client, transport, reference):
    """EHLO is answered `500 Command unrecognized`: the client falls back to HELO and delivers (SHOULD,
    RFC 5321 §3.2; a client that opens with HELO passes too).  MAIL never comes without an accepted
    EHLO/HELO (MUST, §4.1.1.1)."""
    run, srv, log = submit(client, transport, reference,
                           behaviour=Behaviour(replies={"EHLO": "500 5.5.1 Command unrecognized"}, extensions=()))
    verbs = commands(log)
    before_mail = verbs[:verbs.index("MAIL")] if "MAIL" in verbs else verbs
    verdict("MAIL" not in verbs or "HELO" in before_mail, "SMTP-EHLO-9",
            "MAIL sent although EHLO was refused and no HELO was sent", log)
    verdict(verbs[:1] == ["HELO"] or verbs[:2] == ["EHLO", "HELO"], "SMTP-EHLO-12", "no HELO after EHLO was refused",
            log)
    expect_ok(run, log, "SMTP-EHLO-12", "server without EHLO")


@scenario("smtp-client-no-unadvertised-extensions", category="protocol",
          requirements=["SMTP-EHLO-10", "SMTP-PIPE-1", "SMTP-SEQ-8", "SMTP-8BIT-5"], **P)
def test_no_unadvertised(client, transport, reference):
    """The EHLO reply lists no extension and every reply comes T/4 late: no `SIZE=`/`BODY=` parameters,
    and exactly one command outstanding at a time (no pipelining)."""
    run, srv, log = submit(client, transport, reference, rcpts=("alice", "bob"),
                           behaviour=Behaviour(extensions=(), reply_delay=settings().scaled(0.25)))
    expect_ok(run, log, "SMTP-EHLO-10", "server without extensions")
    for c in log.commands:
        verdict(b"SIZE=" not in c.line.upper() and b"BODY=" not in c.line.upper(), ("SMTP-EHLO-10", "SMTP-8BIT-5"),
                f"unadvertised parameter used: {c.line!r}", log)
    ahead = [c.line for c in log.commands if c.ahead]
    verdict(not ahead and not log.content_ahead, ("SMTP-PIPE-1", "SMTP-SEQ-8"),
            "commands sent before the previous reply (pipelining without PIPELINING)", log, received=repr(ahead))


@scenario("smtp-client-waits-for-greeting", category="timeouts", requirements=["SMTP-CONN-3"], **P)
def test_waits_for_greeting(client, transport, reference):
    """The greeting comes after T (half the per-wait timeout the client is given): the client sends
    nothing before it."""
    run, srv, log = submit(client, transport, reference, behaviour=Behaviour(greeting_delay=settings().timeout))
    verdict(not (log and log.commands and log.commands[0].ahead), "SMTP-CONN-3",
            "the client spoke before the greeting", log)
    expect_ok(run, log, "SMTP-CONN-3", "late greeting")


@scenario("smtp-client-reply-codes", category="protocol", requirements=["SMTP-REPLY-4", "SMTP-ESC-4"], **P)
def test_reply_codes(client, transport, reference):
    """Replies without text (`250`), unknown codes (`299 odd`) and no enhanced codes: the client goes by
    the first digit and succeeds."""
    beh = Behaviour(replies={"MAIL": "299 odd but positive", "RCPT": b"250\r\n", "EOD": "250"},
                    extensions=("PIPELINING", "SIZE 1000000"))
    run, srv, log = submit(client, transport, reference, behaviour=beh)
    expect_ok(run, log, "SMTP-REPLY-4", "bare and unusual success codes")


@scenario("smtp-client-long-reply-lines", category="protocol", requirements=["SMTP-REPLY-6"], **P)
def test_long_reply_lines(client, transport, reference):
    """EHLO reply lines of 512 octets (the maximum, CRLF included) are accepted."""
    filler = "X-LONG " + "a" * (512 - 4 - 7 - 2)
    beh = Behaviour(replies={"EHLO": f"250-{domain()} hello\n250-{filler}\n250 PIPELINING"})
    run, srv, log = submit(client, transport, reference, behaviour=beh)
    expect_ok(run, log, "SMTP-REPLY-6", "512-octet reply lines")


@scenario("smtp-client-pipelining-batch", category="protocol", requirements=["SMTP-PIPE-2", "SMTP-SEQ-9"], **P)
def test_pipelining_batch(client, transport, reference):
    """With PIPELINING, the message content is sent only after the 354 (DATA ends its batch)."""
    run, srv, log = submit(client, transport, reference, behaviour=Behaviour(reply_delay=settings().scaled(0.2)))
    expect_ok(run, log, "SMTP-PIPE-2", "pipelined submission")
    verdict(not log.content_ahead, ("SMTP-PIPE-2", "SMTP-SEQ-9"), "message content sent before the 354", log)


@scenario("smtp-client-size-limit", category="protocol", requirements=["SMTP-SIZE-9", "SMTP-EHLO-4", "SMTP-SIZE-10",
                                                                     "SMTP-SIZE-8"], **P)
def test_size_limit(client, transport, reference):
    """The server advertises `size 100` (lower case) and enforces it: the client reports failure, and the
    5000-octet message is not uploaded (the client gives up before DATA, or its `SIZE=5000` gets 552; a
    SHOULD, judged last so that an upload does not hide a claimed success)."""
    msg = MESSAGE + b"x" * 70 + b"\r\n" * 1 + (b"y" * 98 + b"\r\n") * 48

    def uploaded(extensions):
        run, srv, log = submit(client, transport, reference, msg=msg, max_size=100,
                               behaviour=Behaviour(extensions=extensions))
        return run, log, bool(srv.accepted) or b"y" * 98 in sent_by(log)

    run, log, up = uploaded(("pipelining", "size 100"))
    if up:  # the same in upper case tells a case-sensitive keyword match (MUST) from ignoring SIZE (SHOULD)
        run2, log2, up2 = uploaded(("PIPELINING", "SIZE 100"))
        verdict(up2, "SMTP-EHLO-4", "'size 100' was ignored but 'SIZE 100' honoured: EHLO keywords matched "
                "case-sensitively", log)
    # refused after the transfer (552 at end-of-data): RFC 1870 §6.2 "SMTP clients using the extended MAIL
    # command must still be prepared to handle ... 552 ... after transfer of the message" (SMTP-SIZE-10);
    # refused at MAIL, or given up before it: the message is undeliverable, a SHOULD (SMTP-SIZE-8)
    expect_failure(run, log, "SMTP-SIZE-10" if up else "SMTP-SIZE-8", "oversize message")
    verdict(not up, "SMTP-SIZE-9", "an oversize message was uploaded although SIZE 100 was advertised", log)


@scenario("smtp-client-8bit-without-8bitmime", category="protocol", requirements=["SMTP-8BIT-4", "SMTP-CLIENT-5"], **P)
def test_8bit_without_8bitmime(client, transport, reference):
    """UTF-8 content and a server without 8BITMIME: no octet above 0x7F on the wire (converted to 7-bit
    MIME, or refused before DATA)."""
    msg = HEAD + "From: <sender@client.test>\r\nSubject: utf-8\r\n\r\nGrüße, ½ €\r\n".encode()
    run, srv, log = submit(client, transport, reference, msg=msg, behaviour=Behaviour(extensions=("PIPELINING",)))
    raw = sent_by(log)
    verdict(not re.search(rb"[\x80-\xff]", raw), ("SMTP-8BIT-4", "SMTP-CLIENT-5"), "8-bit octets sent to a server "
            "without 8BITMIME", log, received=raw)


@scenario("smtp-client-too-many-recipients", category="protocol", requirements=["SMTP-LIMIT-4", "SMTP-HIST-4"], **P)
def test_too_many_recipients(client, transport, reference):
    """The server takes 2 recipients per transaction and says 452 to the rest: the client sends the rest
    in another transaction (SHOULD), so all 4 get the message."""
    rcpts = [f"r{i}@{domain()}" for i in range(4)]
    run, srv, log = submit(client, transport, reference, rcpts=rcpts, max_recipients=2)
    got = sorted(r for a in srv.accepted for r in a.envelope.recipients)
    verdict(got == sorted(rcpts), "SMTP-LIMIT-4", "recipients refused with 452 were not retried in a new transaction",
            log, run, expected=", ".join(rcpts), received=", ".join(got) or "nothing delivered")


@scenario("smtp-client-greeting-554", category="protocol", requirements=["SMTP-REPLY-4", "SMTP-CONN-4", "SMTP-CLIENT-6"],
          **P)
def test_greeting_554(client, transport, reference):
    """A 554 greeting (no service): the client sends no transaction (SMTP-REPLY-4: it acts on the code) and
    reports failure (SMTP-CLIENT-6: the exit status is the suite's contract)."""
    run, srv, log = submit(client, transport, reference, behaviour=Behaviour(replies={"GREETING": "554 no service here"}))
    verdict("MAIL" not in commands(log), "SMTP-REPLY-4", "MAIL sent after a 554 greeting", log)
    expect_failure(run, log, "SMTP-CLIENT-6", "554 greeting", hang_reqs="NET-TCP-8")


@scenario("smtp-client-mail-451", category="protocol", requirements=["SMTP-CLIENT-1", "SMTP-CLIENT-4"], **P)
def test_mail_451(client, transport, reference):
    """MAIL gets `451 4.3.0`: the client reports a (temporary) failure and does not retry in a tight loop."""
    run, srv, log = submit(client, transport, reference, behaviour=Behaviour(replies={"MAIL": "451 4.3.0 Try again later"}))
    expect_failure(run, log, "SMTP-CLIENT-1", "MAIL 451")
    verdict(commands(log).count("MAIL") <= 1 and len(srv.sessions) == 1, "SMTP-CLIENT-1",
            "the client retried at once after 451", log)


@scenario("smtp-client-mail-552", category="protocol", requirements=["SMTP-SIZE-8"], **P)
def test_mail_552(client, transport, reference):
    """MAIL gets `552 5.3.4`: the next command is RSET or QUIT, not RCPT; failure reported."""
    run, srv, log = submit(client, transport, reference, behaviour=Behaviour(
        replies={"MAIL": "552 5.3.4 Message too big"}, extensions=("SIZE 1000000",)))
    after = commands(log)[commands(log).index("MAIL") + 1:] if "MAIL" in commands(log) else []
    verdict(not after or after[0] in ("RSET", "QUIT"), "SMTP-SIZE-8", "the client went on after 552 to MAIL", log)
    expect_failure(run, log, "SMTP-SIZE-8", "MAIL 552")


@scenario("smtp-client-rcpt-partly-refused", category="protocol", requirements=["SMTP-CLIENT-2", "SMTP-TXN-2"], **P)
def test_rcpt_partly_refused(client, transport, reference):
    """One of two recipients gets 550: the other still gets the message, and the refused one is not retried."""
    beh = Behaviour(replies={f"RCPT bad@{domain()}": "550 5.1.1 No such user"})
    run, srv, log = submit(client, transport, reference, behaviour=beh, rcpts=(f"bad@{domain()}", f"good@{domain()}"))
    got = [r for a in srv.accepted for r in a.envelope.recipients]
    verdict(got == [f"good@{domain()}"], "SMTP-CLIENT-2", "the accepted recipient did not get the message", log, run,
            received=", ".join(got) or "nothing delivered")
    verdict(sent_by(log).count(f"bad@{domain()}".encode()) <= 1, "SMTP-CLIENT-2", "the refused recipient was retried", log)


@scenario("smtp-client-no-data-without-recipients", category="protocol",
          requirements=["SMTP-SEQ-9", "SMTP-CLIENT-3", "SMTP-CLIENT-6"], **P)
def test_no_data_without_recipients(client, transport, reference):
    """Every RCPT gets 550 (server without PIPELINING): no content is sent (SMTP-SEQ-9, MUST: the DATA, if
    any, gets 554), the next command is RSET or QUIT rather than DATA (SMTP-CLIENT-3, de-facto: RFC 5321 §3.3
    expects such a DATA and has the server refuse it), and the client reports failure (SMTP-CLIENT-6)."""
    beh = Behaviour(replies={"RCPT": "550 5.1.1 No such user"}, extensions=())
    run, srv, log = submit(client, transport, reference, behaviour=beh)
    verdict(b"Hello." not in sent_by(log), "SMTP-SEQ-9", "message content sent without a 354", log)
    verbs = commands(log)
    after = verbs[len(verbs) - verbs[::-1].index("RCPT"):] if "RCPT" in verbs else []
    verdict(not after or after[0] in ("RSET", "QUIT"), "SMTP-CLIENT-3",
            "the client went on with DATA although every recipient was refused", log)
    expect_failure(run, log, "SMTP-CLIENT-6", "all recipients refused", hang_reqs="NET-TCP-8")


@scenario("smtp-client-pipelined-all-refused", category="protocol",
          requirements=["SMTP-PIPE-3", "SMTP-CLIENT-6", "SMTP-PIPE-12"], **P)
def test_pipelined_all_refused(client, transport, reference):
    """With PIPELINING, every RCPT gets 550 but the pipelined DATA gets 354: the client reports failure, and
    sends only `.` (an empty message, which the server drops), never the content (a SHOULD, judged last)."""
    beh = Behaviour(replies={"RCPT": "550 5.1.1 No such user", "DATA": "354 go ahead"})
    run, srv, log = submit(client, transport, reference, behaviour=beh)
    # RFC 2920 §3.1 binds a client "that employ[s] pipelining" to check all statuses; one that waited for each
    # reply and claims success shows what smtp-client-no-data-without-recipients grades, SMTP-CLIENT-6 (de-facto);
    # a hang is an unbounded wait either way
    pipelined = any(c.ahead for c in log.commands) if log else False
    expect_failure(run, log, "SMTP-PIPE-3" if pipelined else "SMTP-CLIENT-6", "all pipelined recipients refused",
                   hang_reqs="NET-TCP-8")
    verdict(b"Hello." not in sent_by(log), "SMTP-PIPE-12", "the content was sent although no recipient was accepted "
            "(RFC 2920 §3.1: the client \"should send a single dot\")", log)


@scenario("smtp-client-data-554", category="protocol", requirements=["SMTP-SEQ-9", "SMTP-CLIENT-6"], **P)
def test_data_554(client, transport, reference):
    """DATA gets 554: no content follows (the next bytes are RSET or QUIT; SMTP-SEQ-9, MUST), failure reported
    (SMTP-CLIENT-6: SEQ-9's sentence is about the message data, not the client's exit status)."""
    run, srv, log = submit(client, transport, reference, behaviour=Behaviour(replies={"DATA": "554 5.0.0 No"}))
    verdict(b"Hello." not in sent_by(log), "SMTP-SEQ-9", "content sent after DATA was refused", log)
    expect_failure(run, log, "SMTP-CLIENT-6", "DATA 554", hang_reqs="NET-TCP-8")


@scenario("smtp-client-end-of-data-refused", category="protocol", requirements=["SMTP-SIZE-10", "SMTP-CLIENT-1"], **P)
def test_end_of_data_refused(client, transport, reference):
    """The message is refused at end-of-data (552, then 451 in a second run): failure reported both times."""
    # each reply names its own requirement: 552 after the transfer is RFC 1870 §6.2's (clients "must still be
    # prepared to handle ... 552 ... after transfer of the message"), 451 the 4yz SHOULD of SMTP-CLIENT-1
    for reply, reqs in (("552 5.3.4 Message too big", "SMTP-SIZE-10"), ("451 4.3.0 Try again later", "SMTP-CLIENT-1")):
        run, srv, log = submit(client, transport, reference, behaviour=Behaviour(replies={"EOD": reply}))
        expect_failure(run, log, reqs, f"end-of-data {reply[:3]}")
