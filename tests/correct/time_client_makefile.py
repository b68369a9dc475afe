"""Time client (RFC 868) reading to EOF through socket.makefile(); exactly 4 octets or an error.  Prints
a ctime-style date in UTC.  --timeout bounds each wait; UDP retries on a connect()ed socket.

This client reads the 32-bit value as RFC 868 defines it, from 1900, and applies no era rule ("this base
will serve until the year 2036"): a value past the 2036 wrap is shown in 1900.

warning: time-client-2036-wrap: no era rule for values past 2036-02-07; RFC 868 defines only the 1900 base ("this base will serve until the year 2036"), the era rule is RFC 4330's (de-facto TIME-FMT-6)

    python time_client_makefile.py HOST PORT --transport tcp|udp --timeout SECONDS
"""

import argparse
import socket
import sys
import time

DELTA = 2_208_988_800


def main() -> int:
    p = argparse.ArgumentParser()
    p.add_argument("host")
    p.add_argument("port", type=int)
    p.add_argument("--transport", default="tcp")
    p.add_argument("--timeout", type=float, default=5.0)
    args = p.parse_args()
    try:
        if args.transport == "udp":
            with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
                s.connect((args.host, args.port))
                s.settimeout(args.timeout)
                octets = b""
                for _ in range(4):
                    s.send(b"")
                    try:
                        octets = s.recv(64)
                    except TimeoutError:
                        continue
                    if len(octets) == 4:
                        break
                else:
                    raise TimeoutError("no 4-octet answer after 4 tries")
        else:
            with socket.create_connection((args.host, args.port), timeout=args.timeout) as s, s.makefile("rb") as f:
                octets = f.read()
    except OSError as exc:
        print(f"time: {exc}", file=sys.stderr)
        return 1
    if len(octets) != 4:
        print(f"time: expected 4 octets, got {len(octets)}", file=sys.stderr)
        return 1
    unix = int.from_bytes(octets, "big") - DELTA
    print(time.asctime(time.gmtime(unix)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
