"""Gopher servers (RFC 1436): scenarios run against the gopher server under test.

The server is given the suite's document root (``netconformance_fixtures.docroot.FILES``).  Menu wording, item order and
the selector scheme are the server's choice: items are found by the file name their selector ends with.
The bytes of files are exact.  Checks use the sans-I/O wire module (``reference_servers.gopher.wire``).
"""

from __future__ import annotations

import os
import socket
import time
import urllib.parse

from conformance.checks import check, fail
from conformance.errors import NotApplicable, ProtocolError
from conformance.registry import scenario
from conformance.scenarios import common
from netconformance_fixtures import netio
from netconformance_fixtures.context import settings
from netconformance_fixtures.docroot import FILES
from reference_servers.gopher import wire

#: item types a server may give a binary file (GOPHER-TYPE-1: never a text or menu type)
BINARY_TYPES = frozenset("59gIh:;<d") | {"s"}
#: the types RFC 1436 defines plus the documented extensions (GOPHER-TYPE-3)
KNOWN_TYPES = wire.CANONICAL_TYPES | wire.EXTENSION_TYPES | frozenset("s:;<")
#: "Characters '0' through 'Z' are reserved.  Local experiments should use other characters." (RFC 1436 §3.8)
RESERVED_TYPES = frozenset(chr(c) for c in range(ord("0"), ord("Z") + 1))


# ---------------------------------------------------------------------- helpers
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


# ---------------------------------------------------------------------- protocol
@scenario("gopher-server-no-banner", protocol="gopher", role="server", category="protocol",
          requirements=["GOPHER-REQ-1"])
def test_no_banner(server):
    """The server says nothing until it has the request.

    Connects and stays silent for T seconds: any byte received is an unsolicited banner."""
    with netio.connect(server.address("tcp")) as s:
        got = netio.recv_for(s, settings().timeout)
    check(not got.data, "GOPHER-REQ-1", "the server sent bytes before receiving a selector",
          sent=b"", expected="0 bytes", received=got.data, when=got.describe())


@scenario("gopher-server-empty-selector-root-menu", protocol="gopher", role="server", category="protocol",
          requirements=["GOPHER-REQ-2"])
def test_empty_selector(server):
    """An empty selector (a bare CRLF) lists the root: a menu, not an error or an empty close."""
    got = exchange(server.address("tcp"), b"\r\n")
    check(got.data, "GOPHER-REQ-2", "the empty selector got no answer", sent=b"\r\n",
          expected="the root menu", received=got.data, when=got.describe())
    message = wire.error_message(got.data)
    check(message is None, "GOPHER-REQ-2", "the empty selector got an error item instead of the root menu",
          sent=b"\r\n", expected="the root menu", received=got.data)
    items = [i for i in wire.parse_menu(got.data, strict=False) if i.itemtype != wire.INFO]
    check(items, "GOPHER-REQ-2", "the root menu lists nothing, but the root holds files", sent=b"\r\n",
          expected="items for hello.txt, sub/, ...", received=got.data)


def _menu_line_problems(data: bytes) -> str | None:
    """The first menu-syntax problem (GOPHER-MENU-1/3, EXT-1) in a menu response, the lastline's line end
    included (its presence is gopher-server-menu-lastline's).

    Any type character is syntax: ``Type ::= UNASCII`` (RFC 1436 Appendix), and local experiments are told
    to use characters outside '0'-'Z'; which types a server assigns is gopher-server-item-types'."""
    for line, ending in wire.split_lines(data):
        if ending != wire.CRLF and ending:
            what = "the lastline" if line == b"." else f"line {line[:80]!r}"
            return f"{what} ends with a bare LF, not CRLF"
        if line == b".":
            return None
        if not ending:
            return f"line {line[:80]!r} has no line end"
        try:
            wire.parse_menu_line(line, strict=True)
        except ProtocolError as exc:
            return str(exc)
    return None


@scenario("gopher-server-menu-syntax", protocol="gopher", role="server", category="protocol",
          requirements=["GOPHER-MENU-1", "GOPHER-MENU-3", "GOPHER-EXT-1"])
def test_menu_syntax(server):
    """Every menu line is type, display, TAB, selector, TAB, host, TAB, port, CRLF.

    Checks the root menu and the menu of ``sub/``: spaces instead of TABs, a missing or non-numeric port,
    LF-only line ends and ``i`` lines without their four fields all fail."""
    address = server.address("tcp")
    for selector in ("", locate(address, "sub").selector):
        got = exchange(address, wire.format_request(selector))
        problem = _menu_line_problems(got.data)
        check(problem is None, "GOPHER-MENU-1", f"malformed menu line in the menu of {selector!r}: {problem}",
              sent=wire.format_request(selector), expected="TYPE display TAB selector TAB host TAB port CRLF",
              received=got.data)


@scenario("gopher-server-menu-odd-names", protocol="gopher", role="server", category="robustness",
          requirements=["GOPHER-MENU-3"])
def test_menu_odd_names(server):
    """File names holding TAB, CR or LF never break a menu line: such entries are escaped or left out.

    Three such files are added to the root before its menu is first asked for."""
    root = server.require("root")
    for name in ("tab\there.txt", "lf\nhere.txt", "cr\rhere.txt"):
        (root / name).write_bytes(b"odd name\n")
    got = exchange(server.address("tcp"), b"\r\n")
    problem = _menu_line_problems(got.data)
    check(problem is None, "GOPHER-MENU-3", f"a file name broke the root menu: {problem}", sent=b"\r\n",
          expected="every line TYPE display TAB selector TAB host TAB port CRLF", received=got.data)
    items = wire.parse_menu(got.data, strict=False)
    check(any(matches(i, "hello.txt") for i in items), "GOPHER-MENU-3", "the ordinary files vanished from the menu",
          sent=b"\r\n", expected="an item for hello.txt", received=got.data)


@scenario("gopher-server-menu-lastline", protocol="gopher", role="server", category="protocol",
          requirements=["GOPHER-MENU-2"])
def test_menu_lastline(server):
    """A menu ends with the lastline ``.`` on a line of its own, and nothing follows it.

    Without it a client cannot tell a complete menu from a cut connection.  Line ends (a bare LF after the
    ``.`` too) are gopher-server-menu-syntax's finding, not counted twice."""
    address = server.address("tcp")
    for selector in ("", locate(address, "sub").selector):
        got = exchange(address, wire.format_request(selector))
        try:
            wire.check_menu_framing(got.data)
        except ProtocolError as exc:
            fail("GOPHER-MENU-2", f"the menu of {selector!r}: {exc}", sent=wire.format_request(selector),
                 expected="... CRLF . CRLF, then the close", received=got.data, when=got.describe())


@scenario("gopher-server-menu-items-reachable", protocol="gopher", role="server", category="protocol",
          requirements=["GOPHER-MENU-4"])
def test_menu_items_reachable(server):
    """Every selectable item can be fetched at the host and port its menu line advertises.

    Follows each item of the root menu (and of ``sub/``) to its advertised host and port: ``0.0.0.0``, an
    unresolvable name or a port the server does not listen on makes the links dead."""
    address = server.address("tcp")
    items, _ = menu_of(address)
    sub = locate(address, "sub")
    items += menu_of(address, sub.selector)[0]
    followed = 0
    for item in items:
        if not item.selectable:
            continue
        request = wire.format_request(item.selector, "hello" if item.itemtype == wire.SEARCH else None)
        try:
            sock = socket.create_connection((item.host, item.port), timeout=settings().scaled(4))
        except (OSError, UnicodeError) as exc:
            fail("GOPHER-MENU-4", f"item {item.display!r} advertises {item.host}:{item.port}, where nothing answers "
                 f"({getattr(exc, 'strerror', None) or exc})", expected=f"the server, reached at {address[0]}:{address[1]}",
                 received=f"{item.itemtype}{item.display}\t{item.selector}\t{item.host}\t{item.port}")
        sock.close()
        got = exchange((item.host, item.port), request)
        check(got.data and wire.error_message(got.data) is None, "GOPHER-MENU-4",
              f"item {item.display!r} fetched at its advertised {item.host}:{item.port} gave an error or nothing",
              sent=request, expected="the item", received=got.data, when=got.describe())
        followed += 1
    check(followed, "GOPHER-MENU-4", "no selectable item to follow in the root menu", received=b"")


@scenario("gopher-server-menu-display-length", protocol="gopher", role="server", category="protocol",
          requirements=["GOPHER-MENU-5"])
def test_menu_display_length(server):
    """Display strings are under 70 characters (a SHOULD: clients may truncate longer ones)."""
    address = server.address("tcp")
    for selector in ("", locate(address, "sub").selector):
        items, _ = menu_of(address, selector)
        long = [i.display for i in items if len(i.display) >= 70 and i.itemtype != wire.INFO]
        check(not long, "GOPHER-MENU-5", f"{len(long)} display string(s) of 70 characters or more in the menu of "
              f"{selector!r}", expected="display strings under 70 characters", received=repr(long[0])[:120] if long else "")


@scenario("gopher-server-item-types", protocol="gopher", role="server", category="protocol",
          requirements=["GOPHER-TYPE-1", "GOPHER-TYPE-3", "GOPHER-BIN-3"])
def test_item_types(server):
    """Items are typed by what they are: text 0, directory 1, binary 9 (or 5), GIF g (or I/9).

    A binary file typed 0 makes clients un-stuff dots and stop at a ``.`` line, corrupting it."""
    server.require("root")
    address = server.address("tcp")
    expect = {"hello.txt": {"0"}, "dots.txt": {"0"}, "sub": {"1"}, "allbytes.bin": BINARY_TYPES,
              "image.gif": {"g", "I", "9"}, "page.html": {"h", "0", "9"}}
    items, raw = menu_of(address)
    listed = 0
    for name, allowed in expect.items():
        item = next((i for i in items if matches(i, name) and i.itemtype != wire.INFO), None)
        if item is None:
            continue  # what a menu lists is the server's choice (RFC 1436 names no file a server must publish)
        listed += 1
        check(item.itemtype in allowed, "GOPHER-TYPE-1", f"{name} is typed {item.itemtype!r}",
              expected=f"type {' or '.join(sorted(allowed))}", received=f"{item.itemtype}{item.display}\t{item.selector}")
    if not listed:
        raise NotApplicable(f"the root menu lists none of {', '.join(expect)}: nothing to judge the types of")
    odd = sorted({i.itemtype for i in items} & RESERVED_TYPES - KNOWN_TYPES)
    check(not odd, "GOPHER-TYPE-3", f"the root menu uses type characters {odd} that RFC 1436 reserves and does not define",
          expected="RFC 1436 types, i and h, or characters outside '0'-'Z' for local experiments", received=raw)


@scenario("gopher-server-text-item", protocol="gopher", role="server", category="protocol",
          requirements=["GOPHER-TEXT-1"])
def test_text_item(server):
    """A text item is its lines followed by the lastline ``.`` CRLF."""
    server.require("root")
    request, got = fetch_item(server.address("tcp"), "hello.txt")
    check(text_lines(got.data) == file_text("hello.txt"), "GOPHER-TEXT-1", "hello.txt arrived altered",
          sent=request, expected=FILES["hello.txt"], received=got.data, when=got.describe())
    # the lastline is a '.' on a line of its own at the end; its line end, like every other line end of a
    # text item, is gopher-server-text-crlf's finding (one root cause, one failure)
    check(wire.find_lastline(got.data) == len(got.data), "GOPHER-TEXT-1",
          "the text item does not end with the lastline ('.' CR LF on a line of its own)",
          sent=request, expected="the lines, then . CRLF", received=got.data, when=got.describe())


@scenario("gopher-server-text-item-dot-stuffing", protocol="gopher", role="server", category="protocol",
          requirements=["GOPHER-TEXT-2"])
def test_text_dot_stuffing(server):
    """Text lines beginning with ``.`` get an extra ``.``, so a ``.`` line in a file cannot end the item.

    ``dots.txt`` holds ``.hidden line``, a line with ``.`` alone and ``..two dots``."""
    server.require("root")
    request, got = fetch_item(server.address("tcp"), "dots.txt")
    decoded = text_lines(got.data)
    check(decoded == file_text("dots.txt"), "GOPHER-TEXT-2",
          "dots.txt decoded (up to the first lastline, dots un-stuffed) differs from the file",
          sent=request, expected=wire.encode_text(FILES["dots.txt"]), received=got.data, when=got.describe())


@scenario("gopher-server-text-crlf", protocol="gopher", role="server", category="protocol",
          requirements=["GOPHER-TEXT-7"])
def test_text_crlf(server):
    """Text items travel with CRLF line ends (the file's LF converted)."""
    server.require("root")
    request, got = fetch_item(server.address("tcp"), "hello.txt")
    bare = [line for line, ending in wire.split_lines(got.data) if ending == b"\n"]
    check(not bare, "GOPHER-TEXT-7", f"{len(bare)} line(s) of the text item end with a bare LF",
          sent=request, expected="every line ending in CRLF", received=got.data)


@scenario("gopher-server-binary-item-exact", protocol="gopher", role="server", category="protocol",
          requirements=["GOPHER-BIN-1", "GOPHER-BIN-3"])
def test_binary_exact(server):
    """Binary items go out raw until the close: no lastline, no dot-stuffing, no LF to CRLF.

    ``allbytes.bin`` holds every octet value and ``\\r\\n.\\r\\n``; ``image.gif`` is a GIF."""
    server.require("root")
    for name in ("allbytes.bin", "image.gif"):
        request, got = fetch_item(server.address("tcp"), name)
        if got.data != FILES[name]:
            diff = next((i for i, (a, b) in enumerate(zip(got.data, FILES[name])) if a != b),
                        min(len(got.data), len(FILES[name])))
            fail("GOPHER-BIN-1", f"{name} arrived altered, first difference at offset {diff}", sent=request,
                 expected=FILES[name], received=got.data, when=got.describe())
        check(got.end == "eof", "GOPHER-BIN-1", f"{name}: the server did not close after the item", sent=request,
              expected="the close right after the octets", received=got.data, when=got.describe())


@scenario("gopher-server-close-after-response", protocol="gopher", role="server", category="protocol",
          requirements=["GOPHER-REQ-8"])
def test_close_after_response(server):
    """After the response the server closes the connection (gopher keeps no session)."""
    server.require("root")
    request, got = fetch_item(server.address("tcp"), "hello.txt", timeout=settings().scaled(4))
    check(got.end == "eof", "GOPHER-REQ-8", "the connection stayed open after the response", sent=request,
          expected="the close after the lastline", received=got.data, when=got.describe())


@scenario("gopher-server-selector-tab-suffix", protocol="gopher", role="server", category="protocol",
          requirements=["GOPHER-REQ-4", "GOPHER-EXT-4"])
def test_selector_tab_suffix(server):
    """The server uses the request only up to the first TAB: ``selector TAB +`` serves the item.

    A Gopher+ client appends ``TAB +``; a basic server must ignore it (a Gopher+ server may answer with a
    ``+`` header line, which is accepted)."""
    server.require("root")
    request, got = fetch_item(server.address("tcp"), "hello.txt", suffix=b"\t+")
    body = strip_gopher_plus(got.data)
    check(text_lines(body) == file_text("hello.txt"), "GOPHER-REQ-4",
          "the TAB suffix changed the answer (was it taken as part of the selector?)", sent=request,
          expected=FILES["hello.txt"], received=got.data, when=got.describe())


@scenario("gopher-server-error-item", protocol="gopher", role="server", category="protocol",
          requirements=["GOPHER-ERR-1"])
def test_error_item(server):
    """A selector the server cannot serve gets a type-3 error line and the lastline, not an empty close."""
    request = f"/no-such-item-{settings().seed}.txt\r\n".encode()
    got = exchange(server.address("tcp"), request)
    check(got.data, "GOPHER-ERR-1", "a missing selector got an empty close", sent=request,
          expected="3message TAB selector TAB host TAB port CRLF . CRLF", received=got.data, when=got.describe())
    check(wire.error_message(got.data) is not None, "GOPHER-ERR-1", "a missing selector did not get a type-3 error item",
          sent=request, expected="3message TAB selector TAB host TAB port CRLF . CRLF", received=got.data)
    check(wire.find_lastline(got.data) == len(got.data), "GOPHER-ERR-1", "the error item does not end with the lastline",
          sent=request, expected="... CRLF . CRLF", received=got.data)


def _search_item(server) -> wire.MenuItem:
    items, _ = menu_of(server.address("tcp"))
    item = next((i for i in items if i.itemtype == wire.SEARCH), None)
    if item is None:
        raise NotApplicable("the root menu offers no search item (type 7)")
    return item


@scenario("gopher-server-search-menu", protocol="gopher", role="server", category="protocol",
          requirements=["GOPHER-SEARCH-1", "GOPHER-SEARCH-3"])
def test_search_menu(server):
    """A search (``selector TAB words CRLF``) is answered with a menu ending in the lastline.

    Uses the first type-7 item of the root menu; not applicable when there is none."""
    item = _search_item(server)
    check(item.selector, "GOPHER-SEARCH-3", "the search item has an empty selector",
          expected="a non-empty selector", received=item.selector)
    request = wire.format_request(item.selector, "hello")
    got = exchange(server.address("tcp"), request)
    try:  # a menu: lines of fields, then the lastline (line ends are gopher-server-menu-syntax's finding)
        wire.check_menu_framing(got.data)
        for line, _ in wire.split_lines(got.data[: wire.find_lastline(got.data)]):
            if line != b".":
                wire.parse_menu_line(line, strict=True)
    except ProtocolError as exc:
        fail("GOPHER-SEARCH-1", f"the search answer is not a menu: {exc}", sent=request,
             expected="menu lines, then . CRLF", received=got.data, when=got.describe())
    check(wire.error_message(got.data) is None, "GOPHER-SEARCH-1", "the search answer is an error item",
          sent=request, expected="a menu of hits", received=got.data)


@scenario("gopher-server-search-no-hits", protocol="gopher", role="server", category="protocol",
          requirements=["GOPHER-SEARCH-5"])
def test_search_no_hits(server):
    """A search without hits gives an empty menu (just the lastline) or ``i`` lines, never an empty close."""
    item = _search_item(server)
    request = wire.format_request(item.selector, f"zzqx{settings().seed}nohits")
    got = exchange(server.address("tcp"), request)
    check(wire.find_lastline(got.data) is not None, "GOPHER-SEARCH-5", "a search without hits did not get a menu",
          sent=request, expected=". CRLF (an empty menu)", received=got.data, when=got.describe())
    check(wire.error_message(got.data) is None, "GOPHER-SEARCH-5", "a search without hits got an error item",
          sent=request, expected=". CRLF (an empty menu)", received=got.data)


@scenario("gopher-server-url-selector", protocol="gopher", role="server", category="protocol",
          requirements=["GOPHER-EXT-3"])
def test_url_selector(server):
    """``URL:http://...`` selectors get a small HTML page that redirects to the URL and links to it."""
    url = f"http://example.test/netconformance-{settings().seed}"
    request = f"URL:{url}\r\n".encode()
    got = exchange(server.address("tcp"), request)
    page = got.data.lower()
    check(b"http-equiv" in page and b"refresh" in page and url.encode() in got.data and b"href" in page,
          "GOPHER-EXT-3", "the URL: selector did not get an HTML redirect page", sent=request,
          expected=f'HTML with <meta http-equiv="refresh" ...{url}> and <a href="{url}">', received=got.data)


# ---------------------------------------------------------------------- partial reads
@scenario("gopher-server-selector-trickled", protocol="gopher", role="server", category="partial-reads",
          requirements=["GOPHER-REQ-3", "NET-TCP-1"])
def test_selector_trickled(server):
    """The selector arrives one byte per segment: the server waits for the whole line."""
    server.require("root")
    address = server.address("tcp")
    item = locate(address, "hello.txt")
    request = wire.format_request(item.selector)
    with netio.connect(address) as s:
        netio.trickle(s, request, chunk=1, gap=0.004)
        got = netio.recv_to_eof(s)
    check(text_lines(got.data) == file_text("hello.txt"), ["GOPHER-REQ-3", "NET-TCP-1"],
          "a trickled selector was not served like a whole one", sent=request, expected=FILES["hello.txt"],
          received=got.data, when=got.describe())


@scenario("gopher-server-selector-split", protocol="gopher", role="server", category="partial-reads",
          requirements=["GOPHER-REQ-3", "NET-TCP-1"])
def test_selector_split(server):
    """The selector of ``sub/nested.txt`` is cut after the directory and between CR and LF, with pauses.

    A server that acts on the first read serves the directory (or an error) instead of the file."""
    server.require("root")
    address = server.address("tcp")
    item = locate(address, "sub/nested.txt")
    request = wire.format_request(item.selector)
    cut = request.rfind(b"/") if b"/" in request[:-2] else len(request) // 2
    with netio.connect(address) as s:
        netio.send_split(s, request, [cut, len(request) - 1], gap=settings().scaled(0.4))
        got = netio.recv_to_eof(s)
    check(text_lines(got.data) == file_text("sub/nested.txt"), ["GOPHER-REQ-3", "NET-TCP-1"],
          "a selector split across segments was not served like a whole one", sent=request,
          expected=FILES["sub/nested.txt"], received=got.data, when=got.describe())


@scenario("gopher-server-selector-with-surplus", protocol="gopher", role="server", category="partial-reads",
          requirements=["GOPHER-REQ-9"])
def test_selector_with_surplus(server):
    """The request line and more bytes arrive in one segment: the server uses the line and ignores the rest.

    A gopher client sends one line and nothing more, so the surplus is off-protocol: the reaction is a
    warning (GOPHER-REQ-9), whatever RFC 1436 §3.6 says the basic server uses."""
    server.require("root")
    address = server.address("tcp")
    item = locate(address, "hello.txt")
    request = wire.format_request(item.selector) + b"surplus after the request line"
    got = exchange(address, request)
    check(text_lines(got.data) == file_text("hello.txt"), "GOPHER-REQ-9",
          "bytes after the CRLF in the same segment changed the answer", sent=request,
          expected=FILES["hello.txt"], received=got.data, when=got.describe())


# ---------------------------------------------------------------------- robustness
@scenario("gopher-server-request-bare-lf", protocol="gopher", role="server", category="robustness",
          requirements=["GOPHER-REQ-5"])
def test_request_bare_lf(server):
    """A request ended by a bare LF (as sloppy clients send) is served like one ended by CRLF."""
    server.require("root")
    request, got = fetch_item(server.address("tcp"), "hello.txt", ending=b"\n")
    check(text_lines(got.data) == file_text("hello.txt"), "GOPHER-REQ-5", "a bare-LF request was not served",
          sent=request, expected=FILES["hello.txt"], received=got.data, when=got.describe())


@scenario("gopher-server-long-selector", protocol="gopher", role="server", category="robustness",
          requirements=["GOPHER-REQ-6"])
def test_long_selector(server):
    """A 255-character selector (the RFC's limit) naming a real file is served."""
    root = server.require("root")
    address = server.address("tcp")
    item = locate(address, "hello.txt")
    prefix = item.selector[: len(item.selector) - len("hello.txt")]
    name = "L" * (255 - len(prefix) - 4) + ".txt"
    (root / name).write_bytes(b"long selector\n")
    request = wire.format_request(prefix + name)
    got = exchange(address, request)
    check(text_lines(got.data) == b"long selector\n", "GOPHER-REQ-6", "a 255-character selector was not served",
          sent=request, expected=b"long selector\r\n.\r\n", received=got.data, when=got.describe())


@scenario("gopher-server-oversize-request", protocol="gopher", role="server", category="robustness",
          requirements=["GOPHER-REQ-6", "NET-TCP-5"])
def test_oversize_request(server):
    """1 MiB without a line end: the server answers an error or closes, within bounds, and keeps serving."""
    address = server.address("tcp")
    blob = b"x" * 2**20
    with netio.connect(address) as s:
        s.settimeout(settings().scaled(8))
        try:
            s.sendall(blob)
        except OSError:
            pass  # the server stopped reading: fine
        got = netio.recv_to_eof(s, settings().scaled(8))
    check(got.end in ("eof", "reset"), "GOPHER-REQ-6", "1 MiB without a line end: the server neither answered nor closed",
          sent=f"{len(blob)} bytes of 'x', no CRLF", expected="an error item or a close",
          received=got.data or "nothing", when=got.describe())
    if got.data:
        check(wire.error_message(got.data) is not None, "GOPHER-REQ-6", "the oversize request got something else than an error item",
              sent=f"{len(blob)} bytes of 'x'", expected="an error item", received=got.data)
    if server.root is not None:
        serves_hello(address, ("GOPHER-REQ-6", "NET-TCP-5"))


@scenario("gopher-server-selector-with-nul", protocol="gopher", role="server", category="robustness",
          requirements=["GOPHER-SEC-1", "GOPHER-ERR-1"])
def test_selector_with_nul(server):
    """A selector with a NUL octet (``hello.txt`` NUL ``.gif``) gets an error item, not the file, not a crash."""
    server.require("root")
    address = server.address("tcp")
    item = locate(address, "hello.txt")
    request = wire.encode_field(item.selector) + b"\0.gif\r\n"
    got = exchange(address, request)
    check(FILES["hello.txt"].splitlines()[0] not in got.data, "GOPHER-SEC-1",
          "a selector with a NUL octet served the file before the NUL", sent=request,
          expected="an error item", received=got.data)
    check(got.data and wire.error_message(got.data) is not None, "GOPHER-SEC-1",
          "a selector with a NUL octet did not get an error item", sent=request, expected="an error item",
          received=got.data or "nothing", when=got.describe(), detail=server.exit_description() or None)


@scenario("gopher-server-selector-with-cr", protocol="gopher", role="server", category="robustness",
          requirements=["NET-TCP-10", "GOPHER-REQ-2", "GOPHER-ERR-1"])
def test_selector_with_cr(server):
    """A selector with a stray CR (``hello.txt`` CR ``junk`` CRLF) gets a well-formed answer, and the server
    keeps serving.

    The CR does not end the line (only CRLF, or a tolerated bare LF, does), and a lone CR is an UNASCII
    octet (``UNASCII ::= ASCII - [Tab CR-LF NUL]``), so the request is legal: a server that dies on it fails
    NET-TCP-10, one that lives but no longer serves a plain request GOPHER-REQ-2; a silent close instead of
    an error item is the de-facto GOPHER-ERR-1 (a warning)."""
    address = server.address("tcp")
    item = locate(address, "hello.txt") if server.root is not None else wire.MenuItem("0", "", "/hello.txt")
    request = wire.encode_field(item.selector) + b"\rjunk\r\n"
    got = exchange(address, request)
    answered = got.data and (wire.error_message(got.data) is not None or wire.find_lastline(got.data) is not None)
    time.sleep(settings().scaled(0.2))
    common.still_serving(server, "a selector holding a stray CR", sent=request)
    if server.root is not None:
        serves_hello(address, ("GOPHER-REQ-2",))
    check(answered, "GOPHER-ERR-1", "a selector with a stray CR got no well-formed answer", sent=request,
          expected="an error item (or a menu/text ending in the lastline)", received=got.data or "nothing",
          when=got.describe())


# ---------------------------------------------------------------------- security
@scenario("gopher-server-traversal", protocol="gopher", role="server", category="security",
          requirements=["GOPHER-SEC-1"])
def test_traversal(server):
    """Selectors with ``..`` never reach files outside the document root.

    Tries ``../``, ``/../``, ``/sub/../../`` and the server's own selector prefix toward a file placed
    next to the root and toward ``/etc/passwd``."""
    address = server.address("tcp")
    token = f"netconformance-outside-{settings().seed}-{os.getpid()}"
    targets = {"/etc/passwd": b"root:"}
    if server.root is not None:
        (server.root.parent / "outside.txt").write_bytes(token.encode() + b"\n")
        targets["outside.txt"] = token.encode()
    prefix = locate(address, "hello.txt").selector[: -len("hello.txt")] if server.root is not None else "/"
    for name, marker in targets.items():
        name = name.lstrip("/")
        up = "../" * (1 if name == "outside.txt" else 12)
        for selector in (up + name, "/" + up + name, "/sub/../" + up + name, prefix + up + name):
            request = wire.format_request(selector)
            got = exchange(address, request)
            check(marker not in got.data, "GOPHER-SEC-1", f"selector {selector!r} read a file outside the root",
                  sent=request, expected="an error item", received=got.data)


# ---------------------------------------------------------------------- timeouts, concurrency, nonblocking
@scenario("gopher-server-request-timeout", protocol="gopher", role="server", category="timeouts",
          requirements=["GOPHER-REQ-7"])
def test_request_timeout(server):
    """A client that never finishes its request line is disconnected (within 31 s, or 24 T if longer).

    The catalog allows a default request timeout of up to 30 s; a server that closes sooner ends the wait
    sooner."""
    limit = max(settings().scaled(24), 31.0)
    with netio.connect(server.address("tcp")) as s:
        s.sendall(b"abc")
        got = netio.recv_to_eof(s, limit)
    check(got.end in ("eof", "reset"), "GOPHER-REQ-7", "a client stuck mid-request was never disconnected",
          sent=b"abc", expected=f"a close within {limit:g} s", received=got.data or "nothing", when=got.describe())


@scenario("gopher-server-idle-client-does-not-block", protocol="gopher", role="server", category="concurrency",
          requirements=["NET-TCP-6"])
def test_idle_client_does_not_block(server):
    """While one client sits idle mid-request, another is served at once."""
    server.require("root")
    common.idle_client_does_not_block(server, lambda a: serves_hello(a, ("NET-TCP-6",)), idle_bytes=b"/hel")


@scenario("gopher-server-survives-resets", protocol="gopher", role="server", category="nonblocking",
          requirements=["NET-TCP-5", "NET-TCP-10"])
def test_survives_resets(server):
    """20 clients send half a selector and reset; the server still serves the next one."""
    server.require("root")
    common.survives_resets(server, serves_hello, partial=b"/hel")


@scenario("gopher-server-half-close-after-request", protocol="gopher", role="server", category="nonblocking",
          requirements=["NET-TCP-4"])
def test_half_close(server):
    """A client that shuts down its sending side right after the request still gets the whole item."""
    server.require("root")
    address = server.address("tcp")
    item = locate(address, "hello.txt")
    request = wire.format_request(item.selector)
    with netio.connect(address) as s:
        s.sendall(request)
        netio.half_close(s)
        got = netio.recv_to_eof(s)
    check(text_lines(got.data) == file_text("hello.txt"), "NET-TCP-4", "after a half-close the item did not arrive",
          sent=request, expected=FILES["hello.txt"], received=got.data, when=got.describe())


@scenario("gopher-server-large-binary", protocol="gopher", role="server", category="nonblocking",
          requirements=["NET-TCP-3", "GOPHER-BIN-1"])
def test_large_binary(server):
    """A 4 MiB binary item to a client with a small receive buffer that reads slowly arrives byte-exact.

    The server's writes block (or return EAGAIN) many times; it must keep writing until all is sent."""
    root = server.require("root")
    import random

    data = random.Random(settings().seed).randbytes(4 * 2**20)
    (root / "large.bin").write_bytes(data)
    address = server.address("tcp")
    prefix = locate(address, "allbytes.bin").selector[: -len("allbytes.bin")]
    request = wire.format_request(prefix + "large.bin")
    with netio.connect(address, rcvbuf=8192) as s:
        s.sendall(request)
        time.sleep(settings().scaled(0.6))  # let the server fill every buffer and block
        got = netio.recv_to_eof(s, settings().scaled(40), limit=8 * 2**20)
    check(got.data == data, ["NET-TCP-3", "GOPHER-BIN-1"], "a 4 MiB binary item arrived incomplete or altered",
          sent=request, expected=f"{len(data)} bytes", received=f"{len(got.data)} bytes", when=got.describe())


@scenario("gopher-server-unread-input", protocol="gopher", role="server", category="nonblocking",
          requirements=["NET-TCP-9"])
def test_unread_input(server):
    """Request plus 64 KiB of junk in one write, then a slow reader of a 4 MiB item: the whole item arrives.

    A server that closes while the junk is still unread makes its kernel send a RST, which throws away
    the part of the item still queued for the slow client."""
    root = server.require("root")
    import random

    data = random.Random(f"{settings().seed}:unread").randbytes(4 * 2**20)
    (root / "large.bin").write_bytes(data)
    address = server.address("tcp")
    prefix = locate(address, "allbytes.bin").selector[: -len("allbytes.bin")]
    request = wire.format_request(prefix + "large.bin")
    with netio.connect(address, rcvbuf=8192) as s:
        s.sendall(request + b"j" * 65536)
        time.sleep(settings().scaled(2))  # the server has written what fits and may have closed
        got = netio.recv_to_eof(s, settings().scaled(40), limit=8 * 2**20)
    check(got.data == data, "NET-TCP-9", "the item was cut short: closing with unread input reset the connection",
          sent=request + b"j" * 65536, expected=f"{len(data)} bytes, then the close",
          received=f"{len(got.data)} bytes", when=got.describe())
