"""Gopher server scenarios: partial reads, malformed and oversized selectors, the document root's boundary,
timeouts, concurrency and closing (RFC 1436 §2; the NET-TCP requirements).
"""

from __future__ import annotations

import os
import time

from conformance.checks import check
from conformance.registry import scenario
from conformance.scenarios import common
from conformance.scenarios.gopherdriver import exchange, fetch_item, file_text, locate, serves_hello, text_lines
from netconformance_fixtures import netio
from netconformance_fixtures.context import settings
from netconformance_fixtures.docroot import FILES
from reference_servers.gopher import wire


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


@scenario("gopher-server-request-timeout", protocol="gopher", role="server", category="timeouts",
          requirements=["GOPHER-REQ-7"])
def test_request_timeout(server_factory, nc_target):
    """A client that never finishes its request line is disconnected (within 31 s, or 24 T if longer).

    The catalog allows a default request timeout of up to 30 s; a server that closes sooner ends the wait
    sooner.  The reference is started with a request timeout of 2T for this scenario."""
    server = common.timeout_server(server_factory, nc_target[0], settings().scaled(2))
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
