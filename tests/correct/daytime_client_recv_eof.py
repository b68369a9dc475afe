"""Daytime client (RFC 867): recv() in a loop until the server closes, each recv bounded by --timeout.
UDP with a connect()ed socket (the kernel filters other senders) and bounded retries.

    python daytime_client_recv_eof.py --timeout SECONDS [--udp] HOST PORT
"""

import argparse
import socket
import sys


def main() -> int:
    p = argparse.ArgumentParser()
    p.add_argument("host")
    p.add_argument("port", type=int)
    p.add_argument("--timeout", type=float, default=5.0)
    p.add_argument("--udp", action="store_true")
    p.add_argument("--tcp", action="store_true", help="the default")
    args = p.parse_args()
    try:
        if args.udp:
            with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
                s.connect((args.host, args.port))
                s.settimeout(args.timeout)
                for _ in range(4):
                    s.send(b"")
                    try:
                        text = s.recv(65535)
                        break
                    except TimeoutError:
                        continue
                else:
                    raise TimeoutError("no answer after 4 tries")
        else:
            with socket.create_connection((args.host, args.port), timeout=args.timeout) as s:
                parts = []
                while data := s.recv(1024):
                    parts.append(data)
                text = b"".join(parts)
    except OSError as exc:
        print(f"daytime: {exc}", file=sys.stderr)
        return 2
    if not text:
        print("daytime: no date received", file=sys.stderr)
        return 2
    sys.stdout.buffer.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
