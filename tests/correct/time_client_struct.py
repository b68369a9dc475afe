"""Time client (RFC 868): recv() until exactly 4 octets, struct "!I", 1900 epoch with the NTP era rule
past 2036; prints Unix seconds.  5 s per wait.  UDP: an empty datagram, 3 tries of 2 s, only a 4-octet
datagram from the server's address and port is the answer.

    python time_client_struct.py HOST PORT [tcp|udp]
"""

import socket
import struct
import sys

TO_UNIX = 2_208_988_800
TIMEOUT = 5.0


def tcp(host: str, port: int) -> bytes:
    with socket.create_connection((host, port), timeout=TIMEOUT) as s:
        buf = b""
        while len(buf) < 4:
            chunk = s.recv(4 - len(buf))
            if not chunk:
                raise ConnectionError(f"the server closed after {len(buf)} of 4 octets")
            buf += chunk
        return buf


def udp(host: str, port: int) -> bytes:
    server = socket.getaddrinfo(host, port, socket.AF_INET, socket.SOCK_DGRAM)[0][4]
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.settimeout(2.0)
        for _ in range(3):
            s.sendto(b"", server)
            try:
                while True:
                    data, addr = s.recvfrom(512)
                    if addr == server and len(data) == 4:
                        return data
            except TimeoutError:
                continue
    raise TimeoutError("no 4-octet answer after 3 tries")


def to_unix(octets: bytes) -> int:
    (value,) = struct.unpack("!I", octets)
    if not value & 0x80000000:  # top bit clear: the era after the 2036-02-07 wrap
        value += 1 << 32
    return value - TO_UNIX


def main() -> int:
    host, port = sys.argv[1], int(sys.argv[2])
    transport = sys.argv[3] if len(sys.argv) > 3 else "tcp"
    try:
        octets = tcp(host, port) if transport == "tcp" else udp(host, port)
    except OSError as exc:
        print(f"time: {exc}", file=sys.stderr)
        return 1
    print(to_unix(octets))
    return 0


if __name__ == "__main__":
    sys.exit(main())
