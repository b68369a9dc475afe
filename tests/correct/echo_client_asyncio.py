"""Echo client (RFC 862) with asyncio: open_connection, a writer task and a reader reading until all
bytes came back, each wait bounded by 10 s.  UDP through a datagram endpoint, 4 tries of 1.5 s.

    python echo_client_asyncio.py --host HOST --port PORT [--udp]
"""

import argparse
import asyncio
import socket
import sys

WAIT = 10.0


async def tcp(host: str, port: int, data: bytes) -> bytes:
    reader, writer = await asyncio.wait_for(asyncio.open_connection(host, port), WAIT)

    async def send() -> None:
        writer.write(data)
        await writer.drain()

    sender = asyncio.create_task(send())
    got = bytearray()
    try:
        while len(got) < len(data):
            chunk = await asyncio.wait_for(reader.read(65536), WAIT)
            if not chunk:
                break
            got += chunk
        await asyncio.wait_for(sender, WAIT)
    finally:
        sender.cancel()
        writer.close()
    return bytes(got)


async def udp(host: str, port: int, data: bytes) -> bytes:
    loop = asyncio.get_running_loop()
    answers: asyncio.Queue = asyncio.Queue()

    class Proto(asyncio.DatagramProtocol):
        def datagram_received(self, payload: bytes, addr) -> None:
            answers.put_nowait((payload, addr))

        def error_received(self, exc: Exception) -> None:
            pass

    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    transport, _ = await loop.create_datagram_endpoint(Proto, sock=sock)
    server = (await loop.getaddrinfo(host, port, family=socket.AF_INET, type=socket.SOCK_DGRAM))[0][4]
    try:
        for _ in range(4):
            if data:
                transport.sendto(data, server)
            else:  # asyncio's sendto() silently drops empty data (before Python 3.13): send it ourselves
                sock.sendto(b"", server)
            deadline = loop.time() + 1.5
            while (left := deadline - loop.time()) > 0:
                try:
                    payload, addr = await asyncio.wait_for(answers.get(), left)
                except TimeoutError:
                    break
                if tuple(addr[:2]) == tuple(server[:2]) and payload == data:
                    return payload
        raise TimeoutError("no echo after 4 tries")
    finally:
        transport.close()


def main() -> int:
    p = argparse.ArgumentParser()
    p.add_argument("--host", required=True)
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--udp", action="store_true")
    p.add_argument("--tcp", action="store_true", help="the default")
    args = p.parse_args()
    data = sys.stdin.buffer.read()
    try:
        echo = asyncio.run(udp(args.host, args.port, data) if args.udp else tcp(args.host, args.port, data))
    except (OSError, TimeoutError) as exc:
        print(f"echo: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 2
    sys.stdout.buffer.write(echo)
    return 0 if echo == data else 1


if __name__ == "__main__":
    sys.exit(main())
