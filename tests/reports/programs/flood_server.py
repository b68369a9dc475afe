"""A "submission" that floods: an echo server that answers every connection and datagram with endless
data and writes endlessly to stdout and stderr.  Grading must bound it (bounded reads, bounded output
capture) and score it low; it must not slow the other submissions' runs beyond their own time.

    python flood_server.py --port PORT
"""

import argparse
import socket
import sys
import threading

CHUNK = b"flood " * 10000


def tcp(srv: socket.socket) -> None:
    while True:
        conn, _ = srv.accept()
        threading.Thread(target=send_forever, args=(conn,), daemon=True).start()


def send_forever(conn: socket.socket) -> None:
    try:
        while True:
            conn.sendall(CHUNK)
    except OSError:
        conn.close()


def udp(sock: socket.socket) -> None:
    while True:
        _, addr = sock.recvfrom(65535)
        for _ in range(50):
            try:
                sock.sendto(CHUNK[:8000], addr)
            except OSError:
                break


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--port", type=int, required=True)
    port = p.parse_args().port
    t = socket.create_server(("127.0.0.1", port))
    u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    u.bind(("127.0.0.1", port))
    threading.Thread(target=tcp, args=(t,), daemon=True).start()
    threading.Thread(target=udp, args=(u,), daemon=True).start()
    line = "flooding stdout " * 64 + "\n"
    while True:
        sys.stdout.write(line)
        sys.stderr.write(line)


if __name__ == "__main__":
    main()
