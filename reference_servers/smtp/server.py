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

Behaviours for client scenarios (:class:`Behaviour`) make the server misbehave on purpose, deterministically,
and every session is recorded (:class:`SessionLog`: timestamps of what arrived and what was sent) so a
scenario can check what a client under test did.
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import email.utils
import itertools
import socket
import struct
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path as FsPath

from reference_servers.base import ReferenceServer, drain_and_close
from reference_servers.errors import ProtocolError
from reference_servers.smtp import wire
from reference_servers.smtp.delivery import Delivered, DeliveryError, Envelope, MaildirDelivery

#: command line limit of the reference server, CRLF included
COMMAND_LINE_LIMIT = 1024
#: default fixed maximum message size advertised with SIZE (octets)
DEFAULT_MAX_SIZE = 1_048_576
#: octets kept unread-by-the-session before the server stops reading the socket (back-pressure)
INBOX_LIMIT = 4 * 2**20
#: what a session's log keeps (octets of events, command lines, messages) and how many sessions and
#: accepted messages the server remembers: a long-running server keeps no per-session state for ever
LOG_OCTETS = 1 * 2**20
LOG_COMMANDS = 10_000
LOG_MESSAGES = 100
REMEMBERED = 1024
#: verbs whose replies may be held back to be sent with the next ones (RFC 2920 §3.2 (2))
BATCHABLE = frozenset({"MAIL", "RCPT", "RSET"})

#: special actions a :class:`Behaviour` may give instead of a reply
STALL, RESET, CLOSE = "stall", "reset", "close"


@dataclass(frozen=True)
class Behaviour:
    """How the server misbehaves on purpose for client scenarios.  The default is a correct server.

    ``replies`` maps a *step* to what the server does there instead of its normal answer.  Steps:
    ``GREETING``, ``EHLO``, ``HELO``, ``MAIL``, ``RCPT`` (every recipient), ``RCPT <mailbox>`` (one
    recipient, mailbox lower-cased, e.g. ``"RCPT bob@example.test"``), ``DATA`` (the reply to the DATA
    command), ``EOD`` (the reply after end-of-data), ``RSET``, ``NOOP``, ``QUIT``, ``VRFY``.  Values:

    * a reply as text, one or more lines separated by ``\\n``, each with its code (``"451 4.3.0 busy"``,
      ``"220-a\\n220-b\\n220 c"``); sent with CRLF after each line.  A reply whose code is not 2yz/3yz
      leaves the state unchanged (no transaction, recipient not added, no delivery...); a 5yz greeting
      makes the session refuse service (503 to everything but QUIT, SMTP-CONN-2); a 421 anywhere is
      followed by a close;
    * raw ``bytes``, written as they are (malformed replies, ``b"250\\r\\n"``...), treated as success;
    * ``"stall"``: say nothing more, keep reading until the client closes (or the idle timeout);
    * ``"reset"``: close with RST (SO_LINGER 0) instead of answering;
    * ``"close"``: close (FIN) instead of answering.

    Other knobs: ``greeting_delay`` seconds before the greeting; ``reply_delay`` seconds before every later
    write; ``split_pause`` > 0 writes every reply in two pieces, cut in the middle of a line (the second
    line of a multi-line reply), with that pause between them; ``fragment`` > 0 writes every reply in pieces
    of that many octets, ``fragment_gap`` seconds apart; ``extensions`` replaces the EHLO keyword list
    (``()`` for none: no PIPELINING, no SIZE...; parameters of keywords not listed get 555).
    """

    replies: Mapping[str, str | bytes] = field(default_factory=dict)
    greeting_delay: float = 0.0
    reply_delay: float = 0.0
    split_pause: float = 0.0
    fragment: int = 0
    fragment_gap: float = 0.005
    extensions: tuple[str, ...] | None = None


@dataclass
class CommandRecord:
    """One command line the server took: arrival time (monotonic seconds), verb, raw line, and ``ahead``:
    it had arrived before the reply to the previous command (or the greeting) was written (pipelining or
    early talking)."""

    t: float
    verb: str
    line: bytes
    ahead: bool


@dataclass
class SessionLog:
    """Everything one session saw, for scenarios: ``events`` are ``(monotonic time, "C"|"S", octets)`` in
    order (``C`` what the client sent, ``S`` what the server wrote); ``commands`` the command lines taken;
    ``content_ahead`` is true when message content arrived before the 354 was written (SMTP-PIPE-2 /
    SMTP-SEQ-9); ``messages`` the contents accepted in this session (CRLF, un-stuffed); ``end`` how the
    session ended (``"quit"``, ``"eof"``, ``"reset"``, ``"timeout"``, ``"shutdown"``, ``"behaviour"``)."""

    peer: tuple[str, int]
    started: float
    events: list[tuple[float, str, bytes]] = field(default_factory=list)
    commands: list[CommandRecord] = field(default_factory=list)
    content_ahead: bool = False
    messages: list[bytes] = field(default_factory=list)
    end: str = ""
    eof_at: float | None = None  # when the client's FIN or RST arrived
    closed: threading.Event = field(default_factory=threading.Event)
    #: what was not kept once the bounds were reached (octets of events, command lines, messages)
    kept_octets: int = 0
    dropped_octets: int = 0
    dropped_commands: int = 0

    def record(self, kind: str, data: bytes) -> None:
        """Keep ``(now, kind, data)`` while the session's events hold less than :data:`LOG_OCTETS`."""
        if self.kept_octets < LOG_OCTETS:
            self.events.append((time.monotonic(), kind, data))
            self.kept_octets += len(data)
        else:
            self.dropped_octets += len(data)

    def take_command(self, record: CommandRecord) -> None:
        if len(self.commands) < LOG_COMMANDS:
            self.commands.append(record)
        else:
            self.dropped_commands += 1

    def received(self) -> bytes:
        """Every octet the client sent."""
        return b"".join(d for _, k, d in self.events if k == "C")

    def sent(self) -> bytes:
        return b"".join(d for _, k, d in self.events if k == "S")

    def dialogue(self, limit: int = 4000) -> str:
        """The dialogue as ``S:``/``C:`` lines (see :func:`wire.dialogue_text`)."""
        merged: list[tuple[str, bytes]] = []
        for _, k, d in self.events:
            if merged and merged[-1][0] == k:
                merged[-1] = (k, merged[-1][1] + d)
            else:
                merged.append((k, d))
        return wire.dialogue_text(merged, limit=limit)


@dataclass(frozen=True)
class Accepted:
    """A message the server took responsibility for (250 after end-of-data)."""

    envelope: Envelope
    content: bytes  # CRLF line endings, un-stuffed, as received (without the trace lines)
    received: str  # the Received: field prepended
    stored: tuple[Delivered, ...]


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
        self._open: set[SmtpSession] = set()
        self.session_class = SmtpSession
        self._ids = itertools.count(1)

    @property
    def extensions(self) -> tuple[str, ...]:
        """The EHLO keyword lines (with parameters) this server advertises."""
        if self.behaviour.extensions is not None:
            return tuple(self.behaviour.extensions)
        return (f"SIZE {self.max_size}", "PIPELINING", "8BITMIME", "ENHANCEDSTATUSCODES", "HELP")

    def advertised(self, keyword: str) -> bool:
        return any(e.split(" ")[0].upper() == keyword for e in self.extensions)

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

    async def handle_connection(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        session = self.session_class(self, reader, writer)
        self._open.add(session)
        try:
            await session.run()
        finally:
            self._open.discard(session)
            session.log.closed.set()

    async def on_shutdown(self) -> None:
        await asyncio.gather(*(s.shutdown_notice() for s in list(self._open)), return_exceptions=True)


class _Closed(Exception):
    """The session is over (QUIT, 421, a behaviour, EOF)."""


class SmtpSession:
    """One SMTP session: the state machine of RFC 5321 §4.1.4 over one connection.

    ``do_<VERB>(argument)`` handles each command; :attr:`data_receiver` is the DATA parser class.  Both
    can be overridden in a subclass named by :attr:`SmtpServer.session_class` (the broken implementations
    in ``tests/broken`` do that to carry exactly one bug).
    """

    data_receiver = wire.DataReceiver

    def __init__(self, server: SmtpServer, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.server = server
        self.reader = reader
        self.writer = writer
        self.behaviour = server.behaviour
        peer = writer.get_extra_info("peername") or ("?", 0)
        self.log = SessionLog((peer[0], peer[1]), time.monotonic())
        server.sessions.append(self.log)
        self.lines = wire.LineBuffer(COMMAND_LINE_LIMIT)
        self.inbox = bytearray()
        self.inbox_event = asyncio.Event()
        self.space_event = asyncio.Event()
        self.eof = False
        self.out = bytearray()
        self.next_ahead = False
        self.refused = False
        self.closing = False
        self.enhanced = server.advertised("ENHANCEDSTATUSCODES")
        # session state
        self.helo: str | None = None
        self.esmtp = False
        self.reset_transaction()

    def reset_transaction(self) -> None:
        self.mail: wire.Path | None = None
        self.mail_params: dict[str, str | None] = {}
        self.rcpts: list[str] = []

    # ------------------------------------------------------------------ I/O
    async def _pump(self) -> None:
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
        return bool(self.inbox) or b"\r\n" in self.lines.pending

    async def flush(self) -> None:
        """Write the held replies (with the behaviour's delays and fragmentation)."""
        if not self.out:
            return
        data = bytes(self.out)
        self.out.clear()
        if await self._write(data):
            self.next_ahead = True

    async def _write(self, data: bytes, delay: bool = True) -> bool:
        """Write ``data`` with the behaviour's delays and cuts; return True when client input was already
        waiting just before the last piece went out (the client did not wait for this reply)."""
        b = self.behaviour
        if delay and b.reply_delay > 0:
            await asyncio.sleep(b.reply_delay)
        pieces = [data]
        if b.split_pause > 0:
            lines = data.split(b"\r\n")
            cut = len(lines[0]) + 2 + len(lines[1]) // 2 if len(lines) > 2 and lines[1] else max(1, len(lines[0]) // 2)
            pieces = [data[:cut], data[cut:]]
        if b.fragment > 0:
            pieces = [p[i: i + b.fragment] for p in pieces for i in range(0, len(p), b.fragment)]
        ahead = False
        for i, piece in enumerate(pieces):
            if i:
                await asyncio.sleep(b.split_pause if b.split_pause > 0 and b.fragment <= 0 else b.fragment_gap)
            if i == len(pieces) - 1:
                await asyncio.sleep(0)  # let the reader task take what has already arrived
                ahead = self._input_waiting()
            self.log.record("S", piece)
            self.writer.write(piece)
            # a client that never reads must not hold the session forever
            await asyncio.wait_for(self.writer.drain(), self.server.idle_timeout)
        return ahead

    def reply(self, code: int, *lines: str, esc: str | None = None, verb: str = "") -> None:
        """Queue a reply; ``esc`` is the enhanced code, used when ENHANCEDSTATUSCODES is advertised."""
        self.out += wire.format_reply(code, *lines, enhanced=esc if self.enhanced else None)

    def override(self, *steps: str) -> str | bytes | None:
        for step in steps:
            if step in self.behaviour.replies:
                return self.behaviour.replies[step]
        return None

    async def apply_override(self, action: str | bytes) -> bool:
        """Perform a behaviour action; return True when it was a success reply (2yz/3yz or raw bytes).

        Raises:
            _Closed: the action ended the session.
        """
        if isinstance(action, bytes):
            self.out += action
            return True
        if action == STALL:
            await self.flush()
            self.log.end = "behaviour"
            # wait for the client to give up (no idle timeout here: the point is to outlast the client's
            # own timeout); stopping the server ends this too
            while not self.eof:
                self.inbox.clear()
                self.space_event.set()
                self.inbox_event.clear()
                await self.inbox_event.wait()
            raise _Closed
        if action == RESET:
            await self.flush()
            self.log.end = "behaviour"
            sock = self.writer.get_extra_info("socket")
            if sock is not None:
                with contextlib.suppress(OSError):
                    sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            self.writer.transport.abort()
            raise _Closed
        if action == CLOSE:
            await self.flush()
            self.log.end = "behaviour"
            raise _Closed
        self.out += b"".join(line.encode("ascii") + wire.CRLF for line in action.split("\n"))
        code = action[:3]
        if code == "421":
            await self.flush()
            self.log.end = "behaviour"
            raise _Closed
        return code[:1] in ("2", "3")

    # ------------------------------------------------------------------ session
    async def run(self) -> None:
        self._pump_task = asyncio.create_task(self._pump())
        try:
            await self._converse()
            if self.log.end == "quit":
                await self._stop_pump()
                await drain_and_close(self.reader, self.writer, linger=0.5)  # NET-TCP-9
        except TimeoutError:
            self.log.end = self.log.end or "timeout"
            with contextlib.suppress(ConnectionError, OSError):
                self.reply(421, f"{self.server.domain} Idle timeout, closing connection", esc="4.4.2")
                await self.flush()
                await self._stop_pump()
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
            await self._stop_pump()

    async def _stop_pump(self) -> None:
        self._pump_task.cancel()
        with contextlib.suppress(asyncio.CancelledError, Exception):
            await self._pump_task

    async def shutdown_notice(self) -> None:
        """Say 421 to this session because the server is stopping (SMTP-421-1)."""
        if self.closing or self.writer.transport.is_closing():
            return
        self.closing = True
        self.log.end = "shutdown"
        self.out.clear()
        with contextlib.suppress(ConnectionError, OSError):
            data = wire.format_reply(421, f"{self.server.domain} Service shutting down, closing connection",
                                     enhanced="4.3.2" if self.enhanced else None)
            self.log.record("S", data)
            self.writer.write(data)
            await asyncio.wait_for(self.writer.drain(), 1.0)
            if self.writer.can_write_eof():
                self.writer.write_eof()

    async def _converse(self) -> None:
        b = self.behaviour
        if b.greeting_delay > 0:
            await asyncio.sleep(b.greeting_delay)
        action = self.override("GREETING")
        if action is not None:
            ok = await self.apply_override(action)
            if isinstance(action, str) and action[:1] == "5":
                self.refused = True
            elif not ok:
                await self.flush()
                raise _Closed
        else:
            self.out += wire.format_reply(220, f"{self.server.domain} ESMTP netconformance reference server ready")
        data = bytes(self.out)  # the greeting: split or fragmented like any reply, never reply_delay'd
        self.out.clear()
        self.next_ahead = await self._write(data, delay=False)
        while True:
            try:
                line = self.lines.next_line()
            except wire.LineTooLong:
                self._take("", b"", "too long")
                self.reply(500, "Line too long", esc="5.5.2")
                continue
            if line is None:
                await self.flush()
                data = await self._more()
                if not data:
                    self.log.end = self.log.end or "eof"
                    return
                self.lines.feed(data)
                continue
            await self.command(line)
            if self.closing:
                return

    def _take(self, verb: str, line: bytes, note: str = "") -> None:
        self.log.take_command(CommandRecord(time.monotonic(), verb, line, bool(self.out) or self.next_ahead))
        self.next_ahead = False

    async def command(self, line: bytes) -> None:
        try:
            cmd = wire.parse_command(line)
        except ProtocolError as exc:
            self._take("", line)
            if "empty" in str(exc):
                self.reply(500, "Empty command line", esc="5.5.2")
            else:
                self.reply(500, "Command contains invalid characters (RFC 5321 2.4)", esc="5.5.2")
            await self.flush()
            return
        self._take(cmd.verb, line)
        handler = getattr(self, "do_" + cmd.verb, None) if cmd.verb in wire.KNOWN_VERBS else None
        if self.refused and cmd.verb not in ("QUIT", "NOOP"):
            self.reply(503, "No SMTP service here; send QUIT", esc="5.5.1")
        elif handler is None:
            self.reply(500, "Command unrecognized", esc="5.5.2")
        else:
            await handler(cmd.argument)
        if cmd.verb not in BATCHABLE:
            await self.flush()

    # ------------------------------------------------------------------ commands (RFC 5321 §4.1.1)
    async def do_EHLO(self, arg: str) -> None:
        await self._hello("EHLO", arg)

    async def do_HELO(self, arg: str) -> None:
        await self._hello("HELO", arg)

    async def _hello(self, verb: str, arg: str) -> None:
        arg = arg.strip()
        if not arg:
            self.out += wire.format_reply(501, f"Syntax: {verb} hostname")  # no enhanced code (RFC 2034)
            return
        action = self.override(verb)
        if action is not None and not await self.apply_override(action):
            return
        self.reset_transaction()  # a new EHLO/HELO resets like RSET (SMTP-EHLO-5)
        self.helo = arg
        self.esmtp = verb == "EHLO"
        if action is not None:
            return
        first = f"{self.server.domain} greets {arg}"
        if verb == "EHLO":
            self.out += wire.format_reply(250, first, *self.server.extensions)
        else:
            self.out += wire.format_reply(250, first)

    async def do_MAIL(self, arg: str) -> None:
        if self.helo is None:
            return self.reply(503, "Send EHLO or HELO first", esc="5.5.1")
        if self.mail is not None:
            return self.reply(503, "Nested MAIL command", esc="5.5.1")
        try:
            parsed = wire.parse_mail(arg)
        except ProtocolError as exc:
            esc = "5.5.4" if exc.requirement in ("SMTP-CMD-8", "SMTP-SIZE-2") else "5.1.7"
            return self.reply(501, f"Syntax error in MAIL: {exc}", esc=esc)
        for key, value in parsed.params.items():
            if not self.esmtp or not self.server.advertised({"BODY": "8BITMIME"}.get(key, key)):
                return self.reply(555, f"MAIL parameter {key} not recognized or not implemented", esc="5.5.4")
            if key == "SIZE":
                try:
                    size = wire.parse_size(value)
                except ProtocolError as exc:
                    return self.reply(501, str(exc), esc="5.5.4")
                if self.server.max_size and size > self.server.max_size:
                    return self.reply(552, "Message size exceeds fixed maximum message size", esc="5.3.4")
            elif key == "BODY":
                if (value or "").upper() not in ("7BIT", "8BITMIME"):
                    return self.reply(555, f"BODY={value} not supported", esc="5.5.4")
            else:
                return self.reply(555, f"MAIL parameter {key} not recognized or not implemented", esc="5.5.4")
        action = self.override("MAIL")
        if action is not None and not await self.apply_override(action):
            return
        self.mail = parsed.path
        self.mail_params = parsed.params
        self.rcpts = []
        if action is None:
            self.reply(250, f"Sender {parsed.path} OK", esc="2.1.0")

    async def do_RCPT(self, arg: str) -> None:
        if self.mail is None:
            return self.reply(503, "Need MAIL command first", esc="5.5.1")
        try:
            parsed = wire.parse_rcpt(arg)
        except ProtocolError as exc:
            return self.reply(501, f"Syntax error in RCPT: {exc}", esc="5.1.3")
        if parsed.params:
            key = next(iter(parsed.params))
            return self.reply(555, f"RCPT parameter {key} not recognized or not implemented", esc="5.5.4")
        path = parsed.path
        action = self.override(f"RCPT {path.mailbox.lower()}", "RCPT")
        if action is not None:
            if await self.apply_override(action):
                self.rcpts.append(path.mailbox)
            return
        if len(self.rcpts) >= self.server.max_recipients:
            return self.reply(452, "Too many recipients", esc="4.5.3")
        if path.domain and path.domain.lower() not in self.server.local_domains:
            return self.reply(550, f"Relaying denied: {path.domain} is not a local domain", esc="5.7.1")
        local = path.local_part.strip('"').lower()
        if path.domain and local in self.server.unknown_users:
            return self.reply(550, f"{path} User unknown", esc="5.1.1")
        self.rcpts.append(path.mailbox if path.domain else f"{path.local_part}@{self.server.domain}")
        self.reply(250, f"Recipient {path} OK", esc="2.1.5")

    async def do_DATA(self, arg: str) -> None:
        if arg.strip():
            return self.reply(501, "DATA takes no arguments", esc="5.5.4")
        action = self.override("DATA")  # before the checks: a behaviour may say 354 out of sequence
        if action is not None:
            if not await self.apply_override(action):
                return
        elif self.mail is None:
            return self.reply(503, "Need MAIL command first", esc="5.5.1")
        elif not self.rcpts:
            return self.reply(503, "Need RCPT command first (no valid recipients)", esc="5.5.1")
        else:
            self.out += wire.format_reply(354, "End data with <CR><LF>.<CR><LF>")
        await self.flush()
        receiver = self.data_receiver(max_size=self.server.max_size or None)
        pending = self.lines.take_pending()
        if pending or self.next_ahead:
            self.log.content_ahead = True
        self.next_ahead = False
        rest = receiver.feed(pending)
        while rest is None:
            data = await self._more()
            if not data:
                self.log.end = "eof"
                raise _Closed  # connection lost mid-data: nothing delivered (SMTP-QUIT-3)
            rest = receiver.feed(data)
        self.lines.feed(rest)
        result = receiver.result
        assert result is not None
        self._take(".", b".")
        await self._end_of_data(result)

    async def _end_of_data(self, result: wire.DataResult) -> None:
        try:
            action = self.override("EOD")
            if action is not None:
                if await self.apply_override(action):
                    if len(self.log.messages) < LOG_MESSAGES:
                        self.log.messages.append(result.content)
                return
            if not self.rcpts:  # a behaviour said 354 without recipients: deliver nothing (SMTP-PIPE-9)
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

    def _deliver(self, result: wire.DataResult) -> None:
        server = self.server
        envelope = Envelope(self.mail.mailbox if self.mail else "", tuple(self.rcpts))
        msg_id = server.next_id()
        received = self._received_field(msg_id, envelope)
        stored: tuple[Delivered, ...] = ()
        try:
            if server.maildir is not None:
                stored = tuple(server.maildir.deliver(envelope, result.content, received))
            elif server.fail_delivery:
                raise DeliveryError("storage failure (simulated)")
        except DeliveryError:
            return self.reply(451, "Local error in processing; message not delivered, try again later",
                              esc="4.3.0")
        server.accepted.append(Accepted(envelope, result.content, received, stored))
        self.log.messages.append(result.content)
        self.reply(250, f"Message accepted for delivery, queued as {msg_id}", esc="2.0.0")

    def _received_field(self, msg_id: str, envelope: Envelope) -> str:
        """The ``Received:`` trace field (RFC 5321 §4.4), folded with CRLF+TAB."""
        ip = self.log.peer[0]
        proto = "ESMTP" if self.esmtp else "SMTP"
        date = email.utils.format_datetime(email.utils.localtime())
        clause = f"\r\n\tfor <{envelope.recipients[0]}>" if len(envelope.recipients) == 1 else ""
        return (f"Received: from {self.helo} ([{ip}])\r\n\tby {self.server.domain} (netconformance) "
                f"with {proto} id {msg_id}{clause};\r\n\t{date}")

    async def do_RSET(self, arg: str) -> None:
        if arg.strip():
            return self.reply(501, "RSET takes no arguments", esc="5.5.4")
        action = self.override("RSET")
        if action is not None and not await self.apply_override(action):
            return
        self.reset_transaction()
        if action is None:
            self.reply(250, "Reset OK", esc="2.0.0")

    async def do_NOOP(self, arg: str) -> None:
        action = self.override("NOOP")
        if action is not None:
            await self.apply_override(action)
            return
        self.reply(250, "OK", esc="2.0.0")

    async def do_QUIT(self, arg: str) -> None:
        if arg.strip():
            return self.reply(501, "QUIT takes no arguments", esc="5.5.4")
        action = self.override("QUIT")
        if action is not None:
            await self.apply_override(action)
        else:
            self.reply(221, f"{self.server.domain} Service closing transmission channel", esc="2.0.0")
        self.log.end = "quit"
        self.closing = True
        await self.flush()

    async def do_VRFY(self, arg: str) -> None:
        arg = arg.strip()
        if not arg:
            return self.reply(501, "Syntax: VRFY <address>", esc="5.5.4")
        action = self.override("VRFY")
        if action is not None:
            await self.apply_override(action)
            return
        target = arg[1:-1] if arg.startswith("<") and arg.endswith(">") else arg
        local, _, domain = target.rpartition("@") if "@" in target else (target, "", "")
        if domain and domain.lower() not in self.server.local_domains:
            return self.reply(550, f"{domain} is not a local domain", esc="5.7.1")
        if not (wire.is_local_part(local)):
            return self.reply(553, "Mailbox name not allowed", esc="5.1.3")
        if local.strip('"').lower() in self.server.unknown_users:
            return self.reply(550, f"<{local}@{domain or self.server.domain}> User unknown", esc="5.1.1")
        self.reply(250, f"<{local}@{domain or self.server.domain}>", esc="2.1.5")

    async def do_EXPN(self, arg: str) -> None:
        self.reply(502, "EXPN not implemented", esc="5.5.1")

    async def do_HELP(self, arg: str) -> None:
        topic = arg.strip().upper()
        if not topic:
            return self.reply(214, "Commands: EHLO HELO MAIL RCPT DATA RSET NOOP QUIT VRFY HELP",
                              "See RFC 5321", esc="2.0.0")
        syntax = {
            "EHLO": "EHLO <domain>", "HELO": "HELO <domain>", "MAIL": "MAIL FROM:<reverse-path> [SIZE=n] [BODY=8BITMIME]",
            "RCPT": "RCPT TO:<forward-path>", "DATA": "DATA, then the message, then <CRLF>.<CRLF>",
            "RSET": "RSET", "NOOP": "NOOP [string]", "QUIT": "QUIT", "VRFY": "VRFY <address>", "HELP": "HELP [command]",
        }.get(topic)
        if syntax is None:
            return self.reply(504, f"HELP for {topic[:40]} not available", esc="5.5.4")
        self.reply(214, syntax, esc="2.0.0")

    async def _obsolete(self, arg: str) -> None:
        self.reply(502, "Command not implemented", esc="5.5.1")

    do_SEND = do_SOML = do_SAML = do_TURN = _obsolete
