"""Broken SMTP server: stores the message content without removing the transparency dots, so a line
``..foo`` on the wire is delivered as ``..foo`` instead of ``.foo``.  Everything else is the reference server.

RFC 5321 §4.5.2: the receiver deletes the first character of any line beginning with a period.
Caught by: SMTP-DATA-2, scenario ``smtp.server.data.dot-unstuffing``.

    python tests/broken/smtp_server_no_unstuff.py --port PORT --maildir DIR
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from reference_servers.smtp import wire
from reference_servers.smtp.__main__ import main
from reference_servers.smtp.server import SmtpSession


class KeepsDots(wire.DataReceiver):
    def feed(self, data: bytes) -> bytes | None:
        rest = super().feed(data)
        if rest is not None and self.result is not None:
            self.result.content = wire.dot_stuff(self.result.content)  # BUG: the dots stay in
        return rest


class NoUnstuffSession(SmtpSession):
    data_receiver = KeepsDots


if __name__ == "__main__":
    sys.exit(main(session_class=NoUnstuffSession))
