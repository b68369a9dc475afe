"""SMTP server scenarios: the greeting, EHLO and HELO, and refusing service (RFC 5321 §3.1, §4.1.1.1, §4.2, §4.3.1).
"""

from __future__ import annotations

import re

from conformance.errors import NotApplicable
from conformance.registry import scenario
from conformance.scenarios.smtpdriver import Dialogue, domain, message, rcpt, token
from conformance.scenarios.smtpmaildir import delivered, expect_body
from reference_servers.smtp import wire

P = {"protocol": "smtp", "role": "server"}


@scenario("smtp-server-greeting", category="protocol", requirements=["SMTP-CONN-1", "SMTP-REPLY-7", "SMTP-REPLY-2"], **P)
def test_greeting(server):
    """The server speaks first: a 220 greeting whose text starts with its domain or address literal."""
    with Dialogue(server, greet=False) as d:
        g = d.reply(("SMTP-CONN-1",), "nothing (the greeting is sent unasked)")
        d.check(g.code == 220, "SMTP-CONN-1", "the greeting is not 220", expected="220 <domain>", received=str(g))
        first = g.lines[0].split(" ")[0] if g.lines[0] else ""
        d.check(first and (wire.is_domain(first)), "SMTP-CONN-1",
                "the greeting does not start with the server's domain or address literal (RFC 5321 §4.2 Greeting ABNF)",
                expected="220 mx.example ...", received=str(g))


@scenario("smtp-server-ehlo", category="protocol", requirements=["SMTP-EHLO-1", "SMTP-REPLY-2", "SMTP-EHLO-6"], **P)
def test_ehlo(server):
    """EHLO gets 250 with the domain first and one keyword per line, `250-` on all but the last line.

    The EHLO name does not match the client's address (not-me.example): that is never a reason to refuse
    (SMTP-EHLO-6)."""
    with Dialogue(server) as d:
        d.send(b"EHLO not-me.example\r\n")
        r = d.reply("SMTP-EHLO-1", "EHLO")
        d.check(r.code == 250, "SMTP-EHLO-1", "EHLO refused", expected="250", received=str(r))
        lines = [ln for ln in d.raw_lines if ln[:3] == b"250"]
        seps = [ln[3:4] for ln in lines]
        d.check(seps[-1:] == [b" "] and all(s == b"-" for s in seps[:-1]), ("SMTP-EHLO-1", "SMTP-REPLY-2"),
                "EHLO reply lines do not use '250-' on every line but the last", received=b"".join(lines))
        for kw in r.lines[1:]:
            d.check(kw and re.match(r"^[A-Za-z0-9][A-Za-z0-9-]*( [\x21-\x7e]+)*$", kw.strip()), "SMTP-EHLO-1",
                    f"EHLO line {kw!r} is not one keyword with optional parameters")


@scenario("smtp-server-helo", category="protocol", requirements=["SMTP-EHLO-2", "SMTP-HIST-2"], **P)
def test_helo(server):
    """HELO gets a single-line 250 (never the keyword list), and a HELO-only session delivers mail."""
    tok = token()
    with Dialogue(server) as d:
        r = d.expect("HELO client.test", (250,), "SMTP-EHLO-2", "HELO refused")
        d.check(len(r.lines) == 1, "SMTP-EHLO-2", "HELO answered with a multi-line (extended) reply", received=str(r))
        final = d.transaction(tok, reqs=("SMTP-HIST-2",))
        d.check(final.code == 250, "SMTP-HIST-2", "a HELO-only transaction was not accepted", received=str(final))
        copy = delivered(server, tok, "SMTP-HIST-2", "the message of a HELO session was not delivered", d)[0]
        expect_body(d, copy, message(tok), "SMTP-HIST-2", "the delivered message differs")


@scenario("smtp-server-ehlo-needs-argument", category="protocol", requirements=["SMTP-EHLO-3"], **P)
def test_ehlo_needs_argument(server):
    """A bare `EHLO` is a syntax error (501); the session is unchanged and `EHLO x` then works."""
    with Dialogue(server) as d:
        d.expect("EHLO", (501,), "SMTP-EHLO-3", "bare EHLO not answered with 501")
        d.expect("EHLO client.test", (250,), "SMTP-EHLO-3", "EHLO after the 501 refused")


@scenario("smtp-server-ehlo-resets", category="protocol", requirements=["SMTP-EHLO-5"], **P)
def test_ehlo_resets(server):
    """A second EHLO resets the transaction like RSET: MAIL, RCPT, EHLO, then DATA must not get 354."""
    with Dialogue(server) as d:
        d.ehlo()
        d.expect("MAIL FROM:<a@client.test>", (250,), "SMTP-EHLO-5", "MAIL refused")
        d.expect(f"RCPT TO:<{rcpt()}>", ("2",), "SMTP-EHLO-5", "RCPT refused")
        d.ehlo("again.client.test")
        d.expect("DATA", (503, 554), "SMTP-EHLO-5", "DATA accepted after EHLO should have cleared the transaction")


@scenario("smtp-server-ehlo-advertised-work", category="protocol", requirements=["SMTP-EHLO-7", "SMTP-EHLO-8"], **P)
def test_ehlo_advertised_work(server):
    """Every command keyword the server advertises is answered without 500/502, and EXPN, if it
    works, is advertised."""
    commands = {"VRFY": "VRFY postmaster", "EXPN": "EXPN postmaster", "HELP": "HELP", "ETRN": f"ETRN {domain()}"}
    with Dialogue(server) as d:
        exts = d.ehlo()
        for kw, line in commands.items():
            r = d.cmd(line)
            if kw in exts:
                d.check(r.code not in (500, 502), "SMTP-EHLO-7", f"{kw} is advertised but answered {r.code}",
                        received=str(r))
            if kw == "EXPN" and r.code not in (500, 502):
                d.check("EXPN" in exts, "SMTP-EHLO-8", "EXPN works but is not listed in the EHLO reply")


@scenario("smtp-server-refuse-mode", category="protocol", requirements=["SMTP-CONN-2"], **P)
def test_refuse_mode(server_factory):
    """A server refusing service greets with 554, then answers EHLO with 503 and QUIT with 221, and
    closes.  The reference is put in refuse mode; another server is checked only if it refuses by itself."""
    from reference_servers.smtp.server import Behaviour

    try:
        server = server_factory(behaviour=Behaviour(replies={"GREETING": "554 example.test No SMTP service here"}))
    except NotApplicable:
        server = server_factory()
    with Dialogue(server, greet=False) as d:
        g = d.reply("SMTP-CONN-2", "the greeting")
        if g.code != 554:
            raise NotApplicable("the server does not refuse service (greeting is not 554)")
        d.expect("EHLO client.test", (503, 554), "SMTP-CONN-2", "EHLO accepted although the session was refused")
        d.expect("QUIT", (221,), "SMTP-CONN-2", "QUIT not answered with 221 in a refused session")
