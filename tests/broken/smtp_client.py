"""A deliberately broken SMTP client, one bug at a time, for the suite's self-tests.

    python tests/broken/smtp_client.py --host H --port P --from=A --to=B [--to=C] --timeout S --bug BUG

A small, otherwise correct submitter (greeting, EHLO with HELO fallback, PIPELINING and SIZE when offered,
dot-stuffing, CRLF, QUIT) with exactly one classic mistake switched on.  ``BUGS`` names, for each bug, the
requirement and the scenario that must catch it.  ``--bug none`` passes every client scenario.
"""

from __future__ import annotations

import argparse
import re
import socket
import sys

BUGS = {
    "none": ("", ""),
    "space-after-colon": ("SMTP-TXN-9", "smtp-client-basic"),
    "close-before-221": ("SMTP-QUIT-5", "smtp-client-quit-waits-221"),
    "no-stuffing": ("SMTP-DATA-3", "smtp-client-dot-stuffing"),
    "lf-endings": ("SMTP-DATA-5", "smtp-client-crlf-only"),
    "bad-ehlo-name": ("SMTP-EHLO-11", "smtp-client-ehlo-name"),
    "no-helo-fallback": ("SMTP-EHLO-12", "smtp-client-helo-fallback"),
    "ignore-ehlo": ("SMTP-EHLO-10", "smtp-client-no-unadvertised-extensions"),
    "early-talker": ("SMTP-CONN-3", "smtp-client-waits-for-greeting"),
    "needs-250": ("SMTP-REPLY-4", "smtp-client-reply-codes"),
    "short-reply-buffer": ("SMTP-REPLY-6", "smtp-client-long-reply-lines"),
    "data-with-batch": ("SMTP-PIPE-2", "smtp-client-pipelining-batch"),
    "ignore-size": ("SMTP-SIZE-9", "smtp-client-size-limit"),
    "oversize-ok": ("SMTP-SIZE-10", "smtp-client-size-limit"),
    "send-8bit-raw": ("SMTP-8BIT-4", "smtp-client-8bit-without-8bitmime"),
    "no-452-retry": ("SMTP-LIMIT-4", "smtp-client-too-many-recipients"),
    "ignore-greeting-code": ("SMTP-REPLY-4", "smtp-client-greeting-554"),
    "retry-immediately": ("SMTP-CLIENT-1", "smtp-client-mail-451"),
    "continue-after-mail-error": ("SMTP-SIZE-8", "smtp-client-mail-552"),
    "abort-on-any-refusal": ("SMTP-CLIENT-2", "smtp-client-rcpt-partly-refused"),
    "data-anyway": ("SMTP-CLIENT-3", "smtp-client-no-data-without-recipients"),
    "body-after-354": ("SMTP-PIPE-12", "smtp-client-pipelined-all-refused"),
    "body-after-354-ok": ("SMTP-PIPE-3", "smtp-client-pipelined-all-refused"),
    "body-after-refused-data": ("SMTP-SEQ-9", "smtp-client-data-554"),
    "eod-ignored": ("SMTP-SIZE-10", "smtp-client-end-of-data-refused"),
    "first-line-only": ("SMTP-CONN-4", "smtp-client-multiline-greeting-split"),
    "one-recv-reply": ("SMTP-REPLY-5", "smtp-client-replies-trickled"),
    "errors-are-success": ("SMTP-421-2", "smtp-client-421-mid-session"),
    "lost-is-delivered": ("SMTP-CLIENT-LOST-1", "smtp-client-lost-after-data"),
    "no-timeout": ("NET-TCP-8", "smtp-client-stalled-mail"),  # the hang; SMTP-TIMEOUT-1 cannot be proven in 5 s
    "garbage-is-250": ("SMTP-REPLY-4", "smtp-client-garbage-reply"),
}


class Failed(Exception):
    pass


class Conn:
    def __init__(self, sock: socket.socket, bug: str) -> None:
        self.sock, self.bug, self.buf = sock, bug, b""

    def reply(self) -> tuple[int, str]:
        if self.bug == "one-recv-reply":  # SMTP-REPLY-5: one recv() is one reply
            data = self.sock.recv(4096)
            return int(data[:3]), data[4:].decode("latin-1")
        lines = []
        while True:
            while b"\r\n" not in self.buf:
                if self.bug == "short-reply-buffer" and len(self.buf) > 256:
                    raise Failed("reply line too long")  # SMTP-REPLY-6: 256-octet line buffer
                data = self.sock.recv(4096)
                if not data:
                    raise Failed("connection closed")
                self.buf += data
            line, self.buf = self.buf.split(b"\r\n", 1)
            if self.bug == "short-reply-buffer" and len(line) > 256:
                raise Failed("reply line too long")
            lines.append(line)
            if self.bug == "garbage-is-250" and not line[:3].isdigit():
                return 250, ""  # SMTP-REPLY-4: anything unparsable taken as success
            if line[3:4] != b"-" or self.bug == "first-line-only":  # SMTP-CONN-4 when buggy
                code = int(line[:3])
                if code == 421:
                    raise Failed("421")
                return code, "\n".join(ln[4:].decode("latin-1") for ln in lines)

    def send(self, data: bytes) -> None:
        self.sock.sendall(data)

    def cmd(self, line: str) -> int:
        self.send(line.encode() + b"\r\n")
        return self.reply()[0]


def ok(code: int, bug: str) -> bool:
    return code == 250 if bug == "needs-250" else code // 100 == 2


def encode(message: bytes, bug: str) -> bytes:
    if bug != "lf-endings":
        message = re.sub(rb"\r\n|\r|\n", b"\r\n", message)
    if not message.endswith(b"\n"):
        message += b"\r\n"
    if bug != "no-stuffing":
        message = re.sub(rb"(^|\n)\.", rb"\1..", message)
    return message + b".\r\n"


def transaction(c: Conn, bug: str, sender: str, rcpts: list[str], data: bytes, exts: dict, params: str) -> list[str]:
    colon = ": " if bug == "space-after-colon" else ":"
    mail = f"MAIL FROM{colon}<{sender}>{params}\r\n".encode()
    rlines = [f"RCPT TO{colon}<{r}>\r\n".encode() for r in rcpts]
    pipelining = ("PIPELINING" in exts or bug in ("ignore-ehlo", "data-with-batch")) and bug != "retry-immediately"
    retry: list[str] = []
    if pipelining:
        c.send(mail + b"".join(rlines) + b"DATA\r\n" + (data if bug == "data-with-batch" else b""))
        mcode = c.reply()[0]
        rcodes = [c.reply()[0] for _ in rcpts]
        dcode = c.reply()[0]
    else:
        mcode = c.reply()[0] if c.send(mail) is None else 0
        for _attempt in range(3 if bug == "retry-immediately" else 0):
            if mcode // 100 != 4:
                break
            mcode = c.cmd(mail.decode().strip())  # SMTP-CLIENT-1: retry storm
        if not ok(mcode, bug) and bug != "continue-after-mail-error":
            raise Failed(f"MAIL {mcode}")
        rcodes = [c.cmd(line.decode().strip()) for line in rlines]
        dcode = None
    if not ok(mcode, bug):
        raise Failed(f"MAIL {mcode}")
    good = [r for r, code in zip(rcpts, rcodes) if ok(code, bug)]
    retry = [r for r, code in zip(rcpts, rcodes) if code == 452 and bug != "no-452-retry"]
    refused = [r for r, code in zip(rcpts, rcodes) if code // 100 == 5]
    if refused and bug == "abort-on-any-refusal":
        c.cmd("RSET")
        raise Failed("a recipient was refused")
    if not good and bug not in ("data-anyway", "body-after-354", "body-after-354-ok"):
        if dcode == 354:
            c.send(b".\r\n")
            c.reply()
        c.cmd("RSET")
        raise Failed("no recipient accepted")
    if dcode is None:
        dcode = c.cmd("DATA")
    if dcode != 354 and bug != "body-after-refused-data":
        raise Failed(f"DATA {dcode}")
    if bug != "data-with-batch":
        c.send(data)
    final = c.reply()[0]
    if not ok(final, bug) and bug not in ("eod-ignored", "oversize-ok"):  # oversize-ok, SMTP-SIZE-10: 552 ignored
        raise Failed(f"end of data {final}")
    if refused:
        raise Failed("some recipients refused")
    return retry


def submit(args) -> None:
    bug = args.bug
    message = sys.stdin.buffer.read()
    data = encode(message, bug)
    timeout = 1e6 if bug == "no-timeout" else args.timeout
    sock = socket.create_connection((args.host, args.port), timeout=timeout)
    c = Conn(sock, bug)
    name = "my host_name" if bug == "bad-ehlo-name" else "[127.0.0.1]"
    if bug == "early-talker":
        c.send(f"EHLO {name}\r\n".encode())  # SMTP-CONN-3: talks before the greeting
        greeting = c.reply()[0]
        code, text = c.reply()
    else:
        greeting = c.reply()[0]
        if greeting // 100 != 2 and bug != "ignore-greeting-code":
            c.cmd("QUIT")
            raise Failed(f"greeting {greeting}")
        code, text = c.reply() if c.send(f"EHLO {name}\r\n".encode()) is None else (0, "")
    exts = {}
    if code // 100 == 2:
        for line in text.split("\n")[1:]:
            kw, _, rest = line.partition(" ")
            exts[kw.upper()] = rest
    elif bug == "no-helo-fallback":
        raise Failed("EHLO refused")
    elif c.cmd(f"HELO {name}") // 100 != 2 and bug != "ignore-greeting-code":
        raise Failed("HELO refused")
    params = ""
    size = len(data)
    if ("SIZE" in exts or bug == "ignore-ehlo") and bug not in ("ignore-size", "oversize-ok"):  # SMTP-SIZE-9
        limit = exts.get("SIZE", "0").split(" ")[0]
        if limit.isdigit() and int(limit) and size > int(limit):
            c.cmd("QUIT")
            raise Failed("too big")
        params += f" SIZE={size}"
    if any(b > 0x7F for b in message):
        if "8BITMIME" in exts:
            params += " BODY=8BITMIME"
        elif bug != "send-8bit-raw":
            c.cmd("QUIT")
            raise Failed("8-bit content")
    pending = list(args.to)
    while pending:
        pending = transaction(c, bug, args.sender, pending, data, exts, params)
    if bug == "close-before-221":
        c.send(b"QUIT\r\n")
        sock.close()
        return
    c.cmd("QUIT")
    sock.close()


def main() -> int:
    p = argparse.ArgumentParser()
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--from", dest="sender", default="")
    p.add_argument("--to", action="append", default=[])
    p.add_argument("--timeout", type=float, default=5.0)
    p.add_argument("--bug", choices=sorted(BUGS), default="none")
    args = p.parse_args()
    try:
        submit(args)
    except (Failed, OSError, ValueError) as exc:
        if args.bug in ("errors-are-success", "body-after-354-ok") or (args.bug == "lost-is-delivered" and "closed" in str(exc)):
            return 0  # SMTP-421-2 / SMTP-PIPE-3 / SMTP-CLIENT-LOST-1: a failure reported as success
        print(f"smtp: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
