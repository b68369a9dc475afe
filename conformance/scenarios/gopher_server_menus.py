"""Gopher server scenarios: the connection, menus and their item types, and search servers (RFC 1436 §2,
§3.5-§3.8).
"""

from __future__ import annotations

import socket

from conformance.checks import check, fail
from conformance.errors import NotApplicable, ProtocolError
from conformance.registry import scenario
from conformance.scenarios.gopherdriver import exchange, locate, matches, menu_of
from netconformance_fixtures import netio
from netconformance_fixtures.context import settings
from reference_servers.gopher import wire

#: item types a server may give a binary file (GOPHER-TYPE-1: never a text or menu type)
BINARY_TYPES = frozenset("59gIh:;<d") | {"s"}
#: the types RFC 1436 defines plus the documented extensions (GOPHER-TYPE-3)
KNOWN_TYPES = wire.CANONICAL_TYPES | wire.EXTENSION_TYPES | frozenset("s:;<")
#: "Characters '0' through 'Z' are reserved.  Local experiments should use other characters." (RFC 1436 §3.8)
RESERVED_TYPES = frozenset(chr(c) for c in range(ord("0"), ord("Z") + 1))


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
    if not item.selector:  # GOPHER-SEARCH-3: allowed, not wrong, so not a finding (it was an info failure)
        raise NotApplicable("the root menu's search item has an empty selector: RFC 1436 3.7 has the client send "
                            "only the words then, which a server cannot tell from a selector (GOPHER-SEARCH-3)")
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
