"""Broken SMTP server: reads message content line by line with LF as the line end, so ``<LF>.<LF>``
(and ``\\r\\n.\\n``) end the data, and what follows is read as commands: the SMTP smuggling bug.
Everything else is the reference server.

RFC 5321 §4.1.1.4 and §2.3.8: only ``<CRLF>.<CRLF>`` ends the data; a bare LF is not a line end.
Caught by: SMTP-DATA-4, scenario ``smtp.server.security.no-smuggling`` (the smuggled MAIL gets a reply).

    python tests/broken/smtp_server_bare_lf_eod.py --port PORT --maildir DIR
"""

import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from reference_servers.smtp import wire
from reference_servers.smtp.__main__ import main
from reference_servers.smtp.server import SmtpSession

END = re.compile(rb"(?:^|\n)\.\r?\n")  # BUG: LF-based, like readline()


class LenientReceiver:
    def __init__(self, max_size: int | None = None) -> None:
        self.buf = b""
        self.result: wire.DataResult | None = None

    def feed(self, data: bytes) -> bytes | None:
        self.buf += data
        m = END.search(self.buf)
        if not m:
            return None
        content = self.buf[: m.start() + (1 if m.group(0).startswith(b"\n") else 0)]
        content = wire.dot_unstuff(content.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n"))
        self.result = wire.DataResult(content=content, size=len(content))
        return self.buf[m.end():]


class LenientSession(SmtpSession):
    data_receiver = LenientReceiver


if __name__ == "__main__":
    sys.exit(main(session_class=LenientSession))
