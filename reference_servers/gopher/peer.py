"""Gopher peers that misbehave on purpose, for client scenarios.

* :class:`Behaviour` says how a reference peer deviates, in the shared vocabulary of
  :mod:`reference_servers.faults` (a :class:`~reference_servers.faults.StreamFaults` with gopher's own
  extras): how it cuts its writes (fragments, pauses at every boundary), what it leaves out (the lastline), how it ends (stall, reset, early close, hold the
  connection open after the lastline) and how its menus look (LF-only lines, sparse ``i`` lines,
  Gopher+ fields).  Both :class:`~reference_servers.gopher.server.GopherServer` and
  :class:`ScriptedPeer` take one.  Behaviours are deterministic: no randomness, no clocks in decisions.
* :class:`Delivery` applies the write-side part of a behaviour to a stream writer.
* :class:`ScriptedPeer` answers each selector with fixed octets (the scenario chooses every byte) and
  records the request lines it received (GOPHER-CLIENT-1, GOPHER-SEARCH-2, GOPHER-EXT-4).

A behaviour can be written as a string, for command lines: ``"fragment=1,gap=0.002,no_lastline"``
(see :meth:`Behaviour.parse`).
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from reference_servers.base import ReferenceServer
from reference_servers.errors import IncompleteError, ProtocolError
from reference_servers.faults import StreamFaults, fragments, parse_spec, reset_stream, split_around
from reference_servers.streams import drain_and_close

from . import wire

#: the octets a delivery cuts around when ``split_boundaries`` is on
BOUNDARIES = frozenset(b"\r\n\t.")


@dataclass(frozen=True)
class Behaviour(StreamFaults):
    """How a reference gopher peer misbehaves (all off by default: a well-behaved peer).

    Write side: the shared stream faults of :class:`reference_servers.faults.StreamFaults` (``fragment``,
    ``gap``, ``delay``, ``pause_after``/``pause``, ``stall_after``/``stall_for``, ``reset_after``,
    ``close_after``; bytes and seconds; NET-TCP-1, NET-TCP-7, NET-TCP-8), with two gopher meanings:
    ``gap`` is slept after *every* write, the last one too, and ``stall_after=0`` accepts, reads the
    request and never answers.  Gopher's own:
        split_boundaries: also cut right before and after every CR, LF, TAB and ``.``, so a client
            sees each delimiter (inside CRLF, inside the lastline) in a separate segment; combine
            with ``gap`` (20-50 ms forces the split on loopback).
        hold_open: seconds to keep the connection open after a complete response, so a client that
            waits for the close instead of the lastline is seen waiting (GOPHER-TEXT-6).
    Content side (GopherServer only):
        no_lastline: omit the lastline of menus and text items (GOPHER-TEXT-4).
        lf_only: LF instead of CRLF in menus and text items (GOPHER-TEXT-7, GOPHER-CLIENT-5).
        sparse_info: write ``i`` lines as the display string alone, no TABs (GOPHER-EXT-1).
        gopher_plus: append a ``TAB +`` field to every selectable menu line (GOPHER-MENU-6).
        error: answer every selector with an error item carrying this text (GOPHER-ERR-2).
        lastline_on_binary: end binary and ``h`` items with a lastline too (GOPHER-EXT-2; a wrong
            server for type 9).
    """

    split_boundaries: bool = False
    hold_open: float = 0.0
    no_lastline: bool = False
    lf_only: bool = False
    sparse_info: bool = False
    gopher_plus: bool = False
    error: str | None = None
    lastline_on_binary: bool = False

    @classmethod
    def parse(cls, spec: str) -> Behaviour:
        """Build a behaviour from ``"key=value,flag,..."`` (a bare key sets a boolean to True), e.g.
        ``"fragment=1,gap=0.002,no_lastline"``.

        Raises:
            ValueError: unknown key or a value of the wrong type.
        """
        return parse_spec(cls, spec, "gopher behaviour")

    @property
    def line_ending(self) -> bytes:
        return b"\n" if self.lf_only else wire.CRLF

    def pieces(self, data: bytes) -> list[bytes]:
        """Cut ``data`` the way this behaviour writes it (``split_boundaries``, then ``fragment``)."""
        parts = split_around(data, BOUNDARIES) if self.split_boundaries else [data]
        return [p for p in fragments(parts, self.fragment) if p]


WELL_BEHAVED = Behaviour()


class PeerAbort(Exception):
    """Raised by :class:`Delivery` after it ended the connection on purpose (reset, stall, early close)."""


class Delivery:
    """Writes a response through ``writer`` the way ``behaviour`` says.

    Every wait for the peer to take data is bounded by ``timeout`` seconds (NET-TCP-3: a client that
    never reads does not pin the session forever).
    """

    def __init__(self, writer: asyncio.StreamWriter, behaviour: Behaviour, timeout: float) -> None:
        self.writer = writer
        self.behaviour = behaviour
        self.timeout = timeout
        self.sent = 0
        self._paused = False
        self._started = False
        # drain() returns only once the kernel has everything: a reset then comes after the data
        writer.transport.set_write_buffer_limits(high=0)

    async def write(self, data: bytes) -> None:
        """Write ``data`` (cut, paused, truncated as the behaviour says).

        Raises:
            PeerAbort: the behaviour ended the connection (stall, reset, close) during this write.
        """
        b = self.behaviour
        if not self._started:
            self._started = True
            if b.delay:
                await asyncio.sleep(b.delay)
            if b.ending(0) is not None:
                await self._end_early()
        for piece in b.pieces(data):
            while piece:
                limit = b.next_stop(self.sent, self._paused)
                take = piece if limit is None else piece[: max(0, limit - self.sent)]
                if take:
                    self.writer.write(take)
                    self.sent += len(take)
                    await asyncio.wait_for(self.writer.drain(), self.timeout)
                piece = piece[len(take):]
                if limit is not None and self.sent >= limit:
                    await self._at_limit()
                if b.gap and take:
                    await asyncio.sleep(b.gap)

    async def _at_limit(self) -> None:
        b = self.behaviour
        if b.pause_due(self.sent, self._paused):
            self._paused = True
            await asyncio.sleep(b.pause)
        if b.ending(self.sent) is not None:
            await self._end_early()

    async def _end_early(self) -> None:
        b = self.behaviour
        ending = b.ending(self.sent)
        if ending == "reset":
            reset(self.writer)
        elif ending == "stall":
            await asyncio.sleep(b.stall_for)
            self.writer.transport.abort()
        else:
            with contextlib.suppress(ConnectionError, OSError):
                if self.writer.can_write_eof():
                    self.writer.write_eof()
        raise PeerAbort()

    async def finish(self) -> None:
        """After a complete response: hold the connection open if the behaviour says so."""
        if self.behaviour.hold_open:
            await asyncio.sleep(self.behaviour.hold_open)


#: end the connection with a RST (``SO_LINGER`` {on, 0}, then abort): the shared one
reset = reset_stream


async def read_request(reader: asyncio.StreamReader, *, timeout: float, max_length: int
                       ) -> tuple[wire.Request, bytes]:
    """Read one request line, whatever the segmentation (NET-TCP-1, GOPHER-REQ-3).

    Returns the parsed request and the raw line (with its terminator).  Each wait is bounded by
    ``timeout`` seconds (GOPHER-REQ-7).

    Raises:
        TimeoutError: the client stayed silent that long.
        IncompleteError: the client closed before ending the line.
        ProtocolError: the line is over-long or contains NUL or a stray CR (GOPHER-REQ-6, SEC-1).
    """
    buf = b""
    while True:
        try:
            request, used = wire.parse_request(buf, max_length=max_length)
            return request, buf[:used]
        except IncompleteError:
            pass
        data = await asyncio.wait_for(reader.read(4096), timeout)
        if not data:
            raise IncompleteError(f"client closed after {len(buf)} octets without ending the request line")
        buf += data


class ScriptedPeer(ReferenceServer):
    """A gopher peer that answers with fixed octets and records what clients send.

    Args:
        responses: selector -> the exact octets to send back.
        default: octets for any other selector (default: an error item).
        behaviour: how the octets are delivered (:class:`Behaviour`, write side).
        request_timeout: seconds to wait for a request line.
        read_request: False to never read: accept and answer at once (a peer that speaks first).

    Attributes:
        requests: the raw request lines received, in arrival order (``bytes``, with terminator).
        connections: number of connections accepted.
    """

    NAME = "gopher-peer"
    TRANSPORTS = ("tcp",)

    def __init__(self, responses: Mapping[str, bytes] | None = None, *, default: bytes | None = None,
                 behaviour: Behaviour = WELL_BEHAVED, request_timeout: float = 10.0,
                 read_request: bool = True, **kwargs) -> None:
        super().__init__(**kwargs)
        self.responses = dict(responses or {})
        self.default = default
        self.behaviour = behaviour
        self.request_timeout = request_timeout
        self.read_request = read_request
        self.requests: list[bytes] = []
        self.connections = 0
        self._lock = threading.Lock()

    async def handle_connection(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        with self._lock:
            self.connections += 1
        selector = ""
        if self.read_request:
            try:
                request, raw = await read_request(reader, timeout=self.request_timeout, max_length=2**16)
            except (ProtocolError, TimeoutError):
                return
            with self._lock:
                self.requests.append(raw)
            selector = request.selector
        body = self.responses.get(selector, self.default)
        if body is None:
            body = wire.error_menu(f"no such selector: {selector}")
        delivery = Delivery(writer, self.behaviour, self.request_timeout)
        try:
            await delivery.write(body)
            await delivery.finish()
        except PeerAbort:
            return
        await drain_and_close(reader, writer, linger=0.5)


# --------------------------------------------------------------------------- sample content
#: a minimal valid GIF (1x1 pixel), binary
TINY_GIF = (b"GIF89a\x01\x00\x01\x00\x80\x00\x00\x00\x00\x00\xff\xff\xff!\xf9\x04\x01\x00\x00\x00\x00"
            b",\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;")
#: binary octets holding a lastline in the middle, so a client that reads binaries as text stops early
TRAP_BINARY = bytes(range(256)) + b"\r\n.\r\n" + bytes(range(255, -1, -1)) + b"\n.\n\x00tail"


def sample_root(directory: str | Path) -> Path:
    """Fill ``directory`` with a small gopher tree for client scenarios and tests; return it as a Path.

    Files: ``hello.txt`` (text), ``dots.txt`` (lines beginning with ``.``, a ``.`` line), ``allbytes.bin``
    (every octet value), ``trap.bin`` (binary containing ``\\r\\n.\\r\\n``), ``image.gif``,
    ``page.html``, ``sub/nested.txt``, ``sub/file with space.txt``, and ``mapped/gophermap`` (``i``
    lines, a ``URL:`` link and an item on another host).
    """
    root = Path(directory)
    (root / "sub").mkdir(parents=True, exist_ok=True)
    (root / "mapped").mkdir(exist_ok=True)
    (root / "hello.txt").write_bytes(b"Hello, gopher.\nSecond line.\n")
    (root / "dots.txt").write_bytes(b".hidden\n.\n..x\nmid . dot\nlast line without newline")
    (root / "allbytes.bin").write_bytes(bytes(range(256)) * 4)
    (root / "trap.bin").write_bytes(TRAP_BINARY)
    (root / "image.gif").write_bytes(TINY_GIF)
    (root / "page.html").write_bytes(b"<html><body><p>hello</p></body></html>\n")
    (root / "sub" / "nested.txt").write_bytes(b"nested\n")
    (root / "sub" / "file with space.txt").write_bytes(b"spaced out\n")
    (root / "mapped" / "gophermap").write_bytes(
        b"Welcome to the mapped directory.\n"
        b"0Hello again\t/hello.txt\n"
        b"hA web link\tURL:http://example.test/\n"
        b"1Elsewhere\t/\tother.example.test\t7070\n"
    )
    return root
