"""Reference time server (RFC 868), TCP and UDP on the same port."""

from __future__ import annotations

import asyncio

from reference_servers.base import ReferenceServer, drain_and_close
from reference_servers.clock import Clock, ClockUnavailable, system_clock
from reference_servers.time import wire


class TimeServer(ReferenceServer):
    """Sends the 4-octet time as soon as a client connects and closes (TIME-TCP-1/2); answers every
    datagram, empty or not, with one 4-octet datagram (TIME-UDP-1/2).  Past 2036-02-07 the value wraps
    modulo 2**32 (TIME-FMT-6).  When the clock raises :class:`ClockUnavailable`, TCP sessions are closed
    with nothing sent and datagrams are dropped (TIME-TCP-3, TIME-UDP-3).
    """

    TRANSPORTS = ("tcp", "udp")
    NAME = "time"

    def __init__(self, *args, clock: Clock = system_clock, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.clock = clock

    def current(self) -> bytes | None:
        try:
            return wire.encode(self.clock())
        except ClockUnavailable:
            return None

    async def handle_connection(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        reply = self.current()
        if reply is not None:
            writer.write(reply)
        await drain_and_close(reader, writer, linger=min(1.0, self.idle_timeout))

    def handle_datagram(self, data: bytes, addr: tuple[str, int]) -> list[bytes]:
        reply = self.current()
        return [] if reply is None else [reply]
