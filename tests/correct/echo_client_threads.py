"""Echo client (RFC 862), plain sockets: a writer thread sends stdin while the main thread reads the echo
until it has as many bytes as it sent.  Every wait is bounded by 5 s.  Over UDP: one datagram, up to 3
tries of 2 s; only a datagram from the server's address and port that equals the request is the echo.

    python echo_client_threads.py HOST PORT [tcp|udp]

Prints the echo; exit 0 when it equals stdin, 1 when it differs, 2 on a network error or timeout.
"""

import socket
import sys
import threading

TIMEOUT = 5.0


def tcp(host: str, port: int, data: bytes) -> bytes:
    with socket.create_connection((host, port), timeout=TIMEOUT) as s:
        errors: list[OSError] = []

        def send() -> None:
            try:
                s.sendall(data)
            except OSError as exc:
                errors.append(exc)

        writer = threading.Thread(target=send, daemon=True)
        writer.start()
        got = bytearray()
        while len(got) < len(data):
            chunk = s.recv(65536)
            if not chunk:
                break
            got += chunk
        writer.join(TIMEOUT)
        return bytes(got)


def udp(host: str, port: int, data: bytes) -> bytes:
    server = socket.getaddrinfo(host, port, socket.AF_INET, socket.SOCK_DGRAM)[0][4]
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.settimeout(2.0)
        for _ in range(3):
            s.sendto(data, server)
            try:
                while True:
                    reply, addr = s.recvfrom(65535)
                    if addr == server and reply == data:
                        return reply
                    # from elsewhere, or not the answer to this request (a late duplicate): ignore
            except TimeoutError:
                continue
    raise TimeoutError("no echo after 3 tries")


def main() -> int:
    host, port = sys.argv[1], int(sys.argv[2])
    transport = sys.argv[3] if len(sys.argv) > 3 else "tcp"
    data = sys.stdin.buffer.read()
    try:
        echo = tcp(host, port, data) if transport == "tcp" else udp(host, port, data)
    except OSError as exc:
        print(f"echo: {exc}", file=sys.stderr)
        return 2
    sys.stdout.buffer.write(echo)
    if echo != data:
        print(f"echo: sent {len(data)} bytes, got back {len(echo)} that differ", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
