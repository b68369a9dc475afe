"""Incremental reception of one gopher response, sans-I/O (RFC 1436 §3.8, Appendix Lastline):
:class:`ResponseReader` is fed octets as they arrive and says when the response is complete."""

from __future__ import annotations

from reference_servers.errors import ProtocolError

from .items import Framing, framing
from .text import find_lastline


# --------------------------------------------------------------------------- incremental reception
class ResponseReader:
    """Incremental receiver for one response: feed it octets as they arrive; it says when it is done.

    ``lastline`` framing completes as soon as the lastline has arrived, without waiting for the close
    (GOPHER-TEXT-6); ``close`` framing completes only at end of stream (GOPHER-BIN-2).  At end of
    stream a lastline response without its lastline is accepted (GOPHER-TEXT-4) and flagged.

    Usage::

        r = ResponseReader("0")
        while not r.complete:
            data = sock.recv(65536)
            r.feed(data) if data else r.feed_eof()
        body = r.body  # what arrived, up to and including the lastline

    Raises (from :meth:`feed`): ProtocolError when more than ``limit`` octets arrive.
    """

    def __init__(self, itemtype: str, *, limit: int = 64 * 2**20) -> None:
        self.itemtype = itemtype
        self.framing: Framing = "close" if framing(itemtype) == "none" else framing(itemtype)
        self.limit = limit
        self._buf = bytearray()
        self._scan = 0
        self.complete = False
        self.lastline_missing = False
        self.surplus = b""

    def feed(self, data: bytes) -> bool:
        """Add received octets; return :attr:`complete`."""
        if self.complete:
            self.surplus += data
            return True
        self._buf += data
        if len(self._buf) > self.limit:
            raise ProtocolError(f"response larger than {self.limit} octets")
        if self.framing == "lastline":
            start = max(0, self._scan - 4)
            window = bytes(self._buf[start:]) if start else bytes(self._buf)
            end = find_lastline(window, mid_response=start > 0)
            if end is not None:
                end += start
                self.surplus = bytes(self._buf[end:])
                del self._buf[end:]
                self.complete = True
            self._scan = len(self._buf)
        return self.complete

    def feed_eof(self) -> None:
        """The peer closed the connection."""
        if not self.complete and self.framing == "lastline":
            self.lastline_missing = True
        self.complete = True

    @property
    def body(self) -> bytes:
        """Octets received (for lastline framing: up to and including the lastline)."""
        return bytes(self._buf)

