"""HTTP/1.0 servers (RFC 1945): scenarios run against the server under test, which serves ``{root}``.

Checks are exact where the RFC is exact (the Status-Line form, the bytes of files in ``{root}``,
Content-Length, no body for HEAD and 304) and structural where it is not (extra headers, reason phrases,
Server, error page wording).  Scenarios that need the reference's ``/echo`` POST resource (or any server
that echoes POST bodies there) report not-applicable when the server does not implement POST at /echo.
Scenarios that plant extra files in ``{root}`` report not-applicable for address targets.
"""

from __future__ import annotations

import os
import random
import re
import threading
import time
from dataclasses import dataclass

from conformance.checks import check, fail
from conformance.errors import NotApplicable
from conformance.registry import scenario
from conformance.scenarios import common
from netconformance_fixtures import netio
from netconformance_fixtures.context import settings
from netconformance_fixtures.docroot import FILES
from reference_servers.http import wire

HELLO = FILES["hello.txt"]
UTF8_PAGE = "<html><body>caf\u00e9 \u00fcber \u65e5\u672c\u8a9e \U0001f600</body></html>\n".encode()


# ---------------------------------------------------------------------- helpers
@dataclass
class Resp:
    """A response as received: ``raw`` bytes, how the read ended, and the parse (``head`` is None when the
    bytes do not start with a Status-Line)."""

    raw: bytes
    got: netio.Received
    head: wire.ResponseHead | None
    body: bytes
    error: str | None = None

    @property
    def status(self) -> int | None:
        return self.head.status if self.head else None

    def header(self, name: str) -> str | None:
        return self.head.headers.get(name) if self.head else None

    def describe(self) -> str:
        return self.got.describe()


def parse(got: netio.Received) -> Resp:
    raw = got.data
    if not raw.startswith(b"HTTP/"):
        return Resp(raw, got, None, raw, "no Status-Line")
    try:
        head, used = wire.parse_response_head(raw, eof=True)
    except Exception as exc:  # noqa: BLE001 - any parse problem is reported, not raised
        return Resp(raw, got, None, b"", str(exc))
    if head.simple:
        return Resp(raw, got, None, raw, "no Status-Line")
    return Resp(raw, got, head, raw[used:])


def exchange(server, data: bytes, *, trickle: bool = False, cuts: list[int] | None = None, gap: float | None = None,
             half_close: bool = False, wait: float | None = None, rcvbuf: int | None = None) -> Resp:
    """Send ``data`` (whole, trickled one byte at a time, or cut at ``cuts``), optionally half-close, and
    read to EOF within ``wait`` seconds (default 8T)."""
    with netio.connect(server.address("tcp"), rcvbuf=rcvbuf) as s:
        try:
            if trickle:
                netio.trickle(s, data, gap=0.004 if gap is None else gap)
            elif cuts:
                netio.send_split(s, data, cuts, gap=settings().scaled(0.1) if gap is None else gap)
            else:
                s.sendall(data)
            if half_close:
                netio.half_close(s)
        except OSError:
            pass  # the server answered (or gave up, or reset) before the whole request was written: read what it said
        got = netio.recv_to_eof(s, settings().scaled(8) if wait is None else wait)
    return parse(got)


def get(server, path: str, extra: bytes = b"", method: str = "GET") -> Resp:
    return exchange(server, f"{method} {path} HTTP/1.0\r\n".encode() + extra + b"\r\n")


def expect_status(resp: Resp, statuses, reqs, summary: str, sent: bytes | str) -> None:
    """Fail unless the response has a Status-Line whose code is in ``statuses``."""
    if isinstance(statuses, int):
        statuses = (statuses,)
    want = " or ".join(str(s) for s in statuses)
    if resp.head is None:
        fail(reqs, f"{summary}: no parseable Status-Line ({resp.error})", sent=sent,
             expected=f"HTTP/1.0 {want}", received=resp.raw, when=resp.describe())
    if resp.status not in statuses:
        fail(reqs, f"{summary}: status {resp.status}", sent=sent, expected=f"status {want}",
             received=resp.raw, when=resp.describe())


def expect_file(resp: Resp, content: bytes, reqs, summary: str, sent: bytes | str) -> None:
    expect_status(resp, 200, reqs, summary, sent)
    if resp.body != content:
        fail(reqs, f"{summary}: the body differs from the file", sent=sent, expected=content, received=resp.body,
             when=resp.describe())


def normal_exchange(address) -> None:
    """GET /hello.txt must give 200 and the file (the "still serving" check)."""
    req = b"GET /hello.txt HTTP/1.0\r\n\r\n"
    with netio.connect(address) as s:
        s.sendall(req)
        got = netio.recv_to_eof(s, settings().scaled(8))
    resp = parse(got)
    expect_file(resp, HELLO, ("NET-TCP-5",), "a normal request", req)


def plant(server, name: str, data: bytes, mtime: float | None = None):
    """Write ``name`` into the server's document root (not-applicable when the suite has none)."""
    root = server.require("root")
    path = root / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    if mtime is not None:
        os.utime(path, (mtime, mtime))
    return path


def require_echo(server) -> None:
    """Not-applicable unless POST /echo echoes the entity body (the reference's /echo resource)."""
    req = b"POST /echo HTTP/1.0\r\nContent-Length: 5\r\nContent-Type: text/plain\r\n\r\nhello"
    resp = exchange(server, req)
    if resp.head is None or resp.status // 100 != 2 or resp.body != b"hello":
        raise NotApplicable(f"the server does not echo POST bodies at /echo (answered {resp.status or resp.error}); "
                            "POST scenarios need such a resource")


# ====================================================================== protocol
@scenario("http-server-get-files-exact", protocol="http", role="server", category="protocol",
          requirements=["HTTP10-REQ-1", "HTTP10-LEN-3"])
def test_get_files_exact(server):
    """Every file of the document root is served byte for byte, with a Content-Length in octets.

    GETs each file of ``{root}`` (text, dot lines, all byte values, nested, a GIF) and, when the suite owns
    the root, a UTF-8 page with multibyte characters: the body must equal the file and Content-Length (when
    sent) must count octets, not characters."""
    files = dict(FILES)
    if server.root is not None:
        plant(server, "utf8.html", UTF8_PAGE)
        files["utf8.html"] = UTF8_PAGE
    for name, content in files.items():
        path = "/" + name.replace(" ", "%20")
        req = f"GET {path} HTTP/1.0\r\n\r\n".encode()
        resp = exchange(server, req)
        expect_status(resp, 200, ["HTTP10-REQ-1"], f"GET {path}", req)
        length = resp.header("Content-Length")
        if length is not None and length.strip() != str(len(content)):
            fail(["HTTP10-LEN-3"], f"GET {path}: Content-Length is not the body length in octets", sent=req,
                 expected=f"Content-Length: {len(content)}", received=f"Content-Length: {length}")
        if resp.body != content:
            fail(["HTTP10-REQ-1"], f"GET {path}: the body differs from the file", sent=req, expected=content,
                 received=resp.body, when=resp.describe())


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


@scenario("http-server-head-no-body", protocol="http", role="server", category="protocol",
          requirements=["HTTP10-HEAD-1", "HTTP10-HEAD-4"])
def test_head_no_body(server):
    """HEAD gets the head and no body, for a file and for an error.

    The classic bug: HEAD answered like GET, which desynchronises clients that trust Content-Length."""
    for path, req_id in (("/hello.txt", "HTTP10-HEAD-1"), ("/no-such-file", "HTTP10-HEAD-4")):
        req = f"HEAD {path} HTTP/1.0\r\n\r\n".encode()
        resp = exchange(server, req)
        check(resp.head is not None, req_id, f"HEAD {path}: no Status-Line", sent=req, received=resp.raw[:120])
        check(resp.body == b"", req_id, f"HEAD {path}: bytes follow the response head", sent=req,
              expected="0 bytes after the empty line", received=resp.body, when=resp.describe())


@scenario("http-server-head-matches-get", protocol="http", role="server", category="protocol",
          requirements=["HTTP10-HEAD-2"])
def test_head_matches_get(server):
    """HEAD describes the entity GET would return: same Content-Length, Content-Type and Last-Modified."""
    get_resp = get(server, "/hello.txt")
    head_resp = get(server, "/hello.txt", method="HEAD")
    expect_status(get_resp, 200, "HTTP10-HEAD-2", "GET /hello.txt", "GET /hello.txt HTTP/1.0")
    expect_status(head_resp, 200, "HTTP10-HEAD-2", "HEAD /hello.txt", "HEAD /hello.txt HTTP/1.0")
    for name in ("Content-Length", "Content-Type", "Last-Modified"):
        a, b = get_resp.header(name), head_resp.header(name)
        check(a == b, "HTTP10-HEAD-2", f"HEAD and GET differ in {name}", sent="HEAD and GET /hello.txt",
              expected=f"{name}: {a}", received=f"{name}: {b}")


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


@scenario("http-server-method-case-sensitive", protocol="http", role="server", category="protocol",
          requirements=["HTTP10-REQ-3", "HTTP10-ERR-5"])
def test_method_case_sensitive(server):
    """``get`` is not ``GET``: methods are case-sensitive, so a lowercase method is unknown (501)."""
    req = b"get /hello.txt HTTP/1.0\r\n\r\n"
    resp = exchange(server, req)
    check(not (resp.status is not None and resp.status // 100 == 2 and resp.body == HELLO), "HTTP10-REQ-3",
          "the lowercase method was served as GET", sent=req, expected="an error (501)", received=resp.raw[:120])
    expect_status(resp, 501, "HTTP10-ERR-5", "lowercase (unknown) method", req)


@scenario("http-server-unknown-method-501", protocol="http", role="server", category="protocol",
          requirements=["HTTP10-ERR-5"])
def test_unknown_method(server):
    """Unknown or unimplemented methods (PUT, DELETE, BREW) get 501, not 405 (an HTTP/1.1 code) or 400."""
    for method in ("PUT", "DELETE", "BREW"):
        req = f"{method} /hello.txt HTTP/1.0\r\nContent-Length: 0\r\n\r\n".encode()
        expect_status(exchange(server, req), 501, "HTTP10-ERR-5", f"method {method}", req)


@scenario("http-server-percent-decoding", protocol="http", role="server", category="protocol",
          requirements=["HTTP10-REQ-4"])
def test_percent_decoding(server):
    """``%HEX`` escapes are decoded before the path is looked up: ``/with%20space.txt`` is the file with a space."""
    req = b"GET /with%20space.txt HTTP/1.0\r\n\r\n"
    expect_file(exchange(server, req), FILES["with space.txt"], "HTTP10-REQ-4", "escaped space in the path", req)


@scenario("http-server-header-syntax-variants", protocol="http", role="server", category="protocol",
          requirements=["HTTP10-REQ-8", "HTTP10-REQ-9"])
def test_header_syntax_variants(server):
    """Unknown headers are ignored; ``name:value`` without a space, an empty value and a repeated field are legal."""
    unknown = b"".join(b"X-Unknown-%d: value %d\r\n" % (i, i) for i in range(20))
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


@scenario("http-server-date-present", protocol="http", role="server", category="protocol",
          requirements=["HTTP10-HDR-1"])
def test_date_present(server):
    """The response carries Date with the current time (±10 s, plus the scenario's time scale)."""
    req = b"GET /hello.txt HTTP/1.0\r\n\r\n"
    resp = exchange(server, req)
    expect_status(resp, 200, "HTTP10-HDR-1", "GET /hello.txt", req)
    date = resp.header("Date")
    check(date is not None, "HTTP10-HDR-1", "no Date header", sent=req, expected="Date: <now>", received=resp.head.raw)
    when = wire.parse_http_date(date)
    skew = None if when is None else abs(when - time.time())
    check(skew is not None and skew <= 10 + settings().scaled(4), "HTTP10-HDR-1", "Date is not the current time",
          sent=req, expected=f"about {wire.format_http_date()}", received=f"Date: {date}")


@scenario("http-server-date-format", protocol="http", role="server", category="protocol",
          requirements=["HTTP10-HDR-2"])
def test_date_format(server):
    """Date, Last-Modified and Expires are HTTP-dates in GMT, never in asctime form (§3.3).  rfc1123
    (``Sun, 06 Nov 1994 08:49:37 GMT``) is the preferred form; rfc850 with GMT is legal to send."""
    req = b"GET /hello.txt HTTP/1.0\r\n\r\n"
    resp = exchange(server, req)
    expect_status(resp, 200, "HTTP10-REQ-1", "GET /hello.txt", req)
    for name in ("Date", "Last-Modified", "Expires"):
        value = resp.header(name)
        if value is not None:
            value = value.strip()
            legal = wire.is_rfc1123_date(value) or (value.endswith(" GMT") and "-" in value
                                                     and wire.parse_http_date(value) is not None)
            check(legal, "HTTP10-HDR-2", f"{name} is not an HTTP-date in GMT (rfc1123, or rfc850; never asctime)",
                  sent=req, expected=f"{name}: Www, DD Mmm YYYY HH:MM:SS GMT", received=f"{name}: {value}")


@scenario("http-server-content-type", protocol="http", role="server", category="protocol",
          requirements=["HTTP10-HDR-3"])
def test_content_type(server):
    """A response with a body carries Content-Type; an HTML page is ``text/html``."""
    req = b"GET /page.html HTTP/1.0\r\n\r\n"
    resp = exchange(server, req)
    expect_status(resp, 200, "HTTP10-HDR-3", "GET /page.html", req)
    ctype = resp.header("Content-Type") or ""
    check(ctype.split(";")[0].strip().lower() == "text/html", "HTTP10-HDR-3", "missing or wrong Content-Type",
          sent=req, expected="Content-Type: text/html", received=f"Content-Type: {ctype}" if ctype else "no Content-Type")


@scenario("http-server-last-modified-not-future", protocol="http", role="server", category="protocol",
          requirements=["HTTP10-HDR-4"])
def test_last_modified_not_future(server):
    """Last-Modified is never later than the response's Date, even for a file whose mtime is in the future.

    The suite gives a file in ``{root}`` an mtime one day ahead (address targets: only /hello.txt is checked)."""
    paths = ["/hello.txt"]
    if server.root is not None:
        plant(server, "future.txt", b"from the future\n", mtime=time.time() + 86400)
        paths.append("/future.txt")
    for path in paths:
        req = f"GET {path} HTTP/1.0\r\n\r\n".encode()
        resp = exchange(server, req)
        expect_status(resp, 200, "HTTP10-REQ-1", f"GET {path}", req)
        lm, date = resp.header("Last-Modified"), resp.header("Date")
        if lm is None or date is None:
            continue
        lm_t, date_t = wire.parse_http_date(lm), wire.parse_http_date(date)
        if lm_t is not None and date_t is not None:
            check(lm_t <= date_t, "HTTP10-HDR-4", f"GET {path}: Last-Modified is later than Date", sent=req,
                  expected=f"Last-Modified <= {date}", received=f"Last-Modified: {lm}")


@scenario("http-server-error-bodies", protocol="http", role="server", category="protocol",
          requirements=["HTTP10-STATUS-3", "HTTP10-LEN-5", "HTTP10-ERR-2"])
def test_error_bodies(server):
    """404, 400 and 501 come with a body explaining the error (or at least Content-Length: 0).

    (A 400 sent without a Status-Line is left to http-server-malformed-request-400.)"""
    for req, status in ((b"GET /no-such-file HTTP/1.0\r\n\r\n", 404),
                        (b"GET / HTTP/1.0 extra\r\n\r\n", 400),
                        (b"BREW /hello.txt HTTP/1.0\r\n\r\n", 501)):
        resp = exchange(server, req)
        if status == 400 and resp.head is None:
            continue
        expect_status(resp, status, "HTTP10-ERR-2" if status == 404 else "HTTP10-STATUS-3", f"error {status}", req)
        if resp.body:
            continue
        check(resp.header("Content-Length") == "0", "HTTP10-LEN-5",
              f"{status} with neither a body nor Content-Length: 0", sent=req, expected="an explanatory body",
              received=resp.raw)
        fail("HTTP10-STATUS-3", f"{status} without an explanatory body", sent=req, expected="a non-empty body",
             received=resp.raw)


@scenario("http-server-conditional-get", protocol="http", role="server", category="protocol",
          requirements=["HTTP10-COND-1", "HTTP10-COND-6"])
def test_conditional_get(server):
    """If-Modified-Since equal to Last-Modified gives 304 with no body and no Content-Length > 0."""
    first = get(server, "/hello.txt")
    lm = first.header("Last-Modified")
    if lm is None:
        raise NotApplicable("the server sends no Last-Modified for /hello.txt")
    req = f"GET /hello.txt HTTP/1.0\r\nIf-Modified-Since: {lm}\r\n\r\n".encode()
    resp = exchange(server, req)
    expect_status(resp, 304, "HTTP10-COND-1", "If-Modified-Since = Last-Modified", req)
    check(resp.body == b"", "HTTP10-COND-1", "304 with a body", sent=req, expected="0 body bytes",
          received=resp.body)
    length = resp.header("Content-Length")
    check(length in (None, "0"), "HTTP10-COND-6", "304 announces an entity body", sent=req,
          expected="no Content-Length (or 0)", received=f"Content-Length: {length}")


@scenario("http-server-ims-older-date", protocol="http", role="server", category="protocol",
          requirements=["HTTP10-COND-2"])
def test_ims_older(server):
    """If-Modified-Since in 1994 (the file changed since) gives the normal 200 with the whole file."""
    req = b"GET /hello.txt HTTP/1.0\r\nIf-Modified-Since: Sat, 01 Jan 1994 00:00:00 GMT\r\n\r\n"
    expect_file(exchange(server, req), HELLO, "HTTP10-COND-2", "modified since the date", req)


@scenario("http-server-ims-invalid-or-future", protocol="http", role="server", category="robustness",
          requirements=["HTTP10-COND-3", "HTTP10-DATE-2"])
def test_ims_invalid_or_future(server):
    """An invalid If-Modified-Since, or one later than the server's clock, is ignored: normal 200.

    A naive ``mtime <= ims`` answers 304 to a date in the future; a strict parser answers 400 or 500."""
    future = wire.format_http_date(time.time() + 365 * 86400)
    for value in ("garbage", future):
        req = f"GET /hello.txt HTTP/1.0\r\nIf-Modified-Since: {value}\r\n\r\n".encode()
        expect_file(exchange(server, req), HELLO, "HTTP10-COND-3", f"If-Modified-Since: {value}", req)


@scenario("http-server-ims-date-forms", protocol="http", role="server", category="protocol",
          requirements=["HTTP10-COND-4", "HTTP10-DATE-1"])
def test_ims_date_forms(server):
    """If-Modified-Since works in all three date forms: rfc1123, rfc850 and asctime (same instant → 304)."""
    lm = get(server, "/hello.txt").header("Last-Modified")
    when = wire.parse_http_date(lm or "")
    if when is None:
        raise NotApplicable("the server sends no usable Last-Modified for /hello.txt")
    t = time.gmtime(when)
    rfc850 = time.strftime("%A, %d-%b-%y %H:%M:%S GMT", t)
    asctime = time.strftime("%a %b ", t) + f"{t.tm_mday:2d}" + time.strftime(" %H:%M:%S %Y", t)
    for value in (rfc850, asctime):
        req = f"GET /hello.txt HTTP/1.0\r\nIf-Modified-Since: {value}\r\n\r\n".encode()
        expect_status(exchange(server, req), 304, ["HTTP10-COND-4", "HTTP10-DATE-1"], f"If-Modified-Since: {value}", req)


@scenario("http-server-ims-on-missing", protocol="http", role="server", category="protocol",
          requirements=["HTTP10-COND-5"])
def test_ims_on_missing(server):
    """If-Modified-Since does not change responses other than 200: a missing file is still 404."""
    req = f"GET /no-such-file HTTP/1.0\r\nIf-Modified-Since: {wire.format_http_date()}\r\n\r\n".encode()
    expect_status(exchange(server, req), 404, "HTTP10-COND-5", "If-Modified-Since on a missing file", req)


@scenario("http-server-head-not-conditional", protocol="http", role="server", category="protocol",
          requirements=["HTTP10-HEAD-3"])
def test_head_not_conditional(server):
    """There is no conditional HEAD: HEAD with If-Modified-Since = Last-Modified still gets 200."""
    lm = get(server, "/hello.txt").header("Last-Modified")
    if lm is None:
        raise NotApplicable("the server sends no Last-Modified for /hello.txt")
    req = f"HEAD /hello.txt HTTP/1.0\r\nIf-Modified-Since: {lm}\r\n\r\n".encode()
    expect_status(exchange(server, req), 200, "HTTP10-HEAD-3", "HEAD with If-Modified-Since", req)


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
          requirements=["HTTP10-CONN-2"])
def test_keepalive(server):
    """``Connection: keep-alive`` is ignored and the connection closed, or honoured properly (token echoed,
    Content-Length sent, connection kept).  Advertising keep-alive and closing anyway is wrong."""
    req = b"GET /hello.txt HTTP/1.0\r\nConnection: keep-alive\r\n\r\n"
    with netio.connect(server.address("tcp")) as s:
        s.sendall(req)
        got = netio.recv_to_eof(s, settings().scaled(4))
    resp = parse(got)
    expect_status(resp, 200, "HTTP10-CONN-2", "GET with Connection: keep-alive", req)
    advertised = "keep-alive" in (resp.header("Connection") or "").lower()
    if advertised:
        check(got.end != "eof" and resp.header("Content-Length") is not None, "HTTP10-CONN-2",
              "keep-alive advertised but not honoured (closed, or no Content-Length)", sent=req,
              expected="open connection with Content-Length", received=resp.head.raw, when=got.describe())
    else:
        check(got.end == "eof", "HTTP10-CONN-1", "no keep-alive advertised, yet the connection stayed open",
              sent=req, expected="EOF after the response", received=resp.raw, when=got.describe())


@scenario("http-server-redirect-location", protocol="http", role="server", category="protocol",
          requirements=["HTTP10-REDIR-1"])
def test_redirect_location(server):
    """A 301/302 carries one absolute Location URL (RFC 1945 §10.11: absoluteURI).

    The directory ``/sub`` without its trailing slash is the usual redirect; a server that serves it
    directly is not-applicable."""
    req = b"GET /sub HTTP/1.0\r\nHost: example.test\r\n\r\n"
    resp = exchange(server, req)
    if resp.status not in (301, 302):
        raise NotApplicable(f"GET /sub got {resp.status or resp.error}, not a redirect")
    location = (resp.header("Location") or "").strip()
    check(location.startswith(("http://", "https://")) and "/sub/" in location, "HTTP10-REDIR-1",
          "the redirect's Location is missing or not an absolute URL", sent=req,
          expected="Location: http://<host>/sub/", received=f"Location: {location}" if location else resp.head.raw)


@scenario("http-server-post-echo-segmented", protocol="http", role="server", category="partial-reads",
          requirements=["HTTP10-LEN-2", "HTTP10-POST-1", "NET-TCP-1", "NET-TCP-2"])
def test_post_segmented(server):
    """A POST body is read to exactly Content-Length however it is segmented.

    Headers and the first 3 body bytes in one write, the remaining 10 KiB in 1 KiB pieces T/5 apart: the
    echo must hold all 10 243 bytes (needs a resource echoing POST bodies at /echo)."""
    require_echo(server)
    body = random.Random(settings().seed).randbytes(10243)
    head = b"POST /echo HTTP/1.0\r\nContent-Type: application/octet-stream\r\nContent-Length: %d\r\n\r\n" % len(body)
    data = head + body
    cuts = [len(head) + 3 + i for i in range(0, len(body) - 3, 1024)]
    resp = exchange(server, data, cuts=cuts, gap=settings().scaled(0.2))
    expect_status(resp, (200, 201), "HTTP10-LEN-2", "segmented POST", data)
    check(resp.body == body, ["HTTP10-LEN-2", "NET-TCP-1"], "the echoed body differs from the body sent", sent=data,
          expected=f"the {len(body)} body bytes", received=resp.body, when=resp.describe())


@scenario("http-server-post-without-length", protocol="http", role="server", category="robustness",
          requirements=["HTTP10-LEN-1"])
def test_post_without_length(server):
    """POST without a valid Content-Length gets 400 (no length, ``abc``, ``-5``, ``5, 6``), never 200 or a hang.

    Not-applicable when the server does not implement POST (405/501)."""
    probe = exchange(server, b"POST /echo HTTP/1.0\r\nContent-Length: 5\r\n\r\nhello")
    if probe.status in (404, 405, 501) or probe.head is None:
        raise NotApplicable(f"POST /echo answered {probe.status or probe.error}: the server does not take POST there")
    cases = [b"POST /echo HTTP/1.0\r\n\r\nabc"] + [
        b"POST /echo HTTP/1.0\r\nContent-Length: %s\r\n\r\nabc" % v for v in (b"abc", b"-5", b"5, 6")]
    for req in cases:
        resp = exchange(server, req, half_close=True)
        expect_status(resp, (400, 411), "HTTP10-LEN-1", "POST without a valid Content-Length", req)


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


# ====================================================================== partial reads
@scenario("http-server-request-trickled", protocol="http", role="server", category="partial-reads",
          requirements=["HTTP10-REQ-2", "NET-TCP-1"])
def test_request_trickled(server):
    """A request written one byte at a time (4 ms apart, TCP_NODELAY) gets the same answer as in one piece."""
    req = b"GET /hello.txt HTTP/1.0\r\nUser-Agent: netconformance\r\nAccept: */*\r\n\r\n"
    expect_file(exchange(server, req, trickle=True), HELLO, ["HTTP10-REQ-2", "NET-TCP-1"], "trickled request", req)


@scenario("http-server-request-split-crlf", protocol="http", role="server", category="partial-reads",
          requirements=["HTTP10-REQ-2", "NET-TCP-1"])
def test_request_split(server):
    """The request cut between CR and LF, inside a header name and before the final CRLF (pauses of T/5)."""
    req = b"GET /hello.txt HTTP/1.0\r\nUser-Agent: netconformance\r\n\r\n"
    first_cr = req.index(b"\r\n")
    cuts = [4, first_cr + 1, first_cr + 6, len(req) - 2, len(req) - 1]
    expect_file(exchange(server, req, cuts=cuts), HELLO, ["HTTP10-REQ-2", "NET-TCP-1"], "request split at CRLF", req)


@scenario("http-server-waits-for-empty-line", protocol="http", role="server", category="partial-reads",
          requirements=["HTTP10-REQ-2"])
def test_waits_for_empty_line(server):
    """The server answers only after the empty line: the head without it gets silence for 2T, then the
    final CRLF brings the normal response."""
    part = b"GET /hello.txt HTTP/1.0\r\nAccept: */*\r\n"
    with netio.connect(server.address("tcp")) as s:
        s.sendall(part)
        early = netio.recv_for(s, settings().scaled(2))
        check(not early.data and early.end == "timeout", "HTTP10-REQ-2", "the server answered before the empty line",
              sent=part, expected="nothing until the empty line", received=early.data, when=early.describe())
        s.sendall(b"\r\n")
        got = netio.recv_to_eof(s, settings().scaled(8))
    expect_file(parse(got), HELLO, "HTTP10-REQ-2", "head completed late", part + b"\r\n")


# ====================================================================== robustness
@scenario("http-server-malformed-request-400", protocol="http", role="server", category="robustness",
          requirements=["HTTP10-ERR-1"])
def test_malformed_400(server):
    """Malformed request lines get 400: ``GARBAGE``, ``GET / HTTP/1.0 extra``, ``GET`` alone, a NUL in the URI."""
    for req in (b"GARBAGE\r\n\r\n", b"GET / HTTP/1.0 extra\r\n\r\n", b"GET\r\n\r\n", b"GET /\x00 HTTP/1.0\r\n\r\n"):
        expect_status(exchange(server, req, half_close=True), 400, "HTTP10-ERR-1", "malformed request", req)


@scenario("http-server-binary-garbage", protocol="http", role="server", category="robustness",
          requirements=["HTTP10-ERR-1", "NET-TCP-5"])
def test_binary_garbage(server):
    """4 KiB of random binary then an empty line: an error or a close (never 2xx, 5xx or a hang), and the
    server keeps serving.  (Whether the error carries a Status-Line is left to
    http-server-malformed-request-400: the server cannot know what version such bytes speak.)"""
    data = random.Random(settings().seed).randbytes(4096) + b"\r\n\r\n"
    resp = exchange(server, data, half_close=True)
    check(resp.got.end in ("eof", "reset"), "HTTP10-ERR-1", "binary garbage: neither an answer nor a close", sent=data,
          expected="400 (or a close)", received=resp.raw, when=resp.describe())
    if resp.head is not None:
        check(400 <= resp.status < 500, "HTTP10-ERR-1", f"binary garbage answered with {resp.status}", sent=data,
              expected="400 (or a close)", received=resp.raw[:200])
    normal_exchange(server.address("tcp"))


@scenario("http-server-tolerant-request-line", protocol="http", role="server", category="robustness",
          requirements=["HTTP10-REQ-5"])
def test_tolerant_request_line(server):
    """Runs of SP/HT between request-line fields and bare LF line ends are accepted (App. B)."""
    req = b"GET  /hello.txt \tHTTP/1.0\nAccept: */*\n\n"
    expect_file(exchange(server, req), HELLO, "HTTP10-REQ-5", "extra whitespace and bare LF", req)


@scenario("http-server-header-folding", protocol="http", role="server", category="robustness",
          requirements=["HTTP10-REQ-7"])
def test_header_folding(server):
    """A header line starting with SP or HT continues the previous one (LWS folding) and must be accepted."""
    req = b"GET /hello.txt HTTP/1.0\r\nUser-Agent: netconformance\r\n folded\r\n\tagain\r\nAccept: */*\r\n\r\n"
    expect_file(exchange(server, req), HELLO, "HTTP10-REQ-7", "folded User-Agent", req)


@scenario("http-server-simple-request-other-methods", protocol="http", role="server", category="robustness",
          requirements=["HTTP10-SIMPLE-3"])
def test_simple_other_methods(server):
    """``HEAD /x`` or ``POST /x`` with no version is not a valid request: 400 or close within 4T, no hang."""
    for req in (b"HEAD /hello.txt\r\n", b"POST /hello.txt\r\n"):
        with netio.connect(server.address("tcp")) as s:
            s.sendall(req)
            got = netio.recv_to_eof(s, settings().scaled(4))
        check(got.end in ("eof", "reset"), "HTTP10-SIMPLE-3", "the server neither answered 400 nor closed", sent=req,
              expected="400 or a close", received=got.data, when=got.describe())
        resp = parse(got)
        if resp.head is not None:
            check(resp.status == 400, "HTTP10-SIMPLE-3", f"answered {resp.status}", sent=req, expected="400",
                  received=resp.raw[:120])


@scenario("http-server-oversized-request", protocol="http", role="server", category="robustness",
          requirements=["HTTP10-REQ-10"])
def test_oversized(server):
    """A 1 MiB request line, a 1 MiB header line and 10 000 headers each get a 4xx or a close, and the
    server still serves the next request."""
    cases = (("1 MiB request line", b"GET /" + b"a" * 2**20 + b" HTTP/1.0\r\n\r\n"),
             ("1 MiB header line", b"GET /hello.txt HTTP/1.0\r\nX-Big: " + b"a" * 2**20 + b"\r\n\r\n"),
             ("10 000 headers", b"GET /hello.txt HTTP/1.0\r\n" + b"X-Many: y\r\n" * 10000 + b"\r\n"))
    for what, req in cases:
        with netio.connect(server.address("tcp")) as s:
            sender = threading.Thread(target=_send_quietly, args=(s, req), daemon=True)
            sender.start()
            got = netio.recv_to_eof(s, settings().scaled(12))
            sender.join(settings().scaled(4))
        resp = parse(got)
        if resp.head is not None:
            check(400 <= resp.status < 500, "HTTP10-REQ-10", f"{what}: answered {resp.status}", sent=req,
                  expected="a 4xx or a close", received=resp.raw[:120])
        else:
            check(got.end in ("eof", "reset") and not got.data, "HTTP10-REQ-10", f"{what}: neither a 4xx nor a close",
                  sent=req, expected="a 4xx or a close", received=got.data, when=got.describe())
    normal_exchange(server.address("tcp"))


def _send_quietly(sock, data: bytes) -> None:
    try:
        sock.sendall(data)
    except OSError:
        pass  # the server may refuse the rest and close: that is a valid answer


# ====================================================================== nonblocking / concurrency / timeouts
@scenario("http-server-resets-survived", protocol="http", role="server", category="nonblocking",
          requirements=["NET-TCP-5"])
def test_resets(server):
    """20 clients send half a request and reset; the server keeps serving."""
    common.survives_resets(server, normal_exchange, partial=b"POST /echo HTTP/1.0\r\nContent-Length: 100\r\n\r\nhalf")
    common.survives_resets(server, normal_exchange, partial=b"GET /hello.t")


@scenario("http-server-half-close", protocol="http", role="server", category="nonblocking",
          requirements=["NET-TCP-4"])
def test_half_close(server):
    """A client that half-closes right after its request still gets the whole response."""
    req = b"GET /hello.txt HTTP/1.0\r\n\r\n"
    expect_file(exchange(server, req, half_close=True), HELLO, "NET-TCP-4", "request then shutdown(SHUT_WR)", req)


@scenario("http-server-unread-input-no-reset", protocol="http", role="server", category="nonblocking",
          requirements=["NET-TCP-9"])
def test_unread_input(server):
    """Request plus 64 KiB of unread junk in one write, a slow reader with a 4 KiB receive buffer: the
    whole 1 MiB response arrives.  A server that closes with input unread makes the kernel reset, which
    destroys the response still queued."""
    big = random.Random(settings().seed).randbytes(2**20)
    plant(server, "big.bin", big)
    req = b"GET /big.bin HTTP/1.0\r\n\r\n"
    with netio.connect(server.address("tcp"), rcvbuf=4096) as s:
        sender = threading.Thread(target=_send_quietly, args=(s, req + b"J" * 65536), daemon=True)
        sender.start()
        time.sleep(settings().scaled(2))
        got = netio.recv_to_eof(s, settings().scaled(20))
        sender.join(settings().scaled(2))
    resp = parse(got)
    expect_status(resp, 200, ["NET-TCP-9"], "GET /big.bin with unread input", req)
    check(resp.body == big, "NET-TCP-9", "the response was cut short or changed", sent=req,
          expected=f"{len(big)} body bytes then EOF", received=f"{len(resp.body)} body bytes", when=got.describe())


@scenario("http-server-idle-client-no-block", protocol="http", role="server", category="concurrency",
          requirements=["NET-TCP-6"])
def test_idle_client(server):
    """A client that connects and sends half a request line does not block a second client."""
    common.idle_client_does_not_block(server, normal_exchange, idle_bytes=b"GET /hel")


@scenario("http-server-slowloris", protocol="http", role="server", category="timeouts",
          requirements=["HTTP10-CONN-4", "NET-TCP-6"])
def test_slowloris(server):
    """While one client trickles its head (a header byte every T/2), other clients are served at once."""
    stop = threading.Event()

    def slow() -> None:
        try:
            with netio.connect(server.address("tcp")) as s:
                s.sendall(b"GET /hello.txt HTTP/1.0\r\nX-Slow: ")
                while not stop.wait(settings().scaled(0.5)):
                    s.sendall(b"a")
        except (OSError, AssertionError):
            pass  # the server may cut the slow client off: that is the point

    t = threading.Thread(target=slow, daemon=True)
    t.start()
    try:
        time.sleep(settings().scaled(1))
        for _ in range(3):
            started = time.monotonic()
            normal_exchange(server.address("tcp"))
            took = time.monotonic() - started
            check(took < settings().scaled(6), "HTTP10-CONN-4", "a normal request waited behind a slow client",
                  expected=f"served within {settings().scaled(6):g} s", received=f"{took:.2f} s")
    finally:
        stop.set()
        t.join(settings().scaled(4))


# ====================================================================== security
@scenario("http-server-traversal", protocol="http", role="server", category="security",
          requirements=["HTTP10-SEC-1", "HTTP10-ERR-3"])
def test_traversal(server):
    """``..`` segments, plain or %-encoded, never reach files outside the document root.

    The suite puts a canary file next to ``{root}`` and asks for it (and for /etc/passwd) through
    ``/../``, ``%2e%2e``, ``..%2f`` and ``/a/../../``; any of its bytes in an answer is a leak."""
    canary = b"NETCONFORMANCE-CANARY-" + str(settings().seed).encode() + b"\n"
    name = "canary-secret.txt"
    if server.root is not None:
        (server.root.parent / name).write_bytes(canary)
    paths = [f"/../{name}", f"/%2e%2e/{name}", f"/..%2f{name}", f"/sub/../../{name}", f"/sub/%2e%2e/%2e%2e/{name}",
             "/../../../../../../etc/passwd", "/%2e%2e/%2e%2e/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
             "/..%2f..%2f..%2f..%2f..%2fetc/passwd"]
    for path in paths:
        req = f"GET {path} HTTP/1.0\r\n\r\n".encode()
        resp = exchange(server, req)
        leaked = canary.strip() in resp.raw or b"root:x:0:0" in resp.raw
        check(not leaked, "HTTP10-SEC-1", f"GET {path} returned a file outside the document root", sent=req,
              expected="400, 403 or 404", received=resp.raw[:200])
        if resp.head is not None:
            check(resp.status in (400, 403, 404) or resp.status // 100 in (2, 3), "HTTP10-ERR-3",
                  f"GET {path}: unexpected status {resp.status} (nothing leaked)", sent=req, expected="400, 403 or 404",
                  received=resp.raw[:200])


@scenario("http-server-internal-files", protocol="http", role="server", category="security",
          requirements=["HTTP10-SEC-2"])
def test_internal_files(server):
    """Access-control files are not served: a ``.htaccess`` the suite puts in ``{root}`` gets 403 or 404.

    Local policy (a warning): the file is internal only to servers that read such files."""
    secret = b"Require all denied # NETCONFORMANCE-INTERNAL\n"
    plant(server, ".htaccess", secret)
    req = b"GET /.htaccess HTTP/1.0\r\n\r\n"
    resp = exchange(server, req)
    check(b"NETCONFORMANCE-INTERNAL" not in resp.raw, "HTTP10-SEC-2", "an access-control file was served", sent=req,
          expected="403 or 404", received=resp.raw[:200])

