"""SMTP server scenarios: command verbs and arguments, the minimum command set, error codes and the order of
commands (RFC 5321 §4.1.1, §4.1.4, §4.2.4, §4.5.1).
"""

from __future__ import annotations

import time

from conformance.errors import NotApplicable
from conformance.registry import scenario
from conformance.scenarios.smtpdriver import Dialogue, message, rcpt, token
from conformance.scenarios.smtpmaildir import delivered, files_with, not_delivered
from netconformance_fixtures.context import settings
from reference_servers.smtp import wire

P = {"protocol": "smtp", "role": "server"}


def _session_kept(d: Dialogue, replies, summary: str, codes) -> None:
    """After the error ``replies``: the NOOP probe (SMTP-QUIT-2, the server MUST NOT close on an error)
    first, then ``codes()``, the weaker checks of which codes they were, so that a wrong code does not hide
    a dropped session.  No probe after a 421 (RFC 5321 §3.8: the server may then close).  When the probe is
    not applicable (no NOOP), the codes are still checked before that stands."""
    try:
        if all(r.code != 421 for r in replies):
            d.probe("SMTP-QUIT-2", summary)
    except NotApplicable:
        codes()
        raise
    codes()


@scenario("smtp-server-case-insensitive-verbs", category="protocol", requirements=["SMTP-CMD-1"], **P)
def test_case_insensitive(server):
    """`ehlo`, `mail from:`, `Rcpt To:`, `data` in mixed case get their normal replies."""
    tok = token()
    with Dialogue(server) as d:
        d.expect("ehlo client.test", (250,), "SMTP-CMD-1", "lowercase ehlo refused")
        d.expect("mail from:<a@client.test>", (250,), "SMTP-CMD-1", "lowercase 'mail from:' refused")
        d.expect(f"Rcpt To:<{rcpt()}>", ("2",), "SMTP-CMD-1", "mixed-case 'Rcpt To:' refused")
        d.expect("data", (354,), "SMTP-CMD-1", "lowercase data refused")
        r = d.cmd(wire.encode_data(message(tok)))
        d.check(r.code == 250, "SMTP-CMD-1", "message refused", received=str(r))


@scenario("smtp-server-unknown-command", category="protocol", requirements=["SMTP-CMD-13", "SMTP-QUIT-2", "SMTP-CMD-11"],
          **P)
def test_unknown_command(server):
    """`FOOBAR` gets a negative reply (500 SHOULD, RFC 5321 §4.2.4) and the session goes on: NOOP then gets 250."""
    with Dialogue(server) as d:
        r = d.expect("FOOBAR", ("4", "5"), "SMTP-CMD-13", "unknown command not answered with a 4yz/5yz")
        if r.code == 421:
            return  # §3.8: the server may say 421 and close at any time
        gap = None
        try:
            d.probe(("SMTP-CMD-13", "SMTP-QUIT-2"), "session unusable after an unknown command")
        except NotApplicable as exc:
            gap = exc  # no NOOP to probe the session with: the reply code is still evidence, judged first
        d.check(r.code == 500, "SMTP-CMD-11", "unknown command not answered with 500 (RFC 5321 §4.2.4: \"If the "
                "command is not recognized, code 500 SHOULD be returned.\")", received=str(r))
        if gap is not None:
            raise gap


@scenario("smtp-server-minimum-commands", category="protocol",
          requirements=["SMTP-CMD-3", "SMTP-CMD-4", "SMTP-CMD-7", "SMTP-SEQ-7"], **P)
def test_minimum_commands(server):
    """NOOP (with and without argument, before and after EHLO), RSET and VRFY work; VRFY gets 250 with a
    mailbox in angle brackets, 252, or another allowed code, never 500/502; none gets 503 before EHLO."""
    with Dialogue(server) as d:
        d.expect("NOOP", (250,), ("SMTP-CMD-4",), "NOOP before EHLO")
        d.expect("NOOP hello", (250,), ("SMTP-CMD-4",), "NOOP with an argument")
        d.expect("RSET", (250,), ("SMTP-SEQ-7", "SMTP-CMD-3"), "RSET before EHLO")
        v = d.expect("VRFY postmaster", (250, 251, 252, 550, 551, 553, 502, 504), ("SMTP-CMD-7", "SMTP-SEQ-7"),
                     "VRFY not recognized")
        if v.code == 502:
            d.fail("SMTP-CMD-3", "VRFY answered 502 (not implemented); RFC 5321 §4.5.1 requires it", received=str(v))
        if v.code == 250:
            d.check("<" in v.text and "@" in v.text, "SMTP-CMD-7", "VRFY 250 without a <local@domain> mailbox",
                    received=str(v))
        d.ehlo()
        d.expect("NOOP", (250,), ("SMTP-CMD-4",), "NOOP after EHLO")


@scenario("smtp-server-rset", category="protocol", requirements=["SMTP-CMD-5"], **P)
def test_rset(server):
    """RSET discards the transaction (DATA then gets 503/554) and keeps the connection open."""
    with Dialogue(server) as d:
        d.ehlo()
        d.expect("MAIL FROM:<a@client.test>", (250,), "SMTP-CMD-5", "MAIL refused")
        d.expect(f"RCPT TO:<{rcpt()}>", ("2",), "SMTP-CMD-5", "RCPT refused")
        d.expect("RSET", (250,), "SMTP-CMD-5", "RSET not answered with 250")
        d.expect("DATA", (503, 554), "SMTP-CMD-5", "DATA accepted after RSET")
        d.probe("SMTP-CMD-5", "connection unusable after RSET")


@scenario("smtp-server-no-argument-commands", category="protocol", requirements=["SMTP-CMD-6", "SMTP-QUIT-2"], **P)
def test_no_argument_commands(server):
    """`RSET now` gets 501 (RSET takes no argument) and the session continues (NOOP then gets 250); the
    session is judged before the code."""
    with Dialogue(server) as d:
        d.ehlo()
        r = d.cmd("RSET now", ("SMTP-CMD-6",))
        _session_kept(d, [r], "session unusable after RSET with an argument", lambda: d.check(
            r.code == 501, "SMTP-CMD-6", "RSET with an argument not answered with 501", sent="RSET now",
            expected="501", received=str(r)))


@scenario("smtp-server-unknown-parameter", category="protocol", requirements=["SMTP-CMD-8", "SMTP-CMD-11"], **P)
def test_unknown_parameter(server):
    """`MAIL FROM:<a@client.test> FOO=BAR` gets 555 (unrecognized parameter), not 250."""
    with Dialogue(server) as d:
        d.ehlo()
        r = d.cmd("MAIL FROM:<a@client.test> FOO=BAR")
        d.check(r.klass in (4, 5), "SMTP-CMD-8", "an unknown MAIL parameter was accepted",
                expected="555 (or 455, or another error)", received=str(r))
        d.check(r.code in (555, 455, 501, 504), "SMTP-CMD-11", "an unknown MAIL parameter refused with an unusual code",
                expected="555 (RFC 5321 §4.1.1.11)", received=str(r))


@scenario("smtp-server-invalid-characters", category="protocol",
          requirements=["SMTP-CMD-9", "SMTP-8BIT-6", "SMTP-CMD-11", "SMTP-TXN-1"], **P)
def test_invalid_characters(server):
    """Non-ASCII in the envelope (`MAIL FROM:<é@client.test>`, even with 8BITMIME) and `_` in a domain
    are refused with a 5yz (500/501/553 name the problem best).  Sending them is the client's MUST NOT;
    a server accepting them is liberal, which we warn about (smuggling hygiene: what one hop accepts
    unchecked another may parse differently)."""
    with Dialogue(server) as d:
        d.ehlo()
        r = d.cmd("MAIL FROM:<é@client.test>".encode() + b"\r\n")
        if r.code != 421:  # a 421 may close the session (§3.8): it fails the checks below
            d.cmd("RSET")  # all sent first: the plain MAIL (a MUST) is judged before the liberal replies
            d.expect("MAIL FROM:<a@client.test>", (250,), "SMTP-TXN-1", "MAIL refused")
            u = d.cmd("RCPT TO:<a@exa_mple.test>")
        d.check(r.klass == 5, ("SMTP-CMD-9", "SMTP-8BIT-6"), "8-bit octets in the envelope were accepted",
                expected="5yz", received=str(r))
        d.check(r.code in (500, 501, 553), "SMTP-CMD-11", "8-bit envelope refused with an unusual code",
                expected="500, 501 or 553", received=str(r))
        d.check(u.klass == 5, "SMTP-CMD-9", "a domain with '_' was accepted", expected="5yz", received=str(u))


@scenario("smtp-server-help", category="protocol", requirements=["SMTP-CMD-10"], **P)
def test_help(server):
    """HELP without an argument is answered with 211 or 214."""
    with Dialogue(server) as d:
        d.expect("HELP", (211, 214), "SMTP-CMD-10", "HELP not supported")


@scenario("smtp-server-error-codes", category="protocol", requirements=["SMTP-CMD-11", "SMTP-HIST-5", "SMTP-QUIT-2"],
          **P)
def test_error_codes(server):
    """The right 5yz: `MAIL FROM:bad` → 501 (syntax), `SAML` → 502 or 500; the session continues (NOOP then
    gets 250), which is judged before the codes."""
    with Dialogue(server) as d:
        d.ehlo()
        replies = [d.cmd("MAIL FROM:bad", ("SMTP-CMD-11",))]
        if replies[0].code != 421:  # a 421 may close the session (§3.8): it fails SMTP-CMD-11 below
            replies.append(d.cmd("SAML FROM:<a@client.test>", ("SMTP-HIST-5",)))

        def codes() -> None:
            d.check(replies[0].code == 501, "SMTP-CMD-11", "argument syntax error not answered with 501",
                    sent="MAIL FROM:bad", expected="501", received=str(replies[0]))
            d.check(replies[1].code in (502, 500), "SMTP-HIST-5", "obsolete SAML not answered with 502/500",
                    sent="SAML FROM:<a@client.test>", expected="502 or 500", received=str(replies[1]))

        _session_kept(d, replies, "session unusable after SAML", codes)


@scenario("smtp-server-seq-mail-before-ehlo", category="protocol", requirements=["SMTP-SEQ-1"], **P)
def test_mail_before_ehlo(server):
    """MAIL before EHLO/HELO gets 503."""
    with Dialogue(server) as d:
        d.expect("MAIL FROM:<a@client.test>", (503,), "SMTP-SEQ-1", "MAIL accepted before EHLO")


@scenario("smtp-server-seq-rcpt-needs-mail", category="protocol", requirements=["SMTP-SEQ-2"], **P)
def test_rcpt_needs_mail(server):
    """RCPT without MAIL gets 503."""
    with Dialogue(server) as d:
        d.ehlo()
        d.expect(f"RCPT TO:<{rcpt()}>", (503,), "SMTP-SEQ-2", "RCPT accepted without MAIL")


@scenario("smtp-server-seq-data-needs-recipients", category="protocol",
          requirements=["SMTP-TXN-15", "SMTP-SEQ-3", "SMTP-PIPE-9"], **P)
def test_data_needs_recipients(server):
    """DATA with no MAIL, with MAIL but no RCPT, and after only a refused RCPT should get 503 or 554, not 354
    (RFC 5321 §3.3 says the server MAY; it also foresees a 354 and a failure at the end).  If 354 comes, the
    message sent then is delivered to nobody (MUST: there is no recipient to deliver it to)."""
    tok = token()
    late: list[tuple[str, str]] = []
    with Dialogue(server) as d:
        d.ehlo()

        def data(what: str, ids) -> None:
            r = d.cmd("DATA", ("SMTP-TXN-15",))
            if r.code == 354:
                late.append((what, str(r)))
                d.send(wire.encode_data(message(tok)))
                d.reply(("SMTP-TXN-15",), "the end of a message that has no recipient")
            else:
                d.check(r.klass in (4, 5), ids, f"DATA {what} not refused", received=str(r))

        data("without MAIL", "SMTP-SEQ-3")
        d.expect("MAIL FROM:<a@client.test>", (250,), "SMTP-TXN-15", "MAIL refused")
        data("without any RCPT", "SMTP-SEQ-3")
        r = d.cmd("RCPT TO:<a@exa_mple.test>")  # refused for its syntax (or accepted: SMTP-CMD-9's business)
        if r.klass == 5:
            data("when every RCPT was refused", ("SMTP-SEQ-3", "SMTP-PIPE-9"))
        if late:
            not_delivered(server, tok, "SMTP-TXN-15", "a message with no accepted recipient was delivered", d)
            d.fail(("SMTP-SEQ-3",), f"DATA {late[0][0]} answered 354 (503 or 554 expected)", received=late[0][1])


@scenario("smtp-server-seq-nested-mail", category="protocol", requirements=["SMTP-SEQ-4"], **P)
def test_nested_mail(server):
    """A second MAIL inside an open transaction gets 503."""
    with Dialogue(server) as d:
        d.ehlo()
        d.expect("MAIL FROM:<a@client.test>", (250,), "SMTP-SEQ-4", "MAIL refused")
        d.expect("MAIL FROM:<b@client.test>", (503,), "SMTP-SEQ-4", "nested MAIL not answered with 503")


@scenario("smtp-server-seq-state-kept-after-error", category="protocol", requirements=["SMTP-SEQ-5"], **P)
def test_state_kept(server):
    """After a 501 the state is unchanged: `MAIL FROM:` (no path) → 501, then `MAIL FROM:<a@client.test>` → 250."""
    with Dialogue(server) as d:
        d.ehlo()
        d.expect("MAIL FROM:", (501,), "SMTP-SEQ-5", "MAIL without a path not answered with 501")
        d.expect("MAIL FROM:<a@client.test>", (250,), "SMTP-SEQ-5", "MAIL refused after a 501")


@scenario("smtp-server-seq-buffers-cleared", category="protocol", requirements=["SMTP-SEQ-6"], **P)
def test_buffers_cleared(server):
    """Two transactions in one session: the second message goes only to its own recipient (recipients
    of the first are not carried over)."""
    tok1, tok2 = token(), token()
    first, second = f"first{tok1[-6:]}", f"second{tok2[-6:]}"
    with Dialogue(server) as d:
        d.ehlo()
        d.transaction(tok1, rcpts=[rcpt(first)], reqs=("SMTP-SEQ-6",))
        d.transaction(tok2, rcpts=[rcpt(second)], reqs=("SMTP-SEQ-6",))
        copies = delivered(server, tok2, "SMTP-SEQ-6", "the second message was not delivered", d)
        time.sleep(settings().scaled(0.5))
        copies = files_with(server.maildir, tok2)
        d.check(not any(first.encode() in c for c in copies) and len(copies) == 1, "SMTP-SEQ-6",
                "the second message also went to the first transaction's recipient",
                expected=f"one copy, for {second}", received=f"{len(copies)} copies: {copies[0][:200]!r}")


@scenario("smtp-server-garbage", category="robustness", requirements=["SMTP-CMD-13", "SMTP-QUIT-2", "NET-TCP-5"], **P)
def test_garbage(server):
    """Binary garbage lines (NUL, 0xFF, escape sequences) each get a 5yz; the session then works (NOOP 250)."""
    with Dialogue(server) as d:
        for junk in (b"\x00\x00\x00\r\n", b"\xff\xfe\xfd MAIL\r\n", b"\x1b[2J\x07\r\n", b"GET / HTTP/1.0\r\n",
                     b"\r\n", b" \t \r\n"):
            r = d.cmd(junk, ("SMTP-CMD-13",))
            if r.code == 421:  # a server may refuse further service (§3.8: 421 "can be issued after the server
                return         # receives any command"), e.g. on seeing HTTP: defensive, not a failure
            d.check(r.klass in (4, 5), "SMTP-CMD-13", "garbage not answered with 4yz/5yz", sent=junk, received=str(r))
        d.probe(("SMTP-QUIT-2",), "session unusable after garbage")
