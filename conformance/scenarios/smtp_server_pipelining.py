"""SMTP server scenarios: partial reads (commands and content cut anywhere) and command pipelining (RFC 5321
§2.3.8, §4.1.1.4; RFC 2920).
"""

from __future__ import annotations

from conformance.errors import NotApplicable
from conformance.registry import scenario
from conformance.scenarios.smtpdriver import Dialogue, message, noop_supported, rcpt, require_pipelining, show, token
from conformance.scenarios.smtpmaildir import delivered
from netconformance_fixtures.context import settings
from reference_servers.smtp import wire

P = {"protocol": "smtp", "role": "server"}


@scenario("smtp-server-trickled-session", category="partial-reads", requirements=["NET-TCP-1", "SMTP-DATA-1"], **P)
def test_trickled_session(server):
    """A whole session written one byte per segment (3 ms apart): same replies, message delivered."""
    tok = token()
    with Dialogue(server) as d:
        d.send(b"EHLO client.test\r\n", chunk=1, gap=0.003)
        d.reply("NET-TCP-1", "trickled EHLO")
        for line, code in ((b"MAIL FROM:<a@client.test>\r\n", 250), (f"RCPT TO:<{rcpt()}>\r\n".encode(), 250),
                           (b"DATA\r\n", 354), (wire.encode_data(message(tok)), 250)):
            r = d.cmd(line, ("NET-TCP-1",), chunk=1, gap=0.003)
            d.check(r.code == code, "NET-TCP-1", f"trickled {show(line)} answered {r.code}", expected=str(code))
        delivered(server, tok, "NET-TCP-1", "the trickled message was not delivered", d)


@scenario("smtp-server-split-end-of-data", category="partial-reads", requirements=["SMTP-DATA-1"], **P)
def test_split_end_of_data(server):
    """The final `\\r\\n.\\r\\n` arrives one octet per write, 50 ms apart: 250, then delivery."""
    tok = token()
    data = wire.encode_data(message(tok))
    with Dialogue(server) as d:
        d.ehlo()
        d.expect("MAIL FROM:<a@client.test>", (250,), "SMTP-DATA-1", "MAIL refused")
        d.expect(f"RCPT TO:<{rcpt()}>", ("2",), "SMTP-DATA-1", "RCPT refused")
        d.expect("DATA", (354,), "SMTP-DATA-1", "DATA refused")
        n = len(data)
        r = d.cmd(data, ("SMTP-DATA-1",), cuts=[n - 5, n - 4, n - 3, n - 2, n - 1], gap=0.05)
        d.check(r.code == 250, "SMTP-DATA-1", "split end-of-data not recognized", received=str(r))
        delivered(server, tok, "SMTP-DATA-1", "the message was not delivered", d)


@scenario("smtp-server-split-inside-crlf", category="partial-reads", requirements=["NET-TCP-1", "SMTP-LINE-1"], **P)
def test_split_inside_crlf(server):
    """Commands cut between CR and LF and between verb and argument (30 ms pauses) are answered normally."""
    with Dialogue(server) as d:
        line = b"EHLO client.test\r\n"
        d.cmd(line, ("NET-TCP-1",), cuts=[4, len(line) - 1], gap=0.03)
        line = b"MAIL FROM:<a@client.test>\r\n"
        r = d.cmd(line, ("NET-TCP-1",), cuts=[4, 10, len(line) - 1], gap=0.03)
        d.check(r.code == 250, "NET-TCP-1", "MAIL split inside CRLF refused", received=str(r))


@scenario("smtp-server-data-then-quit-one-segment", category="partial-reads", requirements=["SMTP-DATA-10", "NET-TCP-2"], **P)
def test_data_then_quit(server):
    """The content, `.` and `QUIT` in one write: 250 then 221 (bytes after end-of-data are commands)."""
    tok = token()
    with Dialogue(server) as d:
        require_pipelining(d.ehlo(), "QUIT sent before the reply to end-of-data")
        d.expect("MAIL FROM:<a@client.test>", (250,), "SMTP-DATA-10", "MAIL refused")
        d.expect(f"RCPT TO:<{rcpt()}>", ("2",), "SMTP-DATA-10", "RCPT refused")
        d.expect("DATA", (354,), "SMTP-DATA-10", "DATA refused")
        d.send(wire.encode_data(message(tok)) + b"QUIT\r\n")
        r1 = d.reply("SMTP-DATA-10", "end-of-data")
        r2 = d.reply(("SMTP-DATA-10", "NET-TCP-2"), "the QUIT sent in the same segment as end-of-data")
        d.check((r1.code, r2.code) == (250, 221), "SMTP-DATA-10", "wrong replies", expected="250 then 221",
                received=f"{r1} then {r2}")


@scenario("smtp-server-commands-one-segment", category="partial-reads", requirements=["SMTP-PIPE-6", "NET-TCP-2"], **P)
def test_commands_one_segment(server):
    """`NOOP` three times in one write gets three 250s (the input buffer is never dropped)."""
    with Dialogue(server) as d:
        require_pipelining(d.ehlo(), "three NOOPs in one write")
        if not noop_supported(server):
            raise NotApplicable("the server does not implement NOOP (reported by smtp-server-minimum-commands)")
        d.send(b"NOOP\r\nNOOP\r\nNOOP\r\n")
        for i in range(3):
            r = d.reply(("SMTP-PIPE-6", "NET-TCP-2"), f"NOOP #{i + 1} of one segment")
            d.check(r.code == 250, "SMTP-PIPE-6", f"NOOP #{i + 1} answered {r.code}")


@scenario("smtp-server-pipelining", category="protocol", requirements=["SMTP-PIPE-5", "SMTP-PIPE-6", "SMTP-PIPE-11"], **P)
def test_pipelining(server):
    """With PIPELINING advertised, one write of MAIL, RCPT (good), RCPT (bad syntax), RCPT (good), DATA gets
    250, 250, 501, 250, 354 in that order, then the message is accepted."""
    tok = token()
    with Dialogue(server) as d:
        if "PIPELINING" not in d.ehlo():
            raise NotApplicable("the server does not advertise PIPELINING")
        d.send(f"MAIL FROM:<a@client.test>\r\nRCPT TO:<{rcpt('alice')}>\r\nRCPT TO:<a@exa_mple.test>\r\n"
               f"RCPT TO:<{rcpt('bob')}>\r\nDATA\r\n".encode())
        codes = [d.reply("SMTP-PIPE-5", f"pipelined command #{i + 1}").code for i in range(5)]
        d.check([c // 100 for c in codes] == [2, 2, 5, 2, 3], ("SMTP-PIPE-5", "SMTP-PIPE-6"),
                "pipelined replies missing or out of order", expected="250 250 501 250 354",
                received=" ".join(map(str, codes)))
        r = d.cmd(wire.encode_data(message(tok)))
        d.check(r.code == 250, "SMTP-PIPE-5", "pipelined message refused", received=str(r))


@scenario("smtp-server-pipelining-no-held-replies", category="protocol", requirements=["SMTP-PIPE-7", "SMTP-PIPE-10"], **P)
def test_no_held_replies(server):
    """One write of MAIL+RCPT, then nothing: both replies arrive within 6T (pending replies are flushed
    when the input is empty; a server holding them waits for the next command forever)."""
    with Dialogue(server) as d:
        d.ehlo()
        d.send(f"MAIL FROM:<a@client.test>\r\nRCPT TO:<{rcpt()}>\r\n".encode())
        d.reply("SMTP-PIPE-7", "MAIL (pipelined)", timeout=settings().scaled(6))
        d.reply("SMTP-PIPE-7", "RCPT (then the client waits)", timeout=settings().scaled(6))
        d.send(b"NOOP\r\n")
        d.reply("SMTP-PIPE-10", "NOOP (never held back)", timeout=settings().scaled(6))
