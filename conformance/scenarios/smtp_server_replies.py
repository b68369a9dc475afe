"""SMTP server scenarios: reply syntax and enhanced status codes (RFC 5321 §4.2; RFC 2034, RFC 3463).
"""

from __future__ import annotations

import re

from conformance.errors import NotApplicable
from conformance.registry import scenario
from conformance.scenarios.smtpdriver import Dialogue, rcpt, token
from netconformance_fixtures.context import settings

P = {"protocol": "smtp", "role": "server"}
REPLY_LINE = re.compile(rb"^[2-5][0-5][0-9]([ -][^\r\n]*)?\r\n$")
ESC_LINE = re.compile(r"^[245]\.\d{1,3}\.\d{1,3}( +|$)")


@scenario("smtp-server-enhanced-status-codes", category="protocol",
          requirements=["SMTP-ESC-1", "SMTP-ESC-2", "SMTP-ESC-3"], **P)
def test_enhanced_status_codes(server):
    """With ENHANCEDSTATUSCODES advertised, every 2yz/4yz/5yz line after EHLO (errors and 221 included,
    every line of multi-line replies) starts with class.subject.detail whose class is the code's first digit."""
    with Dialogue(server) as d:
        exts = d.ehlo()
        if "ENHANCEDSTATUSCODES" not in exts:
            raise NotApplicable("the server does not advertise ENHANCEDSTATUSCODES")
        d.check(exts["ENHANCEDSTATUSCODES"] == "", "SMTP-ESC-1", "ENHANCEDSTATUSCODES advertised with a parameter")
        lines = ["NOOP", "FOOBAR", "MAIL FROM:<x", f"RCPT TO:<{rcpt()}>", "MAIL FROM:<a@client.test>",
                 "RCPT TO:<a@exa_mple.test>", f"RCPT TO:<{rcpt()}>", "RSET", "HELP", "QUIT"]
        for line in lines:
            r = d.cmd(line)
            if r.klass == 3:
                continue
            for text in r.lines:
                m = ESC_LINE.match(text)
                d.check(m, "SMTP-ESC-2", f"reply to {line!r} lacks an enhanced status code", received=str(r))
                d.check(text[0] == str(r.klass), "SMTP-ESC-3", f"enhanced class differs from the reply code ({line!r})",
                        received=str(r))


@scenario("smtp-server-reply-syntax", category="protocol",
          requirements=["SMTP-REPLY-1", "SMTP-REPLY-2", "SMTP-REPLY-3", "SMTP-REPLY-6"], **P)
def test_reply_syntax(server):
    """Over a whole session (successes and errors) each command gets exactly one reply, every line matches
    `[2-5][0-5][0-9][ -]text CRLF`, at most 512 octets, with one code per reply."""
    tok = token()
    with Dialogue(server) as d:
        d.ehlo()
        for line in ("NOOP", "FOOBAR", "HELP", "VRFY postmaster", "MAIL FROM:<x", "RSET"):
            d.cmd(line)
        d.transaction(tok, reqs=("SMTP-REPLY-1",))
        d.cmd("QUIT")
        extra = d.silent_for(settings().scaled(0.3))
        d.check(not extra, "SMTP-REPLY-1", "more replies than commands", received=extra)
        for raw in d.raw_lines:
            d.check(REPLY_LINE.match(raw), "SMTP-REPLY-2", "malformed reply line", received=raw)
            d.check(len(raw) <= 512, "SMTP-REPLY-6", f"reply line of {len(raw)} octets (limit 512)", received=raw)


@scenario("smtp-server-enhanced-code-meanings", category="protocol", requirements=["SMTP-ESC-5"], **P)
def test_enhanced_code_meanings(server):
    """With ENHANCEDSTATUSCODES, the codes mean what RFC 3463 registers: 2.1.0 sender OK, 2.1.5 recipient
    OK, 2.0.0 for NOOP/QUIT, 5.5.x for an unknown command or a syntax error."""
    with Dialogue(server) as d:
        if "ENHANCEDSTATUSCODES" not in d.ehlo():
            raise NotApplicable("the server does not advertise ENHANCEDSTATUSCODES")
        for line, want in (("NOOP", ("2.0.0",)), ("FOOBAR", ("5.5.1", "5.5.2")),
                           ("MAIL FROM:<a@client.test>", ("2.1.0",)), (f"RCPT TO:<{rcpt()}>", ("2.1.5",)),
                           ("QUIT", ("2.0.0",))):
            r = d.cmd(line)
            d.check(r.enhanced in want, "SMTP-ESC-5", f"unexpected enhanced code for {line!r}",
                    expected=" or ".join(want), received=str(r))
