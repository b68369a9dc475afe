"""A deliberately broken daytime server (RFC 867), one bug at a time, for the suite's self-tests.

    python tests/broken/daytime_server.py --port PORT --bug BUG
"""

import argparse
import socket
import threading
import time

BUGS = {
    "none": "correct",
    "read-first": "waits for a line from the client before answering (daytime-tcp-speaks-first)",
    "never-close": "keeps the connection open after the date (daytime-tcp-closes)",
    "rst-on-input": "closes with the client's input unread, so the kernel resets (daytime-tcp-ignores-input)",
    "echo-input": "after the date, sends back the first read of the client's input, then closes with the rest "
                  "unread, so the kernel resets (daytime-tcp-ignores-input: DAYTIME-TCP-3)",
    "nul-terminated": "sends the C string's NUL (daytime-format-printable)",
    "multi-line": "sends a two-line banner (daytime-format-one-line)",
    "local-no-zone": "local time one hour off, without a zone (daytime-current-time)",
    "eof-is-abort": "treats the client's FIN as an abort and sends nothing (daytime-tcp-half-close)",
    "single-threaded": "waits for each client to close before the next (daytime-tcp-idle-client)",
    "crash-on-reset": "dies on a connection error (daytime-tcp-survives-resets)",
    "udp-skip-empty": "ignores empty datagrams (daytime-udp-any-datagram)",
    "udp-other-port": "answers from a new socket (daytime-udp-single-datagram)",
    "udp-die-on-icmp": "dies on the first ICMP error (daytime-udp-survives-icmp)",
}


def text(bug: str) -> bytes:
    t = time.time() + (3600 if bug == "local-no-zone" else 0)
    s = time.strftime("%a %b %d %H:%M:%S %Y", time.gmtime(t))
    if bug == "nul-terminated":
        return s.encode() + b"\r\n\x00"
    if bug == "multi-line":
        return b"Daytime service\r\n" + s.encode() + b"\r\n"
    return s.encode() + (b"\r\n" if bug == "local-no-zone" else b" UTC\r\n")


def session(conn: socket.socket, bug: str) -> None:
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
    conn.sendall(text(bug))
    if bug == "echo-input":
        conn.settimeout(0.2)
        try:
            data = conn.recv(1024)
        except TimeoutError:
            data = b""  # no input: the ordinary close below
        conn.settimeout(None)
        if data:
            conn.sendall(data)
            time.sleep(0.5)  # long enough for the client to read it all: the reset destroys nothing
            conn.close()  # input still unread: the kernel sends RST instead of FIN
            return
    if bug == "never-close":
        time.sleep(3600)
    if bug == "single-threaded":
        while conn.recv(1024):
            pass
    if bug == "rst-on-input":
        time.sleep(0.1)
        conn.close()  # unread input queued: the kernel sends RST instead of FIN
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


def serve_tcp(sock: socket.socket, bug: str) -> None:
    while True:
        conn, _ = sock.accept()
        if bug == "single-threaded":
            try:
                session(conn, bug)
            except OSError:
                pass
            continue

        def run(c=conn):
            try:
                session(c, bug)
            except OSError:
                if bug == "crash-on-reset":
                    import os
                    os._exit(1)
        threading.Thread(target=run, daemon=True).start()


def serve_udp(sock: socket.socket, bug: str) -> None:
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
        if bug == "udp-skip-empty" and not data:
            continue
        out = sock
        if bug == "udp-other-port":
            out = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        try:
            out.sendto(text(bug), addr)
        except OSError:
            if bug == "udp-die-on-icmp":
                raise


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--bug", choices=sorted(BUGS), default="none")
    args = p.parse_args()
    t = socket.socket()
    t.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    t.bind(("127.0.0.1", args.port))
    t.listen(64)
    u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    u.bind(("127.0.0.1", args.port))
    threads = [threading.Thread(target=serve_tcp, args=(t, args.bug), daemon=True),
               threading.Thread(target=serve_udp, args=(u, args.bug), daemon=True)]
    for th in threads:
        th.start()
    while all(th.is_alive() for th in threads):
        time.sleep(0.05)


if __name__ == "__main__":
    main()
