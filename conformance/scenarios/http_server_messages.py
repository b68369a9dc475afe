"""HTTP server scenarios: the message format, Simple-Request, Status-Line, header syntax, the HTTP version and
closing after the response (RFC 1945 §3.1, §4, §6, §1.3 connection per request).
"""

from __future__ import annotations

import re

from conformance.checks import check
from conformance.errors import NotApplicable
from conformance.registry import scenario
from conformance.scenarios.httpdriver import HELLO, exchange, expect_file, expect_status, parse, require_echo
from netconformance_fixtures import netio
from netconformance_fixtures.context import settings

STATUS_LINE_1X = re.compile(rb"^HTTP/1\.(\d+) [1-5][0-9][0-9] [^\r\n]*\r\n")


@scenario("http-server-status-line", protocol="http", role="server", category="protocol",
          requirements=["HTTP10-STATUS-1", "HTTP10-VER-1", "HTTP10-VER-9"])
def test_status_line(server):
    """A Full-Request gets a Status-Line of the form ``HTTP/1.x SP 3DIGIT SP reason CRLF``.

    ``HTTP/1.0`` from a 1.0 server; ``HTTP/1.1`` is what an HTTP/1.1 server sends (RFC 2145 §2.3), and is
    then a claim of HTTP/1.1 compliance: such a server must answer an HTTP/1.1 request without Host with
    400 (RFC 2616 §14.23).  A 1.0 server that merely labels its answers 1.1 serves that request."""
    minor = set()
    for path in ("/hello.txt", "/no-such-file"):
        req = f"GET {path} HTTP/1.0\r\n\r\n".encode()
        resp = exchange(server, req)
        m = STATUS_LINE_1X.match(resp.raw)
        check(m, ["HTTP10-STATUS-1"],
              f"GET {path}: the response does not start with 'HTTP/1.x NNN reason\\r\\n'", sent=req,
              expected="HTTP/1.0 200 OK\\r\\n (any reason phrase; HTTP/1.1 from a 1.1 server)", received=resp.raw[:80],
              when=resp.describe())
        minor.add(int(m.group(1)))
    if minor == {0}:
        return
    req = b"GET /hello.txt HTTP/1.1\r\nConnection: close\r\n\r\n"
    with netio.connect(server.address("tcp")) as s:
        s.sendall(req)
        got = netio.recv_to_eof(s, settings().scaled(6))
    resp = parse(got)
    check(resp.status == 400, "HTTP10-VER-9",
          "the server labels its responses HTTP/1.1 but does not keep HTTP/1.1's rule for a request without Host",
          sent=req, expected="400 (RFC 2616 §14.23), as any HTTP/1.1 server answers", received=resp.raw[:120],
          when=resp.describe())


@scenario("http-server-header-line-ends", protocol="http", role="server", category="protocol",
          requirements=["HTTP10-STATUS-2"])
def test_header_line_ends(server):
    """Every header line ends in CRLF and the headers end with an empty CRLF line.

    Bare LF or CR inside the head breaks strict clients."""
    req = b"GET /hello.txt HTTP/1.0\r\n\r\n"
    resp = exchange(server, req)
    end = resp.raw.find(b"\r\n\r\n")
    check(end >= 0, "HTTP10-STATUS-2", "no CRLF CRLF ends the response head", sent=req,
          expected="header lines ending in \\r\\n, then \\r\\n", received=resp.raw[:200])
    head = resp.raw[:end + 2]
    stray = head.replace(b"\r\n", b"")
    check(b"\n" not in stray and b"\r" not in stray, "HTTP10-STATUS-2", "a bare LF or CR inside the response head",
          sent=req, expected="only CRLF line ends", received=head)


@scenario("http-server-simple-request", protocol="http", role="server", category="protocol",
          requirements=["HTTP10-SIMPLE-1", "HTTP10-VER-1"])
def test_simple_request(server):
    """An HTTP/0.9 Simple-Request (``GET /hello.txt`` with no version) gets the file alone, then close.

    No Status-Line and no headers: a 0.9 client would show them as part of the document."""
    req = b"GET /hello.txt\r\n"
    resp = exchange(server, req, half_close=True)
    check(resp.raw == HELLO, "HTTP10-SIMPLE-1", "the Simple-Response is not exactly the file", sent=req,
          expected=HELLO, received=resp.raw, when=resp.describe())


@scenario("http-server-simple-request-no-wait", protocol="http", role="server", category="protocol",
          requirements=["HTTP10-SIMPLE-2"])
def test_simple_request_no_wait(server):
    """A Simple-Request ends at its first CRLF: the body comes without the client sending anything more.

    The client keeps its side open; a server that waits for headers or an empty line never answers."""
    req = b"GET /hello.txt\r\n"
    with netio.connect(server.address("tcp")) as s:
        s.sendall(req)
        got = netio.recv_exactly(s, len(HELLO), settings().scaled(6))
    if got.data != HELLO and exchange(server, req, half_close=True).raw != HELLO:
        raise NotApplicable("the server does not answer a Simple-Request even after a half-close: that is "
                            "http-server-simple-request's failure, not a wait for more input")
    check(got.data == HELLO, "HTTP10-SIMPLE-2", "no complete answer to a Simple-Request while the connection stayed open",
          sent=req, expected=HELLO, received=got.data, when=got.describe())


@scenario("http-server-header-syntax-variants", protocol="http", role="server", category="protocol",
          requirements=["HTTP10-REQ-8", "HTTP10-REQ-9"])
def test_header_syntax_variants(server):
    """Unknown headers are ignored; ``name:value`` without a space, an empty value and a repeated field are legal."""
    unknown = b"".join(b"X-Unknown-%d: value %d\r\n" % (i, i) for i in range(20))
    # REQ-8 first, by design: an empty value is legal only on an extension header (every RFC 1945 header
    # needs a value), so a server refusing unknown names refuses the REQ-9 request for that same reason
    for extra, req_id, what in ((unknown + b"Accept: */*\r\nConnection: close\r\n", "HTTP10-REQ-8", "20 unknown headers"),
                                (b"X-Empty:\r\nPragma: a\r\nPragma:b\r\nX-No-Space:1\r\n", "HTTP10-REQ-9",
                                 "empty, repeated and space-less header values")):
        req = b"GET /hello.txt HTTP/1.0\r\n" + extra + b"\r\n"
        expect_file(exchange(server, req), HELLO, req_id, what, req)


@scenario("http-server-no-host-required", protocol="http", role="server", category="protocol",
          requirements=["HTTP10-HDR-6"])
def test_no_host_required(server):
    """A request with no header at all is served: Host belongs to HTTP/1.1, User-Agent is only recommended."""
    req = b"GET /hello.txt HTTP/1.0\r\n\r\n"
    expect_file(exchange(server, req), HELLO, "HTTP10-HDR-6", "request without any header", req)


def dechunk(body: bytes) -> bytes | None:
    """The data of a chunked body (RFC 2616 §3.6.1), or None when it is not one."""
    out, rest = b"", body
    while True:
        line, sep, rest = rest.partition(b"\r\n")
        try:
            size = int(line.split(b";")[0].strip(), 16)
        except ValueError:
            return None
        if not sep:
            return None
        if size == 0:
            return out
        out, rest = out + rest[:size], rest[size + 2:]


@scenario("http-server-http11-request", protocol="http", role="server", category="protocol",
          requirements=["HTTP10-VER-8", "HTTP10-CONN-1"])
def test_http11_request(server):
    """An HTTP/1.1 request is served: as 1.0 (``HTTP/1.0`` Status-Line, no chunking, then close), or by an
    HTTP/1.1 server as 1.1 (RFC 2145 §2.3: then Content-Length or chunked framing, persistence allowed)."""
    req = b"GET /hello.txt HTTP/1.1\r\nHost: example.test\r\n\r\n"
    with netio.connect(server.address("tcp")) as s:
        s.sendall(req)
        got = netio.recv_to_eof(s, settings().scaled(6))
    resp = parse(got)
    expect_status(resp, 200, "HTTP10-VER-8", "HTTP/1.1 request", req)
    check(resp.head.version in ((1, 0), (1, 1)), "HTTP10-VER-8", "the Status-Line says neither HTTP/1.0 nor HTTP/1.1",
          sent=req, expected="HTTP/1.0 200 ... (or HTTP/1.1 200 from a 1.1 server)", received=resp.raw[:60])
    chunked = "chunked" in (resp.header("Transfer-Encoding") or "").lower()
    body = resp.body
    if resp.head.version == (1, 0):
        check(not chunked, "HTTP10-VER-8", "chunked transfer coding in a 1.0 response", sent=req, received=resp.head.raw)
        check(got.end == "eof", "HTTP10-CONN-1", "the connection stayed open after a 1.0 response", sent=req,
              expected="EOF after the body", received=resp.raw, when=got.describe())
    elif chunked:
        body = dechunk(body)
    elif (length := (resp.header("Content-Length") or "").strip()).isdigit():
        body = body[:int(length)]  # a persistent 1.1 connection: the body ends at Content-Length
    check(body == HELLO, "HTTP10-VER-8", "wrong body", sent=req, expected=HELLO, received=resp.body)


@scenario("http-server-version-numbers", protocol="http", role="server", category="protocol",
          requirements=["HTTP10-VER-3"])
def test_version_numbers(server):
    """Major and minor are integers: ``HTTP/01.00`` is 1.0 and ``HTTP/1.10`` is a newer 1.x, served as 1.0."""
    for version in ("HTTP/01.00", "HTTP/1.10"):
        req = f"GET /hello.txt {version}\r\n\r\n".encode()
        resp = exchange(server, req)
        expect_file(resp, HELLO, "HTTP10-VER-3", f"version {version}", req)


@scenario("http-server-major-version-above-1", protocol="http", role="server", category="protocol",
          requirements=["HTTP10-VER-4"])
def test_major_version(server):
    """A major version above 1 cannot be answered in kind: ``HTTP/1.0 400`` or ``505``, never 200."""
    for version in ("HTTP/2.0", "HTTP/12.3"):
        req = f"GET /hello.txt {version}\r\n\r\n".encode()
        resp = exchange(server, req)
        expect_status(resp, (400, 505), "HTTP10-VER-4", f"version {version}", req)
        check(resp.head.version[0] == 1, "HTTP10-VER-4", f"version {version}: not answered as HTTP/1.x", sent=req,
              expected="HTTP/1.0 505 (or 400)", received=resp.raw[:60])


@scenario("http-server-bad-version-400", protocol="http", role="server", category="robustness",
          requirements=["HTTP10-VER-5"])
def test_bad_version(server):
    """A syntactically bad HTTP-Version (``HTTP/a.b``, ``HTTP/1``, ``HTTX/1.0``) gets 400, not a 0.9 answer."""
    for version in ("HTTP/a.b", "HTTP/1", "HTTX/1.0"):
        req = f"GET /hello.txt {version}\r\n\r\n".encode()
        expect_status(exchange(server, req), 400, "HTTP10-VER-5", f"version {version}", req)


@scenario("http-server-closes-after-response", protocol="http", role="server", category="protocol",
          requirements=["HTTP10-CONN-1"])
def test_closes_after_response(server):
    """One request per connection: after the response (with Content-Length) the server closes, within 4T."""
    req = b"GET /hello.txt HTTP/1.0\r\n\r\n"
    with netio.connect(server.address("tcp")) as s:
        s.sendall(req)
        got = netio.recv_to_eof(s, settings().scaled(4))
    check(got.end == "eof", "HTTP10-CONN-1", "the server did not close after the response", sent=req,
          expected="the response, then EOF", received=got.data, when=got.describe())


@scenario("http-server-keepalive-ignored", protocol="http", role="server", category="protocol",
          requirements=["HTTP10-CONN-2", "HTTP10-CONN-1"])
def test_keepalive(server):
    """``Connection: keep-alive`` is ignored and the connection closed, or honoured properly (token echoed,
    Content-Length sent, connection kept).  Advertising keep-alive and closing anyway is wrong.

    The connection is judged (closed unless keep-alive was advertised) whatever the status; the 200 last."""
    req = b"GET /hello.txt HTTP/1.0\r\nConnection: keep-alive\r\n\r\n"
    with netio.connect(server.address("tcp")) as s:
        s.sendall(req)
        got = netio.recv_to_eof(s, settings().scaled(4))
    resp = parse(got)
    if resp.head is None:  # no response head: nothing to judge the connection by
        expect_status(resp, 200, "HTTP10-CONN-2", "GET with Connection: keep-alive", req)
    advertised = "keep-alive" in (resp.header("Connection") or "").lower()
    if advertised:
        check(got.end != "eof" and resp.header("Content-Length") is not None, "HTTP10-CONN-2",
              "keep-alive advertised but not honoured (closed, or no Content-Length)", sent=req,
              expected="open connection with Content-Length", received=resp.head.raw, when=got.describe())
    else:
        check(got.end == "eof", "HTTP10-CONN-1", "no keep-alive advertised, yet the connection stayed open",
              sent=req, expected="EOF after the response", received=resp.raw, when=got.describe())
    expect_status(resp, 200, "HTTP10-CONN-2", "GET with Connection: keep-alive", req)


@scenario("http-server-header-names-case-insensitive", protocol="http", role="server", category="protocol",
          requirements=["HTTP10-REQ-6"])
def test_header_names_case(server):
    """Header names are case-insensitive: ``content-length`` and ``CONTENT-LENGTH`` frame a POST body."""
    require_echo(server)
    for name in (b"content-length", b"CONTENT-LENGTH", b"cOnTeNt-LeNgTh"):
        req = b"POST /echo HTTP/1.0\r\n" + name + b": 5\r\n\r\nhello"
        resp = exchange(server, req, half_close=True)
        expect_status(resp, (200, 201), "HTTP10-REQ-6", f"POST with '{name.decode()}'", req)
        check(resp.body == b"hello", "HTTP10-REQ-6", f"the body framed by '{name.decode()}' was not read",
              sent=req, expected=b"hello", received=resp.body)
