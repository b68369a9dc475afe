"""A deliberately broken UDP echo, daytime or time server, one bug at a time, for the self-tests of the
raw-packet scenarios (``conformance/scenarios/test_raw_packets.py``).

    python tests/broken/raw_udp_server.py --protocol echo|daytime|time --port PORT --bug BUG

``--bug none`` is correct.  The bugs, and the scenario that catches each:

- ``skip-empty``: ``if not data: continue`` (NET-UDP-4). Caught by ``<proto>-raw-udp-zero-length``.
- ``small-buffer``: an 8 KiB receive buffer; echo answers the truncated datagram, daytime and time drop
  a datagram that did not fit (MSG_TRUNC) as malformed (NET-UDP-5).  Caught by
  ``<proto>-raw-udp-max-size`` and ``<proto>-raw-udp-fragments``.
- ``raw-socket``: reads requests from a raw IPPROTO_UDP socket, which also sees datagrams the kernel
  discards for a bad checksum, and answers them (ECHO-UDP-1: only received datagrams are answered).  Caught by ``<proto>-raw-udp-bad-checksum``:
  the one raw scenario whose first half only a target reading past the stack can fail.
- ``amplify``: answers a datagram from a port below 1024 three times, "for reliability" (ECHO-UDP-7,
  NET-UDP-2): facing echo or chargen that is a packet storm.  Caught by ``<proto>-raw-udp-small-service-source``.
"""

import argparse
import socket
import struct
import sys
import time

BUGS = ("none", "skip-empty", "small-buffer", "raw-socket", "amplify")


def reply(proto: str, data: bytes) -> bytes:
    now = time.time()
    if proto == "echo":
        return data
    if proto == "daytime":
        return time.strftime("%a %b %d %H:%M:%S %Y\r\n", time.gmtime(now)).encode()
    return struct.pack("!I", int(now) + 2208988800)


def requests(sock: socket.socket, raw: socket.socket | None, bug: str, port: int):
    """Yield ``(data, source address, truncated)`` for each request, as the bug reads them."""
    while True:
        if raw is not None:  # BUG: past the stack: no checksum verification
            packet = raw.recv(70_000)
            ihl = (packet[0] & 0x0F) * 4
            sport, dport, length = struct.unpack_from("!HHH", packet, ihl)
            if dport == port:
                yield packet[ihl + 8: ihl + length], (socket.inet_ntoa(packet[12:16]), sport), False
            continue
        size = 8192 if bug == "small-buffer" else 65_535
        data, _, flags, addr = sock.recvmsg(size)
        yield data, addr, bool(flags & socket.MSG_TRUNC)


def main() -> int:
    p = argparse.ArgumentParser()
    p.add_argument("--protocol", required=True, choices=("echo", "daytime", "time"))
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--bug", choices=BUGS, default="none")
    a = p.parse_args()
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.bind(("127.0.0.1", a.port))
    raw = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_UDP) if a.bug == "raw-socket" else None
    for item in requests(sock, raw, a.bug, a.port):
        data, addr, truncated = item
        if a.bug == "skip-empty" and not data:
            continue  # BUG: an empty datagram is a datagram
        if truncated and a.protocol != "echo":
            continue  # BUG (small-buffer): a datagram that did not fit is dropped as malformed
        copies = 3 if a.bug == "amplify" and addr[1] < 1024 else 1
        for _ in range(copies):
            sock.sendto(reply(a.protocol, data), addr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
