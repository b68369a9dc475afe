"""Reference daytime server (RFC 867), TCP and UDP on the same port."""

from __future__ import annotations

from reference_servers.daytime import wire
from reference_servers.speakfirst import SpeakFirstServer


class DaytimeServer(SpeakFirstServer):
    """Sends the date and time as soon as a client connects, then closes (DAYTIME-TCP-1/2); client input
    is thrown away (DAYTIME-TCP-3, NET-TCP-9).  Every datagram, the empty one included, gets one datagram
    back (DAYTIME-UDP-1/2).  Format: :func:`reference_servers.daytime.wire.format_daytime` (DAYTIME-FMT-4).

    Args:
        clock: callable returning Unix seconds; raising ClockUnavailable means no reply.
    """

    NAME = "daytime"

    def reply(self, unix_seconds: float) -> bytes:
        return wire.format_daytime(unix_seconds)
