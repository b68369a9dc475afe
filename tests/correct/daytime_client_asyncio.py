"""Daytime client (RFC 867) with asyncio: reader.read() until EOF, 10 s per wait; UDP via a datagram
endpoint with 4 tries of 1.5 s.

    python daytime_client_asyncio.py --host HOST --port PORT --transport tcp|udp
"""

import argparse
import asyncio
import socket
import sys

WAIT = 10.0


async def tcp(host: str, port: int) -> bytes:
    reader, writer = await asyncio.wait_for(asyncio.open_connection(host, port), WAIT)
    try:
        chunks = []
        while chunk := await asyncio.wait_for(reader.read(4096), WAIT):
            chunks.append(chunk)
        return b"".join(chunks)
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
                if tuple(addr[:2]) == tuple(server[:2]):
                    return data
        raise TimeoutError("no answer")
    finally:
        transport.close()


def main() -> int:
    p = argparse.ArgumentParser()
    p.add_argument("--host", required=True)
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--transport", default="tcp", choices=("tcp", "udp"))
    args = p.parse_args()
    try:
        text = asyncio.run(tcp(args.host, args.port) if args.transport == "tcp" else udp(args.host, args.port))
    except (OSError, TimeoutError) as exc:
        print(f"daytime: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 3
    if not text:
        print("daytime: empty answer", file=sys.stderr)
        return 3
    sys.stdout.buffer.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
