"""Echo server (RFC 862) with asyncio: start_server for TCP and a datagram endpoint for UDP.

    python echo_server_asyncio.py PORT
"""

import asyncio
import socket
import sys


async def session(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    try:
        while data := await reader.read(65536):
            writer.write(data)
            await writer.drain()
    except (ConnectionError, OSError):
        pass
    finally:
        writer.close()
        try:
            await writer.wait_closed()
        except (ConnectionError, OSError):
            pass


class Datagrams(asyncio.DatagramProtocol):
    def __init__(self, sock: socket.socket) -> None:
        self.sock = sock

    def connection_made(self, transport) -> None:
        self.transport = transport

    def datagram_received(self, data: bytes, addr) -> None:
        if data:
            self.transport.sendto(data, addr)
        else:
            # an empty datagram is a datagram too, but asyncio's sendto() silently drops empty data
            # (before Python 3.13): answer it on the socket itself
            try:
                self.sock.sendto(b"", addr)
            except OSError:
                pass

    def error_received(self, exc: Exception) -> None:
        pass  # ICMP errors for earlier replies end nothing


async def main(port: int) -> None:
    loop = asyncio.get_running_loop()
    udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    udp.bind(("127.0.0.1", port))
    await loop.create_datagram_endpoint(lambda: Datagrams(udp), sock=udp)
    server = await asyncio.start_server(session, "127.0.0.1", port, reuse_address=True)
    async with server:
        await server.serve_forever()


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1])))
