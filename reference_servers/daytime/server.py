"""Reference daytime server (RFC 867), TCP and UDP on the same port."""

from __future__ import annotations

import asyncio

from reference_servers.base import ReferenceServer, drain_and_close
from reference_servers.clock import Clock, ClockUnavailable, system_clock
from reference_servers.daytime import wire


class DaytimeServer(ReferenceServer):
    """Sends the date and time as soon as a client connects, then closes (DAYTIME-TCP-1/2); what the
    client sends is read and thrown away, never answered, and never left unread at close, which would
    make the kernel reset the connection (DAYTIME-TCP-3, NET-TCP-9).  Every datagram, the empty one
    included, gets one datagram back (DAYTIME-UDP-1/2).

    Args:
        clock: callable returning Unix seconds (see :mod:`reference_servers.clock`); when it raises
            :class:`ClockUnavailable` the TCP session is closed with nothing sent and datagrams are dropped.
    """

    TRANSPORTS = ("tcp", "udp")
    NAME = "daytime"

    def __init__(self, *args, clock: Clock = system_clock, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.clock = clock

    def current(self) -> bytes | None:
        try:
            return wire.format_daytime(self.clock())
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
