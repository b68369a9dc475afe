"""Reference echo server (RFC 862), TCP and UDP on the same port."""

from __future__ import annotations

import asyncio

from reference_servers.base import ReferenceServer
from reference_servers.echo import wire
from reference_servers.streams import drain, drain_and_close


class EchoServer(ReferenceServer):
    """Echoes every octet of a TCP session until the client ends it (ECHO-TCP-2..6), and every datagram
    with one datagram of the same data, the empty one included (ECHO-UDP-1..5).

    Reads whatever has arrived (no line buffering, ECHO-TCP-4) and writes it back with back-pressure
    (``drain``), so large concurrent transfers are complete (ECHO-TCP-5, NET-TCP-3).  When the client
    half-closes, what is owed is flushed and the server closes too (ECHO-TCP-6).
    """

    TRANSPORTS = ("tcp", "udp")
    NAME = "echo"

    async def handle_connection(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        while True:
            data = await asyncio.wait_for(reader.read(65536), self.idle_timeout)
            if not data:
                break
            writer.write(wire.reply_to(data))
            await drain(writer, self.idle_timeout)
        await drain_and_close(reader, writer, linger=0, write_timeout=self.idle_timeout)

    def handle_datagram(self, data: bytes, addr: tuple[str, int]) -> list[bytes]:
        return [wire.reply_to(data)]
