"""The reference gopher server (RFC 1436): serves a document root.

* Menus are generated from directories (or read from a ``gophermap``); items are typed by extension
  and content (:func:`~reference_servers.gopher.menu.item_type`).
* Text items (0) are sent with CRLF line ends, dot-stuffed, and ended by the lastline; binary items
  (9, g, I, 5) and ``h`` items go out raw until the close (GOPHER-BIN-1, GOPHER-EXT-2).
* The search item (type 7, ``search:``) matches file names; ``URL:`` selectors get a redirect page.
* A selector the server cannot serve (missing, outside the root, malformed) gets a type-3 error menu
  (GOPHER-ERR-1).  Bare-LF requests are accepted (GOPHER-REQ-5); the request is used only up to the
  first TAB (GOPHER-REQ-4); over-long request lines are refused (GOPHER-REQ-6); clients that never
  finish their line are dropped after ``idle_timeout`` seconds (GOPHER-REQ-7).
* Host and port in menus are, unless configured otherwise (a server behind a proxy or NAT), the local
  address of the connection the client reached, so every item is reachable (GOPHER-MENU-4).

Usage::

    with GopherServer("127.0.0.1", 0, root="/srv/gopher").start() as srv:
        host, port = srv.address()
"""

from __future__ import annotations

import asyncio
import collections
import logging
from collections.abc import Iterator
from pathlib import Path

from reference_servers.base import ReferenceServer
from reference_servers.errors import IncompleteError, ProtocolError
from reference_servers.streams import drain_and_close

from . import menu, wire
from .peer import WELL_BEHAVED, Behaviour, Delivery, PeerAbort, read_request

log = logging.getLogger("reference_servers.gopher")

#: chunk size for binary items
CHUNK = 65536


class GopherServer(ReferenceServer):
    """Reference gopher server over TCP.

    Args:
        host, port: address to bind (port 0: any free port).
        root: the document root (``str`` or ``Path``); must be a directory.
        advertise_host: host written in menus (default: the local address each client connected to).
        advertise_port: port written in menus (default: the local port each client connected to).
        max_request: longest request line accepted, in octets (default 4096; selectors of 255
            characters are always served, GOPHER-REQ-6).
        max_text: largest text item served, in octets (larger files are refused with an error item).
        behaviour: how to misbehave for client scenarios (:class:`~reference_servers.gopher.peer.Behaviour`).
        idle_timeout, transports: as :class:`~reference_servers.base.ReferenceServer`.

    Attributes:
        requests: the last 1000 raw request lines received (with terminator), in arrival order.

    Raises:
        NotADirectoryError: ``root`` is not a directory.
    """

    NAME = "gopher"
    TRANSPORTS = ("tcp",)

    def __init__(self, host: str = "127.0.0.1", port: int = 0, *, root: str | Path,
                 advertise_host: str | None = None, advertise_port: int | None = None, max_request: int = 4096,
                 max_text: int = 64 * 2**20, behaviour: Behaviour | str = WELL_BEHAVED, **kwargs) -> None:
        super().__init__(host, port, **kwargs)
        self.root = Path(root).resolve()
        if not self.root.is_dir():
            raise NotADirectoryError(f"gopher root {root} is not a directory")
        self.advertise_host = advertise_host
        self.advertise_port = advertise_port
        self.max_request = max(max_request, wire.MAX_SELECTOR + 2)
        self.max_text = max_text
        self.behaviour = Behaviour.parse(behaviour) if isinstance(behaviour, str) else behaviour
        self.requests: collections.deque[bytes] = collections.deque(maxlen=1000)

    # ------------------------------------------------------------------ session
    async def handle_connection(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        local = writer.get_extra_info("sockname") or (self.host, self.port)
        host = self.advertise_host or local[0]
        port = self.advertise_port or local[1]
        try:
            request, raw = await read_request(reader, timeout=self.idle_timeout, max_length=self.max_request)
        except IncompleteError:
            return  # closed mid-line: nobody to answer
        except ProtocolError as exc:
            log.debug("bad request: %s", exc)
            writer.write(wire.error_menu(f"bad request: {exc}"))
            await drain_and_close(reader, writer)
            return
        self.requests.append(raw)
        delivery = Delivery(writer, self.behaviour, self.idle_timeout)
        try:
            for chunk in self.respond(request, host, port):
                await delivery.write(chunk)
            await delivery.finish()
        except PeerAbort:
            return
        await drain_and_close(reader, writer)

    # ------------------------------------------------------------------ responses
    def respond(self, request: wire.Request, host: str, port: int) -> Iterator[bytes]:
        """The response to ``request`` as a sequence of octet chunks (menus, text, binary, errors)."""
        b = self.behaviour
        if b.error is not None:
            yield self.error(b.error)
            return
        selector = request.selector
        if selector.startswith("URL:"):
            yield menu.url_redirect_page(selector[4:])
            return
        if selector == menu.SEARCH_SELECTOR:
            yield self.format_menu(menu.search(self.root, request.search or "", host, port))
            return
        path = menu.resolve(self.root, selector)
        if path is None or not path.exists():
            yield self.error(f"'{selector}' does not exist")
            return
        if path.is_dir():
            yield self.format_menu(menu.directory_menu(self.root, path, host, port))
            return
        if not menu.servable(path):
            yield self.error(f"'{selector}' is not a regular file")
            return
        itemtype = menu.item_type(path)
        try:
            if itemtype in wire.LASTLINE_TYPES:
                if path.stat().st_size > self.max_text:
                    yield self.error(f"'{selector}' is too large for a text item")
                    return
                yield self.encode_text(path.read_bytes())
            else:
                yield from self.binary(path)
                if b.lastline_on_binary:
                    yield wire.LASTLINE
        except OSError as exc:
            yield self.error(f"'{selector}' cannot be read: {exc.strerror}")

    def error(self, message: str) -> bytes:
        """An error response (GOPHER-ERR-1)."""
        return wire.error_menu(message)

    def format_menu(self, items: list[wire.MenuItem]) -> bytes:
        """Menu octets, as the behaviour shapes them (lastline, line ends, ``i`` lines, Gopher+ fields)."""
        b = self.behaviour
        ending = b.line_ending
        out = bytearray()
        for item in items:
            if b.sparse_info and item.itemtype == wire.INFO:
                out += wire.encode_field(item.itemtype + item.display) + ending
                continue
            if b.gopher_plus and item.selectable:
                item = wire.MenuItem(item.itemtype, item.display, item.selector, item.host, item.port, ("+",))
            out += wire.format_menu_line(item, line_ending=ending)
        if not b.no_lastline:
            out += b"." + ending
        return bytes(out)

    def encode_text(self, content: bytes) -> bytes:
        """Text item octets: CRLF, dot-stuffing, lastline (GOPHER-TEXT-1, -2, -7)."""
        b = self.behaviour
        return wire.encode_text(content, lastline=not b.no_lastline, line_ending=b.line_ending)

    def binary(self, path: Path) -> Iterator[bytes]:
        """The file's octets, unchanged, in chunks (GOPHER-BIN-1)."""
        with path.open("rb") as f:
            while chunk := f.read(CHUNK):
                yield chunk
