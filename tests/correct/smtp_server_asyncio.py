"""A final-delivery SMTP server (RFC 5321 with PIPELINING, SIZE and 8BITMIME) on asyncio streams.

    python smtp_server_asyncio.py --port PORT --maildir DIR --domain DOMAIN [--idle-timeout SECONDS]

Written from RFC 5321 as an engineer would: one coroutine per session reading CRLF-terminated lines with
``StreamReader.readuntil``, replies written as soon as each command is handled (so pipelined input is
answered in order and nothing is held back), messages delivered into the Maildir ``DIR`` with the
standard ``mailbox`` module, with a Return-Path and a Received line prepended (RFC 5321 §4.4).  It
accepts any local part at DOMAIN (and <Postmaster>) and refuses every other domain: it relays nothing.
SIGTERM answers every open session with 421 and closes it (RFC 5321 §3.8).
"""

from __future__ import annotations

import argparse
import asyncio
import email.utils
import mailbox
import os
import re
import signal
import socket
import sys
import time

MAX_SIZE = 10 * 1024 * 1024
MAX_RCPTS = 100
MAX_COMMAND = 512
MAX_TEXT_LINE = 1 << 20  # longer data lines are refused at end-of-data, never split

ATOM = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+"
DOT_STRING = rf"{ATOM}(?:\.{ATOM})*"
QUOTED = r'"(?:[\x20\x21\x23-\x5b\x5d-\x7e]|\\[\x20-\x7e])*"'
LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
DOMAIN = rf"{LABEL}(?:\.{LABEL})*"
LITERAL = r"\[[\x21-\x5a\x5e-\x7e]+\]"
MAILBOX = re.compile(rf"^(?P<local>{DOT_STRING}|{QUOTED})@(?P<domain>{DOMAIN}|{LITERAL})$")
ROUTE = re.compile(rf"^@{DOMAIN}(?:,@{DOMAIN})*:")


class Reply(Exception):
    """A command's reply, raised from deep inside its handler."""

    def __init__(self, text: str) -> None:
        super().__init__(text)
        self.text = text


def parse_path(arg: str, keyword: str) -> tuple[str, list[str]]:
    """``FROM:<a@b> SIZE=1`` -> ("a@b", ["SIZE=1"]); raises Reply(501) on bad syntax."""
    if not arg.upper().startswith(keyword):
        raise Reply(f"501 Syntax: {keyword}<address>")
    rest = arg[len(keyword):].lstrip(" ")  # a space after the colon is common in the wild: tolerated
    if not rest.startswith("<") or ">" not in rest:
        raise Reply("501 Syntax error: the path must be in angle brackets")
    end = rest.index(">")
    path, params = rest[1:end], rest[end + 1:]
    if params and not params.startswith(" "):
        raise Reply("501 Syntax error after the path")
    path = ROUTE.sub("", path, count=1)  # a source route is accepted and ignored (RFC 5321 §3.6.1)
    if path and not MAILBOX.match(path) and not (keyword == "TO:" and path.lower() == "postmaster"):
        raise Reply("501 Syntax error in the mailbox address")
    if "@" in path:
        local, _, dom = path.rpartition("@")
        if len(local) > 64 or len(dom) > 255:
            raise Reply("501 Path component too long")
    return path, params.split()


class Session:
    def __init__(self, server: Server, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.server, self.reader, self.writer = server, reader, writer
        self.peer = writer.get_extra_info("peername") or ("unknown", 0)
        self.helo: str | None = None
        self.esmtp = False
        self.reset()

    def reset(self) -> None:
        self.sender: str | None = None
        self.rcpts: list[str] = []

    async def say(self, text: str) -> None:
        self.writer.write(text.replace("\n", "\r\n").encode("ascii") + b"\r\n")
        await self.writer.drain()

    async def readline(self, limit: int) -> bytes | None:
        """One line ending in CRLF (bare LF is data, not an end), or None at EOF; too long -> b'' marker."""
        try:
            line = await asyncio.wait_for(self.reader.readuntil(b"\r\n"), self.server.idle)
        except asyncio.IncompleteReadError:
            return None
        except asyncio.LimitOverrunError:
            # skip to the end of the over-long line
            while True:
                try:
                    await self.reader.readuntil(b"\r\n")
                    break
                except asyncio.LimitOverrunError as exc:
                    await self.reader.readexactly(exc.consumed)
            return b""
        if len(line) > limit:
            return b""
        return line

    async def run(self) -> None:
        await self.say(f"220 {self.server.hostname} ESMTP ready")
        while True:
            try:
                line = await self.readline(MAX_COMMAND)
            except TimeoutError:
                await self.say(f"421 {self.server.hostname} idle for too long, closing")
                return
            if line is None:
                return
            if line == b"":
                await self.say("500 Line too long")
                continue
            try:
                text = line[:-2].decode("ascii")
                if any(ord(c) < 32 and c != "\t" for c in text):
                    raise UnicodeDecodeError("ascii", b"", 0, 1, "control")
            except UnicodeDecodeError:
                await self.say("500 Invalid characters in command")
                continue
            verb, _, arg = text.partition(" ")
            handler = getattr(self, "cmd_" + verb.upper(), None) if verb.isalpha() else None
            if handler is None:
                await self.say("500 Command unrecognized")
                continue
            try:
                done = await handler(arg)
            except Reply as r:
                await self.say(r.text)
                done = False
            if done:
                return

    async def cmd_EHLO(self, arg: str, extended: bool = True) -> None:
        if not arg.strip():
            raise Reply("501 Syntax: EHLO hostname")
        self.helo, self.esmtp = arg.strip(), extended
        self.reset()
        if not extended:
            raise Reply(f"250 {self.server.hostname} Hello {self.helo}")
        raise Reply(f"250-{self.server.hostname} Hello {self.helo}\n250-PIPELINING\n250-SIZE {MAX_SIZE}\n"
                    f"250-8BITMIME\n250 HELP")

    async def cmd_HELO(self, arg: str) -> None:
        await self.cmd_EHLO(arg, extended=False)

    async def cmd_MAIL(self, arg: str) -> None:
        if self.helo is None:
            raise Reply("503 Say EHLO or HELO first")
        if self.sender is not None:
            raise Reply("503 Nested MAIL command")
        path, params = parse_path(arg, "FROM:")
        seen: set[str] = set()
        for p in params:
            key, _, value = p.partition("=")
            key = key.upper()
            if key in seen:
                raise Reply(f"501 Duplicate {key} parameter")
            seen.add(key)
            if key == "SIZE" and self.esmtp:
                if not value.isdigit() or len(value) > 20:
                    raise Reply("501 Bad SIZE value")
                if int(value) > MAX_SIZE:
                    raise Reply("552 Message size exceeds fixed maximum message size")
            elif key == "BODY" and self.esmtp:
                if value.upper() not in ("7BIT", "8BITMIME"):
                    raise Reply("501 Unknown BODY type")
            else:
                raise Reply(f"555 Parameter {key} not recognized")
        self.sender = path
        raise Reply("250 OK")

    async def cmd_RCPT(self, arg: str) -> None:
        if self.sender is None:
            raise Reply("503 Need MAIL before RCPT")
        path, params = parse_path(arg, "TO:")
        if params:
            raise Reply("555 RCPT parameters not recognized")
        if not path:
            raise Reply("501 Empty forward-path")
        local, _, dom = path.rpartition("@")
        if not (path.lower() == "postmaster" or dom.lower() == self.server.domain.lower()):
            raise Reply("550 Relaying denied: not a local domain")
        if len(self.rcpts) >= MAX_RCPTS:
            raise Reply("452 Too many recipients")
        self.rcpts.append(path)
        raise Reply("250 OK")

    async def cmd_DATA(self, arg: str) -> None:
        if arg:
            raise Reply("501 DATA takes no argument")
        if self.sender is None or not self.rcpts:
            raise Reply("503 Need MAIL and RCPT first")
        await self.say("354 End data with <CR><LF>.<CR><LF>")
        lines: list[bytes] = []
        size, too_long = 0, False
        while True:
            try:
                line = await self.readline(MAX_TEXT_LINE)
            except TimeoutError:
                await self.say(f"421 {self.server.hostname} timeout while reading data")
                raise ConnectionAbortedError from None
            if line is None:
                raise ConnectionAbortedError  # a lost connection cancels the transaction (RFC 5321 §4.1.1.10)
            if line == b"":
                too_long = True
                continue
            if line == b".\r\n":
                break
            if line.startswith(b"."):
                line = line[1:]
            size += len(line)
            if size <= MAX_SIZE:
                lines.append(line)
        sender, rcpts = self.sender, self.rcpts
        self.reset()
        if too_long:
            raise Reply("500 Line too long")
        if size > MAX_SIZE:
            raise Reply("552 Message size exceeds fixed maximum message size")
        try:
            self.server.deliver(self, sender, rcpts, b"".join(lines))
        except OSError:
            raise Reply("451 Local error in processing") from None
        raise Reply("250 OK message accepted for delivery")

    async def cmd_RSET(self, arg: str) -> None:
        if arg:
            raise Reply("501 RSET takes no argument")
        self.reset()
        raise Reply("250 OK")

    async def cmd_NOOP(self, arg: str) -> None:
        raise Reply("250 OK")

    async def cmd_VRFY(self, arg: str) -> None:
        if not arg:
            raise Reply("501 Syntax: VRFY address")
        raise Reply("252 Cannot VRFY user, but will accept message and attempt delivery")

    async def cmd_EXPN(self, arg: str) -> None:
        raise Reply("502 EXPN not implemented")

    async def cmd_HELP(self, arg: str) -> None:
        raise Reply("214 Commands: EHLO HELO MAIL RCPT DATA RSET NOOP VRFY HELP QUIT")

    async def cmd_SEND(self, arg: str) -> None:
        raise Reply("502 Command not implemented")

    cmd_SOML = cmd_SAML = cmd_TURN = cmd_ETRN = cmd_SEND

    async def cmd_QUIT(self, arg: str) -> bool:
        await self.say(f"221 {self.server.hostname} closing connection")
        return True


class Server:
    def __init__(self, maildir: str, domain: str, hostname: str, idle: float) -> None:
        for sub in ("tmp", "new", "cur"):
            os.makedirs(os.path.join(maildir, sub), exist_ok=True)
        self.box = mailbox.Maildir(maildir, factory=None, create=True)
        self.domain, self.hostname, self.idle = domain, hostname, idle
        self.sessions: set[Session] = set()
        self.counter = 0

    def deliver(self, session: Session, sender: str, rcpts: list[str], content: bytes) -> None:
        self.counter += 1
        ident = f"{int(time.time())}.{os.getpid()}.{self.counter}"
        for_clause = f"\r\n\tfor <{rcpts[0]}>" if len(rcpts) == 1 else ""
        trace = (f"Return-Path: <{sender}>\r\n"
                 f"Received: from {session.helo} ([{session.peer[0]}])\r\n\tby {self.hostname} with "
                 f"{'ESMTP' if session.esmtp else 'SMTP'} id {ident}{for_clause};\r\n\t"
                 f"{email.utils.formatdate(localtime=True)}\r\n")
        self.box.add(trace.replace("\r\n", "\n").encode("ascii") + content.replace(b"\r\n", b"\n"))

    async def handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        session = Session(self, reader, writer)
        self.sessions.add(session)
        try:
            await session.run()
        except (ConnectionError, OSError):
            pass
        finally:
            self.sessions.discard(session)
            await self.close_gently(reader, writer)

    async def close_gently(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        """Stop writing, read what the client still sends (briefly), then close: closing with unread input
        would make the kernel reset the connection and could destroy the last reply."""
        try:
            if writer.can_write_eof():
                writer.write_eof()
            deadline = time.monotonic() + 2
            while time.monotonic() < deadline:
                chunk = await asyncio.wait_for(reader.read(65536), deadline - time.monotonic())
                if not chunk:
                    break
        except Exception:
            pass
        writer.close()

    async def shutdown(self, server: asyncio.AbstractServer) -> None:
        server.close()
        for session in list(self.sessions):
            try:
                await session.say(f"421 {self.hostname} Service shutting down, closing transmission channel")
                session.writer.close()
            except Exception:
                pass
        await asyncio.sleep(0.1)


async def main_async(args: argparse.Namespace) -> None:
    srv = Server(args.maildir, args.domain, args.hostname or f"mx.{args.domain}", args.idle_timeout)
    server = await asyncio.start_server(srv.handle, args.host, args.port, family=socket.AF_INET, limit=MAX_TEXT_LINE + 2)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    async with server:
        await stop.wait()
        await srv.shutdown(server)


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--maildir", required=True)
    p.add_argument("--domain", required=True)
    p.add_argument("--hostname", default="")
    p.add_argument("--idle-timeout", type=float, default=300.0)
    asyncio.run(main_async(p.parse_args()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
