"""HTTP server scenarios: GET, HEAD and POST, the request URI, status codes and their entity bodies, redirects
(RFC 1945 §3.2, §8, §9).
"""

from __future__ import annotations

import random

from conformance.checks import check, fail
from conformance.errors import NotApplicable
from conformance.registry import scenario
from conformance.scenarios.httpdriver import HELLO, exchange, expect_file, expect_status, get, plant, require_echo
from netconformance_fixtures.context import settings
from netconformance_fixtures.docroot import FILES

UTF8_PAGE = "<html><body>caf\u00e9 \u00fcber \u65e5\u672c\u8a9e \U0001f600</body></html>\n".encode()


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


@scenario("http-server-error-bodies", protocol="http", role="server", category="protocol",
          requirements=["HTTP10-STATUS-3", "HTTP10-LEN-5", "HTTP10-ERR-2"])
def test_error_bodies(server):
    """404, 400 and 501 come with a body explaining the error (or at least Content-Length: 0).

    All three answers are checked for a body or Content-Length: 0 (a must) before their statuses and
    bodies (shoulds).  (A 400 sent without a Status-Line is left to http-server-malformed-request-400.)"""
    answers = []
    for req, status in ((b"GET /no-such-file HTTP/1.0\r\n\r\n", 404),
                        (b"GET / HTTP/1.0 extra\r\n\r\n", 400),
                        (b"BREW /hello.txt HTTP/1.0\r\n\r\n", 501)):
        resp = exchange(server, req)
        answers.append((req, status, resp))
        if resp.head is None or resp.body or resp.status < 200 or resp.status in (204, 304):
            continue  # RFC 1945 §7.2: only 1xx, 204 and 304 (and HEAD) go without a body or Content-Length: 0
        check(resp.header("Content-Length") == "0", "HTTP10-LEN-5",
              f"{resp.status} with neither a body nor Content-Length: 0", sent=req, expected="an explanatory body",
              received=resp.raw)
    for req, status, resp in answers:
        if status == 400 and resp.head is None:
            continue
        expect_status(resp, status, "HTTP10-ERR-2" if status == 404 else "HTTP10-STATUS-3", f"error {status}", req)
        if not resp.body:
            fail("HTTP10-STATUS-3", f"{status} without an explanatory body", sent=req, expected="a non-empty body",
                 received=resp.raw)


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
