"""Time client (RFC 868) with asyncio: readexactly(4), 10 s per wait; prints ISO 8601 UTC.  UDP through a
datagram endpoint, 4 tries of 1.5 s, accepting only 4 octets from the server's address and port.

    python time_client_asyncio.py --host HOST --port PORT --transport tcp|udp
"""

import argparse
import asyncio
import socket
import sys
from datetime import UTC, datetime, timedelta

ERA0 = datetime(1900, 1, 1, tzinfo=UTC)
WAIT = 10.0


async def tcp(host: str, port: int) -> bytes:
    reader, writer = await asyncio.wait_for(asyncio.open_connection(host, port), WAIT)
    try:
        return await asyncio.wait_for(reader.readexactly(4), WAIT)
    finally:
        writer.close()


async def udp(host: str, port: int) -> bytes:
    loop = asyncio.get_running_loop()
    inbox: asyncio.Queue = asyncio.Queue()

    class Proto(asyncio.DatagramProtocol):
        def datagram_received(self, data: bytes, addr) -> None:
            inbox.put_nowait((data, addr))

    server = (await loop.getaddrinfo(host, port, family=2, type=2))[0][4]
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    transport, _ = await loop.create_datagram_endpoint(Proto, sock=sock)
    try:
        for _ in range(4):
            # the request is an empty datagram, which asyncio's transport.sendto() silently drops (before
            # Python 3.13): send it on the socket itself
            sock.sendto(b"", server)
            deadline = loop.time() + 1.5
            while (left := deadline - loop.time()) > 0:
                try:
                    data, addr = await asyncio.wait_for(inbox.get(), left)
                except TimeoutError:
                    break
                if tuple(addr[:2]) == tuple(server[:2]) and len(data) == 4:
                    return data
        raise TimeoutError("no 4-octet answer")
    finally:
        transport.close()


def decode(octets: bytes) -> datetime:
    seconds = int.from_bytes(octets, "big")
    if seconds < 1 << 31:
        seconds += 1 << 32  # 2036-2104
    return ERA0 + timedelta(seconds=seconds)


def main() -> int:
    p = argparse.ArgumentParser()
    p.add_argument("--host", required=True)
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--transport", default="tcp", choices=("tcp", "udp"))
    args = p.parse_args()
    try:
        octets = asyncio.run(tcp(args.host, args.port) if args.transport == "tcp" else udp(args.host, args.port))
    except (OSError, TimeoutError, asyncio.IncompleteReadError) as exc:
        print(f"time: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 2
    print(decode(octets).strftime("%Y-%m-%dT%H:%M:%SZ"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
