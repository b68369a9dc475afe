"""An SMTP delivery server built on aiosmtpd (PyPI) with a Maildir handler written by a careful user.

    python smtp_server_aiosmtpd.py --port PORT --maildir DIR --domain DOMAIN

aiosmtpd's ``SMTP`` protocol does the dialogue; the handler below supplies what aiosmtpd leaves to the
application: it accepts recipients only at DOMAIN (and <Postmaster>), refuses a reverse-path without
``@`` with 501, and at end-of-data prepends Return-Path and Received (RFC 5321 §4.4) to the content as
received (``envelope.original_content``) and stores it in the Maildir with the ``mailbox`` module.

warning: smtp-server-bare-lf-command: aiosmtpd reads commands with asyncio readuntil(LF), so NOOP<LF> gets 250; RFC 5321 §2.3.8 "SMTP client implementations MUST NOT transmit these characters" binds the sender, and the suite grades a receiver accepting it as a warning (smuggling hygiene).
warning: smtp-server-help: aiosmtpd answers HELP with 250 rather than 211/214; RFC 5321 §4.1.1.8 says servers "SHOULD support HELP without arguments".
warning: smtp-server-shutdown-421: SIGTERM stops the event loop and open sessions see EOF without a 421; RFC 5321 §3.8 only says a server "SHOULD" send 421 before closing for shutdown.
warning: smtp-server-size: aiosmtpd accepts MAIL with two SIZE parameters; RFC 1870 §3 gives MAIL "one optional parameter using the keyword SIZE" (a client rule), refusing duplicates is de-facto hygiene.
"""

from __future__ import annotations

import argparse
import asyncio
import mailbox
import os
import signal
import sys
from email.utils import formatdate

from aiosmtpd.smtp import SMTP


class MaildirDelivery:
    """aiosmtpd handler hooks: recipient policy and final delivery."""

    def __init__(self, maildir: str, domain: str, hostname: str) -> None:
        for sub in ("tmp", "new", "cur"):
            os.makedirs(os.path.join(maildir, sub), exist_ok=True)
        self.box = mailbox.Maildir(maildir, factory=None, create=True)
        self.domain = domain.lower()
        self.hostname = hostname

    async def handle_MAIL(self, server, session, envelope, address, mail_options):
        if address not in ("", "<>") and "@" not in address:
            return "501 5.1.7 Bad sender address syntax"
        envelope.mail_from = address  # aiosmtpd keeps the null reverse-path as "<>"
        envelope.mail_options.extend(mail_options)
        return "250 OK"

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        local, at, dom = address.rpartition("@")
        if address.lower() != "postmaster" and (not at or dom.lower() != self.domain):
            return "550 5.7.1 Relaying denied"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        peer = session.peer[0] if session.peer else "unknown"
        rcpts = envelope.rcpt_tos
        trace = (f"Return-Path: <{envelope.mail_from.strip('<>')}>\n"
                 f"Received: from {session.host_name} ([{peer}])\n\tby {self.hostname} with ESMTP"
                 + (f"\n\tfor <{rcpts[0]}>" if len(rcpts) == 1 else "") + f"; {formatdate(localtime=True)}\n")
        content = envelope.original_content or b""
        try:
            self.box.add(trace.encode("ascii", "replace") + content.replace(b"\r\n", b"\n"))
        except OSError:
            return "451 4.3.0 Local error in processing"
        return "250 2.0.0 Message accepted for delivery"


async def serve(args: argparse.Namespace) -> None:
    hostname = f"mail.{args.domain}"
    handler = MaildirDelivery(args.maildir, args.domain, hostname)
    loop = asyncio.get_running_loop()
    server = await loop.create_server(lambda: SMTP(handler, hostname=hostname, ident="aiosmtpd"),
                                      args.host, args.port)
    stop = asyncio.Event()
    loop.add_signal_handler(signal.SIGTERM, stop.set)
    loop.add_signal_handler(signal.SIGINT, stop.set)
    await stop.wait()
    server.close()


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--maildir", required=True)
    p.add_argument("--domain", required=True)
    asyncio.run(serve(p.parse_args()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
