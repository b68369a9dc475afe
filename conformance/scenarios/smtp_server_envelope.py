"""SMTP server scenarios: the envelope, MAIL and RCPT with their paths, trace fields and relaying (RFC 5321
§3.3, §3.6, §4.1.1.2-3, §4.1.2, §4.4).
"""

from __future__ import annotations

import re

from conformance.registry import scenario
from conformance.scenarios.smtpdriver import Dialogue, domain, message, rcpt, token
from conformance.scenarios.smtpmaildir import delivered, expect_body, split_message
from reference_servers.smtp import wire

P = {"protocol": "smtp", "role": "server"}


@scenario("smtp-server-transaction", category="protocol", requirements=["SMTP-TXN-1", "SMTP-TXN-2", "SMTP-TXN-3"], **P)
def test_transaction(server):
    """MAIL, two RCPTs, DATA: 250, 250/251 each, 354, then 250; the message is delivered intact."""
    tok = token()
    with Dialogue(server) as d:
        d.ehlo()
        final = d.transaction(tok, rcpts=[rcpt("alice"), rcpt("bob")], reqs=("SMTP-TXN-1", "SMTP-TXN-2", "SMTP-TXN-3"))
        d.check(final.code == 250, "SMTP-TXN-3", "end-of-data not answered with 250", received=str(final))
        d.expect("QUIT", (221,), "SMTP-QUIT-1", "QUIT not answered with 221")
        copy = delivered(server, tok, "SMTP-TXN-3", "the accepted message was not delivered", d)[0]
        expect_body(d, copy, message(tok), "SMTP-TXN-3", "the delivered message differs from the one sent")


@scenario("smtp-server-received-header", category="protocol", requirements=["SMTP-TXN-11"], **P)
def test_received_header(server):
    """The delivered copy carries a `Received:` trace field above the original headers, naming the
    EHLO name in its FROM clause; the message's own headers follow unchanged."""
    tok = token()
    old = b"Received: from old.example by older.example; Mon, 1 Jan 2024 00:00:00 +0000\r\n"
    sent = message(tok).replace(b"Subject:", old + b"Subject:")
    with Dialogue(server) as d:
        d.ehlo("client.test")
        d.transaction(tok, content=wire.encode_data(sent), reqs=("SMTP-TXN-11",))
        copy = delivered(server, tok, "SMTP-TXN-11", "the message was not delivered", d)[0]
        fields, _ = split_message(copy)
        old_field = split_message(old.replace(b"\r\n", b"\n") + b"\n")[0][0]
        at = fields.index(old_field) if old_field in fields else len(fields)
        d.check(any(n == b"received" and re.match(rb"(?i)from\s+client\.test\b", v) for n, v in fields[:at]),
                "SMTP-TXN-11", "no Received: field with 'from client.test' above the message's own Received field",
                expected="Received: from client.test ... (prepended)", received=copy[:600])
        expect_body(d, copy, sent, "SMTP-TXN-11", "the message's own header fields or body were changed")


@scenario("smtp-server-null-reverse-path", category="protocol", requirements=["SMTP-TXN-4"], **P)
def test_null_reverse_path(server):
    """`MAIL FROM:<>` (bounces, DSNs) is accepted and the transaction completes."""
    tok = token()
    with Dialogue(server) as d:
        d.ehlo()
        final = d.transaction(tok, sender="", reqs=("SMTP-TXN-4",))
        d.check(final.code == 250, "SMTP-TXN-4", "message from <> refused", received=str(final))
        delivered(server, tok, "SMTP-TXN-4", "the message from <> was not delivered", d)


@scenario("smtp-server-postmaster", category="protocol", requirements=["SMTP-TXN-5"], **P)
def test_postmaster(server):
    """`RCPT TO:<POSTMASTER>` (no domain) and `postmaster@<domain>` are accepted, case-insensitively."""
    with Dialogue(server) as d:
        d.ehlo()
        d.expect("MAIL FROM:<a@client.test>", (250,), "SMTP-TXN-5", "MAIL refused")
        d.expect("RCPT TO:<POSTMASTER>", ("2",), "SMTP-TXN-5", "<POSTMASTER> refused")
        d.expect(f"RCPT TO:<PostMaster@{domain()}>", ("2",), "SMTP-TXN-5", "postmaster@domain refused")


@scenario("smtp-server-source-route", category="protocol", requirements=["SMTP-TXN-6", "SMTP-TXN-14"], **P)
def test_source_route(server):
    """The obsolete source route `<@relay.test,@hop.test:alice@domain>` is valid syntax (never 500/501,
    MUST); the server should ignore the route and take the message (SHOULD: it MAY decline the relaying)."""
    tok = token()
    with Dialogue(server) as d:
        d.ehlo()
        d.expect("MAIL FROM:<a@client.test>", (250,), "SMTP-TXN-6", "MAIL refused")
        r = d.cmd(f"RCPT TO:<@relay.test,@hop.test:{rcpt()}>", ("SMTP-TXN-6",))
        d.check(r.code not in (500, 501), "SMTP-TXN-6", "a source-routed recipient was rejected as a syntax error",
                received=str(r))
        d.check(r.klass == 2, "SMTP-TXN-14", "a source-routed recipient was refused (allowed: the route is ignored "
                "SHOULD, RFC 5321 §3.6.1)", received=str(r))
        d.expect("DATA", (354,), "SMTP-TXN-6", "DATA not answered with 354")
        d.send(wire.encode_data(message(tok)))
        final = d.reply(("SMTP-TXN-6",), "the end of the message content (<CRLF>.<CRLF>)")
        d.check(final.code == 250, "SMTP-TXN-14", "message with a source-routed recipient refused", received=str(final))


@scenario("smtp-server-local-part-case", category="protocol", requirements=["SMTP-TXN-7"], **P)
def test_local_part_case(server):
    """`RCPT TO:<Smith@EXAMPLE.TEST>` is accepted; where the delivered copy records the envelope
    recipient, the local-part keeps its case (`Smith`)."""
    tok = token()
    with Dialogue(server) as d:
        d.ehlo()
        d.transaction(tok, rcpts=[f"Smith{tok[-4:]}@{domain().upper()}"], reqs=("SMTP-TXN-7",))
        copy = delivered(server, tok, "SMTP-TXN-7", "the message was not delivered", d)[0]
        mentions = re.findall(rb"(?i)smith" + tok[-4:].encode(), copy)
        d.check(all(m == b"Smith" + tok[-4:].encode() for m in mentions), "SMTP-TXN-7",
                "the envelope recipient's local-part lost its case", expected=f"Smith{tok[-4:]}", received=b", ".join(mentions))


@scenario("smtp-server-quoted-local-part", category="protocol", requirements=["SMTP-TXN-8"], **P)
def test_quoted_local_part(server):
    """A quoted local-part `"john doe"@domain` is valid syntax: never 501."""
    with Dialogue(server) as d:
        d.ehlo()
        d.expect("MAIL FROM:<a@client.test>", (250,), "SMTP-TXN-8", "MAIL refused")
        r = d.cmd(f'RCPT TO:<"john doe"@{domain()}>')
        d.check(r.code != 501, "SMTP-TXN-8", "quoted local-part rejected as a syntax error", received=str(r))


@scenario("smtp-server-no-relay", category="security", requirements=["SMTP-TXN-13"], **P)
def test_no_relay(server):
    """A recipient in a foreign domain (`victim@elsewhere.invalid`) is refused (5yz): a final-delivery
    server that accepts it is an open relay, or queues mail it can never deliver.  Which domains a host
    accepts is local policy (a sink that stores everything locally may accept all): a warning."""
    with Dialogue(server) as d:
        d.ehlo()
        d.expect("MAIL FROM:<a@client.test>", (250,), "SMTP-TXN-1", "MAIL refused")
        d.expect("RCPT TO:<victim@elsewhere.invalid>", ("5",), "SMTP-TXN-13",
                 "a recipient in a foreign domain was accepted (open relay?)")


@scenario("smtp-server-mail-space-after-colon", category="robustness", requirements=["SMTP-TXN-10"], **P)
def test_mail_space_after_colon(server):
    """`MAIL FROM: <a@client.test>` (a space after the colon, common in the wild) gets 250 (tolerated) or
    501 (strict); either is conformant, but nothing else, and the session goes on."""
    with Dialogue(server) as d:
        d.ehlo()
        d.expect("MAIL FROM: <a@client.test>", (250, 501), "SMTP-TXN-10", "neither tolerated (250) nor refused (501)")
        d.expect("RSET", (250,), "SMTP-TXN-10", "session unusable afterwards")
