"""Reference time server (RFC 868), TCP and UDP on the same port."""

from __future__ import annotations

from reference_servers.speakfirst import SpeakFirstServer
from reference_servers.time import wire


class TimeServer(SpeakFirstServer):
    """Sends the 4-octet time as soon as a client connects and closes (TIME-TCP-1/2); answers every
    datagram, empty or not, with one 4-octet datagram (TIME-UDP-1/2).  Past 2036-02-07 the value wraps
    modulo 2**32 (TIME-FMT-6).  Without a clock (ClockUnavailable) TCP sessions are closed with nothing
    sent and datagrams are dropped (TIME-TCP-3, TIME-UDP-3).

    Args:
        clock: callable returning Unix seconds.
    """

    NAME = "time"

    def reply(self, unix_seconds: float) -> bytes:
        return wire.encode(unix_seconds)
