"""SMTP server scenarios: command lines and their limits, and the SIZE extension (RFC 5321 §2.3.8, §4.5.3.1;
RFC 1870).
"""

from __future__ import annotations

import re

from conformance.errors import NotApplicable
from conformance.registry import scenario
from conformance.scenarios.smtpdriver import Dialogue, domain, message, rcpt, token
from conformance.scenarios.smtpmaildir import delivered
from netconformance_fixtures.context import settings
from reference_servers.smtp import wire

P = {"protocol": "smtp", "role": "server"}


@scenario("smtp-server-line-needs-crlf", category="partial-reads", requirements=["SMTP-LINE-1", "NET-TCP-1"], **P)
def test_line_needs_crlf(server):
    """`NOOP` without its CRLF gets no reply for T seconds; the CRLF then brings 250."""
    with Dialogue(server) as d:
        d.send(b"NOOP")
        early = d.silent_for(settings().timeout)
        d.check(not early, "SMTP-LINE-1", "the server replied before the command's CRLF arrived", received=early)
        d.send(b"\r\n")
        r = d.reply("SMTP-LINE-1", "NOOP completed by its CRLF")
        d.check(r.code == 250, "SMTP-LINE-1", "NOOP split before its CRLF not answered with 250", received=str(r))


@scenario("smtp-server-bare-lf-command", category="robustness", requirements=["SMTP-LINE-2"], **P)
def test_bare_lf_command(server):
    """`NOOP<LF>` is not a complete command: no 250 within T (many production servers are lenient here)."""
    with Dialogue(server) as d:
        d.send(b"NOOP\n")
        got = d.silent_for(settings().timeout)
        d.check(not got.startswith(b"250"), "SMTP-LINE-2", "a bare LF was taken as the end of a command line",
                received=got)


@scenario("smtp-server-line-length", category="robustness", requirements=["SMTP-LINE-3", "SMTP-QUIT-2"], **P)
def test_line_length(server):
    """A 512-octet command line is accepted; a 4 KiB one gets one reply (500 "line too long", or 250: RFC
    5321 §4.5.3.1 prefers no limits) and the session continues."""
    with Dialogue(server) as d:
        d.expect(b"NOOP " + b"x" * 505 + b"\r\n", (250,), "SMTP-LINE-3", "a 512-octet NOOP line was refused")
        d.expect(b"NOOP " + b"y" * 4096 + b"\r\n", ("5", 250), "SMTP-LINE-3", "a 4 KiB line got neither 250 nor 5yz")
        d.probe(("SMTP-LINE-3", "SMTP-QUIT-2"), "session unusable after a too-long line")


@scenario("smtp-server-limit-local-part", category="protocol", requirements=["SMTP-LIMIT-1"], **P)
def test_limit_local_part(server):
    """A 64-octet local-part is receivable: never 501."""
    with Dialogue(server) as d:
        d.ehlo()
        d.expect("MAIL FROM:<a@client.test>", (250,), "SMTP-LIMIT-1", "MAIL refused")
        r = d.cmd(f"RCPT TO:<{'l' * 64}@{domain()}>")
        d.check(r.code != 501, "SMTP-LIMIT-1", "a 64-octet local-part was rejected as too long", received=str(r))


@scenario("smtp-server-limit-recipients", category="protocol",
          requirements=["SMTP-LIMIT-2", "SMTP-LIMIT-3", "SMTP-PIPE-5"], **P)
def test_limit_recipients(server):
    """100 recipients are accepted; beyond the server's own limit the reply is 452 (never 552), and the
    message then goes to the recipients already accepted."""
    tok = token()
    with Dialogue(server) as d:
        exts = d.ehlo()
        d.expect("MAIL FROM:<a@client.test>", (250,), "SMTP-LIMIT-2", "MAIL refused")
        rcpts = [f"u{i}.{tok[-6:]}@{domain()}" for i in range(120)]
        if "PIPELINING" in exts:
            d.send(b"".join(f"RCPT TO:<{r}>\r\n".encode() for r in rcpts))
            replies = [d.reply("SMTP-LIMIT-2", f"RCPT #{i + 1}") for i in range(len(rcpts))]
        else:
            replies = [d.cmd(f"RCPT TO:<{r}>") for r in rcpts]
        codes = [r.code for r in replies]
        d.check(all(c in (250, 251) for c in codes[:100]), "SMTP-LIMIT-2", "fewer than 100 recipients accepted",
                received=" ".join(map(str, codes[:100])))
        d.check(all(c in (250, 251, 452) or c // 100 == 5 for c in codes[100:]), "SMTP-LIMIT-3",
                "too many recipients not answered with 452 (or a site-policy 5yz)", received=" ".join(map(str, codes[100:])))
        d.expect("DATA", (354,), "SMTP-LIMIT-3", "DATA refused")
        final = d.cmd(wire.encode_data(message(tok)))
        d.check(final.code == 250, "SMTP-LIMIT-3", "message to 100+ recipients refused", received=str(final))
        delivered(server, tok, "SMTP-LIMIT-2", "the message to 100+ recipients was not delivered", d)


# ====================================================================== SIZE, ENHANCEDSTATUSCODES, replies
def _size_limit(d: Dialogue, exts) -> int:
    if "SIZE" not in exts:
        raise NotApplicable("the server does not advertise SIZE")
    value = exts["SIZE"]
    d.check(re.match(r"^\d*$", value), "SMTP-SIZE-1", "SIZE parameter is not a decimal number", received=value)
    return int(value or 0)


@scenario("smtp-server-size", category="protocol",
          requirements=["SMTP-SIZE-1", "SMTP-SIZE-2", "SMTP-SIZE-3", "SMTP-SIZE-11", "SMTP-SIZE-12"], **P)
def test_size(server):
    """`SIZE=1000` is accepted on a MAIL line made 26 octets longer than 512; a declared size above the
    advertised maximum gets 552; two SIZE parameters are refused (checked last: a warning, which must not
    hide the MUSTs before it)."""
    with Dialogue(server) as d:
        exts = d.ehlo()
        limit = _size_limit(d, exts)
        sender = "s" * 64 + "@" + ".".join(["d" * 60] * 3) + ".test"  # a path of 254 octets
        line = f"MAIL FROM:<{sender}> SIZE=1000"
        d.expect(line, (250,), ("SMTP-SIZE-2", "SMTP-SIZE-11"), "MAIL with SIZE=1000 refused")
        d.cmd("RSET")
        if limit:
            d.expect(f"MAIL FROM:<a@client.test> SIZE={limit + 1}", (552,), "SMTP-SIZE-3",
                     "declared size above the advertised maximum not answered with 552")
            d.cmd("RSET")
        d.expect("MAIL FROM:<a@client.test> SIZE=10 SIZE=20", ("5",), "SMTP-SIZE-12", "two SIZE parameters accepted")


@scenario("smtp-server-size-counting", category="protocol", requirements=["SMTP-SIZE-4", "SMTP-SIZE-6"], **P)
def test_size_counting(server):
    """A message of exactly the advertised maximum (counted without stuffing dots and terminator), made of
    dot-leading lines, is accepted."""
    with Dialogue(server) as d:
        exts = d.ehlo()
        limit = _size_limit(d, exts)
        if not limit or limit > 4 * 2**20:
            raise NotApplicable(f"advertised SIZE {limit or 'unlimited'} is not practical to fill")
        tok = token()
        head = message(tok, b"")
        line = b".0123456789abcdefghijklmnopqrstuvwxyz\r\n"
        n, rest = divmod(limit - len(head), len(line))
        body = line * n + (b"z" * (rest - 2) + b"\r\n" if rest >= 2 else b"")
        msg = head + body
        msg = msg if len(msg) == limit else msg[:limit - 2] + b"\r\n"
        d.expect(f"MAIL FROM:<a@client.test> SIZE={len(msg)}", (250,), "SMTP-SIZE-6", "declared size refused")
        d.expect(f"RCPT TO:<{rcpt()}>", ("2",), "SMTP-SIZE-4", "RCPT refused")
        d.expect("DATA", (354,), "SMTP-SIZE-4", "DATA refused")
        final = d.cmd(wire.encode_data(msg))
        d.check(final.code == 250, "SMTP-SIZE-4", f"a message of exactly SIZE {limit} octets was refused "
                "(stuffing dots counted?)", received=str(final))


@scenario("smtp-server-size-not-framing", category="robustness", requirements=["SMTP-SIZE-5"], **P)
def test_size_not_framing(server):
    """`SIZE=10` then a 300-octet message: the server reads to `<CRLF>.<CRLF>` and gives one reply, not one
    per body line."""
    with Dialogue(server) as d:
        exts = d.ehlo()
        _size_limit(d, exts)
        d.expect("MAIL FROM:<a@client.test> SIZE=10", (250,), "SMTP-SIZE-5", "MAIL with SIZE=10 refused")
        d.expect(f"RCPT TO:<{rcpt()}>", ("2",), "SMTP-SIZE-5", "RCPT refused")
        d.expect("DATA", (354,), "SMTP-SIZE-5", "DATA refused")
        d.cmd(wire.encode_data(message(token(), b"NOOP\r\n" * 40)))
        d.probe("SMTP-SIZE-5", "the reply after the message is out of step (SIZE used to frame DATA?)")
        extra = d.silent_for(settings().scaled(0.5))
        d.check(not extra, "SMTP-SIZE-5", "extra replies: body lines were read as commands", received=extra)
