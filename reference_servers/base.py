"""Lifecycle shared by every reference server: an asyncio loop in a background thread.

A protocol server subclasses :class:`ReferenceServer` and implements :meth:`ReferenceServer.handle_connection`
(TCP, with asyncio streams, so partial reads and several units per segment are the stream's business)
and/or :meth:`ReferenceServer.handle_datagram` (UDP).  A server may serve some TCP connections with an
:class:`asyncio.Protocol` of its own instead (callbacks, no task or streams: cheaper per connection), through
:meth:`ReferenceServer.connection_protocol`.  The base class binds TCP and UDP on the same port,
serves any number of clients at once (one task each, so an idle client blocks nobody), survives resets and
ICMP errors, bounds every session with an idle timeout, and stops cleanly::

    with EchoServer(port=0).start() as srv:
        host, port = srv.address("tcp")

Over AF_UNIX (:meth:`ReferenceServer.listen_unix`) an address is the socket's path, a ``str``.

:mod:`reference_servers.standalone` turns a server class into ``python -m reference_servers.<proto>``.
"""

from __future__ import annotations

import asyncio
import contextlib
import errno
import logging
import os
import socket
import threading
from collections.abc import Sequence

from reference_servers import memory

log = logging.getLogger("reference_servers")

#: Largest UDP payload over IPv4 (65,535 - 20 - 8 octets), RFC 768 "Fields" (NET-UDP-5).
MAX_DATAGRAM = 65_507
#: bytes a session asks of each recv() (every reference reads at most 64 KiB at a time)
RECV_SIZE = 65_536
#: buffer limit of a session's StreamReader, in bytes (its reading pauses beyond twice that)
STREAM_LIMIT = 2**20


class ReferenceServer:
    """Base of the reference servers.

    Args:
        host: address to bind (str), default ``127.0.0.1``.
        port: port to bind (int); 0 lets the kernel choose one free for every transport served.
        transports: which of ``"tcp"``/``"udp"`` to serve; default: the class's :attr:`TRANSPORTS`.
        idle_timeout: seconds a TCP session may stay silent before the server closes it (NET-TCP-6).

    Raises:
        OSError: from :meth:`start` when the port cannot be bound.
    """

    #: transports this protocol has, in preference order
    TRANSPORTS: tuple[str, ...] = ("tcp",)
    #: name used in logs and in the LISTENING line
    NAME = "server"
    #: collect garbage once a second after the last session ends (:mod:`reference_servers.memory`); set by
    #: :func:`reference_servers.standalone.run_standalone`, off for in-process references
    reclaim_when_idle = False

    def __init__(
        self,
        host: str = "127.0.0.1",
        port: int = 0,
        *,
        transports: Sequence[str] | None = None,
        idle_timeout: float = 30.0,
    ) -> None:
        self.host = host
        self.requested_port = port
        self.transports = tuple(transports or self.TRANSPORTS)
        unknown = set(self.transports) - set(self.TRANSPORTS)
        if unknown:
            raise ValueError(f"{self.NAME} does not serve {sorted(unknown)}; it has {list(self.TRANSPORTS)}")
        self.idle_timeout = idle_timeout
        self._addresses: dict[str, tuple[str, int] | str] = {}
        self._unix_paths: list[str] = []
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._tcp_server = None  # asyncio's Server, or an acceptor.Listener (see connection_protocol)
        self._udp_transport: asyncio.DatagramTransport | None = None
        self._sessions: set = set()  # open sessions: tasks, and protocols of connection_protocol()
        self._ready = threading.Event()
        self._start_error: BaseException | None = None

    # ------------------------------------------------------------------ protocol hooks
    async def handle_connection(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        """Serve one TCP session.  Resets, broken pipes and idle timeouts are handled by the caller."""
        raise NotImplementedError

    def handle_datagram(self, data: bytes, addr: tuple[str, int]) -> list[bytes]:
        """Answer one UDP datagram: return the datagrams to send back to ``addr`` (possibly none)."""
        raise NotImplementedError

    async def on_shutdown(self) -> None:
        """Called on the loop before open sessions are cancelled (SMTP says 421 here)."""

    def connection_protocol(self) -> asyncio.Protocol | None:
        """Hook, called on the loop for each TCP connection accepted: an :class:`asyncio.Protocol` to serve it
        instead of a :meth:`handle_connection` session, or ``None`` (the default) for that session.  Such a
        protocol calls :meth:`begin_session` in ``connection_made`` and :meth:`end_session` in
        ``connection_lost``, bounds its waits itself, and ends its connection on ``cancel()`` (:meth:`stop`);
        it may give the connection to a stream session (:meth:`serve_stream`).  A server that overrides this hook
        accepts with :mod:`reference_servers.acceptor`, and its protocol may then serve the bare socket itself,
        before any transport is made: ``protocol.serve_socket(sock) -> bool`` (True: served)."""
        return None

    # ------------------------------------------------------------------ lifecycle
    def start(self, timeout: float = 5.0) -> ReferenceServer:
        """Bind and serve in a background thread; return ``self`` once every socket is bound.

        Raises:
            OSError: a socket could not be bound.
            TimeoutError: the loop did not come up within ``timeout`` seconds.
        """
        self._thread = threading.Thread(target=self._run, name=f"{self.NAME}-server", daemon=True)
        self._thread.start()
        if not self._ready.wait(timeout):
            raise TimeoutError(f"{self.NAME} server did not start within {timeout} s")
        if self._start_error is not None:
            self._thread.join(timeout)
            raise self._start_error
        return self

    def stop(self, timeout: float = 5.0) -> None:
        """Close the listeners and every open session; wait for the loop thread to end."""
        loop = self._loop
        if loop is None or self._thread is None:
            return
        if loop.is_running():
            fut = asyncio.run_coroutine_threadsafe(self._shutdown(), loop)
            with contextlib.suppress(Exception):
                fut.result(timeout)
            loop.call_soon_threadsafe(loop.stop)
        self._thread.join(timeout)

    def __enter__(self) -> ReferenceServer:
        if self._thread is None:
            self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def address(self, transport: str = "tcp") -> tuple[str, int] | str:
        """``(host, port)`` bound for ``transport``, or its path over AF_UNIX.

        Raises:
            KeyError: the server does not serve that transport.
        """
        return self._addresses[transport]

    @property
    def port(self) -> int:
        """The port bound (the same for every transport served); 0 over AF_UNIX."""
        first = next(iter(self._addresses.values()))
        return 0 if isinstance(first, str) else first[1]

    @property
    def addresses(self) -> dict[str, tuple[str, int]]:
        return dict(self._addresses)

    # ------------------------------------------------------------------ internals
    def _run(self) -> None:
        loop = asyncio.new_event_loop()
        self._loop = loop
        try:
            loop.run_until_complete(self._bind())
        except BaseException as exc:  # reported to start()
            self._start_error = exc
            self._ready.set()
            loop.close()
            return
        self._ready.set()
        try:
            loop.run_forever()
        finally:
            with contextlib.suppress(Exception):
                loop.run_until_complete(loop.shutdown_asyncgens())
            loop.close()

    async def _bind(self) -> None:
        attempts = 20 if self.requested_port == 0 else 1
        for attempt in range(attempts):
            try:
                await self._bind_once()
                return
            except OSError as exc:
                await self._close_listeners()
                if exc.errno != errno.EADDRINUSE or attempt == attempts - 1:
                    raise

    def listen_unix(self, paths: dict[str, str]) -> ReferenceServer:
        """Serve AF_UNIX sockets bound now at ``paths`` (``{"tcp": stream path, "udp": datagram path}``) instead
        of ``host``/``port``; the socket files are removed when the server stops.  Call before :meth:`start`.

        Raises:
            ValueError: a transport this protocol does not have.  OSError: a path cannot be bound
                (:func:`reference_servers.launchmodes.bind_unix`).
        """
        from reference_servers.launchmodes import bind_unix

        unknown = set(paths) - set(self.TRANSPORTS)
        if unknown:
            raise ValueError(f"{self.NAME} does not serve {sorted(unknown)}; it has {list(self.TRANSPORTS)}")
        self.adopt_sockets(bind_unix(paths))
        self._unix_paths = list(paths.values())
        return self

    def adopt_sockets(self, sockets: dict[str, socket.socket]) -> ReferenceServer:
        """Serve sockets bound by someone else (socket activation) instead of binding: ``{"tcp": a
        listening socket, "udp": a bound datagram socket}``.  Call before :meth:`start`."""
        self._given = dict(sockets)
        self.transports = tuple(t for t in self.TRANSPORTS if t in self._given)
        return self

    async def _bind_given(self) -> None:
        loop = asyncio.get_running_loop()
        self._addresses = {}
        if "tcp" in self._given:
            self._tcp_server = await self._listen_tcp(sock=self._given["tcp"])
            self._addresses["tcp"] = _sockname(self._given["tcp"])
        if "udp" in self._given:
            udp = self._given["udp"]
            udp.setblocking(False)
            self._udp_transport, _ = await loop.create_datagram_endpoint(lambda: _DatagramHandler(self, udp), sock=udp)
            self._addresses["udp"] = _sockname(udp)

    async def _bind_once(self) -> None:
        if getattr(self, "_given", None):
            return await self._bind_given()
        loop = asyncio.get_running_loop()
        port = self.requested_port
        self._addresses = {}
        if "tcp" in self.transports:
            self._tcp_server = await self._listen_tcp(host=self.host, port=port, reuse_address=True)
            sock = self._tcp_server.sockets[0]
            port = sock.getsockname()[1]
            self._addresses["tcp"] = (self.host, port)
        if "udp" in self.transports:
            # No SO_REUSEADDR on UDP: a second bind must fail loudly, never share the port silently.
            family = socket.AF_INET6 if ":" in self.host else socket.AF_INET
            udp = socket.socket(family, socket.SOCK_DGRAM)
            try:
                udp.bind((self.host, port))
            except OSError:
                udp.close()
                raise
            udp.setblocking(False)
            transport, _ = await loop.create_datagram_endpoint(lambda: _DatagramHandler(self, udp), sock=udp)
            self._udp_transport = transport
            self._addresses["udp"] = (self.host, transport.get_extra_info("sockname")[1])

    async def _listen_tcp(self, **where):
        """Serve TCP on ``where`` (``host``, ``port``, ``reuse_address``, or a bound ``sock``): asyncio's server, or
        a :class:`~reference_servers.acceptor.Listener` when the class has its own :meth:`connection_protocol`."""
        if type(self).connection_protocol is ReferenceServer.connection_protocol:
            return await asyncio.get_running_loop().create_server(self._accept, **where)
        from reference_servers.acceptor import listen

        return await listen(self._accept, **where)

    async def _close_listeners(self) -> None:
        if self._tcp_server is not None:
            self._tcp_server.close()
            with contextlib.suppress(Exception):
                await self._tcp_server.wait_closed()
            self._tcp_server = None
        if self._udp_transport is not None:
            self._udp_transport.close()
            self._udp_transport = None
        for path in self._unix_paths:
            with contextlib.suppress(OSError):
                os.unlink(path)

    async def _shutdown(self) -> None:
        if self._tcp_server is not None:
            self._tcp_server.close()  # stop accepting first
        with contextlib.suppress(Exception):
            await asyncio.wait_for(self.on_shutdown(), 2.0)
        for session in list(self._sessions):
            session.cancel()  # a task, or a protocol session (which ends its connection at once)
        loop = asyncio.get_running_loop()
        deadline = loop.time() + 2.0
        while self._sessions and (left := deadline - loop.time()) > 0:
            tasks = [s for s in self._sessions if isinstance(s, asyncio.Future)]
            await (asyncio.wait(tasks, timeout=left) if tasks else asyncio.sleep(min(0.01, left)))
        await self._close_listeners()

    def _accept(self) -> asyncio.BaseProtocol:
        """Protocol factory of the TCP listener: :meth:`connection_protocol`'s, else what
        :func:`asyncio.start_server` makes (a StreamReaderProtocol running :meth:`_session`)."""
        protocol = self.connection_protocol()
        if protocol is None:
            reader = asyncio.StreamReader(limit=STREAM_LIMIT, loop=self._loop)
            protocol = asyncio.StreamReaderProtocol(reader, self._session, loop=self._loop)
        return protocol

    def begin_session(self, session: asyncio.Protocol, transport: asyncio.Transport | None = None) -> None:
        """A protocol session (:meth:`connection_protocol`) starts on ``transport`` (``None``: on the bare socket):
        count it open, and read 64 KiB per recv() as every session (asyncio's transport has set TCP_NODELAY on a
        TCP socket)."""
        self._sessions.add(session)
        if getattr(transport, "max_size", 0) > RECV_SIZE:  # as in _session
            transport.max_size = RECV_SIZE

    def end_session(self, session: asyncio.Protocol) -> None:
        """A protocol session has ended (its connection is lost, or given to :meth:`serve_stream`)."""
        self._sessions.discard(session)
        if self.reclaim_when_idle:
            memory.collect_when_idle(self)

    def serve_stream(self, transport: asyncio.Transport, handler, *, eof: bool = False) -> asyncio.Task:
        """Serve the rest of a connection of a protocol session as a stream session that runs ``await
        handler(reader, writer)`` (instead of :meth:`handle_connection`).  ``eof``: the peer has half-closed.
        The protocol has consumed what it read, and calls :meth:`end_session` for itself."""
        reader = asyncio.StreamReader(limit=STREAM_LIMIT, loop=self._loop)
        protocol = asyncio.StreamReaderProtocol(reader, loop=self._loop)
        transport.set_protocol(protocol)
        protocol.connection_made(transport)
        if eof:
            reader.feed_eof()
        writer = asyncio.StreamWriter(transport, protocol, reader, self._loop)
        task = self._loop.create_task(self._session(reader, writer, handler))
        self._sessions.add(task)
        return task

    async def _session(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter, handler=None) -> None:
        task = asyncio.current_task()
        assert task is not None
        self._sessions.add(task)
        if getattr(writer.transport, "max_size", 0) > RECV_SIZE:  # asyncio's selector transport: bytes asked
            writer.transport.max_size = RECV_SIZE  # of each recv(); 256 KiB would be mmap'd (memory.py)
        sock = writer.get_extra_info("socket")
        if sock is not None:
            with contextlib.suppress(OSError):
                sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        try:
            await (handler or self.handle_connection)(reader, writer)
        except (ConnectionError, asyncio.IncompleteReadError, asyncio.LimitOverrunError, TimeoutError) as exc:
            log.debug("%s session ended: %r", self.NAME, exc)  # NET-TCP-5: only this session ends
        except asyncio.CancelledError:
            pass
        except Exception:  # a bug in one session must never take the server down
            log.exception("%s session crashed", self.NAME)
        finally:
            self._sessions.discard(task)
            if self.reclaim_when_idle:
                memory.collect_when_idle(self)
            # a peer that stopped reading leaves bytes buffered: abort, or close() would wait on them forever
            stuck = writer.transport.is_closing() or writer.transport.get_write_buffer_size() > 0
            writer.transport.abort() if stuck else writer.close()
            with contextlib.suppress(Exception):
                await asyncio.wait_for(writer.wait_closed(), 1.0)


def _sockname(sock: socket.socket) -> tuple[str, int] | str:
    """``(host, port)`` of an IP socket, the path of an AF_UNIX one."""
    name = sock.getsockname()
    return name if isinstance(name, str) else tuple(name[:2])


class _DatagramHandler(asyncio.DatagramProtocol):
    def __init__(self, server: ReferenceServer, sock: socket.socket) -> None:
        self.server = server
        self.sock = sock
        self.transport: asyncio.DatagramTransport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]

    def datagram_received(self, data: bytes, addr: tuple[str, int] | str) -> None:
        if not addr:  # AF_UNIX from a client that bound no path of its own: there is nowhere to answer
            log.debug("%s datagram from an unbound AF_UNIX socket: no address to answer", self.server.NAME)
            return
        try:
            replies = self.server.handle_datagram(data, addr)
        except Exception:
            log.exception("%s datagram handler crashed", self.server.NAME)
            return
        for reply in replies:
            # From the service socket to the request's source (NET-UDP-1).
            assert self.transport is not None
            if reply:
                self.transport.sendto(reply, addr)
            else:  # asyncio (3.11) silently drops empty payloads; an empty datagram is a datagram (NET-UDP-4)
                with contextlib.suppress(OSError):
                    self.sock.sendto(b"", addr)

    def error_received(self, exc: Exception) -> None:
        # ICMP port unreachable from an earlier reply: never ends the loop (NET-UDP-6).
        log.debug("%s ignored ICMP error %r", self.server.NAME, exc)
