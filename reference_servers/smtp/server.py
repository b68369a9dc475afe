"""Reference SMTP server (RFC 5321 with PIPELINING, SIZE, 8BITMIME, ENHANCEDSTATUSCODES).

A final-delivery receiver for its own domains: it never relays (RCPT for any other domain gets 550 5.7.1)
and stores each accepted message in a Maildir (:mod:`reference_servers.smtp.delivery`).  Strict where the
RFC is: only CRLF ends a line (a message with a bare CR or LF is refused at end-of-data, catalog §8 choice),
verbs are case-insensitive, every command gets exactly one reply, errors never close the session.

Its choices (documented for the scenarios):

* replies carry RFC 2034 enhanced codes whenever ``ENHANCEDSTATUSCODES`` is advertised, except the greeting
  and the EHLO/HELO replies; the texts of 221 and 421 name the domain right after the enhanced code;
* a command line may be up to :data:`COMMAND_LINE_LIMIT` octets (the 512 of §4.5.3.1.4 plus room for ESMTP
  parameters); longer lines get ``500 5.5.2 Line too long`` and the session continues;
* text lines longer than 1000 octets (CRLF included, stuffing dot not counted) make the message refused
  at end-of-data with 500, never split (§4.5.3.1.6);
* ``MAIL FROM: <x>`` (space after the colon) is tolerated (§3.3 notes the practice);
* replies to MAIL, RCPT and RSET are held until the input buffer is empty and then sent together
  (RFC 2920 §3.2 (2)); every other reply is sent at once;
* the idle timeout (default 300 s, §4.5.3.2.7) ends with ``421 4.4.2 <domain> ...``; stopping the server
  says ``421 4.3.2 <domain> ...`` to every open session (§3.8).

Three layers, as aiosmtpd splits protocol, handler and controller: the sans-I/O state machine
(:class:`~reference_servers.smtp.session.SmtpSession`, verbs in :mod:`.verbs`), this module's asyncio
lifecycle (:class:`SmtpServer` and one :class:`SessionPump` per connection: read, feed, write, timeouts,
shutdown notice), and the misbehaviours for client scenarios (:class:`Behaviour`, :mod:`.behaviour`).
Every session is recorded (:class:`SessionLog`, :mod:`.log`: timestamps of what arrived and what was sent)
so a scenario can check what a client under test did.
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import itertools
import time
from pathlib import Path as FsPath

from reference_servers.base import ReferenceServer, drain_and_close
from reference_servers.smtp import wire
from reference_servers.smtp.behaviour import CLOSE, RESET, STALL, Behaviour, ShapedWriter, abort_with_reset
from reference_servers.smtp.delivery import Accepted, Delivered, DeliveryError, Envelope, MaildirDelivery
from reference_servers.smtp.events import NEED_DATA, SEND_NOW, Closed, CommandTaken, DataStarted, Greeting, Message
from reference_servers.smtp.log import LOG_COMMANDS, LOG_MESSAGES, LOG_OCTETS, CommandRecord, SessionLog
from reference_servers.smtp.session import (
    BATCHABLE,
    COMMAND_LINE_LIMIT,
    DEFAULT_MAX_SIZE,
    SmtpSession,
    advertises,
    default_extensions,
)

__all__ = [  # the names scenarios, fixtures and tests import from here
    "BATCHABLE", "CLOSE", "COMMAND_LINE_LIMIT", "DEFAULT_MAX_SIZE", "INBOX_LIMIT", "LOG_COMMANDS", "LOG_MESSAGES",
    "LOG_OCTETS", "REMEMBERED", "RESET", "STALL", "Accepted", "Behaviour", "CommandRecord", "SessionLog",
    "SessionPump", "SmtpServer", "SmtpSession",
]

#: octets kept unread-by-the-session before the server stops reading the socket (back-pressure)
INBOX_LIMIT = 4 * 2**20
#: how many sessions and accepted messages the server remembers
REMEMBERED = 1024


class SmtpServer(ReferenceServer):
    """The reference SMTP server.

    Args:
        host, port, idle_timeout: as :class:`ReferenceServer`; ``idle_timeout`` (seconds) defaults to 300
            (RFC 5321 §4.5.3.2.7) and is scaled down in tests.
        domain: the server's name (greeting, EHLO, Received) and its first local domain.
        local_domains: the mail domains it delivers for (case-insensitive); default ``(domain,)``.
        maildir: Maildir directory for deliveries (created if missing); ``None`` keeps messages only in
            :attr:`accepted`.
        max_size: fixed maximum message size advertised with SIZE, octets (RFC 1870); 0 = no limit.
        max_recipients: recipients buffered per transaction (at least 100, §4.5.3.1.8); more get 452.
        unknown_users: local-parts that do not exist (case-insensitive): RCPT gets 550 5.1.1.
        behaviour: misbehaviour for client scenarios (:class:`Behaviour`).
        fail_delivery: simulate a storage failure: end-of-data gets 451 and nothing is stored.

    ``session_class`` (the state machine) and ``pump_class`` (the per-connection I/O) may be replaced by
    subclasses; the broken implementations in ``tests/broken`` do that to carry exactly one bug.
    """

    NAME = "smtp"
    TRANSPORTS = ("tcp",)

    def __init__(
        self,
        host: str = "127.0.0.1",
        port: int = 0,
        *,
        transports: tuple[str, ...] | None = None,
        domain: str = "example.test",
        local_domains: tuple[str, ...] | None = None,
        maildir: str | FsPath | None = None,
        max_size: int = DEFAULT_MAX_SIZE,
        max_recipients: int = wire.MIN_RECIPIENTS,
        unknown_users: tuple[str, ...] = ("nouser",),
        idle_timeout: float = 300.0,
        behaviour: Behaviour | None = None,
        fail_delivery: bool = False,
    ) -> None:
        super().__init__(host, port, transports=transports, idle_timeout=idle_timeout)
        self.domain = domain
        self.local_domains = frozenset(d.lower() for d in (local_domains or (domain,)))
        self.maildir = MaildirDelivery(maildir, fail=fail_delivery) if maildir is not None else None
        self.fail_delivery = fail_delivery
        self.max_size = max_size
        self.max_recipients = max_recipients
        self.unknown_users = frozenset(u.lower() for u in unknown_users)
        self.behaviour = behaviour or Behaviour()
        #: every session, in accept order
        self.sessions: collections.deque[SessionLog] = collections.deque(maxlen=REMEMBERED)
        #: every accepted message, in order
        self.accepted: collections.deque[Accepted] = collections.deque(maxlen=REMEMBERED)
        self._open: set[SessionPump] = set()
        self.session_class: type[SmtpSession] = SmtpSession
        self.pump_class: type[SessionPump] = SessionPump
        self._ids = itertools.count(1)

    @property
    def extensions(self) -> tuple[str, ...]:
        """The EHLO keyword lines (with parameters) this server advertises."""
        if self.behaviour.extensions is not None:
            return tuple(self.behaviour.extensions)
        return default_extensions(self.max_size)

    def advertised(self, keyword: str) -> bool:
        return advertises(self.extensions, keyword)

    def wait_sessions_closed(self, count: int = 1, timeout: float = 5.0) -> list[SessionLog]:
        """Wait (bounded) until at least ``count`` sessions exist and all of them have ended; return them.

        Raises:
            TimeoutError: not within ``timeout`` seconds.
        """
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            logs = list(self.sessions)
            if len(logs) >= count and all(s.closed.is_set() for s in logs):
                return logs
            time.sleep(0.01)
        raise TimeoutError(f"{len(self.sessions)} session(s), not all closed after {timeout} s")

    def next_id(self) -> str:
        return f"{int(time.time()):X}.{next(self._ids):04X}"

    def deliver(self, envelope: Envelope, content: bytes, received: str) -> tuple[Delivered, ...]:
        """Store one accepted message (the session's storage hook): into the Maildir, if any.

        Raises:
            DeliveryError: storage failed (or ``fail_delivery``); nothing was stored.
        """
        if self.maildir is not None:
            return tuple(self.maildir.deliver(envelope, content, received))
        if self.fail_delivery:
            raise DeliveryError("storage failure (simulated)")
        return ()

    async def handle_connection(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        pump = self.pump_class(self, reader, writer)
        self._open.add(pump)
        try:
            await pump.run()
        finally:
            self._open.discard(pump)
            pump.log.closed.set()

    async def on_shutdown(self) -> None:
        await asyncio.gather(*(p.shutdown_notice() for p in list(self._open)), return_exceptions=True)


class _Closed(Exception):
    """The session is over (a behaviour, a lost connection mid-data): send what is queued, then FIN."""


class SessionPump:
    """One connection: reads the socket, feeds the :class:`SmtpSession`, performs its events (writes with
    the behaviour's pacing, records the :class:`SessionLog`), and bounds every wait by the idle timeout."""

    def __init__(self, server: SmtpServer, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.server = server
        self.reader = reader
        self.writer = writer
        self.behaviour = server.behaviour
        peer = writer.get_extra_info("peername") or ("?", 0)
        self.log = SessionLog((peer[0], peer[1]), time.monotonic())
        server.sessions.append(self.log)
        self.session = server.session_class(server, replies=self.behaviour.replies, peer_ip=peer[0])
        self.inbox = bytearray()
        self.inbox_event = asyncio.Event()
        self.space_event = asyncio.Event()
        self.eof = False
        self.next_ahead = False  # the last write found client input already waiting
        self.closing = False

    # ------------------------------------------------------------------ reading
    async def _read_socket(self) -> None:
        """Read the socket into ``inbox``, recording arrival times; stop reading while the inbox is full."""
        try:
            while True:
                while len(self.inbox) > INBOX_LIMIT:
                    self.space_event.clear()
                    await self.space_event.wait()
                data = await self.reader.read(65536)
                if not data:
                    self.log.eof_at = time.monotonic()
                    break
                self.log.record("C", data)
                self.inbox += data
                self.inbox_event.set()
        except (ConnectionError, OSError):
            self.log.eof_at = time.monotonic()
            self.log.end = self.log.end or "reset"
        finally:
            self.eof = True
            self.inbox_event.set()

    async def _more(self) -> bytes:
        """The next octets from the client (``b""`` at EOF), waiting at most the idle timeout.

        Raises:
            TimeoutError: the client stayed silent for ``idle_timeout`` seconds.
        """
        while not self.inbox and not self.eof:
            self.inbox_event.clear()
            await asyncio.wait_for(self.inbox_event.wait(), self.server.idle_timeout)
        data = bytes(self.inbox)
        self.inbox.clear()
        self.space_event.set()
        return data

    def _input_waiting(self) -> bool:
        return bool(self.inbox) or self.session.input_waiting

    async def _stop_reading(self) -> None:
        self._reader_task.cancel()
        with contextlib.suppress(asyncio.CancelledError, Exception):
            await self._reader_task

    # ------------------------------------------------------------------ writing
    async def flush(self) -> None:
        """Write the session's queued replies (with the behaviour's delays and fragmentation)."""
        data = self.session.data_to_send()
        if not data:
            return
        if await self.shaped.write(data):
            self.next_ahead = True

    # ------------------------------------------------------------------ the session
    async def run(self) -> None:
        self.shaped = ShapedWriter(self.writer, self.behaviour, self.log.record, self._input_waiting,
                                   self.server.idle_timeout)
        self._reader_task = asyncio.create_task(self._read_socket())
        try:
            await self._converse()
            if self.log.end == "quit":
                await self._stop_reading()
                await drain_and_close(self.reader, self.writer, linger=0.5)  # NET-TCP-9
        except TimeoutError:
            self.log.end = self.log.end or "timeout"
            with contextlib.suppress(ConnectionError, OSError):
                self.session.timed_out()
                await self.flush()
                await self._stop_reading()
                await drain_and_close(self.reader, self.writer, linger=0.2)
        except _Closed:
            if not self.writer.transport.is_closing():
                with contextlib.suppress(ConnectionError, OSError):
                    await self.flush()
                    if self.writer.can_write_eof():
                        self.writer.write_eof()
        except (ConnectionError, OSError):
            self.log.end = self.log.end or "reset"
        finally:
            await self._stop_reading()

    async def _converse(self) -> None:
        """Perform the session's events until it is over.

        Raises:
            _Closed: the session ended with a FIN, RST or stall.  TimeoutError: idle timeout.
        """
        if self.behaviour.greeting_delay > 0:
            await asyncio.sleep(self.behaviour.greeting_delay)
        session = self.session
        session.start()
        while True:
            event = session.next_event()
            if event is NEED_DATA:
                await self.flush()
                session.receive_data(await self._more())
            elif event is SEND_NOW:
                await self.flush()
            elif type(event) is CommandTaken:
                ahead = event.held or self.next_ahead
                self.log.take_command(CommandRecord(time.monotonic(), event.verb, event.line, ahead))
                self.next_ahead = False
            elif type(event) is DataStarted:
                if event.buffered or self.next_ahead:
                    self.log.content_ahead = True
                self.next_ahead = False
            elif type(event) is Message:
                if event.accepted is not None:
                    self.server.accepted.append(event.accepted)
                    self.log.messages.append(event.content)
                elif len(self.log.messages) < LOG_MESSAGES:
                    self.log.messages.append(event.content)
            elif type(event) is Greeting:  # split or fragmented like any reply, never reply_delay'd
                self.next_ahead = await self.shaped.write(session.data_to_send(), delay=False)
            elif type(event) is Closed:
                return await self._end(event)
            else:
                raise AssertionError(f"unknown session event {event!r}")

    async def _end(self, event: Closed) -> None:
        """Perform the end the session asked for.

        Raises:
            _Closed: a FIN, RST or stall end (the caller sends what is left and the FIN).
        """
        how = event.how
        if how == "eof":
            self.log.end = self.log.end or "eof"
            return
        if how == "stop":  # the 421 was sent by shutdown_notice
            return
        if how == "quit":
            self.log.end = "quit"
            self.closing = True
            await self.flush()
            return
        if how == "lost":
            self.log.end = "eof"
            raise _Closed
        await self.flush()
        if event.end:
            self.log.end = event.end
        if how == "stall":
            # say nothing more until the client gives up (no idle timeout here: the point is to outlast the
            # client's own timeout); stopping the server ends this too
            while not self.eof:
                self.inbox.clear()
                self.space_event.set()
                self.inbox_event.clear()
                await self.inbox_event.wait()
        elif how == "reset":
            abort_with_reset(self.writer)
        raise _Closed

    async def shutdown_notice(self) -> None:
        """Say 421 to this session because the server is stopping (SMTP-421-1)."""
        if self.closing or self.writer.transport.is_closing():
            return
        self.closing = True
        self.log.end = "shutdown"
        data = self.session.shutdown()
        with contextlib.suppress(ConnectionError, OSError):
            self.log.record("S", data)
            self.writer.write(data)
            await asyncio.wait_for(self.writer.drain(), 1.0)
            if self.writer.can_write_eof():
                self.writer.write_eof()
