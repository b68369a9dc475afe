"""The suite-side SMTP client driver (RFC 5321) the SMTP server scenarios speak through.

:class:`Dialogue` is one session: it sends commands, parses replies with the sans-I/O
:class:`reference_servers.smtp.wire.ReplyParser`, keeps the dialogue for failure messages and fails the
scenario (:func:`conformance.checks.fail`) with the requirement ids it is given.  Recipients are local
parts at ``--smtp-domain`` (default ``example.test``, DESIGN §4); messages carry a unique token so their
delivered copies can be found (:mod:`conformance.scenarios.smtpmaildir`).
"""

from __future__ import annotations

import secrets
import time

from conformance.checks import fail
from conformance.errors import NotApplicable, ProtocolError
from netconformance_fixtures import netio
from netconformance_fixtures.context import settings
from reference_servers.smtp import wire


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
        self.send_error: str | None = None  # why the last write was refused (the server had closed)
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
            # the server closed or reset the session before taking all of it: what that shows (a reply it
            # sent first, or the close itself) is read by the next reply(), graded by the awaited step's ids,
            # the same on every transport (over TCP a first write after the server's FIN still succeeds)
            self.send_error = exc.strerror or str(exc) or type(exc).__name__

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
                # a reset is the server closing too (with our input unread): the same ids as its FIN below, so
                # the verdict does not depend on how its kernel ended the connection
                self.fail((*_ids(reqs), "SMTP-QUIT-2"), f"the server reset the connection instead of replying to {what}",
                          received=f"ECONNRESET after {self.parser.pending!r}", detail=self._refused())
            if not data:
                self.fail((*_ids(reqs), "SMTP-QUIT-2"), f"the server closed the connection instead of replying to {what}",
                          received=f"EOF after {self.parser.pending!r}", detail=self._refused())
            self.received += data
            self.parser.feed(data)

    def _refused(self) -> str | None:
        return f"our write had been refused: {self.send_error} (the server had closed)" if self.send_error else None

    def cmd(self, line: str | bytes, reqs=("SMTP-REPLY-1",), **kw) -> wire.Reply:
        data = line if isinstance(line, bytes) else line.encode() + b"\r\n"
        self.send(data, **kw)
        return self.reply(reqs, show(data))

    def expect(self, line: str | bytes, codes, reqs, summary: str, **kw) -> wire.Reply:
        """Send ``line``; fail unless the reply code is in ``codes`` (ints, or digits as '2' for 2yz)."""
        r = self.cmd(line, reqs, **kw)
        if not _code_in(r.code, codes):
            self.fail(reqs, summary, sent=show(line), expected=_codes(codes), received=str(r))
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


def show(data) -> str:
    text = data if isinstance(data, str) else repr(data)[2:-1]
    return text if len(text) < 120 else text[:100] + f"... ({len(text)} chars)"


def _code_in(code: int, codes) -> bool:
    return any(code == c if isinstance(c, int) else str(code).startswith(c) for c in codes)


def _codes(codes) -> str:
    return " or ".join(str(c) if isinstance(c, int) else f"{c}yz" for c in codes)


def quick_exchange(address) -> None:
    """One short transaction (for concurrency and survival checks): every step that fails is graded as the
    check's (NET-TCP-6 here; the scenarios' own ids around it), EHLO included: whether a lone session's EHLO
    works is smtp-server-ehlo's question."""
    server = _Addr(address)
    with Dialogue(server, reqs=("NET-TCP-6",)) as d:
        d.expect("EHLO client.test", (250,), "NET-TCP-6", "EHLO refused")
        d.expect("MAIL FROM:<a@client.test>", (250,), "NET-TCP-6", "MAIL refused")
        d.expect(f"RCPT TO:<{rcpt()}>", ("2",), "NET-TCP-6", "RCPT refused")
        d.expect("QUIT", (221,), "NET-TCP-6", "QUIT not answered with 221")


class _Addr:
    def __init__(self, address) -> None:
        self._a = address

    def address(self, transport: str = "tcp"):
        return self._a
