"""The suite-side Gopher client driver (RFC 1436) the Gopher server scenarios speak through.

:func:`exchange` sends one selector line on a fresh connection and reads to EOF with a bounded wait;
menus are parsed with the sans-I/O :mod:`reference_servers.gopher.wire`; items are found by the file name
their selector ends with (:func:`locate`), since menu wording, order and the selector scheme are the
server's choice.
"""

from __future__ import annotations

import urllib.parse

from conformance.checks import check, fail
from conformance.errors import ProtocolError
from netconformance_fixtures import netio
from netconformance_fixtures.docroot import FILES
from reference_servers.gopher import wire


def exchange(address, request: bytes, timeout: float | None = None) -> netio.Received:
    """Send ``request`` and read to EOF (bounded)."""
    with netio.connect(address) as s:
        s.sendall(request)
        return netio.recv_to_eof(s, timeout)


def text_lines(data: bytes) -> bytes:
    """A text or menu response decoded leniently (lastline dropped, dots un-stuffed), LF line ends."""
    return wire.decode_text(data, require_lastline=False).replace(b"\r\n", b"\n")


def file_text(name: str) -> bytes:
    """The expected decoded text of a file of the document root (LF line ends, final LF)."""
    data = FILES[name]
    return data if data.endswith(b"\n") else data + b"\n"


def strip_gopher_plus(data: bytes) -> bytes:
    """Drop a Gopher+ reply header line (``+-1``, ``+-2``, ``+N``), legal from a Gopher+ server (GOPHER-EXT-4)."""
    if data.startswith(b"+"):
        end = data.find(b"\n")
        return data[end + 1:] if end >= 0 else b""
    return data


def menu_of(address, selector: str = "", reqs=("GOPHER-MENU-1",)) -> tuple[list[wire.MenuItem], bytes]:
    """Fetch a menu and parse it leniently (the strict checks are scenarios of their own)."""
    got = exchange(address, wire.format_request(selector))
    try:
        items = wire.parse_menu(got.data, strict=False)
    except ProtocolError as exc:  # pragma: no cover - lenient parsing rarely fails
        fail(reqs, f"the menu for selector {selector!r} cannot be parsed: {exc}", sent=wire.format_request(selector),
             received=got.data, when=got.describe())
    return items, got.data


def matches(item: wire.MenuItem, name: str) -> bool:
    sel = item.selector.rstrip("/")
    return sel.endswith((name, urllib.parse.quote(name))) or item.display.rstrip("/") == name


def locate(address, relpath: str) -> wire.MenuItem:
    """The menu item of ``relpath`` (``sub/nested.txt``), found by walking menus from the root; when a
    menu does not list it, the conventional ``/relpath`` selector on the same server."""
    items, _ = menu_of(address)
    parts = relpath.split("/")
    for depth, part in enumerate(parts):
        found = next((i for i in items if matches(i, part) and i.itemtype != wire.INFO), None)
        if found is None:
            break
        if depth == len(parts) - 1:
            return found
        items, _ = menu_of(address, found.selector)  # the address reached: reachability is its own scenario
    guess = wire.TEXT if relpath.endswith(".txt") else wire.BINARY
    return wire.MenuItem(guess, relpath, "/" + relpath, *address)


def fetch_item(address, relpath: str, *, suffix: bytes = b"", ending: bytes = b"\r\n",
               timeout: float | None = None) -> tuple[bytes, netio.Received]:
    """Locate ``relpath`` and fetch it from the address the test reached (not the advertised one:
    reachability is its own scenario).  Returns the request sent and what arrived."""
    item = locate(address, relpath)
    request = wire.encode_field(item.selector) + suffix + ending
    return request, exchange(address, request, timeout)


def serves_hello(address, reqs=("NET-TCP-5",)) -> None:
    """One normal exchange: the text item ``hello.txt`` arrives complete."""
    request, got = fetch_item(address, "hello.txt")
    check(text_lines(got.data) == file_text("hello.txt"), reqs, "a normal request was not served",
          sent=request, expected=FILES["hello.txt"], received=got.data, when=got.describe())
