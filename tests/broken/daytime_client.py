"""A deliberately broken daytime client (RFC 867), one bug at a time, for the suite's self-tests.

    python tests/broken/daytime_client.py --host H --port P --transport tcp|udp --bug BUG
"""

import argparse
import socket
import sys
import time

BUGS = {
    "none": "correct",
    "strict-format": "parses the string as ctime and fails on anything else (daytime-client-formats)",
    "single-recv": "prints the first segment only (daytime-client-split-string, daytime-client-trickled-string)",
    "needs-crlf": "rejects a string without CRLF (daytime-client-no-line-end)",
    "no-timeout": "waits forever (daytime-client-stalled-server, daytime-client-stall-mid-string)",
    "errors-are-success": "prints what it has and exits 0 on any error (daytime-client-refused, daytime-client-reset-mid-string)",
    "udp-no-retry": "sends once (daytime-client-udp-retransmit)",
    "udp-forever": "no receive timeout (daytime-client-udp-all-lost)",
    "udp-any-source": "takes the first datagram from anywhere (daytime-client-udp-forged-reply)",
}


def tcp(args) -> bytes:
    s = socket.create_connection((args.host, args.port), timeout=None if args.bug == "no-timeout" else args.timeout)
    if args.bug == "single-recv":
        return s.recv(1024)
    got = b""
    try:
        while chunk := s.recv(1024):
            got += chunk
    except OSError:
        if args.bug == "errors-are-success":
            return got
        raise
    return got


def udp(args) -> bytes:
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.settimeout(None if args.bug == "udp-forever" else args.timeout)
    server = (args.host, args.port)
    for _ in range(1 if args.bug == "udp-no-retry" else 4):
        s.sendto(b"", server)
        try:
            while True:
                data, addr = s.recvfrom(65535)
                if args.bug == "udp-any-source" or addr == server:
                    return data
        except TimeoutError:
            continue
    raise TimeoutError("no reply")


def main() -> int:
    p = argparse.ArgumentParser()
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--transport", default="tcp")
    p.add_argument("--timeout", type=float, default=2.0)
    p.add_argument("--bug", choices=sorted(BUGS), default="none")
    args = p.parse_args()
    try:
        data = tcp(args) if args.transport == "tcp" else udp(args)
    except OSError as exc:
        if args.bug == "errors-are-success":
            return 0
        print(f"daytime: {exc}", file=sys.stderr)
        return 3
    if args.bug == "strict-format":
        time.strptime(data.decode().strip(), "%a %b %d %H:%M:%S %Y")
    if args.bug == "needs-crlf" and not data.endswith(b"\r\n"):
        print("daytime: malformed reply", file=sys.stderr)
        return 1
    sys.stdout.buffer.write(data)
    return 0


if __name__ == "__main__":
    sys.exit(main())
