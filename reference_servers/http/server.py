"""HTTP/1.0 reference server (RFC 1945): serves a document root with GET, HEAD and POST.

Choices where RFC 1945 leaves room (documented here, relied on by the scenarios' self-tests):

* Always answers ``HTTP/1.0`` and closes after each response (§1.3, HTTP10-CONN-1); ``Connection:
  keep-alive`` is ignored (HTTP10-CONN-2).  Requests of any ``HTTP/1.x`` are served as 1.0 (HTTP10-VER-2).
* A major version above 1 gets ``HTTP/1.0 505 HTTP Version Not Supported`` (HTTP10-VER-4).
* Unknown or unimplemented methods, including lowercase ``get``, get 501 (§5.1.1, HTTP10-REQ-3/ERR-5).
* A Simple-Request (``GET /x`` with no version) gets a Simple-Response: the body alone, even for errors.
* POST echoes the request's entity body (200, the request's Content-Type or application/octet-stream),
  whatever the Request-URI: it never touches the document root.  POST without a valid Content-Length
  gets 400 (§7.2.2, HTTP10-LEN-1); the body is read to exactly Content-Length however segments fall.
* Paths: %-decoded (§5.1.2); a ``..`` segment (before or after decoding) gets 403, so does a segment
  starting with ``.`` (hidden and internal files, HTTP10-SEC-2), a NUL gets 400, and anything resolving
  outside the root (symlinks) gets 403 (§12.5, HTTP10-SEC-1).  An absoluteURI target is tolerated and
  reduced to its path.  A directory without its trailing slash gets 301 to the slashed URL; a directory
  is served as its ``index.html`` or a generated listing.
* Limits (HTTP10-REQ-10): request line and header lines 8 KiB, head 64 KiB, 100 fields, body
  ``max_body`` (1 MiB): beyond, 400 and close.  A client that has not completed its head within
  ``header_timeout`` seconds (slowloris, HTTP10-CONN-4), or stays silent ``idle_timeout`` seconds, is
  disconnected without a response.
* Dates are rfc1123 in GMT; Last-Modified is clamped to Date (HTTP10-HDR-4).  If-Modified-Since in any
  of the three §3.3 forms gives 304 (GET only, HTTP10-HEAD-3); invalid or future dates are ignored.
  A 304 carries only Date and Server (HTTP10-COND-6).
* ``redirects`` maps a path to ``(301 or 302, target)``; Location is always an absoluteURI (§10.11),
  built from the Host header when it is well-formed, else from the bound address.
* ``fault_paths``: GET/HEAD on these paths raises inside the handler, which must give 500 (HTTP10-ERR-4).
* ``server_header``: the Server header's value, or ``None`` for no Server header (HTTP10-SEC-3).
* ``behaviour``: a :class:`~reference_servers.http.peer.Behaviour` for client scenarios.

I/O: while the behaviour delivers plainly (``normal``), a connection is served by a
:class:`~reference_servers.http.fastpath.HttpSession` (an asyncio Protocol); otherwise, or with ``fast_path =
False``, by :meth:`HttpServer.handle_connection` on streams.  Both answer with the same methods here.
"""

from __future__ import annotations

import asyncio
import collections
import logging
import os
import stat
import threading
from dataclasses import dataclass, replace
from pathlib import Path

from reference_servers.base import ReferenceServer
from reference_servers.errors import IncompleteError
from reference_servers.streams import drain_and_close

from . import wire
from .docroot import DocumentRoot, Refused, read_file
from .fastpath import HttpSession
from .peer import BEHAVIOURS, Behaviour, play
from .responses import ABSOLUTE_URI, Response, ResponseBuilding

log = logging.getLogger("reference_servers.http")

__all__ = ["SERVER_HEADER", "HttpServer", "RecordedExchange", "Response"]

SERVER_HEADER = "netconformance-http/0.1"
#: exchanges the server remembers, and body octets kept of each (the rest is served, not remembered);
#: beyond the newest RECENT_FULL, an exchange keeps RECORDED_OLD octets of its raw head and of its body, so
#: the whole history stays under ~3 MiB however large the requests were
MAX_RECORDED = 1024
MAX_RECORDED_BODY = 64 * 1024
RECENT_FULL = 16
RECORDED_OLD = 512
_NORMAL = Behaviour()


def _delivers_plainly(behaviour: Behaviour) -> bool:
    """True when ``behaviour`` sends a response as one write and closes politely (the ``normal`` preset,
    whatever its name and ``gap``, which only separates pieces)."""
    return replace(behaviour, name=_NORMAL.name, gap=_NORMAL.gap) == _NORMAL


@dataclass
class RecordedExchange:
    """What the server saw on one connection: the request head (``None`` if unparseable), the raw bytes
    of the head, the request body and the status answered (``None`` when it closed without answering)."""

    head: wire.RequestHead | None
    raw: bytes
    body: bytes
    status: int | None


class _Fault(Exception):
    """Raised on purpose for ``fault_paths`` (HTTP10-ERR-4)."""


class HttpServer(ResponseBuilding, ReferenceServer):
    """HTTP/1.0 origin server for one document root.

    Args:
        host, port, transports, idle_timeout: see :class:`~reference_servers.base.ReferenceServer` (seconds).
        root: document root (str or Path; must be a directory), keyword-only.
        header_timeout: seconds a client has to send its whole request head (default 10).
        limits: :class:`~reference_servers.http.wire.Limits` on the head.
        max_body: largest request body accepted, in bytes (default 1 MiB).
        server_header: Server header value, ``None`` to send none.
        redirects: ``{path: (status, target)}``; ``target`` is a path or an absolute URL.
        fault_paths: paths whose handler fails on purpose (500).
        behaviour: a :class:`Behaviour` or the name of a preset in ``BEHAVIOURS``.
        linger: seconds to keep reading after the response before closing (NET-TCP-9).

    ``exchanges`` lists a :class:`RecordedExchange` per connection (what a client under test sent).

    Raises:
        NotADirectoryError: ``root`` is not a directory.
        KeyError: unknown behaviour name.
    """

    NAME = "http"
    TRANSPORTS = ("tcp",)
    #: serve connections whose behaviour delivers plainly with :class:`HttpSession` (False: streams always)
    fast_path = True
    #: let the fast path serve a connection whose request comes whole in its first read on the bare socket
    #: (:mod:`reference_servers.http.inline`; False: an HttpSession on a transport from the start)
    bare_sockets = True

    def __init__(self, host: str = "127.0.0.1", port: int = 0, *, root: str | os.PathLike,
                 transports: tuple[str, ...] | None = None, idle_timeout: float = 30.0, header_timeout: float = 10.0,
                 limits: wire.Limits = wire.DEFAULT_LIMITS, max_body: int = 1 << 20,
                 server_header: str | None = SERVER_HEADER,
                 redirects: dict[str, tuple[int, str]] | None = None,
                 fault_paths: frozenset[str] | set[str] = frozenset(),
                 behaviour: Behaviour | str | None = None, linger: float = 2.0) -> None:
        super().__init__(host, port, transports=transports, idle_timeout=idle_timeout)
        self.root = Path(root)
        self.docroot = DocumentRoot(root)
        self.real_root = self.docroot.real_root
        self.header_timeout = header_timeout
        self.limits = limits
        self.max_body = max_body
        self.server_header = server_header
        self.redirects = dict(redirects or {})
        for path, (code, _target) in self.redirects.items():
            if code not in (301, 302):
                raise ValueError(f"redirect {path}: status must be 301 or 302, not {code}")
        self.fault_paths = frozenset(fault_paths)
        if isinstance(behaviour, str):
            behaviour = BEHAVIOURS[behaviour]
        self.behaviour = behaviour or BEHAVIOURS["normal"]
        self.linger = linger
        #: the most recent exchanges (bounded: a long-running server keeps no per-request state for ever)
        self.exchanges: collections.deque[RecordedExchange] = collections.deque(maxlen=MAX_RECORDED)
        self._lock = threading.Lock()
        self._plain: tuple[Behaviour | None, bool] = (None, False)  # (behaviour, _delivers_plainly(behaviour))
        self._deadlines: asyncio.TimerHandle | None = None  # checks the deadlines of the HttpSessions

    async def on_shutdown(self) -> None:
        if self._deadlines is not None:  # the HttpSessions are ended next, by cancel()
            self._deadlines.cancel()
            self._deadlines = None

    # ------------------------------------------------------------------ session
    def connection_protocol(self) -> HttpSession | None:
        """An :class:`HttpSession` while the behaviour delivers plainly, else ``None`` (a stream session)."""
        return HttpSession(self) if self.fast_path and self._plainly(self.behaviour) else None

    def _new_exchange(self) -> RecordedExchange:
        """The :class:`RecordedExchange` of a new connection, appended to :attr:`exchanges`."""
        exchange = RecordedExchange(None, b"", b"", None)
        with self._lock:
            self.exchanges.append(exchange)
            if len(self.exchanges) > RECENT_FULL:
                older = self.exchanges[-RECENT_FULL - 1]
                older.raw, older.body = older.raw[:RECORDED_OLD], older.body[:RECORDED_OLD]
        return exchange

    async def handle_connection(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        exchange = self._new_exchange()
        head, rest = await self._read_head(reader, writer, exchange)
        if head is None:
            return
        exchange.head, exchange.raw = head, head.raw
        response = await self._answer(head, rest, reader, writer, exchange)
        exchange.status = response.status
        await self._send(head, response, reader, writer)

    async def _read_head(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter,
                         exchange: RecordedExchange) -> tuple[wire.RequestHead | None, bytes]:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self.header_timeout
        buf = b""
        parse = False
        while True:
            if parse:
                try:
                    head, used = wire.parse_request_head(buf, self.limits)
                    return head, buf[used:]
                except IncompleteError:
                    pass
                except wire.RequestError as exc:
                    await self._deliver(self._head_refusal(exchange, buf, exc), reader, writer)
                    return None, b""
            left = min(self.idle_timeout, deadline - loop.time())
            if left <= 0:
                self._head_given_up(exchange, buf, idle=False)
                return None, b""
            try:
                async with asyncio.timeout(left):  # a timer, not wait_for's task per read
                    data = await reader.read(65536)
            except TimeoutError:
                self._head_given_up(exchange, buf, idle=True)
                return None, b""
            if not data:
                refusal = self._head_refusal(exchange, buf, None)
                if refusal is not None:
                    await self._deliver(refusal, reader, writer)
                return None, b""
            buf += data
            # parse again only when a line may have ended or a limit may be crossed (keeps trickling cheap)
            parse = b"\n" in data or len(buf) > self.limits.max_line

    async def _answer(self, head: wire.RequestHead, rest: bytes, reader: asyncio.StreamReader,
                      writer: asyncio.StreamWriter, exchange: RecordedExchange) -> Response:
        length = self._body_length(head)
        if isinstance(length, Response):
            return length
        body = await self._read_body(rest, length, reader) if length else b""
        return self._handle(exchange, head, length, body)

    # ------------------------------------------------------------------ what both sessions decide alike
    def _head_refusal(self, exchange: RecordedExchange, buf: bytes, exc: wire.RequestError | None) -> bytes | None:
        """Record a head that will never be complete (``buf``: all received), malformed (``exc``) or cut by
        EOF (``None``), and give the Full-Response refusing it; ``None`` (close without a response) for EOF
        after nothing but whitespace."""
        exchange.raw = buf
        if exc is None:
            if not buf.strip():
                return None
            exc = wire.RequestError("connection half-closed before the end of the request head (missing empty "
                                    "line?)")
        exchange.status = exc.status
        response = self._error(exc.status, str(exc))
        return wire.format_response(response.status, response.headers, response.body)

    def _head_given_up(self, exchange: RecordedExchange, buf: bytes, *, idle: bool) -> None:
        """Record a head not complete in time (HTTP10-CONN-4; ``idle``: a wait for more timed out)."""
        exchange.raw = buf
        if idle:
            log.debug("client idle while sending its head; closing")
        else:
            log.debug("request head not complete within %s s; closing", self.header_timeout)

    def _body_length(self, head: wire.RequestHead) -> int | Response:
        """What a request head asks before its entity body: the octets of body to read (0 for none;
        Content-Length, §7.2.2, at most ``max_body``), or the error :class:`Response` that answers it now."""
        if head.version is not None and head.version[0] > 1:
            return self._error(505, f"HTTP/{head.version[0]}.{head.version[1]} is not supported; this server "
                                    "speaks HTTP/1.0")
        if head.method not in wire.IMPLEMENTED_METHODS:
            return self._error(501, f"method {head.method!r} is not implemented (methods are case-sensitive)")
        try:
            length = wire.request_content_length(head.headers)
        except wire.RequestError as exc:
            return self._error(400, str(exc))
        if head.method == "POST" and length is None:
            return self._error(400, "POST requires a valid Content-Length")
        if length and length > self.max_body:
            return self._error(400, f"request body of {length} bytes exceeds the limit of {self.max_body}")
        return length or 0

    def _handle(self, exchange: RecordedExchange, head: wire.RequestHead, length: int, body: bytes | None) -> Response:
        """The response to a request whose head asked ``length`` octets of ``body`` (:meth:`_body_length`):
        POST echo, GET/HEAD on the root; 400 when the peer half-closed before them (``body`` ``None``)."""
        if body is None:
            return self._error(400, f"connection half-closed before {length} body bytes arrived")
        if length:
            exchange.body = body[:MAX_RECORDED_BODY]
        try:
            if head.method == "POST":
                return self._post(head, body)
            return self._get(head)
        except Exception:  # a failing handler gives 500 and the server keeps running (HTTP10-ERR-4)
            log.exception("handler failed for %s %s", head.method, head.target)
            return self._error(500, "the server failed while handling the request")

    async def _read_body(self, rest: bytes, length: int, reader: asyncio.StreamReader) -> bytes | None:
        """Exactly ``length`` body octets (HTTP10-LEN-2); surplus is ignored (one request per connection).
        Returns ``None`` when the client closes first.  Each wait is bounded by ``idle_timeout``."""
        body = bytearray(rest[:length])
        while len(body) < length:
            async with asyncio.timeout(self.idle_timeout):
                data = await reader.read(min(65536, length - len(body)))
            if not data:
                return None
            body += data
        return bytes(body)

    # ------------------------------------------------------------------ handlers
    def _post(self, head: wire.RequestHead, body: bytes) -> Response:
        ctype = head.headers.get("Content-Type") or "application/octet-stream"
        return Response(200, self._base_headers() + [("Content-Type", ctype), ("Content-Length", str(len(body)))],
                        body)

    def _get(self, head: wire.RequestHead) -> Response:
        target = head.target
        if m := ABSOLUTE_URI.match(target):
            target = m.group(1) or "/"
        if not target.startswith("/"):
            return self._error(400, f"Request-URI {head.target!r} is neither an abs_path nor an absoluteURI")
        path = target.split("?", 1)[0].split("#", 1)[0]
        if path in self.redirects:
            code, location = self.redirects[path]
            return self._redirect(head, code, location)
        if path in self.fault_paths:
            raise _Fault(f"fault path {path}")
        try:
            real, st = self.docroot.locate(path)
        except Refused as exc:
            return self._error(exc.status, exc.explanation)
        if stat.S_ISDIR(st.st_mode):
            if not path.endswith("/"):
                return self._redirect(head, 301, path + "/")
            index = os.path.join(real, "index.html")
            if os.path.isfile(index):
                real, st = index, os.stat(index)
            else:
                return self._listing(path, real)
        if not stat.S_ISREG(st.st_mode):
            return self._error(403, "not a regular file")
        try:
            body = read_file(real, st.st_size)
        except PermissionError:
            return self._error(403, "access to this resource is forbidden")
        return self._file_response(head, real, st.st_mtime, body)

    # ------------------------------------------------------------------ output
    async def _send(self, head: wire.RequestHead | None, response: Response, reader: asyncio.StreamReader,
                    writer: asyncio.StreamWriter) -> None:
        behaviour = self.behaviour
        raw_head, body = self._encode(head, response, behaviour)
        if self._plainly(behaviour):
            await self._deliver(raw_head + body, reader, writer)
        else:
            await play(behaviour.actions(raw_head, body), reader, writer, self.linger, self.idle_timeout)

    def _encode(self, head: wire.RequestHead | None, response: Response,
                behaviour: Behaviour) -> tuple[bytes, bytes]:
        """``(head, body)`` octets of ``response`` to the request ``head`` as ``behaviour`` sends them: the
        head is empty for a Simple-Response (§6), the body empty for HEAD and 304 (§8.2, §9.5)."""
        with_body = not (head is not None and head.method == "HEAD") and response.status != 304
        body = response.body if with_body else b""
        if head is not None and head.simple:
            raw_head = b""  # Simple-Response: the body alone (§6)
        else:
            raw_head = wire.format_response(response.status, behaviour.adjust_headers(response.headers,
                                                                                        len(response.body)))
        return raw_head, body

    def _plainly(self, behaviour: Behaviour) -> bool:
        """:func:`_delivers_plainly` of ``behaviour``, remembered for the last behaviour asked about."""
        if self._plain[0] is not behaviour:
            self._plain = (behaviour, _delivers_plainly(behaviour))
        return self._plain[1]

    async def _deliver(self, data: bytes, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        """What :func:`~reference_servers.http.peer.play` does with the one write of a plain behaviour: write
        ``data``, then close politely (:func:`~reference_servers.streams.drain_and_close`: a peer that reads none
        of it for ``idle_timeout`` seconds is dropped; FIN; discard its input for ``linger`` s, NET-TCP-9)."""
        if data:
            writer.write(data)
        await drain_and_close(reader, writer, self.linger, self.idle_timeout)

