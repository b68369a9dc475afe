"""Launch aiosmtpd (PyPI) as an SMTP server under test, delivering each message into a Maildir.

    python tests/real/aiosmtpd_maildir.py --port {port} --maildir {maildir}

This is ``python -m aiosmtpd -n -l 127.0.0.1:{port} -c <handler> {maildir}`` with the handler below:
it stores each message *as received* (``envelope.original_content``, un-stuffed, CRLF turned into LF),
one file per message in ``{maildir}/new``, with the envelope in ``X-Envelope-From`` / ``X-Envelope-To``
lines prepended, so the suite compares what aiosmtpd's SMTP layer received, not a re-serialized
``email`` object.  aiosmtpd's own ``Mailbox`` handler re-serializes the message, which would blur that.
Recipients are accepted for every domain: this is aiosmtpd's default behaviour, kept on purpose.
"""

from __future__ import annotations

import argparse
import mailbox
import os
import sys

from aiosmtpd.main import main as aiosmtpd_main


class MaildirHandler:
    """aiosmtpd handler: deliver the DATA content unchanged into a Maildir."""

    def __init__(self, path: str) -> None:
        for sub in ("tmp", "new", "cur"):  # mailbox creates them only for a directory that does not exist
            os.makedirs(os.path.join(path, sub), exist_ok=True)
        self.box = mailbox.Maildir(path, factory=None, create=True)

    @classmethod
    def from_cli(cls, parser, *args):
        if len(args) != 1:
            parser.error("the handler takes one argument: the Maildir directory")
        return cls(args[0])

    async def handle_DATA(self, server, session, envelope) -> str:
        content = envelope.original_content or b""
        head = f"X-Envelope-From: <{envelope.mail_from or ''}>\n"
        head += "".join(f"X-Envelope-To: <{r}>\n" for r in envelope.rcpt_tos)
        self.box.add(head.encode("utf-8", "replace") + content.replace(b"\r\n", b"\n"))
        return "250 Message accepted for delivery"


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--maildir", required=True)
    args = p.parse_args(argv)
    sys.modules.setdefault("aiosmtpd_maildir", sys.modules[__name__])
    aiosmtpd_main(["-n", "-l", f"{args.host}:{args.port}", "-c", "aiosmtpd_maildir.MaildirHandler", args.maildir])


if __name__ == "__main__":
    main()
