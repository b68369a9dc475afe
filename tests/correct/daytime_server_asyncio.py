"""Daytime server (RFC 867) with asyncio streams and a datagram endpoint; ISO 8601 UTC.

    python daytime_server_asyncio.py PORT
"""

import asyncio
import sys
from datetime import UTC, datetime


def daytime() -> bytes:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ\r\n").encode("ascii")


async def session(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    try:
        writer.write(daytime())
        await writer.drain()
        if writer.can_write_eof():
            writer.write_eof()
        # whatever the client sends is thrown away; wait (bounded) for its close so none is left unread
        async with asyncio.timeout(5):
            while await reader.read(65536):
                pass
    except (TimeoutError, ConnectionError, OSError):
        pass
    finally:
        writer.close()


class Datagrams(asyncio.DatagramProtocol):
    def connection_made(self, transport) -> None:
        self.transport = transport

    def datagram_received(self, data: bytes, addr) -> None:
        self.transport.sendto(daytime(), addr)

    def error_received(self, exc: Exception) -> None:
        pass


async def main(port: int) -> None:
    loop = asyncio.get_running_loop()
    await loop.create_datagram_endpoint(Datagrams, local_addr=("127.0.0.1", port))
    server = await asyncio.start_server(session, "127.0.0.1", port, reuse_address=True)
    async with server:
        await server.serve_forever()


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1])))
