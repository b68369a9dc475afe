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
(:class:`~reference_servers.smtp.session.SmtpSession`, verbs in :mod:`.verbs`), the asyncio lifecycle
(this module's :class:`SmtpServer`, with one :class:`SessionPump` per connection in :mod:`.pump`: read,
feed, write, timeouts, shutdown notice), and the misbehaviours for client scenarios (:class:`Behaviour`,
:mod:`.behaviour`).  Accepted messages are stored by a few threads (:data:`STORE_THREADS`), so the
``fsync`` of one never stalls the other sessions; the 250 still comes only once the message is stored.
Every session is recorded (:class:`SessionLog`, :mod:`.log`: timestamps of what arrived and what was sent)
so a scenario can check what a client under test did; the server remembers the last :data:`REMEMBERED`
sessions and messages within :data:`REMEMBERED_OCTETS` (:class:`~reference_servers.smtp.log.History`).
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import itertools
import time
from pathlib import Path as FsPath

from reference_servers.base import ReferenceServer
from reference_servers.smtp import wire
from reference_servers.smtp.behaviour import CLOSE, RESET, STALL, Behaviour
from reference_servers.smtp.delivery import Accepted, Delivered, DeliveryError, Envelope, MaildirDelivery
from reference_servers.smtp.events import Store
from reference_servers.smtp.log import (
    LOG_COMMANDS,
    LOG_MESSAGES,
    LOG_OCTETS,
    REMEMBERED,
    REMEMBERED_OCTETS,
    CommandRecord,
    History,
    SessionLog,
)
from reference_servers.smtp.pump import INBOX_LIMIT, SessionPump
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
    "LOG_OCTETS", "REMEMBERED", "REMEMBERED_OCTETS", "RESET", "STALL", "Accepted", "Behaviour", "CommandRecord",
    "History", "SessionLog", "SessionPump", "SmtpServer", "SmtpSession",
]

#: threads storing accepted messages (each store is written and fsync-ed outside the event loop)
STORE_THREADS = 4


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
        history: History | None = None,
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
        #: what is remembered of ended sessions and accepted messages (bounded in count and in octets)
        self.history = history if history is not None else History()
        #: the sessions, in accept order (the last :data:`REMEMBERED`; see :class:`History`)
        self.sessions = self.history.sessions
        #: the accepted messages, in order (the last :data:`REMEMBERED`, within :data:`REMEMBERED_OCTETS`)
        self.accepted = self.history.accepted
        self._open: set[SessionPump] = set()
        self._pool: concurrent.futures.ThreadPoolExecutor | None = None
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

    @property
    def stores_later(self) -> bool:
        """True when messages go into a Maildir: the session then asks for the store with a :class:`Store`
        event and the pump performs it in a thread (:meth:`store`), off the event loop."""
        return self.maildir is not None

    async def store(self, event: Store) -> tuple[Delivered, ...] | None:
        """Perform a session's :class:`Store` (:meth:`deliver`) in a thread, or at once when no other session
        is open (nobody to keep waiting: the hand-off would only add latency); ``None`` when it failed (451)."""
        try:
            if len(self._open) <= 1:
                return self.deliver(event.envelope, event.content, event.received)
            if self._pool is None:
                self._pool = concurrent.futures.ThreadPoolExecutor(STORE_THREADS, thread_name_prefix="smtp-store")
            return await asyncio.get_running_loop().run_in_executor(
                self._pool, self.deliver, event.envelope, event.content, event.received)
        except DeliveryError:
            return None

    def stop(self, timeout: float = 5.0) -> None:
        """Stop as :meth:`ReferenceServer.stop` (``timeout`` seconds), then let the store threads go."""
        super().stop(timeout)
        pool, self._pool = self._pool, None
        if pool is not None:
            pool.shutdown(wait=False)  # a store in progress completes in its thread

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
            self.history.ended(pump.log)
            pump.log.closed.set()

    async def on_shutdown(self) -> None:
        await asyncio.gather(*(p.shutdown_notice() for p in list(self._open)), return_exceptions=True)
