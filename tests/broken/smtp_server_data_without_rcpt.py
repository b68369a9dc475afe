"""Broken SMTP server: answers 354 to DATA when no recipient was accepted (no MAIL, no RCPT, or only
refused RCPTs), and then delivers the message to the postmaster.  Everything else is the reference server.

RFC 5321 §3.3: DATA without a valid recipient gets 503 (or 554), never 354.
Caught by: SMTP-SEQ-3, scenario ``smtp.server.seq.data-needs-recipients``.

    python tests/broken/smtp_server_data_without_rcpt.py --port PORT --maildir DIR
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from reference_servers.smtp import wire
from reference_servers.smtp.__main__ import main
from reference_servers.smtp.server import SmtpSession


class NoSequenceCheck(SmtpSession):
    def do_DATA(self, arg: str) -> None:
        if self.mail is None:
            self.mail = wire.Path("", "")  # BUG: no MAIL? pretend there was one
        if not self.rcpts:
            self.rcpts.append(f"postmaster@{self.config.domain}")  # BUG: no recipient? take it anyway
        super().do_DATA(arg)


if __name__ == "__main__":
    sys.exit(main(session_class=NoSequenceCheck))
