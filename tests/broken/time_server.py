"""A deliberately broken time server (RFC 868), one bug at a time, for the suite's self-tests.

    python tests/broken/time_server.py --port PORT --clock {clock} --bug BUG

``--clock`` takes what the suite's ``{clock}`` placeholder gives: ``system``, ``none`` or Unix seconds.
"""

import argparse
import socket
import struct
import threading
import time

BUGS = {
    "none": "correct",
    "little-endian": "struct.pack('<I') (time-value-now: byte-swapped)",
    "unix-epoch": "forgets the 2,208,988,800 s offset (time-value-now: Unix time)",
    "eight-octets": "packs a 64-bit integer (time-tcp-four-octets-then-close, time-udp-exactly-four-octets)",
    "ascii": "sends decimal digits and a newline (time-tcp-four-octets-then-close)",
    "read-first": "waits for input before answering (time-tcp-speaks-first)",
    "never-close": "keeps the connection open (time-tcp-four-octets-then-close)",
    "no-wrap": "struct.pack('!I', t + offset) without modulo: raises past 2036 (time-clock-past-2036-wrap)",
    "signed": "keeps Unix time in a signed 32-bit field ('!i'): overflows past 2038-01-19 (time-clock-past-2038)",
    "zero-without-clock": "sends 00 00 00 00 when it has no clock (time-no-clock)",
    "rst-on-input": "closes with input unread (time-tcp-ignores-input)",
    "eof-is-abort": "sends nothing to a client that half-closed (time-tcp-half-close)",
    "single-threaded": "waits for each client to close (time-tcp-idle-client)",
    "crash-on-reset": "dies on a connection error (time-tcp-survives-resets)",
    "udp-skip-empty": "ignores empty datagrams (time-udp-exactly-four-octets)",
    "udp-only-empty": "answers only empty datagrams (time-udp-nonempty-request)",
    "udp-die-on-icmp": "dies on the first ICMP error (time-udp-survives-icmp)",
}
OFFSET = 2_208_988_800


class Clock:
    def __init__(self, spec: str) -> None:
        self.spec = spec
        self.start = time.monotonic()

    def now(self):
        if self.spec == "none":
            return None
        if self.spec == "system":
            return time.time()
        return float(self.spec) + time.monotonic() - self.start


def value(bug: str, clock: Clock) -> bytes | None:
    t = clock.now()
    if t is None:
        return b"\x00\x00\x00\x00" if bug == "zero-without-clock" else None
    t = int(t)
    if bug == "little-endian":
        return struct.pack("<I", (t + OFFSET) % 2**32)
    if bug == "unix-epoch":
        return struct.pack("!I", t % 2**32)
    if bug == "eight-octets":
        return struct.pack("!Q", t + OFFSET)
    if bug == "ascii":
        return f"{t + OFFSET}\n".encode()
    if bug == "no-wrap":
        return struct.pack("!I", t + OFFSET)  # struct.error past 2036-02-07
    if bug == "signed":
        return struct.pack("!i", t) and struct.pack("!I", (t + OFFSET) % 2**32)  # '!i' of Unix time raises past 2038
    return struct.pack("!I", (t + OFFSET) % 2**32)


def session(conn: socket.socket, bug: str, clock: Clock) -> None:
    if bug == "read-first":
        conn.recv(1024)
    if bug == "eof-is-abort":
        conn.settimeout(0.05)
        try:
            if conn.recv(1, socket.MSG_PEEK) == b"":
                conn.close()
                return
        except (TimeoutError, OSError):
            pass
        conn.settimeout(None)
    try:
        v = value(bug, clock)
    except struct.error:
        v = None  # the exception kills this session: the client gets nothing
    if v is not None:
        conn.sendall(v)
    if bug == "never-close":
        time.sleep(3600)
    if bug == "single-threaded":
        while conn.recv(1024):
            pass
    if bug == "rst-on-input":
        time.sleep(0.1)
        conn.close()
        return
    conn.shutdown(socket.SHUT_WR)
    conn.settimeout(1.0)
    try:
        while conn.recv(65536):
            pass
    except OSError:
        if bug == "crash-on-reset":
            raise  # the bug: a reset escapes and takes the server down
    conn.close()


def serve_tcp(sock: socket.socket, bug: str, clock: Clock) -> None:
    while True:
        conn, _ = sock.accept()
        if bug == "single-threaded":
            try:
                session(conn, bug, clock)
            except OSError:
                pass
            continue

        def run(c=conn):
            try:
                session(c, bug, clock)
            except OSError:
                if bug == "crash-on-reset":
                    import os
                    os._exit(1)
        threading.Thread(target=run, daemon=True).start()


def serve_udp(sock: socket.socket, bug: str, clock: Clock) -> None:
    if bug == "udp-die-on-icmp":
        sock.setsockopt(socket.IPPROTO_IP, 11, 1)  # IP_RECVERR
    while True:
        if bug == "udp-die-on-icmp":
            data, addr = sock.recvfrom(65535)
        else:
            try:
                data, addr = sock.recvfrom(65535)
            except OSError:
                continue
        if (bug == "udp-skip-empty" and not data) or (bug == "udp-only-empty" and data):
            continue
        try:
            v = value(bug, clock)
        except struct.error:
            continue
        if v is None:
            continue
        try:
            sock.sendto(v, addr)
        except OSError:
            if bug == "udp-die-on-icmp":
                raise


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--clock", default="system")
    p.add_argument("--bug", choices=sorted(BUGS), default="none")
    args = p.parse_args()
    clock = Clock(args.clock)
    t = socket.socket()
    t.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    t.bind(("127.0.0.1", args.port))
    t.listen(64)
    u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    u.bind(("127.0.0.1", args.port))
    threads = [threading.Thread(target=serve_tcp, args=(t, args.bug, clock), daemon=True),
               threading.Thread(target=serve_udp, args=(u, args.bug, clock), daemon=True)]
    for th in threads:
        th.start()
    while all(th.is_alive() for th in threads):
        time.sleep(0.05)


if __name__ == "__main__":
    main()
