"""One connection of the reference SMTP server (:class:`SessionPump`): the asyncio side of the sans-I/O
:class:`~reference_servers.smtp.session.SmtpSession`.

It reads the socket into an inbox (recording arrival times, back-pressure above :data:`INBOX_LIMIT`),
feeds the session, performs its events (writes with the behaviour's pacing, stores accepted messages off
the event loop through the server, records the :class:`~reference_servers.smtp.log.SessionLog`), and
bounds every wait by the idle timeout (one timer per wait; a write waits for the client to read only
when the transport's buffer is above its high-water mark).
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from typing import TYPE_CHECKING

from reference_servers.smtp.behaviour import ShapedWriter, abort_with_reset
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
from reference_servers.smtp.log import LOG_MESSAGES, CommandRecord, SessionLog
from reference_servers.smtp.wire import KNOWN_VERBS
from reference_servers.streams import drain_and_close

if TYPE_CHECKING:
    from reference_servers.smtp.server import SmtpServer

__all__ = ["INBOX_LIMIT", "SessionPump"]

#: octets kept unread-by-the-session before the server stops reading the socket (back-pressure)
INBOX_LIMIT = 4 * 2**20
_VERBS = {verb: verb for verb in (*KNOWN_VERBS, ".")}


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
        server.history.started(self.log)
        self.session = server.session_class(server, replies=self.behaviour.replies, peer_ip=peer[0])
        self.inbox = bytearray()
        self.inbox_event = asyncio.Event()
        self.space_event = asyncio.Event()
        self.eof = False
        self.next_ahead = False  # the last write found client input already waiting
        self.closing = False
        # the idle timeout: one timer for many waits, re-armed only when it fires during a later wait
        self._waiting_since: float | None = None  # loop time the current wait for input began
        self._idle_timer: asyncio.TimerHandle | None = None
        self._idle_expired = False

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
        if not self.inbox and not self.eof:
            loop = asyncio.get_running_loop()
            self._waiting_since = since = loop.time()
            if self._idle_timer is None:
                self._idle_timer = loop.call_at(since + self.server.idle_timeout, self._idle_check)
            try:
                while not self.inbox and not self.eof:
                    if self._idle_expired:
                        raise TimeoutError(f"no input for {self.server.idle_timeout} s")
                    self.inbox_event.clear()
                    await self.inbox_event.wait()
            finally:
                self._waiting_since = None
        data = bytes(self.inbox)
        self.inbox.clear()
        self.space_event.set()
        return data

    def _idle_check(self) -> None:
        """The idle timer fired: end the wait in progress if it began ``idle_timeout`` seconds ago, else
        re-arm for the wait in progress (none: the next wait arms it)."""
        self._idle_timer = None
        since = self._waiting_since
        if since is None:
            return
        loop = asyncio.get_running_loop()
        if loop.time() >= since + self.server.idle_timeout:
            self._idle_expired = True
            self.inbox_event.set()
        else:
            self._idle_timer = loop.call_at(since + self.server.idle_timeout, self._idle_check)

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
        if await self.write(data):
            self.next_ahead = True

    async def write(self, data: bytes, delay: bool = True) -> bool:
        """Write ``data`` as :meth:`ShapedWriter.write` does; without pacing, the same steps in one piece, and
        the wait for the client to read (bounded by the idle timeout) only when the transport's buffer is
        above its high-water mark or the connection is going.

        Raises:
            TimeoutError: the client did not read for ``idle_timeout`` seconds.  ConnectionError, OSError.
        """
        if self.paced:
            return await self.shaped.write(data, delay)
        if self.reader._buffer or self.reader.at_eof() or self.reader.exception() is not None:
            # the reader task is due to take what has arrived (or the end): let it, as ShapedWriter does
            await asyncio.sleep(0)
        ahead = self._input_waiting()
        self.log.record("S", data)
        self.writer.write(data)
        transport = self.writer.transport
        if transport.is_closing() or transport.get_write_buffer_size() > transport.get_write_buffer_limits()[1]:
            async with asyncio.timeout(self.server.idle_timeout):
                await self.writer.drain()
        return ahead

    # ------------------------------------------------------------------ the session
    async def run(self) -> None:
        self.shaped = ShapedWriter(self.writer, self.behaviour, self.log.record, self._input_waiting,
                                   self.server.idle_timeout)
        b = self.behaviour
        self.paced = b.reply_delay > 0 or b.split_pause > 0 or b.fragment > 0
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
            if self._idle_timer is not None:
                self._idle_timer.cancel()
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
                verb = _VERBS.get(event.verb, event.verb)  # one string per known verb, however many commands
                self.log.take_command(CommandRecord(time.monotonic(), verb, event.line, ahead))
                self.next_ahead = False
            elif type(event) is DataStarted:
                if event.buffered or self.next_ahead:
                    self.log.content_ahead = True
                self.next_ahead = False
            elif type(event) is Store:  # 250 only once the message is stored (RFC 5321 §6.1)
                session.stored(event, await self.server.store(event))
            elif type(event) is Message:
                if event.accepted is not None:
                    self.server.history.accept(event.accepted)
                    self.log.messages.append(event.content)
                elif len(self.log.messages) < LOG_MESSAGES:
                    self.log.messages.append(event.content)
            elif type(event) is Greeting:  # split or fragmented like any reply, never reply_delay'd
                self.next_ahead = await self.write(session.data_to_send(), delay=False)
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
