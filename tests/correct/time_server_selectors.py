"""Time server (RFC 868) as one selectors loop, TCP and UDP on one port.  Each TCP client gets its 4
octets at once, then the server shuts down its side and waits (at most 5 s) for the client's close.

    python time_server_selectors.py --port PORT
"""

import argparse
import selectors
import socket
import struct
import time

EPOCH_DELTA = 2_208_988_800


def stamp() -> bytes:
    return struct.pack(">I", (int(time.time()) + EPOCH_DELTA) & 0xFFFFFFFF)


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--port", type=int, required=True)
    args = p.parse_args()
    sel = selectors.DefaultSelector()
    lsock = socket.create_server(("127.0.0.1", args.port), backlog=128, reuse_port=False)
    lsock.setblocking(False)
    usock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    usock.bind(("127.0.0.1", args.port))
    usock.setblocking(False)
    sel.register(lsock, selectors.EVENT_READ, "listen")
    sel.register(usock, selectors.EVENT_READ, "udp")
    lingering: dict[socket.socket, float] = {}

    def drop(s: socket.socket) -> None:
        sel.unregister(s)
        lingering.pop(s, None)
        s.close()

    while True:
        for key, _ in sel.select(timeout=1.0):
            if key.data == "listen":
                try:
                    conn, _ = lsock.accept()
                except OSError:
                    continue
                conn.setblocking(False)
                try:
                    conn.send(stamp())  # 4 octets always fit in a fresh socket's buffer
                    conn.shutdown(socket.SHUT_WR)
                except OSError:
                    conn.close()
                    continue
                sel.register(conn, selectors.EVENT_READ, "conn")
                lingering[conn] = time.monotonic() + 5
            elif key.data == "udp":
                while True:
                    try:
                        _, addr = usock.recvfrom(65535)
                    except (BlockingIOError, InterruptedError):
                        break
                    except OSError:
                        continue
                    try:
                        usock.sendto(stamp(), addr)
                    except OSError:
                        pass
            else:
                conn = key.fileobj
                try:
                    if conn.recv(4096):
                        continue
                except (BlockingIOError, InterruptedError):
                    continue
                except OSError:
                    pass
                drop(conn)
        now = time.monotonic()
        for conn in [c for c, t in lingering.items() if t < now]:
            drop(conn)


if __name__ == "__main__":
    main()
