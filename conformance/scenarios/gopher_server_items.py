"""Gopher server scenarios: text and binary items, selectors, error items and URL links (RFC 1436 §2, §3.8,
§4; RFC 4266).
"""

from __future__ import annotations

from conformance.checks import check, fail
from conformance.registry import scenario
from conformance.scenarios.gopherdriver import exchange, fetch_item, file_text, strip_gopher_plus, text_lines
from netconformance_fixtures.context import settings
from netconformance_fixtures.docroot import FILES
from reference_servers.gopher import wire


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
