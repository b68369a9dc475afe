"""SMTP server scenarios: DATA, dot-stuffing and transparency, 8BITMIME, smuggling and the end-of-data reply
(RFC 5321 §4.1.1.4, §4.5.2, §4.5.3.1.6; RFC 6152).
"""

from __future__ import annotations

import time

from conformance.checks import fail
from conformance.errors import NotApplicable
from conformance.registry import scenario
from conformance.scenarios.smtpdriver import Dialogue, message, rcpt, token
from conformance.scenarios.smtpmaildir import delivered, expect_body, files_with, not_delivered
from netconformance_fixtures.context import settings
from reference_servers.smtp import wire

P = {"protocol": "smtp", "role": "server"}


@scenario("smtp-server-data-dot-unstuffing", category="protocol", requirements=["SMTP-DATA-2", "SMTP-HIST-1"], **P)
def test_dot_unstuffing(server):
    """Content lines `..foo`, `..`, `...` are stored as `.foo`, `.`, `..` (the first dot removed)."""
    tok = token()
    body = b".foo\r\n.\r\n..\r\nmid . dot\r\n"
    with Dialogue(server) as d:
        d.ehlo()
        final = d.transaction(tok, body=body, reqs=("SMTP-DATA-2",))
        d.check(final.code == 250, "SMTP-DATA-2", "message refused", received=str(final))
        copy = delivered(server, tok, "SMTP-DATA-2", "the message was not delivered", d)[0]
        expect_body(d, copy, message(tok, body), "SMTP-DATA-2", "stuffing dots were not removed (or the body changed)")


@scenario("smtp-server-data-transparency", category="protocol", requirements=["SMTP-DATA-7"], **P)
def test_data_transparency(server):
    """Every printable ASCII character, HT, VT, FF, other controls and trailing spaces are delivered unchanged."""
    tok = token()
    body = bytes(range(0x20, 0x7F)) + b"\r\n\ttab\x0bvt\x0cff\x01\x1b[0m  \r\ntrailing spaces   \r\n"
    with Dialogue(server) as d:
        d.ehlo()
        final = d.transaction(tok, body=body, reqs=("SMTP-DATA-7",))
        d.check(final.code == 250, "SMTP-DATA-7", "message with control characters refused", received=str(final))
        copy = delivered(server, tok, "SMTP-DATA-7", "the message was not delivered", d)[0]
        expect_body(d, copy, message(tok, body), "SMTP-DATA-7", "ASCII content was altered")


@scenario("smtp-server-data-long-lines", category="protocol", requirements=["SMTP-DATA-8"], **P)
def test_data_long_lines(server):
    """A 998-octet line (1000 with CRLF) is stored intact; a 10 000-octet line is stored intact or refused
    with 5yz at end-of-data, never split or truncated, and the session stays usable."""
    tok, tok2 = token(), token()
    ok_line = b"x" * 998 + b"\r\n"
    long_line = b"y" * 10_000 + b"\r\n"
    with Dialogue(server) as d:
        d.ehlo()
        final = d.transaction(tok, body=ok_line, reqs=("SMTP-DATA-8",))
        d.check(final.code == 250, "SMTP-DATA-8", "a 1000-octet line was refused", received=str(final))
        copy = delivered(server, tok, "SMTP-DATA-8", "the message was not delivered", d)[0]
        expect_body(d, copy, message(tok, ok_line), "SMTP-DATA-8", "a 1000-octet line was altered")
        final = d.transaction(tok2, body=long_line, reqs=("SMTP-DATA-8",))
        d.check(final.code == 250 or final.klass == 5, "SMTP-DATA-8", "a 10 000-octet line got neither 250 nor 5yz",
                received=str(final))
        d.probe("SMTP-DATA-8", "session unusable after a long line")
        if final.code == 250:
            copy = delivered(server, tok2, "SMTP-DATA-8", "the accepted message was not delivered", d)[0]
            expect_body(d, copy, message(tok2, long_line), "SMTP-DATA-8", "a long line was split or truncated")


@scenario("smtp-server-data-100k", category="protocol", requirements=["SMTP-DATA-9"], **P)
def test_data_100k(server):
    """A 100 KiB message is accepted and delivered byte-identical."""
    tok = token()
    body = b"".join(b"%06d " % i + b"abcdefghij" * 6 + b"\r\n" for i in range(1500))
    with Dialogue(server) as d:
        d.ehlo()
        final = d.transaction(tok, body=body, reqs=("SMTP-DATA-9",))
        d.check(final.code == 250, "SMTP-DATA-9", "a 100 KiB message was refused", received=str(final))
        copy = delivered(server, tok, "SMTP-DATA-9", "the message was not delivered", d)[0]
        expect_body(d, copy, message(tok, body), "SMTP-DATA-9", "the 100 KiB message was altered")


@scenario("smtp-server-8bitmime", category="protocol", requirements=["SMTP-8BIT-1", "SMTP-8BIT-2", "SMTP-8BIT-3"], **P)
def test_8bitmime(server):
    """With 8BITMIME advertised: `BODY=8bitmime` is accepted, and 8-bit content (UTF-8 and every octet
    0x80-0xFF, with dot-leading lines) is delivered bit for bit."""
    tok = token()
    body = "Grüße, ½ € ✓\r\n".encode() + b".\x80\x81" + bytes(range(0x82, 0x100)) + b"\r\n..dot\r\n"
    with Dialogue(server) as d:
        exts = d.ehlo()
        if "8BITMIME" not in exts:
            raise NotApplicable("the server does not advertise 8BITMIME")
        d.check(exts["8BITMIME"] == "", "SMTP-8BIT-1", "8BITMIME advertised with a parameter")
        d.expect("MAIL FROM:<a@client.test> BODY=8bitmime", (250,), "SMTP-8BIT-1", "BODY=8bitmime refused")
        d.expect(f"RCPT TO:<{rcpt()}>", ("2",), "SMTP-8BIT-2", "RCPT refused")
        d.expect("DATA", (354,), "SMTP-8BIT-2", "DATA refused")
        final = d.cmd(wire.encode_data(message(tok, body)))
        d.check(final.code == 250, "SMTP-8BIT-2", "8-bit message refused", received=str(final))
        copy = delivered(server, tok, "SMTP-8BIT-2", "the message was not delivered", d)[0]
        expect_body(d, copy, message(tok, body), ("SMTP-8BIT-2", "SMTP-8BIT-3"), "8-bit content was altered")


@scenario("smtp-server-data-bare-cr-lf", category="robustness", requirements=["SMTP-DATA-4", "SMTP-DATA-1"], **P)
def test_data_bare_cr_lf(server):
    """Content with bare CR and bare LF inside lines gets exactly one reply at the real `<CRLF>.<CRLF>`
    (250 with the text kept, or 5yz), and the session goes on."""
    tok = token()
    body = b"one\rtwo\nthree\r\n\n.\r\r.\n"
    with Dialogue(server) as d:
        d.ehlo()
        final = d.transaction(tok, content=message(tok, body) + b"\r\n.\r\n", reqs=("SMTP-DATA-4",))
        d.check(final.code == 250 or final.klass == 5, "SMTP-DATA-4", "unexpected reply", received=str(final))
        d.probe("SMTP-DATA-4", "out of step after bare CR/LF content")


@scenario("smtp-server-8bit-without-body", category="robustness", requirements=["SMTP-8BIT-2", "SMTP-QUIT-2"], **P)
def test_8bit_without_body(server):
    """8-bit content without `BODY=8BITMIME`: one reply (250 or 5yz), no crash, the session goes on."""
    tok = token()
    with Dialogue(server) as d:
        d.ehlo()
        final = d.transaction(tok, body=bytes(range(0x80, 0x100)) + b"\r\n", reqs=("SMTP-8BIT-2",))
        d.check(final.code == 250 or final.klass == 5, "SMTP-8BIT-2", "unexpected reply", received=str(final))
        d.probe("SMTP-QUIT-2", "session unusable after 8-bit content")


@scenario("smtp-server-no-smuggling", category="security", requirements=["SMTP-DATA-4"], **P)
def test_no_smuggling(server):
    """SMTP smuggling: `\\n.\\n`, `\\r.\\r`, `\\r\\n.\\n` and `\\n.\\r\\n` followed by a smuggled
    `MAIL FROM`/`RCPT`/`DATA` must not end the data: exactly one reply at the real `<CRLF>.<CRLF>`."""
    for fake_end in (b"\n.\n", b"\r.\r", b"\r\n.\n", b"\n.\r\n"):
        tok, evil = token(), token()
        smuggled = (f"MAIL FROM:<evil@client.test>\r\nRCPT TO:<{rcpt('victim')}>\r\nDATA\r\n"
                    f"Subject: {evil}\r\n\r\nsmuggled\r\n").encode()
        with Dialogue(server) as d:
            d.ehlo()
            content = message(tok, b"hi" + fake_end) + smuggled + b".\r\n"
            final = d.transaction(tok, content=content, reqs=("SMTP-DATA-4",))
            extra = d.silent_for(settings().timeout)
            d.check(not extra and (final.code == 250 or final.klass == 5), "SMTP-DATA-4",
                    f"{fake_end!r} ended the data: the smuggled commands were answered",
                    expected="one reply after the real <CRLF>.<CRLF>", received=f"{final} then {extra!r}")
            d.probe("SMTP-DATA-4", "out of step after the smuggling attempt")
        time.sleep(settings().scaled(0.2))
        for copy in files_with(server.require("maildir"), evil):
            if tok.encode() not in copy:
                fail("SMTP-DATA-4", f"a smuggled message was delivered on its own ({fake_end!r})", received=copy[:300])


@scenario("smtp-server-storage-failure", category="robustness", requirements=["SMTP-TXN-12"], **P)
def test_storage_failure(server_factory):
    """With storage failing (reference fault injection), end-of-data gets 4yz/5yz and nothing is delivered."""
    server = server_factory(fail_delivery=True)
    tok = token()
    with Dialogue(server) as d:
        d.ehlo()
        final = d.transaction(tok, reqs=("SMTP-TXN-12",))
        d.check(final.klass in (4, 5), "SMTP-TXN-12", "250 although the message could not be stored", received=str(final))
    not_delivered(server, tok, "SMTP-TXN-12", "a message refused at end-of-data was delivered")
