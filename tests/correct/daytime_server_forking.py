"""Daytime server (RFC 867), the classic forking way: the parent select()s on the TCP listener and the
UDP socket, forks a child per TCP connection and answers datagrams itself.  ctime format, UTC.

    python daytime_server_forking.py --port PORT
"""

import argparse
import os
import select
import signal
import socket
import time


def daytime() -> bytes:
    return (time.asctime(time.gmtime()) + "\r\n").encode("ascii")


def child(conn: socket.socket) -> None:
    conn.settimeout(5)
    try:
        conn.sendall(daytime())
        conn.shutdown(socket.SHUT_WR)
        while conn.recv(4096):  # input is thrown away; draining it keeps the close clean
            pass
    except OSError:
        pass
    finally:
        conn.close()


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--port", type=int, required=True)
    args = p.parse_args()
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # children are reaped by the kernel

    tcp = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    tcp.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    tcp.bind(("127.0.0.1", args.port))
    tcp.listen(64)
    udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    udp.bind(("127.0.0.1", args.port))

    while True:
        try:
            ready, _, _ = select.select([tcp, udp], [], [])
        except InterruptedError:
            continue
        if udp in ready:
            try:
                _, addr = udp.recvfrom(65535)
                udp.sendto(daytime(), addr)
            except OSError:
                pass
        if tcp in ready:
            try:
                conn, _ = tcp.accept()
            except OSError:
                continue
            pid = os.fork()
            if pid == 0:
                tcp.close()
                udp.close()
                child(conn)
                os._exit(0)
            conn.close()


if __name__ == "__main__":
    main()
