"""A deliberately broken time client (RFC 868), one bug at a time, for the suite's self-tests.

    python tests/broken/time_client.py --host H --port P --transport tcp|udp --bug BUG

Prints the time as ISO 8601 UTC (or Unix seconds with --bug no-offset-unix).
"""

import argparse
import socket
import struct
import sys
from datetime import UTC, datetime, timedelta

BUGS = {
    "none": "correct",
    "signed": "decodes with '!i' (time-client-top-bit, time-client-current)",
    "little-endian": "decodes with '<I' (time-client-current)",
    "no-offset": "treats the value as Unix time (time-client-rfc-examples, time-client-current)",
    "no-era": "no 2036 era rule: 00 00 00 10 is 1900-01-01 (time-client-2036-wrap)",
    "single-recv": "decodes the first segment, padding it (time-client-split-value)",
    "pads-short": "decodes fewer than 4 octets as if zero-padded (time-client-short-value)",
    "no-timeout": "waits forever (time-client-stalled-server)",
    "errors-are-success": "exits 0 on any network error (time-client-refused)",
    "udp-no-retry": "sends once (time-client-udp-retransmit)",
    "udp-any-size": "decodes the first 4 octets of any reply (time-client-udp-wrong-size)",
    "udp-any-source": "takes the first datagram from anywhere (time-client-udp-forged-reply)",
    "udp-forever": "no receive timeout (time-client-udp-all-lost)",
}
EPOCH_1900 = datetime(1900, 1, 1, tzinfo=UTC)


def decode(octets: bytes, bug: str) -> datetime:
    if bug in ("single-recv", "pads-short"):
        octets = octets.ljust(4, b"\x00")
    if len(octets) != 4 and bug != "udp-any-size":
        raise ValueError(f"{len(octets)} octets")
    octets = octets[:4]
    v = struct.unpack({"signed": "!i", "little-endian": "<I"}.get(bug, "!I"), octets)[0]
    if bug == "no-offset":
        return datetime(1970, 1, 1, tzinfo=UTC) + timedelta(seconds=v)
    if bug != "no-era" and v >= 0 and not v & 0x80000000:
        v += 2**32
    return EPOCH_1900 + timedelta(seconds=v)


def fetch(args) -> bytes:
    if args.transport == "tcp":
        s = socket.create_connection((args.host, args.port), timeout=None if args.bug == "no-timeout" else args.timeout)
        if args.bug == "single-recv":
            return s.recv(4)
        got = b""
        while chunk := s.recv(64):
            got += chunk
        return got
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
        octets = fetch(args)
    except OSError as exc:
        if args.bug == "errors-are-success":
            return 0
        print(f"time: {exc}", file=sys.stderr)
        return 3
    try:
        when = decode(octets, args.bug)
    except (ValueError, struct.error) as exc:
        print(f"time: bad reply: {exc}", file=sys.stderr)
        return 1
    print(when.strftime("%Y-%m-%dT%H:%M:%SZ"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
