"""A deliberately broken echo server (RFC 862), one bug at a time, for the suite's self-tests.

    python tests/broken/echo_server.py --port PORT --bug BUG [--transport tcp|udp|both]

Each bug is a classic mistake; the comment names the scenario that must catch it.  With ``--bug none`` the
program is a plain, correct threaded echo server (it must pass everything).
"""

import argparse
import socket
import threading
import time

#: cross-talk: the open sessions in accept order, and those that have had an echo
SESSIONS: list[socket.socket] = []
ECHOED: set[socket.socket] = set()
LOCK = threading.Lock()

BUGS = {
    "none": "correct",
    "banner": "greets the client on connect (echo-tcp-no-banner)",
    "text-mode": "decodes as UTF-8 and re-encodes (echo-tcp-binary-transparency)",
    "close-after-first": "closes after the first echo (echo-tcp-keeps-echoing)",
    "line-buffered": "echoes whole lines only (echo-tcp-no-line-buffering)",
    "first-line-only": "echoes only the first line of each read (echo-tcp-several-lines-one-segment)",
    "send-once": "non-blocking socket, send() without looping or waiting (echo-tcp-large-concurrent)",
    "ignore-eof": "never closes when the client half-closes (echo-tcp-half-close)",
    "single-threaded": "serves one client at a time (echo-tcp-concurrent-sessions, echo-tcp-idle-client)",
    "cross-talk": "after its first echo, a session's input goes to the newest later session that has had an echo "
                  "of its own, and it gets nothing back (echo-tcp-concurrent-sessions: ECHO-TCP-2)",
    "crash-on-reset": "the whole server exits on a connection error (echo-tcp-survives-resets)",
    "exit-on-eof": "the whole server exits once a client half-closes (echo-tcp-half-close: NET-TCP-10)",
    "udp-small-buffer": "recvfrom(8192) (echo-udp-sizes)",
    "udp-skip-empty": "ignores empty datagrams (echo-udp-empty)",
    "udp-other-port": "answers from a new socket (echo-udp-reply-source)",
    "udp-double-reply": "answers every datagram twice (echo-udp-one-reply)",
    "udp-merge": "batches datagrams for 50 ms and answers once (echo-udp-boundaries)",
    "udp-die-on-icmp": "asks for ICMP errors and dies on the first (echo-udp-survives-icmp)",
}


def cross_talk_target(conn: socket.socket) -> socket.socket:
    """Where the cross-talk bug writes: ``conn`` for its first echo, afterwards the newest session accepted
    after it that has had an echo (``conn`` when there is none)."""
    with LOCK:
        if conn not in ECHOED:
            ECHOED.add(conn)
            return conn
        later = [c for c in SESSIONS[SESSIONS.index(conn) + 1:] if c in ECHOED]
        return later[-1] if later else conn


def tcp_session(conn: socket.socket, bug: str) -> None:
    if bug == "cross-talk":
        with LOCK:
            SESSIONS.append(conn)
        try:
            return tcp_echo(conn, bug)
        finally:
            with LOCK:
                SESSIONS.remove(conn)
                ECHOED.discard(conn)
    return tcp_echo(conn, bug)


def tcp_echo(conn: socket.socket, bug: str) -> None:
    if bug == "banner":
        conn.sendall(b"Welcome to echo!\r\n")
    if bug == "send-once":
        conn.setblocking(False)
    pending = b""
    while True:
        if bug == "send-once":
            try:
                data = conn.recv(65536)
            except BlockingIOError:
                time.sleep(0.001)
                continue
        else:
            data = conn.recv(65536)
        if not data:
            if bug == "ignore-eof":
                time.sleep(3600)
            if bug == "exit-on-eof":
                conn.close()
                import os
                os._exit(0)  # the bug: the end of one session ends the service
            break
        if bug == "text-mode":
            data = data.decode("utf-8", "replace").encode("utf-8")
        elif bug == "line-buffered":
            pending += data
            if b"\n" not in pending:
                continue
            head, _, pending = pending.rpartition(b"\n")
            data = head + b"\n"
        elif bug == "first-line-only" and b"\n" in data:
            data = data.split(b"\n", 1)[0] + b"\n"
        if bug == "send-once":
            try:
                conn.send(data)
            except BlockingIOError:
                pass  # the bug: the rest is dropped
        elif bug == "cross-talk":
            cross_talk_target(conn).sendall(data)
        else:
            conn.sendall(data)
        if bug == "close-after-first":
            break
    conn.close()


def serve_tcp(sock: socket.socket, bug: str) -> None:
    while True:
        conn, _ = sock.accept()
        if bug == "single-threaded":
            try:
                tcp_session(conn, bug)
            except OSError:
                pass
            continue
        if bug == "crash-on-reset":
            def run(c=conn):
                try:
                    tcp_session(c, bug)
                except OSError:
                    import os
                    os._exit(1)  # the bug: one bad client takes the server down
            threading.Thread(target=run, daemon=True).start()
            continue

        def guarded(c=conn):
            try:
                tcp_session(c, bug)
            except OSError:
                c.close()
        threading.Thread(target=guarded, daemon=True).start()


def serve_udp(sock: socket.socket, bug: str) -> None:
    if bug == "udp-die-on-icmp":
        sock.setsockopt(socket.IPPROTO_IP, 11, 1)  # IP_RECVERR: ICMP errors surface as exceptions
    while True:
        if bug == "udp-die-on-icmp":
            data, addr = sock.recvfrom(65535)  # the bug: ConnectionRefusedError is not caught
        else:
            try:
                data, addr = sock.recvfrom(8192 if bug == "udp-small-buffer" else 65535)
            except OSError:
                continue
        if bug == "udp-skip-empty" and not data:
            continue
        if bug == "udp-merge":
            sock.settimeout(0.05)
            try:
                while True:
                    more, _ = sock.recvfrom(65535)
                    data += more
            except (TimeoutError, OSError):
                pass
            sock.settimeout(None)
        if bug == "udp-other-port":
            other = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            other.sendto(data, addr)
            other.close()
            continue
        try:
            sock.sendto(data, addr)
            if bug == "udp-double-reply":
                sock.sendto(data, addr)
        except OSError:
            if bug == "udp-die-on-icmp":
                raise


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--bug", choices=sorted(BUGS), default="none")
    p.add_argument("--transport", choices=("tcp", "udp", "both"), default="both")
    args = p.parse_args()
    threads = []
    if args.transport in ("tcp", "both"):
        t = socket.socket()
        t.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        t.bind(("127.0.0.1", args.port))
        t.listen(1 if args.bug == "single-threaded" else 64)
        threads.append(threading.Thread(target=serve_tcp, args=(t, args.bug), daemon=True))
    if args.transport in ("udp", "both"):
        u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        u.bind(("127.0.0.1", args.port))
        threads.append(threading.Thread(target=serve_udp, args=(u, args.bug), daemon=True))
    for th in threads:
        th.start()
    while all(th.is_alive() for th in threads):
        time.sleep(0.05)


if __name__ == "__main__":
    main()
