"""A deliberately broken TCP server for echo, daytime, time, gopher, HTTP/1.0 or SMTP, one bug at a time,
for the self-tests of the raw-packet scenarios (``conformance/scenarios/test_raw_packets.py``).

    python tests/broken/raw_tcp_server.py --protocol PROTO --port PORT --bug BUG [--root DIR]

The protocols are spoken minimally (the raw scenarios compare a target's answers with each other, not
with the reference); ``--bug none`` is correct for them.  Each session ends politely (shutdown, drain the
client's input, close: NET-TCP-9).  The bugs, and the scenario that catches each:

- ``first-read``: takes the first ``recv()`` as the whole request (NET-TCP-1): echo echoes it and closes,
  gopher/HTTP parse it, SMTP takes each read as one command.  Caught by ``<proto>-raw-one-byte-segments``
  and ``<proto>-raw-out-of-order`` (the kernel delivers the scrambled request in two reads).
- ``crash-on-reset``: one ECONNRESET/EPIPE kills the whole server (NET-TCP-5).  Caught by
  ``<proto>-raw-rst-mid-response``.
- ``half-close``: echo never closes after the client's FIN; the others take an EOF right after the
  request (or right after connecting) for an abort and answer nothing (NET-TCP-4).  Caught by
  ``<proto>-raw-fin-after-request``.
- ``impatient-writer``: resets (SO_LINGER 0) a client that has not taken everything written within
  100 ms (SIOCOUTQ), destroying the answer still queued (NET-TCP-3: a slow reader is not an error).
  Caught by ``<proto>-raw-zero-window``.
"""

import argparse
import fcntl
import os
import socket
import struct
import sys
import threading
import time
from pathlib import Path

BUGS = ("none", "first-read", "crash-on-reset", "half-close", "impatient-writer")
SIOCOUTQ = 0x5411


def read_until(conn: socket.socket, end: bytes, bug: str) -> bytes | None:
    data = b""
    while end not in data:
        chunk = conn.recv(4096)
        if not chunk:
            return None
        data += chunk
        if bug == "first-read":
            break
    return data


def eof_pending(conn: socket.socket, wait: float = 0.1) -> bool:
    """True when the client already half-closed (the next read would return EOF)."""
    conn.settimeout(wait)
    try:
        return conn.recv(1, socket.MSG_PEEK) == b""
    except TimeoutError:
        return False
    finally:
        conn.settimeout(None)


def answer(proto: str, conn: socket.socket, root: Path, bug: str) -> bytes | None:
    """The answer to send, or None to close without one."""
    if proto in ("daytime", "time"):
        if bug == "half-close" and eof_pending(conn):
            return None  # BUG: the client half-closed: "it went away"
        now = time.time()
        return time.strftime("%a %b %d %H:%M:%S %Y\r\n", time.gmtime(now)).encode() if proto == "daytime" \
            else struct.pack("!I", int(now) + 2208988800)
    if proto == "gopher":
        line = read_until(conn, b"\n", bug)
        if line is None or bug == "half-close" and eof_pending(conn):
            return None
        path = root / line.strip().decode("latin-1").lstrip("/")
        if path.is_file():
            return path.read_bytes().replace(b"\n", b"\r\n") + b".\r\n"
        return b"3not found\t\terror.host\t1\r\n.\r\n"
    if proto == "http":
        head = read_until(conn, b"\r\n\r\n", bug)
        if head is None or bug == "half-close" and eof_pending(conn):
            return None
        parts = head.split(b" ")
        if b"\r\n\r\n" not in head or len(parts) < 3 or parts[0] != b"GET":
            return b"HTTP/1.0 400 Bad Request\r\nContent-Length: 0\r\n\r\n"
        path = root / parts[1].decode("latin-1").lstrip("/")
        if not path.is_file():
            return b"HTTP/1.0 404 Not Found\r\nContent-Length: 0\r\n\r\n"
        body = path.read_bytes()
        return b"HTTP/1.0 200 OK\r\nContent-Length: %d\r\n\r\n%s" % (len(body), body)
    raise ValueError(proto)


def smtp(conn: socket.socket, bug: str) -> bool:
    """One SMTP session; False when the impatient writer reset the client."""
    conn.sendall(b"220 broken.test ESMTP\r\n")
    if bug == "impatient-writer" and not patient_enough(conn):
        return False
    buf = b""
    while True:
        chunk = conn.recv(4096)
        if not chunk or bug == "half-close" and eof_pending(conn, 0.02):
            return True
        buf += chunk
        lines = [buf] if bug == "first-read" else []  # BUG: one read = one command
        if bug == "first-read":
            buf = b""
        else:
            while b"\n" in buf:
                line, buf = buf.split(b"\n", 1)
                lines.append(line)
        for line in lines:
            verb = line.strip().split(b" ")[0].upper()
            if verb == b"QUIT":
                conn.sendall(b"221 bye\r\n")
                return True
            conn.sendall(b"250 ok\r\n" if verb in (b"HELO", b"EHLO", b"NOOP") else b"500 unknown command\r\n")


def echo(conn: socket.socket, bug: str) -> bool:
    """Echo until EOF; False when the impatient writer reset the client."""
    while True:
        data = conn.recv(65536)
        if not data:
            if bug == "half-close":
                time.sleep(3600)  # BUG: never closes after the client's FIN
            return True
        conn.sendall(data)
        if bug == "impatient-writer" and not patient_enough(conn):
            return False
        if bug == "first-read":
            return True


def patient_enough(conn: socket.socket, wait: float = 0.1) -> bool:
    """The impatient writer: True once the client took everything written; after ``wait`` seconds it resets
    the connection instead (SO_LINGER 0) and returns False."""
    deadline = time.monotonic() + wait
    while struct.unpack("i", fcntl.ioctl(conn, SIOCOUTQ, b"\0" * 4))[0] > 0:
        if time.monotonic() > deadline:
            conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            return False  # BUG: a client that has not taken its answer is reset, the answer destroyed
        time.sleep(0.005)
    return True


def session(proto: str, conn: socket.socket, root: Path, bug: str) -> None:
    try:
        if proto == "echo":
            if not echo(conn, bug):
                return
        elif proto == "smtp":
            if not smtp(conn, bug):
                return
        else:
            data = answer(proto, conn, root, bug)
            if data is None:
                return
            conn.sendall(data)
            if bug == "impatient-writer" and not patient_enough(conn):
                return
        conn.shutdown(socket.SHUT_WR)
        conn.settimeout(1.0)
        while conn.recv(65536):
            pass
    except (ConnectionError, TimeoutError, OSError) as exc:
        if bug == "crash-on-reset" and not isinstance(exc, TimeoutError):  # ECONNRESET, EPIPE, ENOTCONN...
            print("connection error: giving up", file=sys.stderr, flush=True)
            os._exit(3)  # BUG: one client's reset kills the server
    finally:
        conn.close()


def main() -> int:
    p = argparse.ArgumentParser()
    p.add_argument("--protocol", required=True, choices=("echo", "daytime", "time", "gopher", "http", "smtp"))
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--root", default=".")
    p.add_argument("--maildir", default="")
    p.add_argument("--bug", choices=BUGS, default="none")
    a = p.parse_args()
    ls = socket.socket()
    ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    ls.bind(("127.0.0.1", a.port))
    ls.listen(64)
    while True:
        conn, _ = ls.accept()
        threading.Thread(target=session, args=(a.protocol, conn, Path(a.root), a.bug), daemon=True).start()


if __name__ == "__main__":
    sys.exit(main())
