"""The SMTP server session as a state machine, sans-I/O in the h11 way (RFC 5321 with SIZE RFC 1870,
PIPELINING RFC 2920, 8BITMIME RFC 6152, ENHANCEDSTATUSCODES RFC 2034).

No sockets, no asyncio, no clock: feed the client's octets with :meth:`SmtpSession.receive_data`
(``b""`` at end of input), take :meth:`SmtpSession.next_event` until it returns :data:`NEED_DATA`, and
send :meth:`SmtpSession.data_to_send` when an event says so and before reading more (at
:data:`NEED_DATA`, which is when held replies go out)::

    session = SmtpSession(SessionConfig())
    session.start()                      # queues the greeting
    session.receive_data(b"EHLO c.test\\r\\nQUIT\\r\\n")
    while (event := session.next_event()) is not NEED_DATA: ...

Events, in order: :class:`Greeting` (send the greeting now), :class:`CommandTaken` (a command line was
taken), :data:`SEND_NOW` (send the queued replies now; replies to MAIL, RCPT and RSET are held while
more commands are buffered, RFC 2920 §3.2 (2)), :class:`DataStarted` (354 sent, message content follows),
:class:`Message` (a message was accepted, or taken by a reply hook), :class:`Closed` (the session is over:
how, and what to do).

The session keeps the envelope and the RFC 5321 §4.1.4 sequence, one reply per command, and delivers
through its ``config`` (an object like :class:`SessionConfig`: the reference server itself).  A reply
hook (``replies``, see :class:`~reference_servers.smtp.behaviour.Behaviour`) may replace the reply of a
step; the session applies its RFC consequence (a refused reply changes no state) and turns the actions
that are I/O (stall, reset, close) into a :class:`Closed` event for the caller to perform.  The verb
handlers are in :class:`~reference_servers.smtp.verbs.VerbHandlers`; subclasses (``tests/broken``)
override ``do_<VERB>``, :meth:`reply`, :attr:`data_receiver` or :meth:`_end_of_data` to carry one bug.
"""

from __future__ import annotations

import collections
import itertools
import time
from collections.abc import Mapping
from dataclasses import dataclass, field

from reference_servers.errors import ProtocolError
from reference_servers.smtp import wire
from reference_servers.smtp.delivery import Delivered, DeliveryError, Envelope
from reference_servers.smtp.events import (
    NEED_DATA,
    SEND_NOW,
    Closed,
    CommandTaken,
    DataStarted,
    Greeting,
    Message,
    Store,
)
from reference_servers.smtp.verbs import VerbHandlers

__all__ = [
    "BATCHABLE", "CLOSE", "COMMAND_LINE_LIMIT", "DEFAULT_MAX_SIZE", "NEED_DATA", "RESET", "SEND_NOW", "STALL",
    "Closed", "CommandTaken", "DataStarted", "Greeting", "Message", "SessionConfig", "SmtpSession", "Store",
    "advertises", "default_extensions",
]

#: command line limit of the reference server, CRLF included (the 512 of §4.5.3.1.4 plus room for ESMTP
#: parameters); longer lines get ``500 5.5.2 Line too long`` and the session continues
COMMAND_LINE_LIMIT = 1024
#: default fixed maximum message size advertised with SIZE (octets)
DEFAULT_MAX_SIZE = 1_048_576
#: verbs whose replies may be held back to be sent with the next ones (RFC 2920 §3.2 (2))
BATCHABLE = frozenset({"MAIL", "RCPT", "RSET"})
#: actions a reply hook may give instead of a reply (performed by the I/O layer)
STALL, RESET, CLOSE = "stall", "reset", "close"


class _Stop(Exception):
    """Unwinds a handler once a :class:`Closed` event is queued."""


# ---------------------------------------------------------------------- configuration
def default_extensions(max_size: int) -> tuple[str, ...]:
    """The EHLO keyword lines the reference server advertises (SIZE with its fixed maximum, RFC 1870 §4)."""
    return (f"SIZE {max_size}", "PIPELINING", "8BITMIME", "ENHANCEDSTATUSCODES", "HELP")


def advertises(extensions: tuple[str, ...], keyword: str) -> bool:
    """True when ``keyword`` (upper-case) is among the EHLO keyword lines ``extensions``."""
    return any(e.split(" ")[0].upper() == keyword for e in extensions)


@dataclass
class SessionConfig:
    """What a session needs from its server; :class:`~reference_servers.smtp.server.SmtpServer` has the
    same attributes.  ``deliver`` stores nothing here: accepted messages are kept in :attr:`stored`
    (``fail`` simulates a storage failure: 451)."""

    domain: str = "example.test"
    local_domains: frozenset[str] = frozenset({"example.test"})
    max_size: int = DEFAULT_MAX_SIZE
    max_recipients: int = wire.MIN_RECIPIENTS
    unknown_users: frozenset[str] = frozenset({"nouser"})
    extensions: tuple[str, ...] = ()
    fail: bool = False
    stored: list[tuple[Envelope, bytes, str]] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.extensions = self.extensions or default_extensions(self.max_size)
        self._ids = itertools.count(1)

    def advertised(self, keyword: str) -> bool:
        return advertises(self.extensions, keyword)

    def next_id(self) -> str:
        return f"{int(time.time()):X}.{next(self._ids):04X}"

    def deliver(self, envelope: Envelope, content: bytes, received: str) -> tuple[Delivered, ...]:
        """Raises: DeliveryError: ``fail`` is set."""
        if self.fail:
            raise DeliveryError("storage failure (simulated)")
        self.stored.append((envelope, content, received))
        return ()


# ---------------------------------------------------------------------- the session
class SmtpSession(VerbHandlers):
    """One SMTP session, server side: the state machine of RFC 5321 §4.1.4, fed octets, giving events.

    Args:
        config: the server's settings and storage (:class:`SessionConfig` or the server).
        replies: the reply hook: step -> replacement reply or action (``Behaviour.replies``).
        peer_ip: the client's address, for the ``Received:`` field.

    State: ``helo`` (the EHLO/HELO argument, ``None`` before), ``esmtp``, ``mail`` (the reverse-path of the
    open transaction, ``None`` outside one), ``mail_params``, ``rcpts`` (accepted recipients), ``refused``
    (a 5yz greeting was given: 503 to all but QUIT and NOOP, SMTP-CONN-2), ``receiver`` (the DATA parser
    while content arrives).
    """

    #: the DATA parser class (or factory taking ``max_size``)
    data_receiver = wire.DataReceiver
    line_limit = COMMAND_LINE_LIMIT

    def __init__(self, config, *, replies: Mapping[str, str | bytes] | None = None, peer_ip: str = "?") -> None:
        self.config = config
        self.replies = replies or {}
        self.peer_ip = peer_ip
        self.lines = wire.LineBuffer(self.line_limit)
        self.out = bytearray()
        self.enhanced = config.advertised("ENHANCEDSTATUSCODES")
        self.receiver = None
        self._data_done = False
        self.eof = False
        self.refused = False
        self.closing = False  # QUIT taken
        self.stopping = False  # the server is stopping: end after the command in progress
        self._events: collections.deque = collections.deque()
        self._closed: Closed | None = None
        self._storing: Store | None = None  # a Store event not yet answered by stored()
        self._store_out = False  # ... and handed to the caller
        self.helo: str | None = None
        self.esmtp = False
        self.reset_transaction()

    def reset_transaction(self) -> None:
        self.mail: wire.Path | None = None
        self.mail_params: dict[str, str | None] = {}
        self.rcpts: list[str] = []

    # ------------------------------------------------------------------ the caller's side
    def start(self) -> None:
        """Queue the greeting (§4.2, 220 naming the domain, SMTP-CONN-1) or the hook's ``GREETING``."""
        try:
            action = self.override("GREETING")
            if action is not None:
                ok = self.apply_override(action)
                if isinstance(action, str) and action[:1] == "5":
                    self.refused = True
                elif not ok:
                    return self._close("fin")
            else:
                self.out += wire.format_reply(220, f"{self.config.domain} ESMTP netconformance reference server ready")
            self._events.append(Greeting())
        except _Stop:
            pass

    def receive_data(self, data: bytes) -> None:
        """Take octets from the client; ``b""`` means the client closed (end of input)."""
        if not data:
            self.eof = True
        elif self.receiver is not None and not self._data_done:
            self._feed_data(data)
        else:
            self.lines.feed(data)

    def next_event(self):
        """The next event, or :data:`NEED_DATA`; after :class:`Closed`, that same event again.

        Raises:
            whatever a subclass's handler raises (the broken servers raise ConnectionError).
        """
        if self._storing is not None and self._store_out:
            raise RuntimeError("a Store event is out: call stored() before asking for the next event")
        if not self._events and self._closed is None:
            try:
                self._step()
            except _Stop:
                pass
        if self._events:
            event = self._events.popleft()
            if event is self._storing:
                self._store_out = True
            return event
        return self._closed if self._closed is not None else NEED_DATA

    def stored(self, event: Store, copies: tuple[Delivered, ...] | None) -> None:
        """The caller stored the message of ``event`` (``copies``: what ``config.deliver`` returned), or could
        not (``None``): queue the 250, with the :class:`Message` event next, or the 451 (SMTP-TXN-12).

        Raises:
            RuntimeError: ``event`` is not the store this session is waiting for.
        """
        if event is not self._storing:
            raise RuntimeError("stored() for a Store event this session is not waiting for")
        self._storing = None
        self._store_out = False
        self._acknowledge(event, copies, first=True)

    def data_to_send(self) -> bytes:
        """The queued octets (replies), removed from the queue."""
        data = bytes(self.out)
        self.out.clear()
        return data

    @property
    def input_waiting(self) -> bool:
        """A complete command line is buffered (the client did not wait for the last reply)."""
        return self.lines.holds_line

    def timed_out(self) -> None:
        """The client stayed silent too long (§4.5.3.2.7): queue ``421 4.4.2``; the caller sends and closes."""
        self.reply(421, f"{self.config.domain} Idle timeout, closing connection", esc="4.4.2")

    def shutdown(self) -> bytes:
        """The server is stopping (§3.8, SMTP-421-1): drop the queued replies and return the ``421 4.3.2``
        to write now; the session ends after the command in progress (:class:`Closed` ``"stop"``)."""
        self.out.clear()
        self.stopping = True
        return wire.format_reply(421, f"{self.config.domain} Service shutting down, closing connection",
                                 enhanced="4.3.2" if self.enhanced else None)

    # ------------------------------------------------------------------ stepping
    def _step(self) -> None:
        if self.receiver is not None:
            if self._data_done:
                self._finish_data()
            elif self.eof:
                self._close("lost", "eof")  # connection lost mid-data: nothing delivered (SMTP-QUIT-3)
            return
        try:
            line = self.lines.next_line()
        except wire.LineTooLong:
            self._take("", b"")
            self.reply(500, "Line too long", esc="5.5.2")
            return
        if line is None:
            if self.eof:
                self._close("eof")
            return
        self.command(line)
        self._check_stopping()

    def _check_stopping(self) -> None:
        if self.stopping and self._closed is None:
            self._close("stop")

    def _close(self, how: str, end: str | None = None) -> None:
        self._closed = Closed(how, end)
        self._events.append(self._closed)

    def _take(self, verb: str, line: bytes) -> None:
        self._events.append(CommandTaken(verb, line, bool(self.out)))

    def flush(self) -> None:
        """Ask for the queued replies to be sent now."""
        self._events.append(SEND_NOW)

    def command(self, line: bytes) -> None:
        """Take one command line (without CRLF): one reply, sent now unless the verb is batchable."""
        try:
            cmd = wire.parse_command(line)
        except ProtocolError as exc:
            self._take("", line)
            if "empty" in str(exc):
                self.reply(500, "Empty command line", esc="5.5.2")
            else:
                self.reply(500, "Command contains invalid characters (RFC 5321 2.4)", esc="5.5.2")
            return self.flush()
        self._take(cmd.verb, line)
        handler = getattr(self, "do_" + cmd.verb, None) if cmd.verb in wire.KNOWN_VERBS else None
        if self.refused and cmd.verb not in ("QUIT", "NOOP"):
            self.reply(503, "No SMTP service here; send QUIT", esc="5.5.1")
        elif handler is None:
            self.reply(500, "Command unrecognized", esc="5.5.2")
        else:
            handler(cmd.argument)
        if self.closing:
            return self._close("quit")
        if self.receiver is not None:
            return  # DATA: the rest comes with the content (_finish_data)
        if cmd.verb not in BATCHABLE:
            self.flush()

    # ------------------------------------------------------------------ replies and the reply hook
    def reply(self, code: int, *lines: str, esc: str | None = None, verb: str = "") -> None:
        """Queue a reply; ``esc`` is the enhanced code, used when ENHANCEDSTATUSCODES is advertised."""
        self.out += wire.format_reply(code, *lines, enhanced=esc if self.enhanced else None)

    def override(self, *steps: str) -> str | bytes | None:
        """The reply hook's replacement for the first of ``steps`` it names, else ``None``."""
        for step in steps:
            if step in self.replies:
                return self.replies[step]
        return None

    def apply_override(self, action: str | bytes) -> bool:
        """Queue a replacement reply; return True when it is a success (2yz/3yz or raw bytes).

        Raises:
            _Stop: the action ends the session (stall, reset, close, a 421); a :class:`Closed` is queued.
        """
        if isinstance(action, bytes):
            self.out += action
            return True
        if action in (STALL, RESET, CLOSE):
            self._close({STALL: "stall", RESET: "reset", CLOSE: "fin"}[action], "behaviour")
            raise _Stop
        self.out += b"".join(line.encode("ascii") + wire.CRLF for line in action.split("\n"))
        code = action[:3]
        if code == "421":
            self._close("fin", "behaviour")
            raise _Stop
        return code[:1] in ("2", "3")

    # ------------------------------------------------------------------ DATA (§4.1.1.4, §4.5.2)
    def _start_data(self) -> None:
        """The 354 is queued: send it, then take content (what is buffered already first)."""
        self.flush()
        self.receiver = self.data_receiver(max_size=self.config.max_size or None)
        pending = self.lines.take_pending()
        self._events.append(DataStarted(bool(pending)))
        self._feed_data(pending)

    def _feed_data(self, data: bytes) -> None:
        rest = self.receiver.feed(data)
        if rest is not None:
            self._data_done = True
            self.lines.feed(rest)

    def _finish_data(self) -> None:
        result = self.receiver.result
        assert result is not None
        self.receiver = None
        self._data_done = False
        self._take(".", b".")
        self._end_of_data(result)
        self.flush()
        self._check_stopping()

    def _end_of_data(self, result: wire.DataResult) -> None:
        try:
            action = self.override("EOD")
            if action is not None:
                if self.apply_override(action):
                    self._events.append(Message(result.content, None))
                return
            if not self.rcpts:  # a hook said 354 without recipients: deliver nothing (SMTP-PIPE-9)
                return self.reply(554, "No valid recipients", esc="5.5.1")
            if result.oversize:
                return self.reply(552, "Message size exceeds fixed maximum message size", esc="5.3.4")
            if result.bare_lf or result.bare_cr:
                return self.reply(554, "Message contains a bare CR or LF; lines must end with CRLF "
                                  "(RFC 5321 2.3.8)", esc="5.6.0")
            if result.longest_line > wire.MAX_TEXT_LINE:
                return self.reply(500, f"Line too long: {result.longest_line} octets, limit is 1000 "
                                  "(RFC 5321 4.5.3.1.6)", esc="5.5.2")
            self._deliver(result)
        finally:
            self.reset_transaction()  # SMTP-SEQ-6
