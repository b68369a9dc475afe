"""A "submission" that answers nothing: it listens on TCP and UDP, accepts and reads everything, and never
sends a byte.  Grading must give it 0 with status ``error`` ("answered nothing"), whatever scenarios it
"passes" by staying silent.

    python silent_server.py --port PORT
"""

import argparse
import socket
import threading


def drain(conn: socket.socket) -> None:
    with conn:
        while conn.recv(65536):
            pass


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--port", type=int, required=True)
    port = p.parse_args().port
    t = socket.create_server(("127.0.0.1", port))
    u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    u.bind(("127.0.0.1", port))
    threading.Thread(target=lambda: [u.recvfrom(65535) for _ in iter(int, 1)], daemon=True).start()
    while True:
        conn, _ = t.accept()
        threading.Thread(target=drain, args=(conn,), daemon=True).start()


if __name__ == "__main__":
    main()
