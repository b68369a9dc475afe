"""Plain HTTP/1.0 connections served on the bare accepted socket, with no asyncio transport while they are simple.

An :class:`~reference_servers.http.fastpath.HttpSession` made for a connection just accepted
(:mod:`reference_servers.acceptor`) hands its socket to an :class:`InlineSession`, which serves the common
case with system calls on the non-blocking socket: one ``recv()`` (at once, else on readiness) that holds the
whole request (RFC 1945 §5: head, and the entity body of Content-Length, §7.2.2), the response in one
``send()``, FIN (``shutdown(SHUT_WR)``), then linger (NET-TCP-9): what the peer still sends is discarded until
its FIN, or for ``linger`` seconds, then ``close()`` (RST from the kernel when the peer left unread input).
That saves the transport, its task and the loop iterations between them (50-80 us of CPU a connection).

Everything else is the HttpSession's, on a transport (``loop.connect_accepted_socket``) to which it is
promoted with what was read and decided so far (:meth:`InlineSession.take`): a head or body that the first
``recv()`` does not complete (its bytes are fed to the session as its first read), a response the socket does
not take whole (the rest is written by the session: drain, then linger), a behaviour that stops delivering
plainly before the response (played by :func:`~reference_servers.http.peer.play` in a stream session).  The
checks, octets, closes, timeouts (``idle_timeout``/``header_timeout`` while the head is awaited, HTTP10-CONN-4;
the same deadline tick), exchange records and log lines are the HttpSession's, from the same
:class:`~reference_servers.http.server.HttpServer` methods: a client sees no difference.
"""

from __future__ import annotations

import asyncio
import logging
import socket
from typing import TYPE_CHECKING

from reference_servers.base import RECV_SIZE
from reference_servers.errors import IncompleteError

from . import wire
from .fastpath import _DONE, _HEAD, _LINGER, watch_deadlines
from .peer import play

if TYPE_CHECKING:
    from .fastpath import HttpSession
    from .server import RecordedExchange, Response

__all__ = ["InlineSession"]

log = logging.getLogger("reference_servers.http")


class InlineSession:
    """One connection served on its bare non-blocking socket ``sock`` for ``session`` (the HttpSession that
    takes it over when it is not simple).  In the server's open sessions while it serves: ``phase`` and
    ``deadline`` (loop time, seconds) as an HttpSession's, checked by the same tick; ``cancel()`` ends it."""

    __slots__ = ("session", "server", "sock", "reading", "exchange", "phase", "deadline", "head_deadline",
                 "received", "unsent", "task")

    def __init__(self, session: HttpSession, sock: socket.socket) -> None:
        self.session = session
        self.server = server = session.server
        self.sock = sock
        self.reading = False
        self.received = b""
        self.unsent: bytes | None = None
        self.task: asyncio.Task | None = None
        server.begin_session(self)  # TCP_NODELAY: set on the listener, whose connections inherit it
        watch_deadlines(server)
        self.exchange: RecordedExchange = server._new_exchange()
        now = server._loop.time()
        self.head_deadline = now + server.header_timeout
        left = min(server.idle_timeout, server.header_timeout)
        self.phase = _HEAD
        if left <= 0:
            server._head_given_up(self.exchange, b"", idle=False)
            self._finish()
        else:
            self.deadline = now + left
            self._readable()  # the head has usually arrived by the time the connection is accepted

    # ------------------------------------------------------------------ reading
    def _readable(self) -> None:
        try:
            data = self.sock.recv(RECV_SIZE)
        except (BlockingIOError, InterruptedError):
            if not self.reading:
                self.server._loop.add_reader(self.sock.fileno(), self._readable)
                self.reading = True
            return
        except OSError as exc:
            self._lost(exc)
            return
        except Exception:
            self._crashed()
            return
        if self.phase == _LINGER:
            if not data:
                self._finish()  # the peer's FIN; what it sent before is discarded (NET-TCP-9)
            return
        try:
            if self.server._loop.time() >= self.deadline:  # the tick is late: time out before looking
                self._timed_out()
            elif data:
                self._head(data)
            else:  # EOF before any octet: closed without a response (nothing to refuse)
                self.server._head_refusal(self.exchange, b"", None)
                self._finish()
        except Exception:
            self._crashed()

    def _stop_reading(self) -> None:
        if self.reading:
            self.reading = False
            self.server._loop.remove_reader(self.sock.fileno())

    # ------------------------------------------------------------------ request
    def _head(self, data: bytes) -> None:
        """The first read ``data``: a whole request is answered here, anything else goes to the session."""
        server = self.server
        if b"\n" in data or len(data) > server.limits.max_line:  # as HttpSession: else nothing can end or fail
            try:
                head, used = wire.parse_request_head(data, server.limits)
            except IncompleteError:
                pass
            except wire.RequestError as exc:
                self._deliver(server._head_refusal(self.exchange, data, exc))
                return
            else:
                exchange = self.exchange
                exchange.head, exchange.raw = head, head.raw
                length = server._body_length(head)
                if not isinstance(length, int):
                    self._respond(head, length)
                    return
                if len(data) - used >= length:
                    body = data[used:used + length] if length else b""
                    self._respond(head, server._handle(exchange, head, length, body))
                    return
        self.received = data  # a head or body still to come: the session reads the rest
        self._promote(self.session)

    # ------------------------------------------------------------------ response
    def _respond(self, head: wire.RequestHead, response: Response) -> None:
        server = self.server
        self.exchange.status = response.status
        behaviour = server.behaviour
        raw_head, body = server._encode(head, response, behaviour)
        if server._plainly(behaviour):
            self._deliver(raw_head + body)
        else:  # the behaviour changed since the connection was accepted: played as the session would
            actions = behaviour.actions(raw_head, body)
            self._promote(_HandOver(self, lambda reader, writer: play(actions, reader, writer, server.linger,
                                                                     server.idle_timeout)))

    def _deliver(self, data: bytes) -> None:
        """Send ``data``; FIN and linger once the socket has taken it all, else the session writes the rest."""
        try:
            sent = self.sock.send(data) if data else 0
        except (BlockingIOError, InterruptedError):
            sent = 0
        except OSError:  # the peer is gone: ended silently, as a transport's failed write ends it
            self._finish()
            return
        if sent < len(data):
            self.unsent = data[sent:]
            self._promote(self.session)
            return
        try:
            self.sock.shutdown(socket.SHUT_WR)
        except OSError:
            pass
        if self.server.linger > 0:
            self.phase = _LINGER
            self.deadline = self.server._loop.time() + self.server.linger
            if not self.reading:
                self.server._loop.add_reader(self.sock.fileno(), self._readable)
                self.reading = True
        else:
            self._finish()

    # ------------------------------------------------------------------ promotion
    def _promote(self, protocol: asyncio.BaseProtocol) -> None:
        """Serve the rest with ``protocol`` on an asyncio transport; it calls :meth:`take` when it starts."""
        self.phase = _DONE
        self._stop_reading()
        if protocol is self.session:
            self.session.taken = self
        loop = self.server._loop
        self.task = loop.create_task(loop.connect_accepted_socket(lambda: protocol, self.sock))
        self.task.add_done_callback(self._promoted)

    def take(self) -> tuple[RecordedExchange, float, bytes, bytes | None]:
        """For the protocol taking the connection over (in its ``connection_made``, after it counted itself
        open): ``(exchange, head deadline, bytes read, response octets not sent or None)``."""
        self.server._sessions.discard(self)
        self.task = None
        return self.exchange, self.head_deadline, self.received, self.unsent

    def _promoted(self, task: asyncio.Task) -> None:
        if self.task is None:
            return  # taken over
        self.task = None
        if not task.cancelled() and task.exception() is not None:
            log.debug("%s session ended: %r", self.server.NAME, task.exception())
        self.sock.close()
        self.server.end_session(self)

    # ------------------------------------------------------------------ ending
    def cancel(self) -> None:
        """End the connection now (the server's stop)."""
        if self.task is not None:
            self.task.cancel()
        else:
            self._finish()

    def _finish(self) -> None:
        if self.phase == _DONE:
            return
        self.phase = _DONE
        self._stop_reading()
        self.sock.close()
        self.server.end_session(self)

    def _timed_out(self) -> None:
        """The deadline has passed: the head did not come in time (HTTP10-CONN-4), or linger is over."""
        try:
            if self.phase == _HEAD:
                self.server._head_given_up(self.exchange, b"", idle=True)
        except Exception:
            self._crashed()
        self._finish()

    def _lost(self, exc: OSError) -> None:
        """A read failed (a reset): logged as the session logs it while the request is still being read."""
        if self.phase == _HEAD:
            if isinstance(exc, (ConnectionError, TimeoutError)):
                log.debug("%s session ended: %r", self.server.NAME, exc)  # NET-TCP-5: only this session ends
            else:
                log.error("%s session crashed", self.server.NAME, exc_info=exc)
        self._finish()

    def _crashed(self) -> None:
        log.exception("%s session crashed", self.server.NAME)  # one session's bug never takes the server down
        self._finish()


class _HandOver(asyncio.Protocol):
    """Gives a connection promoted by ``inline`` to a stream session that runs ``handler(reader, writer)``."""

    def __init__(self, inline: InlineSession, handler) -> None:
        self.inline = inline
        self.handler = handler

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.inline.take()
        self.inline.server.serve_stream(transport, self.handler)  # type: ignore[arg-type]
