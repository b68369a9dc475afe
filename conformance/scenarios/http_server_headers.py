"""HTTP server scenarios: Date, Content-Type and Last-Modified, and the conditional GET with If-Modified-Since
(RFC 1945 §3.3, §8.1, §10.2, §10.5, §10.9, §10.10).
"""

from __future__ import annotations

import time

from conformance.checks import check
from conformance.errors import NotApplicable
from conformance.registry import scenario
from conformance.scenarios.httpdriver import HELLO, exchange, expect_file, expect_status, get, plant
from netconformance_fixtures.context import settings
from reference_servers.http import wire


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
