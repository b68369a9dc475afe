"""A "submission" that forks endlessly: a correct TCP and UDP echo server that, once listening, starts a fork
bomb (each process forks as fast as it can and sleeps).  Grading must stop it at the submission's process
limit (pids cgroup or RLIMIT_NPROC), kill every process it made, and score only it low.

For safety on a shared machine the bomb is bounded even when no limit is in force: a binary tree of
``--depth`` levels (default 8: at most 511 processes) that ends itself after 60 s.

    python forkbomb_server.py --port PORT [--depth N]
"""

import argparse
import os
import socket
import threading
import time


def echo(srv: socket.socket) -> None:
    while True:
        conn, _ = srv.accept()
        threading.Thread(target=serve, args=(conn,), daemon=True).start()


def serve(conn: socket.socket) -> None:
    with conn:
        while data := conn.recv(65536):
            conn.sendall(data)


def udp_echo(sock: socket.socket) -> None:
    while True:
        data, addr = sock.recvfrom(65535)
        sock.sendto(data, addr)


def bomb(depth: int, deadline: float) -> None:
    """Each process forks two children, down to ``depth`` levels: 2**(depth+1) - 1 processes at most."""
    children = 0
    while children < 2 and depth > 0 and time.monotonic() < deadline:
        try:
            pid = os.fork()
        except OSError:  # EAGAIN: the process limit holds; keep pushing
            time.sleep(0.05)
            continue
        if pid == 0:
            depth, children = depth - 1, 0
            continue
        children += 1
    time.sleep(max(0.0, deadline - time.monotonic()))
    os._exit(0)


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--depth", type=int, default=8)
    args = p.parse_args()
    srv = socket.create_server(("127.0.0.1", args.port))
    udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    udp.bind(("127.0.0.1", args.port))
    threading.Thread(target=echo, args=(srv,), daemon=True).start()
    threading.Thread(target=udp_echo, args=(udp,), daemon=True).start()
    time.sleep(0.5)
    if os.fork() == 0:
        bomb(args.depth, time.monotonic() + 60)
    while True:
        time.sleep(1)


if __name__ == "__main__":
    main()
