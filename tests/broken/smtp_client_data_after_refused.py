"""Broken SMTP client: sends DATA and then the message even when every RCPT was refused: it ignores the
recipients' replies and the reply to DATA.  Otherwise a correct, non-pipelining submitter (stuffing,
multi-line replies).

RFC 5321 §3.3: "message data MUST NOT be sent unless a 354 reply is received" (the DATA itself, after every
RCPT was refused, is only wasteful: SMTP-CLIENT-3, de-facto).
Caught by: SMTP-SEQ-9, scenario ``smtp-client-no-data-without-recipients``.

    python tests/broken/smtp_client_data_after_refused.py --host H --port P --from=A --to=B [--timeout S]
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
message = message.replace(b"\r\n.", b"\r\n..")
if message.startswith(b"."):
    message = b"." + message

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
    for r in args.to:
        cmd(f"RCPT TO:<{r}>")  # BUG: the reply is not looked at
    data = cmd("DATA")
    sock.sendall(message + b".\r\n")  # BUG: the message goes whatever DATA got (554 after refused recipients)
    ok = data == 354 and reply() == 250
    cmd("QUIT")
except (OSError, ValueError) as exc:
    sys.exit(f"smtp: {exc}")
sys.exit(0 if ok else 1)
