"""A TCP listener that offers each accepted connection to its server before asyncio makes a transport of it.

``loop.create_server`` spends a task (``_accept_connection2``), a transport, a future and several loop
iterations on every connection it accepts, 50-80 us of CPU before the first byte is read.  A server that can
serve most of its connections with a few system calls on the bare socket (the HTTP/1.0 reference's plain
connections, :mod:`reference_servers.http.inline`) has its TCP listeners served by a :class:`Listener`
instead of an :class:`asyncio.Server` (:meth:`~reference_servers.base.ReferenceServer.connection_protocol`):

* each listening socket is watched with ``loop.add_reader``; on readiness up to :data:`BACKLOG` connections
  are accepted at once, each made non-blocking, as asyncio's own accept loop does (a lack of descriptors
  or buffers pauses accepting for :data:`RETRY_DELAY` s; a connection aborted before ``accept()`` is skipped);
* each gets a protocol from ``protocol_factory``; one with a ``serve_socket(sock) -> bool`` method is asked
  first, and True means it serves the bare socket itself (it owns it from then on); otherwise the
  connection is served as ``create_server`` would have served it, with a transport for that protocol
  (``loop.connect_accepted_socket``).

Binding is asyncio's (``create_server(..., start_serving=False)``: every address of ``host``, SO_REUSEADDR,
IPV6_V6ONLY, the same errors), so is a given socket (socket activation, AF_UNIX).  A TCP listener gets
TCP_NODELAY, which the connections it accepts inherit (Linux; asyncio's transports set it again on each, as
for every connection they serve).  No protocol logic here.
"""

from __future__ import annotations

import asyncio
import contextlib
import errno
import logging
import os
import socket
from collections.abc import Callable

__all__ = ["BACKLOG", "Listener", "listen"]

log = logging.getLogger("reference_servers")

#: ``listen()`` backlog, and connections accepted per readiness of a listener (asyncio's defaults)
BACKLOG = 100
#: seconds accepting pauses after running out of descriptors or memory (asyncio's ACCEPT_RETRY_DELAY)
RETRY_DELAY = 1.0
_OUT_OF_RESOURCES = (errno.EMFILE, errno.ENFILE, errno.ENOBUFS, errno.ENOMEM)

ProtocolFactory = Callable[[], asyncio.BaseProtocol]


async def listen(protocol_factory: ProtocolFactory, *, host: str | None = None, port: int | None = None,
                 sock: socket.socket | None = None, reuse_address: bool | None = None) -> Listener:
    """Listen on ``host``/``port`` (bound as ``loop.create_server`` binds them) or on the bound stream socket
    ``sock``, and serve each connection with a protocol from ``protocol_factory`` (:class:`Listener`).

    Raises:
        OSError: an address cannot be bound (the message of ``create_server``).
    """
    loop = asyncio.get_running_loop()
    if sock is not None:
        sock.setblocking(False)
        sockets = [sock]
    else:  # asyncio binds; the listener keeps a duplicate of each socket and asyncio's server closes its own
        server = await loop.create_server(protocol_factory, host, port, reuse_address=reuse_address,
                                          start_serving=False)
        try:
            sockets = [socket.socket(fileno=os.dup(s.fileno())) for s in server.sockets]
        finally:
            server.close()
        for s in sockets:
            s.setblocking(False)
    listener = Listener(loop, sockets, protocol_factory)
    try:
        for s in sockets:
            if s.family in (socket.AF_INET, socket.AF_INET6):
                s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)  # inherited by the connections accepted
            s.listen(BACKLOG)
            listener.serve(s)
    except BaseException:
        listener.close()
        raise
    return listener


class Listener:
    """Listening stream sockets (``sockets``: a list of :class:`socket.socket`) whose connections are served by
    protocols from ``protocol_factory``, on the bare socket when the protocol's ``serve_socket`` takes it.
    Has what :class:`~reference_servers.base.ReferenceServer` uses of an :class:`asyncio.Server`: ``sockets``,
    ``close()`` (stop accepting; open connections are not touched) and ``wait_closed()``."""

    def __init__(self, loop: asyncio.AbstractEventLoop, sockets: list[socket.socket],
                 protocol_factory: ProtocolFactory) -> None:
        self.loop = loop
        self.sockets = sockets
        self.protocol_factory = protocol_factory
        self._handing: set[asyncio.Task] = set()  # connect_accepted_socket() under way (kept referenced)
        self._closed = False

    def serve(self, listener: socket.socket) -> None:
        """Accept on ``listener`` whenever it is readable."""
        if not self._closed:
            self.loop.add_reader(listener.fileno(), self._accept, listener)

    def _accept(self, listener: socket.socket) -> None:
        for _ in range(BACKLOG):
            try:
                conn, addr = listener.accept()
                conn.setblocking(False)
            except (BlockingIOError, InterruptedError, ConnectionAbortedError):
                return
            except OSError as exc:
                if exc.errno not in _OUT_OF_RESOURCES:
                    raise  # the loop logs it, as it logs a failing accept of asyncio's server
                log.error("accept() out of system resources (%s); retrying in %s s", exc, RETRY_DELAY)
                self.loop.remove_reader(listener.fileno())
                self.loop.call_later(RETRY_DELAY, self.serve, listener)
                return
            try:
                protocol = self.protocol_factory()
                serve_socket = getattr(protocol, "serve_socket", None)
                if serve_socket is not None and serve_socket(conn):
                    continue
            except Exception:
                log.exception("serving an accepted connection failed")
                conn.close()
                continue
            task = self.loop.create_task(self.loop.connect_accepted_socket(lambda p=protocol: p, conn))
            self._handing.add(task)
            task.add_done_callback(lambda t, conn=conn: self._handed(t, conn))

    def _handed(self, task: asyncio.Task, conn: socket.socket) -> None:
        self._handing.discard(task)
        if not task.cancelled() and (exc := task.exception()) is not None:
            log.debug("connection not served: %r", exc)  # e.g. reset before its transport was made
            conn.close()

    def close(self) -> None:
        """Stop accepting and close the listening sockets."""
        self._closed = True
        for s in self.sockets:
            if s.fileno() >= 0:
                with contextlib.suppress(Exception):
                    self.loop.remove_reader(s.fileno())
                s.close()

    async def wait_closed(self) -> None:
        """Nothing to wait for: :meth:`close` is immediate."""
