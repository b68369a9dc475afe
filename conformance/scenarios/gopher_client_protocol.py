"""Gopher client scenarios: menus, text and binary items, search, error items, URL links and tolerant menu
parsing (RFC 1436 §3, §4; RFC 4266).
"""

from __future__ import annotations

import time

from conformance.checks import check
from conformance.registry import scenario
from conformance.scenarios import common
from conformance.scenarios.gopher_client_peer import MENU, Script, expect_item, expect_no_request, fetch, url
from netconformance_fixtures.context import settings
from netconformance_fixtures.docroot import FILES, GIF
from netconformance_fixtures.peers import TcpPeer
from reference_servers.gopher import wire


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
