"""Broken SMTP client: sends the message without dot-stuffing, so a line holding a single ``.`` ends the
message early (the rest is read as commands) and a line ``..x`` loses a dot.  Otherwise it reads replies
correctly (multi-line included) and talks one command at a time.

RFC 5321 §4.5.2: before sending a line of mail text, the client doubles a leading period.
Caught by: SMTP-DATA-3, scenario ``smtp.client.data.dot-stuffing``.

    python tests/broken/smtp_client_no_stuffing.py --host H --port P --from=A --to=B [--timeout S]
"""

import argparse
import socket
import sys

p = argparse.ArgumentParser()
p.add_argument("--host", default="127.0.0.1")
p.add_argument("--port", type=int, required=True)
p.add_argument("--from", dest="sender", default="")
p.add_argument("--to", action="append", default=[])
p.add_argument("--timeout", type=float, default=5.0)
args = p.parse_args()
message = sys.stdin.buffer.read().replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")
if not message.endswith(b"\r\n"):
    message += b"\r\n"
# BUG: no dot-stuffing here

sock = socket.create_connection((args.host, args.port), timeout=args.timeout)
lines = sock.makefile("rb")


def reply() -> int:
    while True:
        line = lines.readline()
        if not line:
            raise OSError("connection closed")
        if line[3:4] != b"-":
            return int(line[:3])


def cmd(line: str) -> int:
    sock.sendall(line.encode() + b"\r\n")
    return reply()


try:
    if reply() != 220 or cmd("EHLO client.test") != 250 or cmd(f"MAIL FROM:<{args.sender}>") != 250:
        sys.exit("smtp: refused")
    if not all(cmd(f"RCPT TO:<{r}>") == 250 for r in args.to) or cmd("DATA") != 354:
        sys.exit("smtp: refused")
    sock.sendall(message + b".\r\n")
    ok = reply() == 250
    cmd("QUIT")
except (OSError, ValueError) as exc:
    sys.exit(f"smtp: {exc}")
sys.exit(0 if ok else 1)
