"""Daytime client (RFC 867) reading through socket.makefile(): the string is everything up to the
server's close, printed verbatim whatever its format.  5 s per wait.  UDP: 3 tries of 2 s, only from the
server's address and port.

    python daytime_client_makefile.py HOST PORT [tcp|udp]
"""

import socket
import sys


def tcp(host: str, port: int) -> bytes:
    with socket.create_connection((host, port), timeout=5) as s, s.makefile("rb") as f:
        return f.read()  # to EOF; a reset or a timeout raises


def udp(host: str, port: int) -> bytes:
    server = socket.getaddrinfo(host, port, socket.AF_INET, socket.SOCK_DGRAM)[0][4]
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.settimeout(2)
        for _ in range(3):
            s.sendto(b"", server)
            try:
                while True:
                    data, addr = s.recvfrom(65535)
                    if addr == server:
                        return data
            except TimeoutError:
                continue
    raise TimeoutError("no answer after 3 tries")


def main() -> int:
    host, port = sys.argv[1], int(sys.argv[2])
    transport = sys.argv[3] if len(sys.argv) > 3 else "tcp"
    try:
        text = tcp(host, port) if transport == "tcp" else udp(host, port)
    except OSError as exc:
        print(f"daytime: {exc}", file=sys.stderr)
        return 1
    if not text:
        print("daytime: the server closed without sending a date", file=sys.stderr)
        return 1
    sys.stdout.buffer.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
