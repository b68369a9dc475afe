"""A deliberately broken SMTP server, one bug at a time, for the suite's self-tests.

    python tests/broken/smtp_server.py --port PORT --maildir DIR --bug BUG [--idle-timeout S]

It is the reference server (``reference_servers.smtp``) with exactly one classic mistake switched on; the
comment on each bug names the requirement and the scenario that must catch it.  ``--bug none`` is the
reference itself.  The four single-bug programs ``smtp_server_*.py`` next to this file are the ones the
issue names; this one covers the rest of the catalog.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from reference_servers.smtp import wire
from reference_servers.smtp.__main__ import main as reference_main
from reference_servers.smtp.server import SessionPump, SmtpSession

BUGS = {
    # bug: (requirement, scenario that catches it)
    "none": ("", ""),
    "greeting-no-domain": ("SMTP-CONN-1", "smtp-server-greeting"),
    "no-ehlo": ("SMTP-EHLO-1", "smtp-server-ehlo"),
    "helo-multiline": ("SMTP-EHLO-2", "smtp-server-helo"),
    "bare-ehlo-ok": ("SMTP-EHLO-3", "smtp-server-ehlo-needs-argument"),
    "ehlo-keeps-transaction": ("SMTP-EHLO-5", "smtp-server-ehlo-resets"),
    "advertise-expn": ("SMTP-EHLO-7", "smtp-server-ehlo-advertised-work"),
    "lose-message": ("SMTP-TXN-3", "smtp-server-transaction"),
    "no-received": ("SMTP-TXN-11", "smtp-server-received-header"),
    "reject-null-sender": ("SMTP-TXN-4", "smtp-server-null-reverse-path"),
    "reject-postmaster": ("SMTP-TXN-5", "smtp-server-postmaster"),
    "reject-source-route": ("SMTP-TXN-6", "smtp-server-source-route"),
    "lowercase-recipient": ("SMTP-TXN-7", "smtp-server-local-part-case"),
    "reject-quoted": ("SMTP-TXN-8", "smtp-server-quoted-local-part"),
    "case-sensitive": ("SMTP-CMD-1", "smtp-server-case-insensitive-verbs"),
    "close-on-unknown": ("SMTP-CMD-13", "smtp-server-unknown-command"),
    "no-vrfy": ("SMTP-CMD-3", "smtp-server-minimum-commands"),
    "rset-keeps": ("SMTP-CMD-5", "smtp-server-rset"),
    "rset-ignores-args": ("SMTP-CMD-6", "smtp-server-no-argument-commands"),
    "rset-args-close": ("SMTP-QUIT-2", "smtp-server-no-argument-commands"),
    "ignore-params": ("SMTP-CMD-8", "smtp-server-unknown-parameter"),
    "accept-8bit-envelope": ("SMTP-CMD-9", "smtp-server-invalid-characters"),
    "8bit-mail-sticks": ("SMTP-TXN-1", "smtp-server-invalid-characters"),
    "no-help": ("SMTP-CMD-10", "smtp-server-help"),
    "all-errors-500": ("SMTP-CMD-11", "smtp-server-error-codes"),
    "saml-closes": ("SMTP-QUIT-2", "smtp-server-error-codes"),
    "no-ehlo-needed": ("SMTP-SEQ-1", "smtp-server-seq-mail-before-ehlo"),
    "rcpt-without-mail": ("SMTP-SEQ-2", "smtp-server-seq-rcpt-needs-mail"),
    "nested-mail-ok": ("SMTP-SEQ-4", "smtp-server-seq-nested-mail"),
    "error-resets-session": ("SMTP-SEQ-5", "smtp-server-seq-state-kept-after-error"),
    "keep-recipients": ("SMTP-SEQ-6", "smtp-server-seq-buffers-cleared"),
    "strip-trailing-space": ("SMTP-DATA-7", "smtp-server-data-transparency"),
    "split-long-lines": ("SMTP-DATA-8", "smtp-server-data-long-lines"),
    "truncate-64k": ("SMTP-DATA-9", "smtp-server-data-100k"),
    "strip-high-bit": ("SMTP-8BIT-2", "smtp-server-8bitmime"),
    "partial-line-is-command": ("SMTP-LINE-1", "smtp-server-line-needs-crlf"),
    "lf-commands": ("SMTP-LINE-2", "smtp-server-bare-lf-command"),
    "small-line-buffer": ("SMTP-LINE-3", "smtp-server-line-length"),
    "short-local-part": ("SMTP-LIMIT-1", "smtp-server-limit-local-part"),
    "few-recipients-552": ("SMTP-LIMIT-2", "smtp-server-limit-recipients"),
    "size-ignored": ("SMTP-SIZE-3", "smtp-server-size"),
    "size-counts-dots": ("SMTP-SIZE-4", "smtp-server-size-counting"),
    "size-frames-data": ("SMTP-SIZE-5", "smtp-server-size-not-framing"),
    "esc-missing-on-errors": ("SMTP-ESC-2", "smtp-server-enhanced-status-codes"),
    "esc-generic": ("SMTP-ESC-5", "smtp-server-enhanced-code-meanings"),
    "strict-refusal": ("SMTP-CONN-2", "smtp-server-refuse-mode"),
    "mail-space-500": ("SMTP-TXN-10", "smtp-server-mail-space-after-colon"),
    "two-replies-to-noop": ("SMTP-REPLY-1", "smtp-server-reply-syntax"),
    "quit-no-close": ("SMTP-QUIT-1", "smtp-server-quit"),
    "quit-abortive-close": ("NET-TCP-9", "smtp-server-junk-after-quit"),
    "quit-close-no-221": ("SMTP-QUIT-1", "smtp-server-quit"),
    "deliver-partial": ("SMTP-QUIT-3", "smtp-server-quit-mid-transaction"),
    "no-idle-timeout": ("SMTP-TIMEOUT-3", "smtp-server-idle-timeout"),
    "silent-shutdown": ("SMTP-421-1", "smtp-server-shutdown-421"),
    "eof-aborts": ("NET-TCP-4", "smtp-server-half-close"),
    "crash-on-reset": ("NET-TCP-5", "smtp-server-survives-resets"),
    "crash-after-partial": ("SMTP-QUIT-3", "smtp-server-survives-resets"),
    "one-session-at-a-time": ("SMTP-CONN-5", "smtp-server-idle-client-does-not-block"),
    "eod-needs-one-segment": ("SMTP-DATA-1", "smtp-server-split-end-of-data"),
    "hold-replies": ("SMTP-PIPE-7", "smtp-server-pipelining-no-held-replies"),
    "close-on-nul": ("SMTP-CMD-13", "smtp-server-garbage"),
    "close-on-bare-cr": ("SMTP-DATA-4", "smtp-server-data-bare-cr-lf"),
    "close-on-8bit": ("SMTP-8BIT-2", "smtp-server-8bit-without-body"),
    "open-relay": ("SMTP-TXN-13", "smtp-server-no-relay"),
}

BUG = "none"
_LOCK: asyncio.Lock | None = None


class EodPerSegment(wire.DataReceiver):
    """Looks for ``CRLF.CRLF`` inside each read only (eod-needs-one-segment)."""

    def __init__(self, max_size=None) -> None:
        super().__init__(max_size)
        self._pending = b""

    def feed(self, data: bytes):
        if b"\r\n.\r\n" not in data and not data.startswith(b".\r\n"):
            self._pending += data
            return None
        return super().feed(self._pending + data)


class BrokenPump(SessionPump):
    """The bugs that are I/O: timing, reads, writes, closes."""

    async def run(self) -> None:
        global _LOCK
        if BUG == "one-session-at-a-time":  # SMTP-CONN-5: one session at a time
            _LOCK = _LOCK or asyncio.Lock()
            async with _LOCK:
                return await super().run()
        if BUG == "no-idle-timeout":  # SMTP-TIMEOUT-3: never times out
            self.server.idle_timeout = 3600
        await super().run()
        if BUG == "crash-on-reset" and self.log.end == "reset" or BUG == "crash-after-partial" and self.session._partial:
            os._exit(1)  # NET-TCP-5: a reset kills the server (crash-after-partial: once it delivered a half message)

    async def _more(self) -> bytes:
        data = await super()._more()
        if BUG == "partial-line-is-command" and data and not data.endswith(b"\r\n"):
            data += b"\r\n"  # SMTP-LINE-1: a read is taken as a whole line
        if BUG == "lf-commands":
            data = data.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")  # SMTP-LINE-2: bare LF ends lines
        if BUG == "eof-aborts":
            for _ in range(30):  # give the FIN that follows the request time to arrive
                if self.eof:
                    break
                await asyncio.sleep(0.01)
            if self.eof:
                return b""  # NET-TCP-4: read-EOF taken as an abort, what arrived with it is dropped
        return data

    async def write(self, data: bytes, delay: bool = True) -> bool:
        if BUG != "crash-after-partial":
            return await super().write(data, delay)
        await asyncio.sleep(0.05)  # crash-after-partial: slow replies, so a reset client's input has arrived,
        try:                       # write errors ignored, and that input taken (asyncio's read() raises the reset first)
            return await super().write(data, delay)
        except ConnectionError:
            self.inbox += self.reader._buffer
            self.reader._buffer.clear()
            return False

    async def flush(self) -> None:
        if BUG == "hold-replies" and self.session._last in ("MAIL", "RCPT"):
            return  # SMTP-PIPE-7: replies held until the next command
        await super().flush()

    async def _end(self, event) -> None:
        await super()._end(event)
        if BUG == "quit-abortive-close" and event.how == "quit":  # NET-TCP-9: SO_LINGER 0 "to avoid TIME_WAIT"
            import socket
            import struct

            sock = self.writer.get_extra_info("socket")
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            await asyncio.sleep(0.2)
            self.writer.transport.abort()

    async def shutdown_notice(self) -> None:
        if BUG != "silent-shutdown":
            await super().shutdown_notice()


class Broken(SmtpSession):
    """The bugs that are protocol: the state machine's replies and state."""

    def start(self) -> None:
        if BUG == "greeting-no-domain":
            self.replies = {"GREETING": "220 *** welcome ***"}
        if BUG == "strict-refusal":  # SMTP-CONN-2: refuses service, then closes instead of waiting for QUIT
            self.replies = {"GREETING": "554 example.test go away"}
        super().start()

    def reply(self, code: int, *lines: str, esc: str | None = None, verb: str = "") -> None:
        if BUG == "all-errors-500" and 501 <= code <= 559:
            code = 500  # SMTP-CMD-11: one code for every error
        if BUG == "esc-missing-on-errors" and code >= 500:
            esc = None  # SMTP-ESC-2
        if BUG == "esc-generic" and esc:
            esc = esc[0] + ".0.0"  # SMTP-ESC-5: enhanced codes without their registered meaning
        if BUG == "rset-args-close" and self._last == "RSET" and code == 501:
            code, self.closing = 500, True  # SMTP-QUIT-2 (and SMTP-CMD-6: 500): the session closed after an error
        if BUG == "saml-closes" and self._last == "SAML":
            code, self.closing = 550, True  # SMTP-QUIT-2 (and SMTP-HIST-5: 550): the session closed after an error
        if BUG == "error-resets-session" and code == 501:
            self.helo = None  # SMTP-SEQ-5: an error loses the session state
        super().reply(code, *lines, esc=esc, verb=verb)

    _last = ""
    _partial = False  # a half message was delivered (crash-after-partial)

    def command(self, line: bytes) -> None:
        verb = line.split(b" ")[0]
        self._last = verb.decode("latin-1").upper()
        if BUG == "case-sensitive" and verb != verb.upper():
            self.reply(500, "Command unrecognized", esc="5.5.2")
            return self.flush()
        if BUG == "close-on-unknown" and self._last not in wire.KNOWN_VERBS:
            raise ConnectionResetError("unknown command")  # SMTP-CMD-13: the session ends
        if BUG == "strict-refusal" and self.refused:
            raise ConnectionResetError("refused")
        if BUG == "close-on-nul" and b"\x00" in line:
            raise ConnectionResetError("NUL")
        if BUG in ("accept-8bit-envelope", "8bit-mail-sticks") and any(b > 0x7F for b in line) and self._last == "MAIL":
            self.mail = wire.Path("x", "client.test")
            self.reply(250, "OK", esc="2.1.0")  # SMTP-CMD-9
            return self.flush()
        super().command(line)

    def _hello(self, verb: str, arg: str) -> None:
        if BUG == "no-ehlo" and verb == "EHLO":
            return self.reply(500, "Command unrecognized")
        if BUG == "bare-ehlo-ok" and not arg.strip():
            arg = "unknown"
        if BUG == "ehlo-keeps-transaction":
            saved = (self.mail, self.rcpts)
            super()._hello(verb, arg)
            self.mail, self.rcpts = saved
            return
        if BUG == "helo-multiline" and verb == "HELO":
            verb = "EHLO"
        super()._hello(verb, arg)

    def do_MAIL(self, arg: str) -> None:
        if BUG == "mail-space-500" and arg[:6].upper() == "FROM: ":
            return self.reply(500, "Command unrecognized", esc="5.5.2")  # SMTP-TXN-10: neither 250 nor 501
        if BUG == "no-ehlo-needed" and self.helo is None:
            self.helo = "unknown"
        if BUG == "nested-mail-ok":
            self.mail = None
        if BUG == "reject-null-sender" and "<>" in arg:
            return self.reply(553, "Null sender not allowed", esc="5.1.7")
        if BUG == "ignore-params":
            arg = " ".join(p for p in arg.split(" ") if "=" not in p or p.upper().startswith(("SIZE=", "BODY=")))
        if BUG == "size-ignored" and "SIZE=" in arg.upper():
            arg = arg.split(" ")[0]
        saved = list(self.rcpts)
        super().do_MAIL(arg)
        if BUG == "keep-recipients" and self.mail is not None:
            self.rcpts = saved + self.rcpts  # SMTP-SEQ-6: recipients carried over

    def do_RCPT(self, arg: str) -> None:
        if BUG == "rcpt-without-mail" and self.mail is None:
            self.mail = wire.Path("", "")
        low = arg.lower()
        if BUG == "reject-postmaster" and "postmaster" in low:
            return self.reply(550, "No postmaster here", esc="5.1.1")
        if BUG == "reject-source-route" and "<@" in arg:
            return self.reply(501, "Bad path", esc="5.1.3")
        if BUG == "reject-quoted" and '"' in arg:
            return self.reply(501, "Bad path", esc="5.1.3")
        if BUG == "short-local-part" and len(arg.split("@")[0]) > 40:
            return self.reply(501, "Path too long", esc="5.1.3")
        if BUG == "few-recipients-552" and len(self.rcpts) >= 50:
            return self.reply(552, "Too many recipients", esc="5.5.3")
        if BUG == "open-relay" and "@" in arg:
            self.config.local_domains = frozenset({arg.rsplit("@", 1)[1].rstrip(">").lower(), *self.config.local_domains})
        super().do_RCPT(arg)
        if BUG == "lowercase-recipient" and self.rcpts:
            self.rcpts[-1] = self.rcpts[-1].lower()

    def do_RSET(self, arg: str) -> None:
        if BUG == "rset-ignores-args":
            arg = ""
        if BUG == "rset-keeps" or (BUG == "8bit-mail-sticks" and self.mail == wire.Path("x", "client.test")):
            return self.reply(250, "OK", esc="2.0.0")  # 8bit-mail-sticks, SMTP-TXN-1: the 8-bit MAIL kept, MAIL gets 503
        super().do_RSET(arg)

    def do_VRFY(self, arg: str) -> None:
        if BUG == "no-vrfy":
            return self.reply(502, "VRFY not implemented", esc="5.5.1")
        super().do_VRFY(arg)

    def do_HELP(self, arg: str) -> None:
        if BUG == "no-help":
            return self.reply(502, "HELP not implemented", esc="5.5.1")
        super().do_HELP(arg)

    def do_NOOP(self, arg: str) -> None:
        super().do_NOOP(arg)
        if BUG == "two-replies-to-noop":
            self.reply(250, "OK again", esc="2.0.0")  # SMTP-REPLY-1: two replies

    def do_QUIT(self, arg: str) -> None:
        if BUG == "quit-close-no-221":
            self.closing = True  # SMTP-QUIT-1: the channel closed, the 221 never sent
            return
        super().do_QUIT(arg)
        if BUG == "quit-no-close":
            self.closing = False

    def data_receiver(self, max_size=None):
        if BUG == "eod-needs-one-segment":
            return EodPerSegment(max_size)
        if BUG == "size-frames-data" and self.mail_params.get("SIZE"):
            return SizeFramed(int(self.mail_params["SIZE"]))
        receiver = self._receiver = wire.DataReceiver(max_size)
        if BUG == "size-counts-dots":
            orig = receiver.feed

            def feed(data: bytes):
                rest = orig(data)
                if rest is not None and receiver.result is not None:
                    stuffed = wire.dot_stuff(receiver.result.content)
                    if max_size and len(stuffed) > max_size:
                        receiver.result.oversize = True
                return rest

            receiver.feed = feed
        return receiver

    def receive_data(self, data: bytes) -> None:
        receiver = getattr(self, "_receiver", None)
        if BUG in ("deliver-partial", "crash-after-partial") and not data and self.receiver is not None \
                and self.rcpts and receiver is not None and receiver.result is None:
            partial = bytes(receiver._content) + bytes(receiver._line)  # SMTP-QUIT-3: the connection was lost
            self._deliver(wire.DataResult(content=partial))
            self._partial = True
        super().receive_data(data)

    def _end_of_data(self, result: wire.DataResult) -> None:
        content = result.content
        if BUG == "close-on-bare-cr" and (result.bare_cr or result.bare_lf):
            raise ConnectionResetError("bare CR")
        if BUG == "close-on-8bit" and result.eight_bit and "BODY" not in self.mail_params:
            raise ConnectionResetError("8-bit")
        if BUG == "lose-message":
            self.reset_transaction()
            return self.reply(250, "OK", esc="2.0.0")
        if BUG == "strip-trailing-space":
            content = b"\r\n".join(line.rstrip(b" ") for line in content.split(b"\r\n"))
        if BUG == "split-long-lines":
            content = b"\r\n".join(_wrap(line) for line in content.split(b"\r\n"))
            result.longest_line = 0
        if BUG == "truncate-64k":
            content = content[:65536]
        if BUG == "strip-high-bit":
            content = bytes(b & 0x7F for b in content)
        result.content = content
        if BUG == "keep-recipients":
            saved = list(self.rcpts)
            super()._end_of_data(result)
            self.rcpts = saved
            return
        super()._end_of_data(result)

    def _received_field(self, msg_id, envelope) -> str:
        if BUG == "no-received":
            return "X-Queue-Id: " + msg_id
        return super()._received_field(msg_id, envelope)


class SizeFramed:
    """Reads exactly SIZE octets as the message (size-frames-data, SMTP-SIZE-5)."""

    def __init__(self, size: int) -> None:
        self.size = size
        self.buf = b""
        self.result = None

    def feed(self, data: bytes):
        self.buf += data
        if len(self.buf) < self.size:
            return None
        self.result = wire.DataResult(content=self.buf[: self.size] + b"\r\n", size=self.size)
        return self.buf[self.size:]


def _wrap(line: bytes) -> bytes:
    return b"\r\n".join(line[i:i + 900] for i in range(0, len(line), 900)) if len(line) > 900 else line


def main() -> int:
    global BUG
    p = argparse.ArgumentParser(add_help=False)
    p.add_argument("--bug", choices=sorted(BUGS), default="none")
    args, rest = p.parse_known_args()
    BUG = args.bug
    if BUG == "small-line-buffer":
        Broken.line_limit = 256  # SMTP-LINE-3
    if BUG == "advertise-expn":
        import reference_servers.smtp.server as srv

        base = srv.SmtpServer.extensions.fget
        srv.SmtpServer.extensions = property(lambda self: (*base(self), "EXPN"))  # SMTP-EHLO-7
    return reference_main(rest, session_class=Broken, pump_class=BrokenPump)


if __name__ == "__main__":
    sys.exit(main())
