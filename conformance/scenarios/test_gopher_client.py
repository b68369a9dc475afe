"""Gopher clients (RFC 1436): the client under test fetches one URL from a scripted peer.

Contract (DESIGN §5): the client fetches ``{url}`` (``gopher://host:port/TYPEselector``, search words
after ``%09``) and writes the item to stdout, either as received (menus and text with their lastline
and stuffed dots, as curl prints them) or decoded (lastline removed, dots un-stuffed); binary items
byte for byte.  Exit 0 means success; an error item, an empty response or a network error is non-zero.
Acceptable outputs come from :func:`reference_servers.gopher.wire.client_outputs`.
"""

from __future__ import annotations

import random
import time

from conformance.checks import check, fail
from conformance.registry import scenario
from conformance.scenarios import common
from netconformance_fixtures.context import settings
from netconformance_fixtures.docroot import FILES, GIF
from netconformance_fixtures.peers import TcpPeer
from netconformance_fixtures.process import Run
from reference_servers.gopher import wire

TCP = ("tcp",)
MENU = wire.format_menu([
    wire.info_item("Welcome to the netconformance gopher peer"),
    wire.MenuItem("0", "Hello", "/hello.txt", "127.0.0.1", 70),
    wire.MenuItem("1", "A directory", "/sub", "127.0.0.1", 70),
    wire.MenuItem("9", "Every byte", "/allbytes.bin", "127.0.0.1", 70),
    wire.MenuItem("7", "Search", "/search", "127.0.0.1", 70),
])


# ---------------------------------------------------------------------- peers and judgements
class Script:
    """A peer handler: reads the request line, records it, answers ``response`` (whole, in ``chunk``-byte
    writes ``gap`` seconds apart, or cut at ``cuts``), then closes, resets or stalls."""

    def __init__(self, response: bytes, *, chunk: int | None = None, gap: float = 0.0,
                 cuts: list[int] | None = None, then: str = "close") -> None:
        self.response = response
        self.chunk, self.gap, self.cuts, self.then = chunk, gap, cuts, then
        self.requests: list[bytes] = []
        self.request_delays: list[float] = []

    def __call__(self, conn) -> None:
        accepted = time.monotonic()
        request = conn.recv_until(lambda b: b"\n" in b, settings().scaled(8))
        if b"\n" not in request:
            conn.close()
            return
        self.requests.append(request)
        self.request_delays.append(time.monotonic() - accepted)
        if not conn.send(self.response, chunk=self.chunk, gap=self.gap, cuts=self.cuts):
            return
        {"close": conn.close, "reset": conn.reset, "stall": conn.stall}[self.then]()


def url(peer: TcpPeer, itemtype: str, selector: str, search: str | None = None) -> str:
    return wire.format_url(peer.address[0], peer.address[1], itemtype, selector, search)


def fetch(client, script: Script, itemtype: str, selector: str, search: str | None = None,
          **peer_kwargs) -> tuple[Run, str]:
    with TcpPeer(script, **peer_kwargs) as peer:
        target = url(peer, itemtype, selector, search)
        run = common.run_client(client, peer.address, "tcp", url=target)
    return run, target


def accepted_outputs(response: bytes, itemtype: str) -> tuple[bytes, ...]:
    """The outputs DESIGN §5 accepts: the item as received or decoded; a decoded menu or text item may also
    carry its line ends as LF (a client printing lines in the platform's text convention), which is
    structure-preserving, unlike stopping early or un-stuffing wrongly."""
    outputs = wire.client_outputs(response, itemtype)
    if wire.framing(itemtype) == "lastline" and itemtype != wire.HTML:
        outputs = tuple(dict.fromkeys((*outputs, outputs[-1].replace(b"\r\n", b"\n"))))
    return outputs


def expect_item(run: Run, reqs, summary: str, response: bytes, itemtype: str, target: str) -> None:
    """The client exits 0 and prints the item as received or decoded (DESIGN §5), nothing in between."""
    outputs = accepted_outputs(response, itemtype)
    common.expect_success(run, reqs, summary, sent=target)
    if run.stdout not in outputs:
        forms = " or ".join(("as received", "decoded")[: len(outputs)]) if len(outputs) > 1 else "exactly"
        fail(reqs, f"{summary}: the client printed something else than the item", sent=target,
             expected=outputs[-1], received=run.stdout,
             detail=f"accepted: the item {forms} ({', '.join(str(len(o)) + ' bytes' for o in outputs)})")


def expect_no_request(peer: TcpPeer, reqs, summary: str, forbidden: bytes, target: str) -> None:
    got = b"".join(bytes(c.received) for c in peer.connections)
    check(forbidden not in got, reqs, f"{summary}: the client sent a gopher request for it", sent=target,
          expected="no request line carrying the selector", received=got)


# ---------------------------------------------------------------------- protocol
@scenario("gopher-client-menu", protocol="gopher", role="client", category="protocol",
          requirements=["GOPHER-CLIENT-4"])
def test_menu(client):
    """A plain menu ending in the lastline: printed as received or without the lastline."""
    script = Script(MENU)
    run, target = fetch(client, script, "1", "/")
    expect_item(run, ["GOPHER-CLIENT-4"], "plain menu", MENU, "1", target)


@scenario("gopher-client-text-dot-unstuffing", protocol="gopher", role="client", category="protocol",
          requirements=["GOPHER-TEXT-3", "GOPHER-CLIENT-4"])
def test_text_dot_unstuffing(client):
    """A dot-stuffed text item (``dots.txt``): the decoded form loses exactly one leading dot per line."""
    response = wire.encode_text(FILES["dots.txt"])
    run, target = fetch(client, Script(response), "0", "/dots.txt")
    expect_item(run, ["GOPHER-TEXT-3"], "dot-stuffed text", response, "0", target)


@scenario("gopher-client-text-dot-lines", protocol="gopher", role="client", category="protocol",
          requirements=["GOPHER-TEXT-5"])
def test_text_dot_lines(client):
    """Only a line holding ``.`` alone ends the text: ``..`` and ``.y`` lines are content."""
    response = b"x\r\n..\r\n.y\r\n.\r\n"
    run, target = fetch(client, Script(response), "0", "/dots")
    expect_item(run, ["GOPHER-TEXT-5"], "text with '..' and '.y' lines", response, "0", target)


@scenario("gopher-client-text-without-lastline", protocol="gopher", role="client", category="protocol",
          requirements=["GOPHER-TEXT-4"])
def test_text_without_lastline(client):
    """A server closes after the text without a lastline: the client takes what came, no error, no hang."""
    response = b"hello\r\nworld\r\n"
    run, target = fetch(client, Script(response), "0", "/finger")
    expect_item(run, ["GOPHER-TEXT-4"], "text closed without the lastline", response, "0", target)


@scenario("gopher-client-binary-with-lastline-inside", protocol="gopher", role="client", category="protocol",
          requirements=["GOPHER-BIN-2", "GOPHER-CLIENT-4"])
def test_binary_with_lastline_inside(client):
    """A type-9 item holding ``\\r\\n.\\r\\n`` is read until the close, byte for byte."""
    response = FILES["allbytes.bin"]
    run, target = fetch(client, Script(response), "9", "/allbytes.bin")
    expect_item(run, ["GOPHER-BIN-2", "GOPHER-CLIENT-4"], "binary item with a lastline inside", response, "9", target)


@scenario("gopher-client-image-item", protocol="gopher", role="client", category="protocol",
          requirements=["GOPHER-BIN-3"])
def test_image_item(client):
    """``g`` and ``I`` items are binary: read until the close (this GIF carries ``\\r\\n.\\r\\n`` after its trailer)."""
    response = GIF + b"\r\n.\r\n" + bytes(range(256))
    for itemtype in ("g", "I"):
        run, target = fetch(client, Script(response), itemtype, "/image.gif")
        expect_item(run, ["GOPHER-BIN-3"], f"type-{itemtype} image", response, itemtype, target)


@scenario("gopher-client-html-item", protocol="gopher", role="client", category="protocol",
          requirements=["GOPHER-EXT-2"])
def test_html_item(client):
    """An ``h`` item is read until the close, whether or not the server adds a trailing lastline; a
    ``.`` line inside the HTML is content."""
    page = b"<html><body><pre>\r\n.\r\n</pre></body></html>\r\n"
    for response in (page, page + b".\r\n"):
        run, target = fetch(client, Script(response), "h", "/page.html")
        expect_item(run, ["GOPHER-EXT-2"], "HTML item" + (" with a lastline" if response != page else ""),
                    response, "h", target)


@scenario("gopher-client-search-request", protocol="gopher", role="client", category="protocol",
          requirements=["GOPHER-SEARCH-2", "GOPHER-CLIENT-4"])
def test_search_request(client):
    """A search URL (``7/search%09gopher protocol``) sends ``/search TAB gopher protocol CRLF`` exactly."""
    script = Script(MENU)
    run, target = fetch(client, script, "7", "/search", "gopher protocol")
    expected = b"/search\tgopher protocol\r\n"
    check(script.requests, "GOPHER-SEARCH-2", "no request arrived", sent=target, expected=expected,
          received=run.describe())
    check(script.requests[0] == expected, "GOPHER-SEARCH-2", "the search request is not selector TAB words CRLF",
          sent=target, expected=expected, received=script.requests[0])
    expect_item(run, ["GOPHER-CLIENT-4"], "search results", MENU, "7", target)  # the request was right


@scenario("gopher-client-selector-opaque", protocol="gopher", role="client", category="protocol",
          requirements=["GOPHER-CLIENT-1"])
def test_selector_opaque(client):
    """The selector goes out exactly as the URL carries it (percent-decoded only): not trimmed, not
    re-encoded, no ``/`` added, case kept (`` Weird Sel/%20`` + U+00E4 + DEL)."""
    selector = " Weird Sel/%20\u00e4\x7f"
    script = Script(b"ok\r\n.\r\n")
    _, target = fetch(client, script, "0", selector)
    expected = wire.format_request(selector)
    check(script.requests and script.requests[0] == expected, "GOPHER-CLIENT-1",
          "the selector was altered on the way out", sent=target, expected=expected,
          received=script.requests[0] if script.requests else "no request")


@scenario("gopher-client-no-gopher-plus-suffix", protocol="gopher", role="client", category="protocol",
          requirements=["GOPHER-EXT-4"])
def test_no_gopher_plus_suffix(client):
    """A basic fetch sends the selector and CRLF only: no Gopher+ ``TAB +`` unless the client speaks Gopher+."""
    script = Script(wire.encode_text(FILES["hello.txt"]))
    _, target = fetch(client, script, "0", "/hello.txt")
    check(script.requests == [b"/hello.txt\r\n"], "GOPHER-EXT-4", "the request carries more than the selector",
          sent=target, expected=b"/hello.txt\r\n", received=script.requests[0] if script.requests else "no request")


@scenario("gopher-client-request-without-greeting", protocol="gopher", role="client", category="protocol",
          requirements=["GOPHER-CLIENT-3"])
def test_request_without_greeting(client):
    """The peer says nothing: the client sends its request right after connecting (within 2 T)."""
    script = Script(b"ok\r\n.\r\n")
    run, target = fetch(client, script, "0", "/greeting")
    check(script.requests, "GOPHER-CLIENT-3", "the client never sent its request (waiting for a greeting?)",
          sent=target, expected="the request line right after the connect", received=run.describe())
    check(script.request_delays[0] <= settings().scaled(2) + 0.5, "GOPHER-CLIENT-3", "the request came late",
          sent=target, expected=f"within {settings().scaled(2):g} s of the connect",
          received=f"after {script.request_delays[0]:.2f} s")


@scenario("gopher-client-error-item", protocol="gopher", role="client", category="protocol",
          requirements=["GOPHER-ERR-2"])
def test_error_item(client):
    """The server answers with a type-3 error item: the client reports the error (non-zero exit)."""
    run, target = fetch(client, Script(wire.error_menu("'/gone' does not exist")), "0", "/gone")
    common.expect_error(run, ["GOPHER-ERR-2"], "error item instead of the text", sent=target)


@scenario("gopher-client-empty-response", protocol="gopher", role="client", category="protocol",
          requirements=["GOPHER-ERR-3"])
def test_empty_response(client):
    """The server closes without sending a byte: the client reports an empty response (non-zero exit)."""
    run, target = fetch(client, Script(b""), "1", "/empty")
    common.expect_error(run, ["GOPHER-ERR-3"], "empty close instead of a menu", sent=target)


@scenario("gopher-client-telnet-item", protocol="gopher", role="client", category="protocol",
          requirements=["GOPHER-TYPE-4"])
def test_telnet_item(client):
    """A type-8 (telnet) URL: the client never sends the login name as a gopher selector."""
    script = Script(b"")
    with TcpPeer(script) as peer:
        target = url(peer, "8", "guestlogin")
        common.run_client(client, peer.address, "tcp", url=target)
        time.sleep(settings().scaled(0.2))
        expect_no_request(peer, ["GOPHER-TYPE-4"], "telnet item", b"guestlogin", target)


@scenario("gopher-client-url-link", protocol="gopher", role="client", category="protocol",
          requirements=["GOPHER-EXT-3"])
def test_url_link(client):
    """An ``h`` item whose selector is ``URL:http://...``: the client opens (or reports) the URL and does not
    send ``URL:...`` to the gopher server."""
    script = Script(b"<html>redirect</html>\r\n")
    with TcpPeer(script) as peer:
        target = url(peer, "h", "URL:http://example.test/netconformance")
        common.run_client(client, peer.address, "tcp", url=target)
        time.sleep(settings().scaled(0.2))
        expect_no_request(peer, ["GOPHER-EXT-3"], "URL: link", b"URL:", target)


# ---------------------------------------------------------------------- robustness: menus
@scenario("gopher-client-menu-sparse-info", protocol="gopher", role="client", category="robustness",
          requirements=["GOPHER-EXT-1"])
def test_menu_sparse_info(client):
    """``i`` lines with all four fields and with the display string alone are both accepted."""
    response = (b"iHello\tfake\t(NULL)\t0\r\niBare info line\r\n"
                b"0Hello\t/hello.txt\t127.0.0.1\t70\r\n.\r\n")
    run, target = fetch(client, Script(response), "1", "/")
    expect_item(run, ["GOPHER-EXT-1"], "menu with sparse i lines", response, "1", target)


@scenario("gopher-client-menu-gopher-plus-fields", protocol="gopher", role="client", category="robustness",
          requirements=["GOPHER-MENU-6"])
def test_menu_gopher_plus_fields(client):
    """Menu lines with Gopher+ fields after the port (``70 TAB +``, ``TAB ?``) are accepted."""
    response = (b"0Hello\t/hello.txt\t127.0.0.1\t70\t+\r\n7Ask\t/ask\t127.0.0.1\t70\t?\r\n"
                b"1Dir\t/sub\t127.0.0.1\t70\r\n.\r\n")
    run, target = fetch(client, Script(response), "1", "/")
    expect_item(run, ["GOPHER-MENU-6"], "menu with Gopher+ fields", response, "1", target)


@scenario("gopher-client-menu-lf-only", protocol="gopher", role="client", category="robustness",
          requirements=["GOPHER-CLIENT-5", "GOPHER-TEXT-7"])
def test_menu_lf_only(client):
    """A menu with LF-only line ends, a blank line and trailing spaces (and ``.`` LF) is accepted."""
    response = (b"0Hello\t/hello.txt\t127.0.0.1\t70 \n\n1Dir\t/sub\t127.0.0.1\t70\n.\n")
    run, target = fetch(client, Script(response), "1", "/")
    expect_item(run, ["GOPHER-CLIENT-5"], "LF-only menu", response, "1", target)


@scenario("gopher-client-menu-unknown-types", protocol="gopher", role="client", category="robustness",
          requirements=["GOPHER-TYPE-2", "GOPHER-EXT-5", "GOPHER-MENU-8"])
def test_menu_unknown_types(client):
    """Items of unknown or Gopher+ types (``Z d s ; w p : <``) and a ``+`` redundant-server line are accepted."""
    lines = [f"{t}Item of type {t}\t/{t}\t127.0.0.1\t70\r\n".encode() for t in "Zds;wp:<"]
    lines.insert(1, b"+Same directory elsewhere\t/Z\tmirror.example.test\t70\r\n")
    response = b"".join(lines) + b".\r\n"
    run, target = fetch(client, Script(response), "1", "/")
    expect_item(run, ["GOPHER-TYPE-2"], "menu with unknown item types", response, "1", target)


@scenario("gopher-client-menu-high-octets", protocol="gopher", role="client", category="robustness",
          requirements=["GOPHER-MENU-7", "GOPHER-MENU-5"])
def test_menu_high_octets(client):
    """Display strings in Latin-1 (0xE9), in UTF-8 and 300 characters long are accepted, not fatal."""
    response = (b"0Caf\xe9 in Latin-1\t/latin1\t127.0.0.1\t70\r\n"
                + "0Café in UTF-8 ☕\t/utf8\t127.0.0.1\t70\r\n".encode()
                + b"0" + b"L" * 300 + b"\t/long\t127.0.0.1\t70\r\n.\r\n")
    run, target = fetch(client, Script(response), "1", "/")
    expect_item(run, ["GOPHER-MENU-7"], "menu with 8-bit and long display strings", response, "1", target)


# ---------------------------------------------------------------------- partial reads
@scenario("gopher-client-fragmented-text", protocol="gopher", role="client", category="partial-reads",
          requirements=["NET-TCP-1", "GOPHER-CLIENT-4"])
def test_fragmented_text(client):
    """The text item arrives one byte per segment, 5 ms apart: the client keeps reading to the lastline."""
    response = wire.encode_text(FILES["hello.txt"] + FILES["dots.txt"])
    run, target = fetch(client, Script(response, chunk=1, gap=0.005), "0", "/hello.txt")
    expect_item(run, ["NET-TCP-1"], "text in 1-byte segments", response, "0", target)


@scenario("gopher-client-split-at-boundaries", protocol="gopher", role="client", category="partial-reads",
          requirements=["NET-TCP-1"])
def test_split_at_boundaries(client):
    """A menu cut before and after every CR, LF, TAB and ``.``, with 20 ms pauses: same result as whole."""
    cuts = sorted({i for i, b in enumerate(MENU) if b in b"\r\n\t."} | {i + 1 for i, b in enumerate(MENU) if b in b"\r\n\t."})
    run, target = fetch(client, Script(MENU, cuts=cuts, gap=0.02), "1", "/")
    expect_item(run, ["NET-TCP-1"], "menu split at every delimiter", MENU, "1", target)


@scenario("gopher-client-lastline-then-held-open", protocol="gopher", role="client", category="partial-reads",
          requirements=["GOPHER-TEXT-8", "NET-TCP-1"])
def test_lastline_then_held_open(client):
    """``abc CRLF .`` then, after a pause, ``CRLF``; the server keeps the connection open: the client is done
    at the lastline and does not wait for the close.

    RFC 1436 has the server close after the lastline, so a peer holding the connection open is off-protocol
    and a client that waits for the close (and times out, or hangs) gets a warning (GOPHER-TEXT-8).  A client
    that exits 0 with something else than the item, such as ``abc CRLF .`` before the CRLF came, took a
    split terminator for a whole one: NET-TCP-1."""
    response = b"abc\r\n.\r\n"
    script = Script(response, cuts=[len(response) - 2], gap=settings().scaled(0.4), then="stall")
    run, target = fetch(client, script, "0", "/held")
    if run.hung or run.status != 0:
        fail("GOPHER-TEXT-8", "the client waited for the close after the lastline had arrived", sent=target,
             expected="exit 0 right after '.' CRLF", received=run.describe())
    expect_item(run, ["NET-TCP-1"], "text whose lastline was split, connection held open", response, "0", target)


@scenario("gopher-client-large-binary", protocol="gopher", role="client", category="partial-reads",
          requirements=["NET-TCP-1", "GOPHER-BIN-2"])
def test_large_binary(client):
    """A 4 MiB binary item arrives in many reads: every byte is written out."""
    response = random.Random(settings().seed).randbytes(4 * 2**20)
    run, target = fetch(client, Script(response), "9", "/large.bin")
    expect_item(run, ["NET-TCP-1", "GOPHER-BIN-2"], "4 MiB binary item", response, "9", target)


# ---------------------------------------------------------------------- timeouts and nonblocking
@scenario("gopher-client-stalled-server", protocol="gopher", role="client", category="timeouts",
          requirements=["NET-TCP-8"])
def test_stalled_server(client):
    """The peer accepts and never answers: the client gives up within its own limit (non-zero exit)."""
    with common.tcp_stall_peer() as peer:
        target = url(peer, "0", "/stall")
        run = common.run_client(client, peer.address, "tcp", url=target)
    common.expect_error(run, ["NET-TCP-8"], "server accepts and never answers", sent=target)


@scenario("gopher-client-stall-mid-item", protocol="gopher", role="client", category="timeouts",
          requirements=["NET-TCP-8", "GOPHER-TEXT-4"])
def test_stall_mid_item(client):
    """Half a text item, then silence with the connection open: the client times out and reports it."""
    response = wire.encode_text(FILES["hello.txt"])
    script = Script(response[: len(response) // 2], then="stall")
    run, target = fetch(client, script, "0", "/hello.txt")
    common.expect_error(run, ["NET-TCP-8"], "half a text item, then silence", sent=target)


@scenario("gopher-client-never-accepted", protocol="gopher", role="client", category="timeouts",
          requirements=["NET-TCP-8"])
def test_never_accepted(client):
    """The peer listens but never accepts: the client times out (non-zero exit)."""
    with TcpPeer(None, accept=False) as peer:
        target = url(peer, "0", "/never")
        run = common.run_client(client, peer.address, "tcp", url=target)
    common.expect_error(run, ["NET-TCP-8"], "server never accepts", sent=target)


@scenario("gopher-client-refused", protocol="gopher", role="client", category="nonblocking",
          requirements=["NET-TCP-8"])
def test_refused(client):
    """Nothing listens: the client reports the refused connection at once (non-zero exit)."""
    address = common.refused_address()
    target = wire.format_url(address[0], address[1], "0", "/refused")
    run = common.run_client(client, address, "tcp", url=target)
    common.expect_error(run, ["NET-TCP-8"], "connection refused", within=settings().scaled(10), sent=target)


@scenario("gopher-client-reset-mid-binary", protocol="gopher", role="client", category="nonblocking",
          requirements=["GOPHER-CLIENT-6"])
def test_reset_mid_binary(client):
    """Half a binary item, then a reset: not the orderly close that ends a binary item (non-zero exit).

    RFC 1436 only says the client reads "until the connection closes"; telling a reset from that close is
    what keeps a cut item from passing as whole, a de-facto duty (GOPHER-CLIENT-6, a warning)."""
    response = FILES["allbytes.bin"]
    run, target = fetch(client, Script(response[: len(response) // 2], then="reset"), "9", "/allbytes.bin")
    common.expect_error(run, ["GOPHER-CLIENT-6"], "binary item cut by a reset", sent=target)


@scenario("gopher-client-paused-server", protocol="gopher", role="client", category="nonblocking",
          requirements=["NET-TCP-7"])
def test_paused_server(client):
    """Half the menu, a pause of T (reads would block), then the rest: the client waits and succeeds."""
    run, target = fetch(client, Script(MENU, cuts=[len(MENU) // 2], gap=settings().timeout), "1", "/")
    expect_item(run, ["NET-TCP-7"], "menu with a pause in the middle", MENU, "1", target)


@scenario("gopher-client-item-at-advertised-port", protocol="gopher", role="client", category="protocol",
          requirements=["GOPHER-CLIENT-2"])
def test_item_at_advertised_port(client, reference):
    """A menu whose items live on a second server: the item is fetched from the host and port of its menu
    line, not from the server that sent the menu.

    The client fetches the menu from the first reference server (whose menus advertise the second one's
    port), then the ``hello.txt`` item through the URL its menu line makes."""
    second = reference()
    first = reference(advertise_port=second.port)
    menu_url = wire.format_url(*first.address("tcp"), "1", "")
    run = common.run_client(client, first.address("tcp"), "tcp", url=menu_url)
    common.expect_success(run, ["GOPHER-CLIENT-2"], "menu from the first server", sent=menu_url)
    items = wire.parse_menu(run.stdout, strict=False)
    item = next((i for i in items if i.selector.endswith("hello.txt")), None)
    check(item is not None and item.port == second.port, ["GOPHER-CLIENT-2"],
          "the printed menu does not carry the item's own host and port", sent=menu_url,
          expected=f"a hello.txt line with port {second.port}", received=run.stdout)
    target = wire.format_url(item.host, item.port, item.itemtype, item.selector)
    run = common.run_client(client, (item.host, item.port), "tcp", url=target)
    expect_item(run, ["GOPHER-CLIENT-2"], "item on the second server", wire.encode_text(FILES["hello.txt"]), "0", target)
    check(wire.format_request(item.selector) in second.requests, ["GOPHER-CLIENT-2"],
          "the second server never got the item's selector", sent=target,
          expected=wire.format_request(item.selector), received=b"".join(second.requests))
