"""A command-line SMTP submission client on a plain socket, replies read through ``makefile("rb")``.

    python smtp_client_socket.py --host HOST --port PORT --from SENDER --to RCPT [--to RCPT ...] < message

Reads an RFC 5322 message on stdin and sends it from SENDER to every RCPT (RFC 5321): waits for the
greeting, EHLO (HELO if EHLO is refused), MAIL/RCPT one command at a time (no pipelining), DATA, the
content with CRLF line ends and dot-stuffing, then QUIT and the 221.  It goes by the first digit of every
reply.  Every wait is bounded by 5 seconds.  SIZE is used when advertised; 8-bit content is sent only to a
server that advertises 8BITMIME (otherwise the client refuses to send it).  Recipients refused with 452
are sent again in a further transaction.  Exit status 0 when every recipient got the message.
"""

from __future__ import annotations

import argparse
import re
import socket
import sys

TIMEOUT = 5.0


class SMTPError(Exception):
    pass


class Conn:
    def __init__(self, host: str, port: int) -> None:
        self.sock = socket.create_connection((host, port), timeout=TIMEOUT)
        self.sock.settimeout(TIMEOUT)
        self.rfile = self.sock.makefile("rb")

    def read_reply(self) -> tuple[int, list[str]]:
        lines: list[str] = []
        first = 0
        while True:
            raw = self.rfile.readline(2048)
            if not raw:
                raise SMTPError("connection closed by the server")
            if not raw.endswith(b"\n"):
                raise SMTPError(f"reply line too long or cut: {raw[:80]!r}")
            line = raw.rstrip(b"\r\n").decode("utf-8", "replace")
            m = re.match(r"^([2-5]\d\d)([ -]|$)(.*)$", line)
            if not m:
                raise SMTPError(f"malformed reply: {line!r}")
            code, sep, text = int(m.group(1)), m.group(2), m.group(3)
            if lines and code != first:
                raise SMTPError("inconsistent codes in a multi-line reply")
            first = code
            lines.append(text)
            if sep != "-":
                return code, lines

    def command(self, line: str) -> tuple[int, list[str]]:
        self.sock.sendall(line.encode("ascii") + b"\r\n")
        return self.read_reply()

    def close(self) -> None:
        try:
            self.rfile.close()
            self.sock.close()
        except OSError:
            pass


def prepare(message: bytes) -> bytes:
    """CRLF line ends (a lone CR or LF becomes CRLF), a final CRLF, and leading dots doubled."""
    lines = re.split(rb"\r\n|\r|\n", message)
    if lines and lines[-1] == b"":
        lines.pop()
    return b"".join((b"." + ln if ln.startswith(b".") else ln) + b"\r\n" for ln in lines)


def submit(args: argparse.Namespace, message: bytes) -> int:
    conn = Conn(args.host, args.port)
    try:
        code, _ = conn.read_reply()
        if code // 100 != 2:
            conn.command("QUIT")
            raise SMTPError(f"service refused: {code}")
        local = conn.sock.getsockname()[0]
        me = f"[{local}]" if ":" not in local else f"[IPv6:{local}]"
        code, lines = conn.command(f"EHLO {me}")
        exts: dict[str, str] = {}
        if code // 100 == 2:
            for ln in lines[1:]:
                key, _, value = ln.partition(" ")
                exts[key.upper()] = value
        else:
            code, _ = conn.command(f"HELO {me}")
            if code // 100 != 2:
                raise SMTPError("HELO refused")
        data = prepare(message)
        size = len(data) - data.count(b"\r\n.")  # stuffing dots do not count (RFC 1870)
        if "SIZE" in exts and exts["SIZE"].isdigit() and 0 < int(exts["SIZE"]) < size:
            conn.command("QUIT")
            raise SMTPError(f"message of {size} octets exceeds the server's SIZE {exts['SIZE']}")
        eight_bit = bool(re.search(rb"[\x80-\xff]", data))
        if eight_bit and "8BITMIME" not in exts:
            conn.command("QUIT")
            raise SMTPError("8-bit message and the server does not offer 8BITMIME")
        params = ""
        if "SIZE" in exts:
            params += f" SIZE={size}"
        if eight_bit:
            params += " BODY=8BITMIME"
        pending = list(args.to)
        failed = False
        while pending:
            code, _ = conn.command(f"MAIL FROM:<{args.sender}>{params}")
            if code // 100 != 2:
                conn.command("RSET" if code // 100 == 5 else "QUIT")
                raise SMTPError(f"sender refused: {code}")
            accepted, retry = [], []
            for rcpt in pending:
                code, _ = conn.command(f"RCPT TO:<{rcpt}>")
                if code // 100 == 2:
                    accepted.append(rcpt)
                elif code == 452 and accepted:
                    retry.append(rcpt)  # too many recipients for this transaction: next one
                elif code == 421:
                    raise SMTPError("service closing")
                else:
                    failed = True
            if not accepted:
                conn.command("RSET")
                break
            code, _ = conn.command("DATA")
            if code // 100 != 3:
                conn.command("RSET")
                raise SMTPError(f"DATA refused: {code}")
            conn.sock.sendall(data + b".\r\n")
            code, _ = conn.read_reply()
            if code // 100 != 2:
                raise SMTPError(f"message refused: {code}")
            pending = retry
        code, _ = conn.command("QUIT")
        return 1 if failed else 0
    finally:
        conn.close()


def main() -> int:
    p = argparse.ArgumentParser()
    p.add_argument("--host", required=True)
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--from", dest="sender", required=True)
    p.add_argument("--to", action="extend", nargs="+", required=True)
    args = p.parse_args()
    message = sys.stdin.buffer.read()
    try:
        return submit(args, message)
    except (OSError, SMTPError) as exc:
        print(f"smtp: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
