"""Broken SMTP client: once it has sent the end of data (<CRLF>.<CRLF>) it considers the message
delivered, so a connection lost (reset) before the server's final reply is reported as a success (exit 0).
Otherwise a plain, non-pipelining submitter that reads whole replies.

Gets wrong: SMTP-CLIENT-LOST-1 (a connection lost mid-transaction is a 451, never a success).
Caught by: ``smtp-client-raw-reset-mid-reply``.

    python tests/broken/raw_smtp_client_lost_ok.py --host H --port P --from=A --to=B [--to=C] [--timeout S]
"""

import argparse
import socket
import sys


def reply(sock: socket.socket, buf: bytearray) -> int:
    """Read one whole (possibly multi-line) reply; return its code."""
    while True:
        while b"\n" not in buf:
            chunk = sock.recv(4096)
            if not chunk:
                raise ConnectionError("closed")
            buf += chunk
        line, _, rest = bytes(buf).partition(b"\n")
        buf[:] = rest
        if line[3:4] != b"-":
            return int(line[:3])


def main() -> int:
    p = argparse.ArgumentParser()
    p.add_argument("--host", required=True)
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--from", dest="sender", required=True)
    p.add_argument("--to", action="append", required=True)
    p.add_argument("--timeout", type=float, default=5.0)
    a = p.parse_args()
    message = sys.stdin.buffer.read().replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")
    buf = bytearray()
    with socket.create_connection((a.host, a.port), timeout=a.timeout) as s:
        if reply(s, buf) != 220:
            return 1
        for command, want in [(b"HELO client.example", 250), (b"MAIL FROM:<%s>" % a.sender.encode(), 250),
                              *[(b"RCPT TO:<%s>" % r.encode(), 250) for r in a.to], (b"DATA", 354)]:
            s.sendall(command + b"\r\n")
            if reply(s, buf) != want:
                return 1
        s.sendall(message + (b"" if message.endswith(b"\r\n") else b"\r\n") + b".\r\n")
        try:
            if reply(s, buf) != 250:
                return 1
            s.sendall(b"QUIT\r\n")
            reply(s, buf)
        except OSError:
            pass  # BUG: the data was sent, so "it was delivered"
    return 0


if __name__ == "__main__":
    sys.exit(main())
