"""Broken SMTP server: does not implement NOOP (502) and answers an unknown command with 502 instead of 500.
Everything else is the reference server.

RFC 5321 §4.5.1: NOOP is in the minimum implementation (SMTP-CMD-4, caught by smtp-server-minimum-commands);
§4.2.4: "If the command is not recognized, code 500 SHOULD be returned." (SMTP-CMD-11, a warning, caught by
smtp-server-unknown-command even though that scenario cannot probe the session with NOOP afterwards).

    python tests/broken/smtp_server_no_noop.py --port PORT --maildir DIR
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from reference_servers.smtp import wire
from reference_servers.smtp.__main__ import main
from reference_servers.smtp.server import SmtpSession


class NoNoop(SmtpSession):
    def command(self, line: bytes) -> None:
        verb = line.split(b" ", 1)[0].upper().decode("ascii", "replace")
        if verb == "NOOP" or (verb.isalpha() and verb not in wire.KNOWN_VERBS):
            self._take(verb, line)
            self.reply(502, "Command not implemented", esc="5.5.1")  # BUG: no NOOP; 502 for unknown verbs
            return self.flush()
        super().command(line)


if __name__ == "__main__":
    sys.exit(main(session_class=NoNoop))
