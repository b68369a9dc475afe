"""The speak-first shape of the daytime (RFC 867) and time (RFC 868) servers: on a TCP connection send one
reply and close; on UDP answer every datagram, whatever it holds, with one reply."""

from __future__ import annotations

import asyncio

from reference_servers.base import ReferenceServer
from reference_servers.streams import drain_and_close


class SpeakFirstServer(ReferenceServer):
    """A server that answers as soon as a client connects (TCP) or with any datagram (UDP), with a value
    computed from its clock, then closes: the shape of daytime (RFC 867) and time (RFC 868).

    Subclasses implement :meth:`reply`.  What the client sends over TCP is read and thrown away, never
    left unread at close, where the kernel would answer it with a reset that destroys the reply in
    flight (NET-TCP-9).  When the clock raises :class:`~reference_servers.clock.ClockUnavailable`, TCP
    sessions are closed with nothing sent and datagrams are dropped.

    Args:
        clock: callable returning Unix seconds (:mod:`reference_servers.clock`).
    """

    TRANSPORTS = ("tcp", "udp")

    def __init__(self, *args, clock=None, **kwargs) -> None:
        from reference_servers.clock import system_clock

        super().__init__(*args, **kwargs)
        self.clock = clock or system_clock

    def reply(self, unix_seconds: float) -> bytes:
        """The bytes to send for the time ``unix_seconds``."""
        raise NotImplementedError

    def current(self) -> bytes | None:
        """The reply for now, or ``None`` when the clock cannot tell."""
        from reference_servers.clock import ClockUnavailable

        try:
            return self.reply(self.clock())
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
