"""Broken SMTP client: takes whatever one ``recv()`` returns as one whole reply, so a multi-line greeting
(or EHLO reply) that arrives in several segments makes it send EHLO after the first line and stay one
reply behind for the rest of the session.  Otherwise a plain, non-pipelining submitter.

RFC 5321 §4.2: a multi-line reply ends only at the line with code + SP.
Caught by: SMTP-CONN-4 / SMTP-REPLY-5, scenario ``smtp.client.partial.multiline-greeting-split``.

    python tests/broken/smtp_client_one_recv_reply.py --host H --port P --from=A --to=B [--timeout S]
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


def reply() -> int:
    data = sock.recv(4096)  # BUG: one recv() is one reply
    return int(data[:3]) if data[:3].isdigit() else 0


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
