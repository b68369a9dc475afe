"""A small SMTP delivery server on socketserver.ThreadingTCPServer: one thread per connection, commands read
through ``makefile("rb")`` line by line, messages written into a Maildir with the ``mailbox`` module.

    python smtp_server_threaded.py --port PORT --maildir DIR --domain DOMAIN

RFC 5321 as a student would implement it: EHLO advertises 8BITMIME and SIZE (no PIPELINING, although
input that arrives early is simply read in order), HELO gives a one-line reply, every command gets one
reply, "." alone on a CRLF-terminated line ends the data, a leading dot is removed, a trace line and a
Return-Path are prepended at delivery (RFC 5321 §4.4).  Recipients: any local part at DOMAIN, or
<Postmaster>; other domains get 550 (no relaying).

warning: smtp-server-shutdown-421: SIGTERM ends the process without a 421 to open sessions; RFC 5321 §3.8 only says a server "SHOULD" send 421 before closing for shutdown.
"""

from __future__ import annotations

import argparse
import mailbox
import os
import re
import socket
import socketserver
import sys
import threading
from email.utils import formatdate

SIZE_LIMIT = 5_000_000
LOCAL = re.compile(r'^(?:[A-Za-z0-9!#$%&\'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&\'*+/=?^_`{|}~-]+)*'
                   r'|"(?:[\x20\x21\x23-\x5b\x5d-\x7e]|\\[\x20-\x7e])*")$')
DOMAIN = re.compile(r"^(?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*$"
                    r"|^\[[\x21-\x5a\x5e-\x7e]+\]$")

CONFIG: dict[str, str] = {}
LOCK = threading.Lock()


class SyntaxProblem(ValueError):
    pass


def split_path(arg: str, prefix: str) -> tuple[str, str]:
    """'FROM:<x@y> BODY=8BITMIME' -> ('x@y', 'BODY=8BITMIME')."""
    m = re.match(rf"(?i)^{prefix}:\s?<([^<>]*)>(.*)$", arg)
    if not m:
        raise SyntaxProblem(arg)
    path, rest = m.group(1), m.group(2)
    if rest and not rest.startswith(" "):
        raise SyntaxProblem(arg)
    if path.startswith("@"):  # source route: ignored
        if ":" not in path:
            raise SyntaxProblem(arg)
        path = path.split(":", 1)[1]
    if path and path.lower() != "postmaster":
        local, at, dom = path.rpartition("@")
        if not at or not LOCAL.match(local) or not DOMAIN.match(dom) or len(local) > 64 or len(dom) > 255:
            raise SyntaxProblem(arg)
    return path, rest.strip()


class SMTPHandler(socketserver.StreamRequestHandler):
    timeout = 300  # RFC 5321 §4.5.3.2.7: at least five minutes for the next command

    def reply(self, text: str) -> None:
        self.wfile.write(text.encode("ascii") + b"\r\n")
        self.wfile.flush()

    def getline(self) -> bytes | None:
        """One CRLF-terminated line (a bare LF inside it is kept as data); None at EOF."""
        buf = b""
        while True:
            part = self.rfile.readline(70000)
            if not part:
                return None
            buf += part
            if buf.endswith(b"\r\n"):
                return buf
            if len(buf) > 2_000_000:
                return buf  # absurd; caller will refuse it

    def handle(self) -> None:
        host = CONFIG["hostname"]
        self.helo = None
        self.sender = None
        self.rcpts: list[str] = []
        self.reply(f"220 {host} SMTP service ready")
        try:
            self.loop(host)
        except (TimeoutError, OSError):
            pass

    def finish(self) -> None:
        try:
            self.wfile.flush()
            self.connection.shutdown(socket.SHUT_WR)
            self.connection.settimeout(2)
            while self.connection.recv(65536):  # read what is left, so the close is not a reset
                pass
        except OSError:
            pass

    def loop(self, host: str) -> None:
        while True:
            raw = self.getline()
            if raw is None:
                return
            if len(raw) > 512:
                self.reply("500 Line too long")
                continue
            try:
                line = raw[:-2].decode("ascii")
            except UnicodeDecodeError:
                self.reply("501 Only ASCII is allowed in commands")
                continue
            verb, _, arg = line.partition(" ")
            verb = verb.upper()
            if verb in ("EHLO", "HELO"):
                if not arg.strip():
                    self.reply(f"501 Syntax: {verb} hostname")
                    continue
                self.helo, self.sender, self.rcpts = arg.strip(), None, []
                self.proto = "ESMTP" if verb == "EHLO" else "SMTP"
                if verb == "EHLO":
                    self.reply(f"250-{host} greets {self.helo}")
                    self.reply("250-8BITMIME")
                    self.reply(f"250 SIZE {SIZE_LIMIT}")
                else:
                    self.reply(f"250 {host}")
            elif verb == "MAIL":
                self.do_mail(arg)
            elif verb == "RCPT":
                self.do_rcpt(arg)
            elif verb == "DATA":
                if arg:
                    self.reply("501 No arguments allowed")
                elif self.sender is None or not self.rcpts:
                    self.reply("503 Bad sequence of commands")
                else:
                    self.reply("354 Start mail input; end with <CRLF>.<CRLF>")
                    if not self.do_data():
                        return
            elif verb == "RSET":
                if arg:
                    self.reply("501 No arguments allowed")
                else:
                    self.sender, self.rcpts = None, []
                    self.reply("250 OK")
            elif verb == "NOOP":
                self.reply("250 OK")
            elif verb == "VRFY":
                self.reply("252 Cannot VRFY user; try RCPT")
            elif verb == "HELP":
                self.reply("214 See RFC 5321")
            elif verb in ("EXPN", "SEND", "SOML", "SAML", "TURN"):
                self.reply("502 Command not implemented")
            elif verb == "QUIT":
                self.reply(f"221 {host} Service closing transmission channel")
                return
            else:
                self.reply("500 Syntax error, command unrecognized")

    def do_mail(self, arg: str) -> None:
        if self.helo is None:
            self.reply("503 Send HELO/EHLO first")
            return
        if self.sender is not None:
            self.reply("503 Sender already given")
            return
        try:
            path, params = split_path(arg, "FROM")
        except SyntaxProblem:
            self.reply("501 Syntax error in parameters or arguments")
            return
        keys = []
        for p in params.split():
            key, _, value = p.upper().partition("=")
            keys.append(key)
            if self.proto != "ESMTP" or key not in ("SIZE", "BODY"):
                self.reply("555 MAIL FROM parameters not recognized or not implemented")
                return
            if key == "SIZE" and (not value.isdigit() or len(value) > 20):
                self.reply("501 Syntax error in SIZE")
                return
            if key == "SIZE" and int(value) > SIZE_LIMIT:
                self.reply("552 Message size exceeds fixed maximum message size")
                return
            if key == "BODY" and value not in ("7BIT", "8BITMIME"):
                self.reply("501 Syntax error in BODY")
                return
        if len(set(keys)) != len(keys):
            self.reply("501 Duplicate parameter")
            return
        self.sender, self.rcpts = path, []
        self.reply("250 OK")

    def do_rcpt(self, arg: str) -> None:
        if self.sender is None:
            self.reply("503 Need MAIL command")
            return
        try:
            path, params = split_path(arg, "TO")
        except SyntaxProblem:
            self.reply("501 Syntax error in parameters or arguments")
            return
        if params:
            self.reply("555 RCPT TO parameters not recognized")
        elif path.lower() != "postmaster" and path.rpartition("@")[2].lower() != CONFIG["domain"].lower():
            self.reply("550 Relay access denied")
        elif len(self.rcpts) >= 100:
            self.reply("452 Too many recipients")
        else:
            self.rcpts.append(path)
            self.reply("250 OK")

    def do_data(self) -> bool:
        chunks, size = [], 0
        while True:
            raw = self.getline()
            if raw is None:
                self.sender, self.rcpts = None, []
                return False  # connection lost: the transaction is cancelled
            if raw == b".\r\n":
                break
            if raw[:1] == b".":
                raw = raw[1:]
            size += len(raw)
            if size <= SIZE_LIMIT:
                chunks.append(raw)
        sender, rcpts = self.sender, self.rcpts
        self.sender, self.rcpts = None, []
        if size > SIZE_LIMIT:
            self.reply("552 Requested mail action aborted: exceeded storage allocation")
            return True
        peer = self.client_address[0]
        trace = (f"Return-Path: <{sender}>\n"
                 f"Received: from {self.helo} ([{peer}])\n\tby {CONFIG['hostname']} with {self.proto}"
                 + (f"\n\tfor <{rcpts[0]}>" if len(rcpts) == 1 else "") + f"; {formatdate()}\n")
        try:
            with LOCK:
                box = mailbox.Maildir(CONFIG["maildir"], factory=None, create=True)
                box.add(trace.encode("ascii") + b"".join(chunks).replace(b"\r\n", b"\n"))
        except OSError:
            self.reply("451 Requested action aborted: local error in processing")
            return True
        self.reply("250 OK")
        return True


class Server(socketserver.ThreadingTCPServer):
    allow_reuse_address = True
    daemon_threads = True


def main() -> int:
    p = argparse.ArgumentParser()
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--maildir", required=True)
    p.add_argument("--domain", required=True)
    a = p.parse_args()
    for sub in ("tmp", "new", "cur"):
        os.makedirs(os.path.join(a.maildir, sub), exist_ok=True)
    CONFIG.update(maildir=a.maildir, domain=a.domain, hostname=f"smtp.{a.domain}")
    with Server((a.host, a.port), SMTPHandler) as srv:
        srv.serve_forever()
    return 0


if __name__ == "__main__":

    sys.exit(main())
