"""Helpers of the SMTP unit tests: a tiny raw client, Maildir reading, running the reference client."""

from __future__ import annotations

import mailbox
import socket
import subprocess
import sys
import time
from pathlib import Path

from reference_servers.smtp import wire

REPO = Path(__file__).resolve().parents[2]


class Raw:
    """A raw SMTP dialogue over one socket, every wait bounded."""

    def __init__(self, address, timeout: float = 5.0) -> None:
        self.sock = socket.create_connection(address, timeout=timeout)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.parser = wire.ReplyParser()

    def send(self, data: bytes) -> None:
        self.sock.sendall(data)

    def reply(self) -> wire.Reply:
        while (r := self.parser.next_reply()) is None:
            data = self.sock.recv(65536)
            if not data:
                raise EOFError(f"closed; buffered {self.parser.pending!r}")
            self.parser.feed(data)
        return r

    def cmd(self, line: str | bytes) -> wire.Reply:
        self.send(line if isinstance(line, bytes) else line.encode() + b"\r\n")
        return self.reply()

    def at_eof(self) -> bool:
        return self.sock.recv(65536) == b""

    def close(self) -> None:
        self.sock.close()


def stored(maildir: Path) -> list[bytes]:
    if not (maildir / "new").exists():
        return []
    box = mailbox.Maildir(str(maildir), factory=None, create=False)
    return [box.get_bytes(k) for k in sorted(box.keys())]


def run_client(port: int, *, to=("alice@example.test",), sender="me@x.test", message=b"Subject: t\n\nhi\n",
               timeout: float = 2.0, extra=()) -> subprocess.CompletedProcess:
    args = [sys.executable, "-m", "reference_servers.smtp.client", "--host", "127.0.0.1", "--port", str(port),
            f"--from={sender}", "--timeout", str(timeout), *extra]
    for r in to:
        args.append(f"--to={r}")
    return subprocess.run(args, input=message, capture_output=True, cwd=REPO, timeout=30)


def wait_for(predicate, timeout: float = 5.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if (value := predicate()):
            return value
        time.sleep(0.01)
    raise TimeoutError("condition not met")
