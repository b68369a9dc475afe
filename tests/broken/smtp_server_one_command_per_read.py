"""Broken SMTP server: takes one command per ``recv()`` and drops whatever else arrived in the same read,
so pipelined commands (and ``...<CRLF>.<CRLF>QUIT<CRLF>`` in one segment) get no reply.  Everything else
is the reference server.

RFC 2920 §3.2 (9) and NET-TCP-2: the input buffer is never flushed; several commands in one read are all
answered, in order.
Caught by: SMTP-PIPE-6 / NET-TCP-2, scenario ``smtp.server.pipelining.one-segment``.

    python tests/broken/smtp_server_one_command_per_read.py --port PORT --maildir DIR
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from reference_servers.smtp.__main__ import main
from reference_servers.smtp.server import SessionPump


class OneLinePerRead(SessionPump):
    async def _more(self) -> bytes:
        data = await super()._more()
        end = data.find(b"\r\n")
        return data if end < 0 else data[: end + 2]  # BUG: the rest of the read is lost


if __name__ == "__main__":
    sys.exit(main(pump_class=OneLinePerRead))
