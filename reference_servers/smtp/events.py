"""The events of :class:`~reference_servers.smtp.session.SmtpSession` (sans-I/O, h11 style): what the
session tells its caller to do or to record.  Plain values; no I/O."""

from __future__ import annotations

from dataclasses import dataclass

from reference_servers.smtp.delivery import Accepted, Envelope


class _NeedData:
    def __repr__(self) -> str:
        return "NEED_DATA"


class _SendNow:
    def __repr__(self) -> str:
        return "SEND_NOW"


#: no event can be produced before more input arrives (the caller sends what is queued, then reads)
NEED_DATA = _NeedData()
#: the queued replies must be sent now (:meth:`SmtpSession.data_to_send`)
SEND_NOW = _SendNow()


@dataclass(frozen=True)
class Greeting:
    """The greeting (or its replacement) is queued: send it now, the session's first octets."""


@dataclass(frozen=True)
class CommandTaken:
    """A command line was taken (``verb`` upper-cased, ``""`` for an unparsable or over-long line;
    ``line`` without CRLF).  ``held``: replies to earlier commands were still queued, unsent."""

    verb: str
    line: bytes
    held: bool


@dataclass(frozen=True)
class DataStarted:
    """The 354 is queued and content follows; ``buffered``: content had already arrived with the DATA
    command (before the 354 was sent, SMTP-PIPE-2)."""

    buffered: bool


@dataclass(frozen=True)
class Store:
    """End-of-data of a message to accept, when the server stores it itself (``config.stores_later``): store
    ``content`` (CRLF, un-stuffed) with its ``received`` trace field for ``envelope`` (``config.deliver``,
    in a thread if need be), then call :meth:`SmtpSession.stored` before asking for the next event.  The 250
    (queued as ``msg_id``) or the 451 comes only then: a message is acknowledged once stored (RFC 5321
    §4.1.1.4, §6.1)."""

    envelope: Envelope
    content: bytes
    received: str
    msg_id: str


@dataclass(frozen=True)
class Message:
    """End-of-data: ``accepted`` the message the server took responsibility for (250), or ``None`` when a
    reply hook answered with success instead (nothing delivered); ``content`` CRLF, un-stuffed."""

    content: bytes
    accepted: Accepted | None


@dataclass(frozen=True)
class Closed:
    """The session is over.  ``how``: ``"quit"`` (send what is queued, then close politely), ``"eof"``
    (the client closed between commands), ``"lost"`` (the client closed inside DATA), ``"fin"`` (send what
    is queued, then FIN), ``"stall"`` (send what is queued, then say nothing until the client closes),
    ``"reset"`` (send what is queued, then RST), ``"stop"`` (the server is stopping, the 421 was sent).
    ``end``: how the session log names the end, when it says (``"behaviour"``, ``"eof"``)."""

    how: str
    end: str | None = None
