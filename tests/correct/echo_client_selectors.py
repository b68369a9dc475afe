"""Echo client (RFC 862) on one nonblocking socket driven by selectors: it writes while the socket takes
data and reads whatever arrives, until the whole echo is back.  --timeout bounds each wait for progress.
Over UDP it connect()s its socket (the kernel then delivers only the server's datagrams) and retries.

    python echo_client_selectors.py HOST PORT --transport tcp|udp --timeout SECONDS
"""

import argparse
import selectors
import socket
import sys


def tcp(host: str, port: int, data: bytes, timeout: float) -> bytes:
    sock = socket.create_connection((host, port), timeout=timeout)
    sock.setblocking(False)
    sel = selectors.DefaultSelector()
    sel.register(sock, selectors.EVENT_READ | (selectors.EVENT_WRITE if data else 0))
    sent, got = 0, bytearray()
    try:
        while len(got) < len(data):
            events = sel.select(timeout)
            if not events:
                raise TimeoutError(f"no progress for {timeout} s ({len(got)} of {len(data)} bytes back)")
            for _, mask in events:
                if mask & selectors.EVENT_WRITE:
                    try:
                        sent += sock.send(data[sent:sent + 65536])
                    except BlockingIOError:
                        pass
                    if sent == len(data):
                        sel.modify(sock, selectors.EVENT_READ)
                if mask & selectors.EVENT_READ:
                    try:
                        chunk = sock.recv(65536)
                    except BlockingIOError:
                        continue
                    if not chunk:
                        return bytes(got)
                    got += chunk
        return bytes(got)
    finally:
        sel.close()
        sock.close()


def udp(host: str, port: int, data: bytes, timeout: float, tries: int = 4) -> bytes:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        sock.connect((host, port))
        sock.settimeout(timeout)
        for _ in range(tries):
            sock.send(data)
            try:
                while True:
                    reply = sock.recv(65535)
                    if reply == data:
                        return reply
            except TimeoutError:
                continue
            except ConnectionRefusedError:
                raise ConnectionRefusedError("port unreachable") from None
    raise TimeoutError(f"no echo after {tries} tries")


def main() -> int:
    p = argparse.ArgumentParser()
    p.add_argument("host")
    p.add_argument("port", type=int)
    p.add_argument("--transport", choices=("tcp", "udp"), default="tcp")
    p.add_argument("--timeout", type=float, default=5.0)
    args = p.parse_args()
    data = sys.stdin.buffer.read()
    try:
        if args.transport == "tcp":
            echo = tcp(args.host, args.port, data, args.timeout)
        else:
            echo = udp(args.host, args.port, data, args.timeout)
    except OSError as exc:
        print(f"echo: {exc}", file=sys.stderr)
        return 2
    sys.stdout.buffer.write(echo)
    return 0 if echo == data else 1


if __name__ == "__main__":
    sys.exit(main())
