"""SMTP servers (RFC 5321 with PIPELINING, SIZE, 8BITMIME, ENHANCEDSTATUSCODES): the suite is the client.

Every failure shows the dialogue (commands and replies) up to the point of failure.  Messages carry a
unique token; the delivered copy is found under ``{maildir}`` (any layout, polled because real servers
queue before they deliver) and compared after transparency, allowing added trace headers above the
original ones.  Recipients are local parts at ``--smtp-domain`` (default ``example.test``, DESIGN §4); the suite never expects a 550
for an unknown user from a third-party server.
"""

from __future__ import annotations

import re
import secrets
import threading
import time
from pathlib import Path

from conformance.checks import fail
from conformance.errors import NotApplicable, ProtocolError
from conformance.registry import scenario
from conformance.scenarios import common
from netconformance_fixtures import netio
from netconformance_fixtures.context import settings
from reference_servers.smtp import wire

P = {"protocol": "smtp", "role": "server"}
REPLY_LINE = re.compile(rb"^[2-5][0-5][0-9]([ -][^\r\n]*)?\r\n$")
ESC_LINE = re.compile(r"^[245]\.\d{1,3}\.\d{1,3}( +|$)")


def domain() -> str:
    """The recipients' mail domain (``--smtp-domain``, DESIGN §4)."""
    return settings().smtp_domain


def token() -> str:
    return "nc-" + secrets.token_hex(6)


def rcpt(local: str = "alice") -> str:
    return f"{local}@{domain()}"


def message(tok: str, body: bytes = b"Hello.\r\n") -> bytes:
    """A valid RFC 5322 message (CRLF; Date, From, To, Subject with ``tok``, Message-ID), so that a server
    has no reason to add header fields of its own beyond trace fields."""
    return (f"Date: Mon, 1 Jan 2024 00:00:00 +0000\r\nFrom: <sender@client.test>\r\nTo: <{rcpt()}>\r\n"
            f"Subject: {tok}\r\nMessage-ID: <{tok}@client.test>\r\n\r\n").encode() + body


class Dialogue:
    """One SMTP session driven by a scenario; every command and reply is kept for failure messages."""

    def __init__(self, server, *, greet: bool = True, reqs=("SMTP-CONN-1",)) -> None:
        self.server = server
        self.sock = netio.connect(server.address("tcp"))
        self.parser = wire.ReplyParser(strict=True, line_limit=1 << 20)
        self.log: list[tuple[str, bytes]] = []
        self.received = bytearray()  # every octet of every reply, for line-level checks
        self.greeting: wire.Reply | None = None
        if greet:
            self.greeting = self.reply(reqs, "the greeting")
            if self.greeting.code != 220:
                self.fail(reqs, "no 220 greeting", expected="220 <domain> ...", received=str(self.greeting))

    # ---------------------------------------------------------------- I/O
    def send(self, data: bytes, *, chunk: int = 0, gap: float = 0.004, cuts: list[int] | None = None) -> None:
        self.log.append(("C", data))
        try:
            if cuts is not None:
                netio.send_split(self.sock, data, cuts, gap)
            elif chunk:
                netio.trickle(self.sock, data, chunk, gap)
            else:
                self.sock.sendall(data)
        except OSError as exc:
            self.fail(("NET-TCP-5",), f"cannot send: {exc.strerror or exc} (the server closed the session?)")

    def reply(self, reqs, what: str, timeout: float | None = None) -> wire.Reply:
        """The next complete reply, or a failure naming ``what`` was awaited."""
        timeout = settings().scaled(8) if timeout is None else timeout
        deadline = time.monotonic() + timeout
        while True:
            try:
                r = self.parser.next_reply()
            except ProtocolError as exc:
                self.fail((*_ids(reqs), "SMTP-REPLY-2"), f"malformed reply to {what}: {exc}",
                          expected="3 digits, SP or '-', text, CRLF; one code per reply")
            if r is not None:
                self.log.append(("S", r.format()))
                return r
            left = deadline - time.monotonic()
            if left <= 0:
                self.fail(reqs, f"no complete reply to {what}", expected="a reply line ending with CRLF",
                          received=f"{self.parser.pending!r} then nothing for {timeout:g} s")
            self.sock.settimeout(left)
            try:
                data = self.sock.recv(65536)
            except TimeoutError:
                continue
            except ConnectionResetError:
                self.fail(reqs, f"connection reset while waiting for the reply to {what}")
            if not data:
                self.fail((*_ids(reqs), "SMTP-QUIT-2"), f"the server closed the connection instead of replying to {what}",
                          received=f"EOF after {self.parser.pending!r}")
            self.received += data
            self.parser.feed(data)

    def cmd(self, line: str | bytes, reqs=("SMTP-REPLY-1",), **kw) -> wire.Reply:
        data = line if isinstance(line, bytes) else line.encode() + b"\r\n"
        self.send(data, **kw)
        return self.reply(reqs, _show(data))

    def expect(self, line: str | bytes, codes, reqs, summary: str, **kw) -> wire.Reply:
        """Send ``line``; fail unless the reply code is in ``codes`` (ints, or digits as '2' for 2yz)."""
        r = self.cmd(line, reqs, **kw)
        if not _code_in(r.code, codes):
            self.fail(reqs, summary, sent=_show(line), expected=_codes(codes), received=str(r))
        return r

    @property
    def raw_lines(self) -> list[bytes]:
        return bytes(self.received).splitlines(keepends=True)

    def silent_for(self, seconds: float) -> bytes:
        got = netio.recv_for(self.sock, seconds)
        if got.data:
            self.log.append(("S", got.data))
            self.received += got.data
            self.parser.feed(got.data)
        return got.data

    def at_eof(self, seconds: float) -> str:
        got = netio.recv_to_eof(self.sock, seconds)
        if got.data:
            self.log.append(("S", got.data))
        return got.end

    def close(self) -> None:
        self.sock.close()

    def __enter__(self) -> Dialogue:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # ---------------------------------------------------------------- verdicts
    def dialogue(self) -> str:
        return wire.dialogue_text(self.log, limit=2500)

    def fail(self, reqs, summary: str, **kw):
        detail = kw.pop("detail", None)
        text = "dialogue:\n" + "\n".join("            " + ln for ln in self.dialogue().splitlines())
        fail(_ids(reqs), summary, detail=(detail + "\n  " if detail else "") + text, **kw)

    def check(self, cond, reqs, summary: str, **kw) -> None:
        if not cond:
            self.fail(reqs, summary, **kw)

    # ---------------------------------------------------------------- steps
    def probe(self, reqs, summary: str) -> None:
        """NOOP as a probe that the session is still in step.  A server that does not implement NOOP at
        all (500/502 in a fresh session too) is reported once, by smtp-server-minimum-commands; here the
        scenario is then not applicable rather than a failure of ``reqs``."""
        r = self.cmd("NOOP", reqs)
        if r.code == 250:
            return
        if r.code in (500, 502) and not noop_supported(self.server):
            raise NotApplicable("the server does not implement NOOP (reported by smtp-server-minimum-commands), "
                                "which this scenario uses as a probe")
        self.fail(reqs, summary, sent="NOOP", expected="250", received=str(r))

    def ehlo(self, name: str = "client.test") -> dict[str, str]:
        r = self.expect(f"EHLO {name}", (250,), ("SMTP-EHLO-1",), "EHLO refused")
        return wire.parse_ehlo_keywords(r)

    def transaction(self, tok: str, *, sender: str = "sender@client.test", rcpts=None, body: bytes = b"Hello.\r\n",
                    reqs=("SMTP-TXN-3",), content: bytes | None = None) -> wire.Reply:
        """MAIL, RCPT..., DATA, content (dot-stuffed unless ``content`` is given raw); return the final reply."""
        self.expect(f"MAIL FROM:<{sender}>", (250,), reqs, "MAIL refused")
        for r in rcpts or [rcpt()]:
            self.expect(f"RCPT TO:<{r}>", ("2",), reqs, f"RCPT <{r}> refused")
        self.expect("DATA", (354,), reqs, "DATA not answered with 354")
        data = content if content is not None else wire.encode_data(message(tok, body))
        self.send(data)
        return self.reply(reqs, "the end of the message content (<CRLF>.<CRLF>)")


_NOOP: dict[object, bool] = {}


def noop_supported(server) -> bool:
    """Whether NOOP gets 250 in a fresh session after EHLO (asked once per server address)."""
    key = server.address("tcp")
    if key not in _NOOP:
        with Dialogue(server) as d:
            d.cmd("EHLO client.test")
            _NOOP[key] = d.cmd("NOOP").code == 250
    return _NOOP[key]


def require_pipelining(exts: dict[str, str], what: str) -> None:
    """Several commands in one write are pipelining (RFC 2920): only for a server that advertises it; a
    server without PIPELINING may discard input sent ahead of its reply."""
    if "PIPELINING" not in exts:
        raise NotApplicable(f"the server does not advertise PIPELINING, and {what} is pipelining")


def _ids(reqs) -> tuple[str, ...]:
    return (reqs,) if isinstance(reqs, str) else tuple(reqs)


def _show(data) -> str:
    text = data if isinstance(data, str) else repr(data)[2:-1]
    return text if len(text) < 120 else text[:100] + f"... ({len(text)} chars)"


def _code_in(code: int, codes) -> bool:
    return any(code == c if isinstance(c, int) else str(code).startswith(c) for c in codes)


def _codes(codes) -> str:
    return " or ".join(str(c) if isinstance(c, int) else f"{c}yz" for c in codes)


# ---------------------------------------------------------------------- Maildir lookup
def _files_with(maildir: Path, tok: str) -> list[bytes]:
    out = []
    needle = tok.encode()
    for path in maildir.rglob("*"):
        try:
            if path.parent.name != "tmp" and path.is_file():  # Maildir tmp/ holds unfinished files
                data = path.read_bytes()
                if needle in data:
                    out.append(data)
        except OSError:
            continue
    return out


def delivered(server, tok: str, reqs, summary: str, d: Dialogue | None = None, count: int = 1) -> list[bytes]:
    """Poll ``{maildir}`` (bounded) until ``count`` files contain ``tok``; return them (LF line endings)."""
    maildir = server.require("maildir")
    deadline = time.monotonic() + max(settings().scaled(10), 3.0)
    while True:
        found = _files_with(maildir, tok)
        if len(found) >= count:
            return [f.replace(b"\r\n", b"\n") for f in found]
        if time.monotonic() > deadline:
            kw = dict(expected=f"{count} file(s) containing {tok} under {{maildir}}", received=f"{len(found)} file(s)")
            if d is not None:
                d.fail(reqs, summary, **kw)
            fail(reqs, summary, **kw)
        time.sleep(0.05)


def not_delivered(server, tok: str, reqs, summary: str, d: Dialogue | None = None) -> None:
    maildir = server.require("maildir")
    time.sleep(settings().scaled(1))
    found = _files_with(maildir, tok)
    if found:
        kw = dict(expected=f"no file containing {tok}", received=found[0][:300])
        if d is not None:
            d.fail(reqs, summary, **kw)
        fail(reqs, summary, **kw)


def split_message(data: bytes) -> tuple[list[tuple[bytes, bytes]], bytes]:
    """(header fields as (lower-case name, unfolded value with runs of white space collapsed), body) of a
    message with LF line ends.  The body is everything after the first empty line, exactly."""
    head, sep, body = data.partition(b"\n\n")
    if not sep and not data.startswith(b"\n"):
        head, body = data, b""
    if data.startswith(b"\n"):
        head, body = b"", data[1:]
    fields: list[list[bytes]] = []
    for line in head.split(b"\n"):
        if line[:1] in (b" ", b"\t") and fields:
            fields[-1][1] += b" " + line.strip()
        else:
            name, _, value = line.partition(b":")
            fields.append([name.strip().lower(), value])
    return [(n, b" ".join(v.split())) for n, v in fields], body


def expect_body(d: Dialogue, copy: bytes, sent: bytes, reqs, summary: str) -> None:
    """The delivered ``copy`` carries the message ``sent`` (after transparency, LF line ends): the body
    exactly, and every header field sent (name and unfolded value).  Fields a delivering MTA or a handler
    adds (Received, Return-Path, Delivered-To, X-*, ...) above or below them are allowed (RFC 5321 §4.4)."""
    want_fields, want_body = split_message(sent.replace(b"\r\n", b"\n"))
    got_fields, got_body = split_message(copy)
    missing = [f for f in want_fields if f not in got_fields]
    if got_body != want_body or missing:
        what = "the body differs" if got_body != want_body else \
            "header fields sent are missing or changed: " + ", ".join(n.decode("latin-1") for n, _ in missing)
        d.fail(reqs, f"{summary} ({what})", expected=sent.replace(b"\r\n", b"\n"), received=copy)


def quick_exchange(address) -> None:
    """One short transaction (for concurrency and survival checks)."""
    server = _Addr(address)
    with Dialogue(server, reqs=("NET-TCP-6",)) as d:
        d.ehlo()
        d.expect("MAIL FROM:<a@client.test>", (250,), "NET-TCP-6", "MAIL refused")
        d.expect(f"RCPT TO:<{rcpt()}>", ("2",), "NET-TCP-6", "RCPT refused")
        d.expect("QUIT", (221,), "NET-TCP-6", "QUIT not answered with 221")


class _Addr:
    def __init__(self, address) -> None:
        self._a = address

    def address(self, transport: str = "tcp"):
        return self._a


# ====================================================================== protocol: connection, EHLO
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


# ====================================================================== protocol: transactions
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
        d.probe(("SMTP-CMD-13", "SMTP-QUIT-2"), "session unusable after an unknown command")
        d.check(r.code == 500, "SMTP-CMD-11", "unknown command not answered with 500 (RFC 5321 §4.2.4: \"If the "
                "command is not recognized, code 500 SHOULD be returned.\")", received=str(r))


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


@scenario("smtp-server-no-argument-commands", category="protocol", requirements=["SMTP-CMD-6"], **P)
def test_no_argument_commands(server):
    """`RSET now` and `DATA now` get 501 (they take no arguments); the session continues."""
    with Dialogue(server) as d:
        d.ehlo()
        d.expect("RSET now", (501,), "SMTP-CMD-6", "RSET with an argument not answered with 501")
        d.probe("SMTP-QUIT-2", "session unusable after 501")


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
          requirements=["SMTP-CMD-9", "SMTP-8BIT-6", "SMTP-CMD-11"], **P)
def test_invalid_characters(server):
    """Non-ASCII in the envelope (`MAIL FROM:<é@client.test>`, even with 8BITMIME) and `_` in a domain
    are refused with a 5yz (500/501/553 name the problem best).  Sending them is the client's MUST NOT;
    a server accepting them is liberal, which we warn about (smuggling hygiene: what one hop accepts
    unchecked another may parse differently)."""
    with Dialogue(server) as d:
        d.ehlo()
        r = d.cmd("MAIL FROM:<é@client.test>".encode() + b"\r\n")
        d.check(r.klass == 5, ("SMTP-CMD-9", "SMTP-8BIT-6"), "8-bit octets in the envelope were accepted",
                expected="5yz", received=str(r))
        d.check(r.code in (500, 501, 553), "SMTP-CMD-11", "8-bit envelope refused with an unusual code",
                expected="500, 501 or 553", received=str(r))
        d.cmd("RSET")
        d.expect("MAIL FROM:<a@client.test>", (250,), "SMTP-TXN-1", "MAIL refused")
        r = d.cmd("RCPT TO:<a@exa_mple.test>")
        d.check(r.klass == 5, "SMTP-CMD-9", "a domain with '_' was accepted", expected="5yz", received=str(r))


@scenario("smtp-server-help", category="protocol", requirements=["SMTP-CMD-10"], **P)
def test_help(server):
    """HELP without an argument is answered with 211 or 214."""
    with Dialogue(server) as d:
        d.expect("HELP", (211, 214), "SMTP-CMD-10", "HELP not supported")


@scenario("smtp-server-error-codes", category="protocol", requirements=["SMTP-CMD-11", "SMTP-HIST-5"], **P)
def test_error_codes(server):
    """The right 5yz: `MAIL FROM:bad` → 501 (syntax), `SAML` → 502 or 500, `HELP XYZZY` not 500."""
    with Dialogue(server) as d:
        d.ehlo()
        d.expect("MAIL FROM:bad", (501,), "SMTP-CMD-11", "argument syntax error not answered with 501")
        d.expect("SAML FROM:<a@client.test>", (502, 500), "SMTP-HIST-5", "obsolete SAML not answered with 502/500")
        d.probe("SMTP-QUIT-2", "session unusable after SAML")


# ====================================================================== protocol: sequencing
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
        copies = _files_with(server.maildir, tok2)
        d.check(not any(first.encode() in c for c in copies) and len(copies) == 1, "SMTP-SEQ-6",
                "the second message also went to the first transaction's recipient",
                expected=f"one copy, for {second}", received=f"{len(copies)} copies: {copies[0][:200]!r}")


# ====================================================================== protocol: DATA
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


# ====================================================================== lines and limits
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
    """`SIZE=1000` is accepted on a MAIL line made 26 octets longer than 512; two SIZE parameters are
    refused; a declared size above the advertised maximum gets 552."""
    with Dialogue(server) as d:
        exts = d.ehlo()
        limit = _size_limit(d, exts)
        sender = "s" * 64 + "@" + ".".join(["d" * 60] * 3) + ".test"  # a path of 254 octets
        line = f"MAIL FROM:<{sender}> SIZE=1000"
        d.expect(line, (250,), ("SMTP-SIZE-2", "SMTP-SIZE-11"), "MAIL with SIZE=1000 refused")
        d.cmd("RSET")
        d.expect("MAIL FROM:<a@client.test> SIZE=10 SIZE=20", ("5",), "SMTP-SIZE-12", "two SIZE parameters accepted")
        d.cmd("RSET")
        if limit:
            d.expect(f"MAIL FROM:<a@client.test> SIZE={limit + 1}", (552,), "SMTP-SIZE-3",
                     "declared size above the advertised maximum not answered with 552")


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


# ====================================================================== QUIT, closing, timeouts
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
def test_idle_timeout(server):
    """An idle session is closed after the server's idle timeout, with a 421 first (good practice).

    Applies to the reference (idle timeout max(8T, 2 s)) and to commands whose template passes
    `{timeout}` (taken as their idle timeout, 4T); otherwise the timeout is unknown (RFC 5321 asks for at
    least 5 minutes) and the scenario is not applicable."""
    if server.spec.kind == "ref":
        idle = max(settings().scaled(8), 2.0)
    elif server.spec.kind == "cmd" and "{timeout}" in (server.spec.template or ""):
        idle = settings().scaled(4)
    else:
        raise NotApplicable("the idle timeout of this server is unknown (pass {timeout} as its idle timeout)")
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


@scenario("smtp-server-junk-after-quit", category="nonblocking", requirements=["NET-TCP-9", "SMTP-QUIT-1"], **P)
def test_junk_after_quit(server):
    """`QUIT` followed by 64 KiB of junk in one write: the 221 arrives and the session ends with a clean
    close, not a reset (a server that closes with the junk unread makes the kernel send RST, which on a
    real network can destroy the 221 in flight; on loopback it shows as ECONNRESET after the 221)."""
    with Dialogue(server) as d:
        d.send(b"QUIT\r\n" + b"junk " * 13107)
        time.sleep(settings().scaled(0.5))
        got = netio.recv_to_eof(d.sock, settings().scaled(8))
        d.log.append(("S", got.data))
        d.check(b"221" in got.data, "NET-TCP-9", "the 221 was lost (reset by the server closing with unread input?)",
                received=got.data or got.end)
        d.check(got.end == "eof", "NET-TCP-9", "the session ended with a reset, not a clean close: the server closed "
                "with the client's input unread", received=f"{got.data!r} then {got.describe()}")


@scenario("smtp-server-survives-resets", category="nonblocking", requirements=["NET-TCP-5", "SMTP-QUIT-3"], **P)
def test_survives_resets(server):
    """20 clients reset their connection in the middle of a transaction; the server keeps serving and
    delivers none of those half messages."""
    tok = token()
    partial = f"EHLO x\r\nMAIL FROM:<a@client.test>\r\nRCPT TO:<{rcpt()}>\r\nDATA\r\nSubject: {tok}\r\n\r\nhalf".encode()
    common.survives_resets(server, quick_exchange, partial=partial, rounds=20)
    not_delivered(server, tok, "SMTP-QUIT-3", "a half message from a reset connection was delivered")


# ====================================================================== concurrency
@scenario("smtp-server-idle-client-does-not-block", category="concurrency", requirements=["NET-TCP-6", "SMTP-CONN-5"], **P)
def test_idle_client_does_not_block(server):
    """One session stays silent in the middle of a command; a second session completes meanwhile."""
    common.idle_client_does_not_block(server, quick_exchange, reqs=("NET-TCP-6", "SMTP-CONN-5"),
                                      idle_bytes=b"EHLO idle.test\r\nMAIL FROM:<a@cl")


@scenario("smtp-server-interleaved-sessions", category="concurrency", requirements=["SMTP-CONN-5"], **P)
def test_interleaved(server):
    """Two sessions interleaved command by command both deliver their own message."""
    toks = [token(), token()]
    ds = [Dialogue(server), Dialogue(server)]
    try:
        for d in ds:
            d.ehlo()
        for d in ds:
            d.expect("MAIL FROM:<a@client.test>", (250,), "SMTP-CONN-5", "MAIL refused")
        for d in ds:
            d.expect(f"RCPT TO:<{rcpt()}>", ("2",), "SMTP-CONN-5", "RCPT refused")
        for d in ds:
            d.expect("DATA", (354,), "SMTP-CONN-5", "DATA refused")
        for d, tok in zip(ds, toks):
            d.check(d.cmd(wire.encode_data(message(tok))).code == 250, "SMTP-CONN-5", "message refused")
        for d, tok in zip(ds, toks):
            delivered(server, tok, "SMTP-CONN-5", "a message of interleaved sessions was not delivered", d)
    finally:
        for d in ds:
            d.close()


# ====================================================================== partial reads
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
            d.check(r.code == code, "NET-TCP-1", f"trickled {_show(line)} answered {r.code}", expected=str(code))
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


# ====================================================================== robustness
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


# ====================================================================== security
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
        for copy in _files_with(server.require("maildir"), evil):
            if tok.encode() not in copy:
                fail("SMTP-DATA-4", f"a smuggled message was delivered on its own ({fake_end!r})", received=copy[:300])


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


# ====================================================================== refusal, tolerance, code meanings
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


@scenario("smtp-server-mail-space-after-colon", category="robustness", requirements=["SMTP-TXN-10"], **P)
def test_mail_space_after_colon(server):
    """`MAIL FROM: <a@client.test>` (a space after the colon, common in the wild) gets 250 (tolerated) or
    501 (strict); either is conformant, but nothing else, and the session goes on."""
    with Dialogue(server) as d:
        d.ehlo()
        d.expect("MAIL FROM: <a@client.test>", (250, 501), "SMTP-TXN-10", "neither tolerated (250) nor refused (501)")
        d.expect("RSET", (250,), "SMTP-TXN-10", "session unusable afterwards")


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
