"""The fast path of the HTTP/1.0 reference server: one connection served by an :class:`asyncio.Protocol`.

:class:`HttpSession` serves a connection accepted while the server's behaviour delivers plainly (the
``normal`` preset: one write, then a polite close), with callbacks instead of a task, a StreamReader, a
StreamWriter and a timer per read (:meth:`~reference_servers.base.ReferenceServer.connection_protocol`).
It changes only the shape of the I/O: the head is parsed by :func:`~reference_servers.http.wire.parse_request_head`
(RFC 1945 §4, §5), and the checks, the response, its octets and the recorded exchange come from the same
methods of :class:`~reference_servers.http.server.HttpServer` as in its stream session
(:meth:`~reference_servers.http.server.HttpServer.handle_connection`), in the same order, so a client sees
the same bytes and the same closes.  The session sees what the stream session sees when its task keeps up
with the socket: one ``recv()`` (at most 64 KiB) per read.

Phases of a connection, each with a deadline (loop time, seconds), checked every :data:`TICK` seconds by
one timer for all the sessions of a server (:func:`check_deadlines`), and whenever the peer sends, so a
timeout acts at most :data:`TICK` s after its deadline and always before anything that came after it:

* request head: until it parses; at most ``idle_timeout`` between segments and ``header_timeout`` in all
  (slowloris, HTTP10-CONN-4), else closed without a response.  A malformed or oversized head (8 KiB lines,
  64 KiB head, 100 fields, HTTP10-REQ-10) gets its 400; EOF inside a non-empty head gets 400.
* entity body: exactly Content-Length octets (HTTP10-LEN-2), however segments fall; at most
  ``idle_timeout`` between segments (else closed without a response), EOF first gets 400.
* drain: when the response does not fit the transport's buffer, at most ``idle_timeout`` for the peer to
  read it down to the low-water mark, else RST.
* linger (NET-TCP-9): FIN after the response, then what the peer still sends is discarded until its FIN,
  or for ``linger`` seconds; then close (RST when the peer left unread input or the reply is stuck).

A connection whose request comes whole in its first segment is served on the bare socket, without a
transport, by :mod:`~reference_servers.http.inline` (:meth:`HttpSession.serve_socket`), in the same phases;
the HttpSession takes over what that does not finish.  A reset ends the session at once (logged at DEBUG
while the request is still being read, as the stream session logs it).  Should the server's behaviour stop
delivering plainly while a request is being read, the response is played by
:func:`~reference_servers.http.peer.play` in a stream session
(:meth:`~reference_servers.base.ReferenceServer.serve_stream`).
"""

from __future__ import annotations

import asyncio
import logging
import socket
from typing import TYPE_CHECKING

from reference_servers.errors import IncompleteError

from . import wire
from .peer import play

if TYPE_CHECKING:
    from .inline import InlineSession as Taken
    from .peer import Action
    from .server import HttpServer, Response

__all__ = ["TICK", "HttpSession", "check_deadlines", "watch_deadlines"]

log = logging.getLogger("reference_servers.http")

#: seconds between two checks of the sessions' deadlines (the most a timeout can act late)
TICK = 0.05
# phases of a session
_HEAD, _BODY, _DRAIN, _LINGER, _DONE = range(5)


class HttpSession(asyncio.Protocol):
    """One connection to an :class:`~reference_servers.http.server.HttpServer`, served with callbacks.

    Args:
        server: the server (its limits, timeouts and ``linger`` in seconds, handlers, ``exchanges``).

    ``deadline`` (loop time, seconds) is when the current phase times out; ``cancel()`` ends the connection
    now (the server's stop), as cancelling a stream session's task does.  The connection starts on the bare
    socket (:meth:`serve_socket`); when it is not simple this session takes it over on a transport, from
    where its :class:`~reference_servers.http.inline.InlineSession` (``taken``) left it: the head still to
    come (what was read is this session's first read), or the response's octets still to write.
    """

    __slots__ = ("server", "transport", "exchange", "phase", "buf", "head", "body", "length", "eof", "paused",
                 "deadline", "head_deadline", "taken")

    def __init__(self, server: HttpServer) -> None:
        self.server = server
        self.phase = _HEAD
        self.buf = b""
        self.head: wire.RequestHead | None = None
        self.eof = self.paused = False
        self.taken: Taken | None = None  # the InlineSession whose connection this session takes over

    # ------------------------------------------------------------------ asyncio callbacks
    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        server = self.server
        self.transport: asyncio.Transport = transport  # type: ignore[assignment]
        server.begin_session(self, transport)  # type: ignore[arg-type]
        watch_deadlines(server)
        now = server._loop.time()
        taken, self.taken = self.taken, None
        if taken is None:
            self.exchange = server._new_exchange()
            self.head_deadline = now + server.header_timeout
            self._wait_head(now)
            return
        self.exchange, self.head_deadline, received, unsent = taken.take()
        if unsent is not None:
            self._deliver(unsent)
        else:
            self._wait_head(now)
            if self.phase == _HEAD:
                self.data_received(received)

    def data_received(self, data: bytes) -> None:
        try:
            if self.phase <= _BODY and self._overdue():
                return
            if self.phase == _HEAD:
                self._head_data(data)
            elif self.phase == _BODY:
                need = self.length - len(self.body)
                self.body += data if len(data) <= need else data[:need]  # surplus ignored (one request)
                self._body_progress()
            # later: what the peer still sends is discarded (NET-TCP-9)
        except Exception:
            self._crashed()

    def eof_received(self) -> bool:
        self.eof = True
        try:
            if self.phase <= _BODY and self._overdue():
                pass
            elif self.phase == _LINGER:
                self._finish()
            elif self.phase == _HEAD:
                refusal = self.server._head_refusal(self.exchange, self.buf, None)
                self._deliver(refusal) if refusal is not None else self._finish()
            elif self.phase == _BODY:
                self._respond(self.server._handle(self.exchange, self.head, self.length, None))
        except Exception:
            self._crashed()
        return True  # keep the transport open: the response is still to be written (half-close)

    def pause_writing(self) -> None:
        self.paused = True

    def resume_writing(self) -> None:
        self.paused = False
        if self.phase == _DRAIN:
            try:
                if not self._overdue():
                    self._close_politely()
            except Exception:
                self._crashed()

    def connection_lost(self, exc: Exception | None) -> None:
        phase, self.phase = self.phase, _DONE
        if exc is not None and phase <= _BODY:  # a read that fails, as in the stream session
            if isinstance(exc, (ConnectionError, TimeoutError)):
                log.debug("%s session ended: %r", self.server.NAME, exc)  # NET-TCP-5: only this session ends
            else:
                log.error("%s session crashed", self.server.NAME, exc_info=exc)
        self.server.end_session(self)

    def cancel(self) -> None:
        """End the connection now (FIN, or RST when a reply is stuck in the buffer), as on the server's stop."""
        self._finish()

    def serve_socket(self, sock: socket.socket) -> bool:
        """Hook of :mod:`reference_servers.acceptor`: serve the connection just accepted on ``sock`` (non-blocking)
        on the bare socket while it is simple (:class:`~reference_servers.http.inline.InlineSession`; this
        session takes it over when it is not).  True, unless the server's ``bare_sockets`` is False (then a
        transport is made for this session at once)."""
        if not self.server.bare_sockets:
            return False
        InlineSession(self, sock)
        return True

    # ------------------------------------------------------------------ request
    def _head_data(self, data: bytes) -> None:
        server = self.server
        buf = self.buf = self.buf + data
        # parse again only when a line may have ended or a limit may be crossed (keeps trickling cheap)
        if b"\n" in data or len(buf) > server.limits.max_line:
            try:
                head, used = wire.parse_request_head(buf, server.limits)
            except IncompleteError:
                pass
            except wire.RequestError as exc:
                self._deliver(server._head_refusal(self.exchange, buf, exc))
                return
            else:
                self._got_head(head, buf[used:])
                return
        self._wait_head(server._loop.time())

    def _wait_head(self, now: float) -> None:
        """Wait for more of the head: at most ``idle_timeout`` s, and not beyond ``header_timeout`` in all."""
        server = self.server
        left = min(server.idle_timeout, self.head_deadline - now)
        if left <= 0:
            server._head_given_up(self.exchange, self.buf, idle=False)
            self._finish()
        else:
            self.deadline = now + left

    def _got_head(self, head: wire.RequestHead, rest: bytes) -> None:
        server = self.server
        self.exchange.head, self.exchange.raw = head, head.raw
        self.head, self.buf = head, b""
        length = server._body_length(head)
        if not isinstance(length, int):
            self._respond(length)
        elif not length:
            self._respond(server._handle(self.exchange, head, 0, b""))
        else:
            self.phase, self.length, self.body = _BODY, length, bytearray(rest[:length])
            self._body_progress()

    def _body_progress(self) -> None:
        server = self.server
        if len(self.body) >= self.length:
            received, self.body = bytes(self.body), None
            self._respond(server._handle(self.exchange, self.head, self.length, received))
        elif self.eof:
            self._respond(server._handle(self.exchange, self.head, self.length, None))
        else:
            self.deadline = server._loop.time() + server.idle_timeout

    # ------------------------------------------------------------------ response
    def _respond(self, response: Response) -> None:
        server = self.server
        self.exchange.status = response.status
        behaviour = server.behaviour
        raw_head, body = server._encode(self.head, response, behaviour)
        if server._plainly(behaviour):
            self._deliver(raw_head + body)
        else:  # the behaviour changed since the connection was accepted
            self._hand_over(behaviour.actions(raw_head, body))

    def _deliver(self, data: bytes) -> None:
        """Write ``data``, then close politely once the transport has taken it (drain)."""
        if data:
            self.transport.write(data)
        if self.paused:
            self.phase = _DRAIN
            self.deadline = self.server._loop.time() + self.server.idle_timeout
        else:
            self._close_politely()

    def _close_politely(self) -> None:
        """FIN, then discard the peer's input until its FIN or for ``linger`` seconds (NET-TCP-9)."""
        transport = self.transport
        try:
            if transport.can_write_eof():
                transport.write_eof()
        except (ConnectionError, OSError):
            pass
        linger = self.server.linger
        if linger > 0 and not self.eof:
            self.phase = _LINGER
            self.deadline = self.server._loop.time() + linger
        else:
            self._finish()

    def _hand_over(self, actions: list[Action]) -> None:
        server = self.server
        self.phase = _DONE
        server.serve_stream(self.transport, lambda reader, writer: play(actions, reader, writer, server.linger,
                                                                        server.idle_timeout), eof=self.eof)
        server.end_session(self)

    # ------------------------------------------------------------------ ending
    def _finish(self) -> None:
        """End the session: close (FIN), or abort (RST) when the transport is closing or still holds output."""
        if self.phase == _DONE:
            return
        self.phase = _DONE
        transport = self.transport
        if transport.is_closing() or transport.get_write_buffer_size() > 0:
            transport.abort()
        else:
            transport.close()

    def _crashed(self) -> None:
        log.exception("%s session crashed", self.server.NAME)  # one session's bug never takes the server down
        self._finish()

    def _overdue(self) -> bool:
        """Has the current phase's deadline passed?  Then it times out now, before what came after it is
        looked at (as the stream session, whose timeout would have fired first)."""
        if self.server._loop.time() < self.deadline:
            return False
        self._timed_out()
        return True

    def _timed_out(self) -> None:
        """The current phase's deadline has passed."""
        try:
            if self.phase == _HEAD:
                self.server._head_given_up(self.exchange, self.buf, idle=True)
            elif self.phase == _BODY:
                log.debug("%s session ended: %r", self.server.NAME, TimeoutError())
            elif self.phase == _DRAIN:
                self.transport.abort()  # a peer that reads nothing for idle_timeout s is dropped
        except Exception:
            self._crashed()
        self._finish()


def watch_deadlines(server: HttpServer) -> None:
    """Have :func:`check_deadlines` run for ``server`` (a session is starting)."""
    if server._deadlines is None:
        server._deadlines = server._loop.call_later(TICK, check_deadlines, server)


def check_deadlines(server: HttpServer) -> None:
    """Time out the sessions of ``server`` whose deadline has passed: its :class:`HttpSession` and
    :class:`~reference_servers.http.inline.InlineSession` objects, every session that is not a task (each has a
    ``phase``, a ``deadline`` and ``_timed_out()``); again in :data:`TICK` seconds while any is open
    (``server._deadlines`` holds the timer, ``None`` when none runs)."""
    now = server._loop.time()
    sessions = [s for s in server._sessions if not isinstance(s, asyncio.Future)]
    for session in sessions:
        if session.phase != _DONE and session.deadline <= now:
            session._timed_out()
    server._deadlines = server._loop.call_later(TICK, check_deadlines, server) if sessions else None


from .inline import InlineSession  # noqa: E402  (inline.py builds on this module's phases and deadlines)
