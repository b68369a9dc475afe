"""HTTP/1.0 clients (RFC 1945): the client under test fetches a URL from a reference peer.

Contract (DESIGN §5): the client fetches ``{url}`` and writes the entity body to stdout; it exits
non-zero on a status >= 400 or a network error.  The peer is either the reference server with a
behaviour (fragmented, close-delimited, stalled...; it records each request) or a scripted
:class:`~netconformance_fixtures.peers.TcpPeer` answering exact bytes.  What a client may legitimately choose (following
redirects or not, HTTP/1.0 or 1.1 in its request line) is accepted either way; what RFC 1945 fixes is
checked exactly.
"""

from __future__ import annotations

import re
import threading

from conformance.checks import check, fail
from conformance.registry import scenario
from conformance.scenarios import common
from netconformance_fixtures.context import settings
from netconformance_fixtures.docroot import FILES
from netconformance_fixtures.peers import TcpPeer
from reference_servers.http import wire
from reference_servers.http.peer import behaviour_named

TCP = "tcp"
REQUEST_LINE = re.compile(rb"^GET (/\S*) HTTP/1\.\d+\r\n")


def url(address, path: str = "/") -> str:
    host = f"[{address[0]}]" if ":" in address[0] else address[0]
    return f"http://{host}:{address[1]}{path}"


def fetch(client, address, path: str = "/"):
    """Run the client once on ``http://address{path}``."""
    return common.run_client(client, address, TCP, url=url(address, path))


def answer(data: bytes, then: str = "close"):
    """A peer handler: read the request head, answer ``data``, then close, reset or stall."""

    def handler(conn) -> None:
        conn.recv_until(lambda b: b"\r\n\r\n" in b or b"\n\n" in b, settings().scaled(8))
        if conn.send(data):
            {"close": conn.close, "reset": conn.reset, "stall": conn.stall}[then]()

    return handler


def request_head(raw: bytes) -> bytes:
    end = raw.find(b"\r\n\r\n")
    if end < 0:
        end = raw.find(b"\n\n")
        return raw if end < 0 else raw[: end + 2]
    return raw[: end + 4]


def last_request(srv) -> bytes:
    check(srv.exchanges, "HTTP10-CLIENT-1", "the client never sent a request", expected="one request", received="nothing")
    ex = srv.exchanges[-1]
    return ex.head.raw if ex.head is not None else ex.raw


def expect_no_hang(run, reqs, summary: str) -> None:
    if run.hung:
        fail(reqs, f"{summary}: the client hung", expected="the client ends by itself", received=run.describe())


# ====================================================================== protocol
@scenario("http-client-request-form", protocol="http", role="client", category="protocol",
          requirements=["HTTP10-VER-6", "HTTP10-CLIENT-1", "HTTP10-CLIENT-2", "HTTP10-SIMPLE-4"])
def test_request_form(client, reference):
    """The request is a Full-Request: ``GET abs_path HTTP/1.x``, CRLF line ends, an empty CRLF line.

    The client fetches a nested file from the reference server, which records the request bytes."""
    srv = reference()
    address = srv.address("tcp")
    run = fetch(client, address, "/sub/nested.txt")
    raw = last_request(srv)
    head = request_head(raw)
    first = head.split(b"\n", 1)[0].rstrip(b"\r").split()
    check(len(first) != 2, "HTTP10-SIMPLE-4", "the client sent an HTTP/0.9 Simple-Request (no version)",
          expected="GET /sub/nested.txt HTTP/1.0\\r\\n", received=head[:120])
    check(len(first) == 3 and re.fullmatch(rb"HTTP/1\.\d+", first[2]), "HTTP10-VER-6",
          "the request line does not end in HTTP/1.x", expected="GET /sub/nested.txt HTTP/1.0\\r\\n", received=head[:120])
    check(REQUEST_LINE.match(head), "HTTP10-CLIENT-2",
          "the request line is not 'GET /sub/nested.txt HTTP/1.x'", expected="GET /sub/nested.txt HTTP/1.0\\r\\n",
          received=head[:120])
    target = REQUEST_LINE.match(head).group(1)
    check(target == b"/sub/nested.txt", "HTTP10-CLIENT-2", "the Request-URI is not the abs_path", expected=b"/sub/nested.txt",
          received=target)
    check(head.endswith(b"\r\n\r\n") and b"\n" not in head.replace(b"\r\n", b""), "HTTP10-CLIENT-1",
          "request lines do not all end in CRLF, or no empty CRLF line", expected="CRLF line ends", received=head)
    common.expect_success(run, "HTTP10-CLIENT-1", "fetch of a file", expected_stdout=FILES["sub/nested.txt"], sent=head)


@scenario("http-client-empty-path", protocol="http", role="client", category="protocol",
          requirements=["HTTP10-CLIENT-2"])
def test_empty_path(client, reference):
    """A URL without a path (``http://host:port``) is requested as ``/``, never as an empty Request-URI."""
    srv = reference()
    host, port = srv.address("tcp")
    run = common.run_client(client, (host, port), TCP, url=url((host, port), ""))
    head = request_head(last_request(srv))
    m = REQUEST_LINE.match(head)
    check(m and m.group(1) == b"/", "HTTP10-CLIENT-2", "the empty path was not sent as '/'",
          expected="GET / HTTP/1.0\\r\\n", received=head[:120])
    common.expect_success(run, "HTTP10-CLIENT-2", "fetch of the root", sent=head)


@scenario("http-client-user-agent", protocol="http", role="client", category="protocol",
          requirements=["HTTP10-CLIENT-3"])
def test_user_agent(client, reference):
    """The request carries a User-Agent header."""
    srv = reference()
    fetch(client, srv.address("tcp"), "/hello.txt")
    ex = srv.exchanges[-1] if srv.exchanges else None
    check(ex is not None and ex.head is not None and ex.head.headers.get("User-Agent"), "HTTP10-CLIENT-3",
          "no User-Agent header", expected="User-Agent: <product>", received=last_request(srv))


@scenario("http-client-no-date-on-get", protocol="http", role="client", category="protocol",
          requirements=["HTTP10-CLIENT-4"])
def test_no_date_on_get(client, reference):
    """A GET (no entity body) carries no Date header."""
    srv = reference()
    fetch(client, srv.address("tcp"), "/hello.txt")
    ex = srv.exchanges[-1] if srv.exchanges else None
    check(ex is not None and ex.head is not None and "Date" not in ex.head.headers, "HTTP10-CLIENT-4",
          "Date sent on a request without a body", expected="no Date header", received=last_request(srv))


@scenario("http-client-truncated-body", protocol="http", role="client", category="protocol",
          requirements=["HTTP10-LEN-7"])
def test_truncated_body(client, reference):
    """Content-Length announces 100 octets more than arrive before the close: the client reports an error."""
    srv = reference(behaviour="short-body")
    run = fetch(client, srv.address("tcp"), "/allbytes.bin")
    common.expect_error(run, "HTTP10-LEN-7", "body shorter than its Content-Length, then close")


@scenario("http-client-no-body-statuses", protocol="http", role="client", category="protocol",
          requirements=["HTTP10-HEAD-5", "HTTP10-CONN-2"])
def test_no_body_statuses(client):
    """A 204 response ends at its empty line even with ``Content-Length: 1000`` (RFC 1945 §7.2: 1xx, 204
    and 304 never have a body, as HEAD responses never do).

    First the server closes after the head: the client succeeds with an empty body (a "truncated body"
    error is wrong).  Then the server holds the connection open, which a 1.0 server must not do: a client
    that waits for the close is reported as a warning only."""
    data = b"HTTP/1.0 204 No Content\r\nContent-Length: 1000\r\nDate: " + wire.format_http_date().encode() + b"\r\n\r\n"
    with TcpPeer(answer(data)) as peer:
        run = fetch(client, peer.address, "/nothing")
    common.expect_success(run, "HTTP10-HEAD-5", "204 with Content-Length: 1000, then close", expected_stdout=b"",
                          sent=data)
    with TcpPeer(answer(data, then="stall")) as peer:
        run = fetch(client, peer.address, "/nothing")
    expect_no_hang(run, "HTTP10-CONN-2", "204 with Content-Length, connection held (off-protocol)")
    common.expect_success(run, "HTTP10-CONN-2", "204 with Content-Length, connection held (off-protocol)",
                          expected_stdout=b"", sent=data)


@scenario("http-client-length-known-no-close", protocol="http", role="client", category="protocol",
          requirements=["HTTP10-CONN-2", "HTTP10-LEN-4"])
def test_length_known_no_close(client, reference):
    """The server sends Content-Length and keeps the connection open (as a keep-alive server would): the
    client is done after Content-Length octets and must not wait for the close."""
    srv = reference(behaviour="hold-open")
    run = fetch(client, srv.address("tcp"), "/hello.txt")
    expect_no_hang(run, "HTTP10-CONN-2", "Content-Length given, connection held open")
    common.expect_success(run, "HTTP10-CONN-2", "Content-Length given, connection held open",
                          expected_stdout=FILES["hello.txt"])


@scenario("http-client-simple-response", protocol="http", role="client", category="protocol",
          requirements=["HTTP10-SIMPLE-5"])
def test_simple_response(client):
    """An answer that does not start with a Status-Line is an HTTP/0.9 Simple-Response: everything up to
    the close is the body."""
    body = b"<html><body>hi from 0.9</body></html>\n"
    with TcpPeer(answer(body)) as peer:
        run = fetch(client, peer.address, "/old.html")
    common.expect_success(run, "HTTP10-SIMPLE-5", "Simple-Response", expected_stdout=body)


@scenario("http-client-http11-status-line", protocol="http", role="client", category="protocol",
          requirements=["HTTP10-VER-7"])
def test_http11_status_line(client):
    """An ``HTTP/1.1 200 OK`` Status-Line (same major version) is accepted and the body read."""
    data = b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 6\r\n\r\nhello\n"
    with TcpPeer(answer(data)) as peer:
        run = fetch(client, peer.address, "/x")
    common.expect_success(run, "HTTP10-VER-7", "HTTP/1.1 Status-Line", expected_stdout=b"hello\n", sent=data)


@scenario("http-client-unknown-status-codes", protocol="http", role="client", category="protocol",
          requirements=["HTTP10-STATUS-4"])
def test_unknown_status_codes(client):
    """Unknown codes count as x00 of their class: 299 is a success, 431 and 599 are errors (non-zero exit),
    as is a plain 404."""
    body = b"status body\n"
    for code, ok in ((299, True), (431, False), (599, False), (404, False)):
        data = b"HTTP/1.0 %d Whatever\r\nContent-Length: %d\r\n\r\n" % (code, len(body)) + body
        with TcpPeer(answer(data)) as peer:
            run = fetch(client, peer.address, "/x")
        if ok:
            common.expect_success(run, "HTTP10-STATUS-4", f"status {code}", expected_stdout=body, sent=data)
        else:
            common.expect_error(run, "HTTP10-STATUS-4", f"status {code}", sent=data)


def _redirect_once(client, relative: bool):
    """Run the client on a peer that answers 301 to the first request and 200 to the next; return the
    run, the requests the peer got and the two bodies."""
    moved = b"moved\n"
    target = b"the target\n"
    lock = threading.Lock()
    count = [0]
    peer = TcpPeer(None)

    def handler(conn) -> None:
        with lock:
            index = count[0]
            count[0] += 1
        conn.recv_until(lambda b: b"\r\n\r\n" in b or b"\n\n" in b, settings().scaled(8))
        if index == 0:
            location = b"/target" if relative else url(peer.address, "/target").encode()
            data = b"HTTP/1.0 301 Moved Permanently\r\nLocation: " + location + b"\r\nContent-Length: 6\r\n\r\n" + moved
        else:
            data = b"HTTP/1.0 200 OK\r\nContent-Length: %d\r\n\r\n" % len(target) + target
        if conn.send(data):
            conn.close()

    peer.handler = handler
    with peer:
        run = fetch(client, peer.address, "/start")
        requests = [bytes(c.received) for c in peer.connections]
    return run, requests, moved, target, peer.address


@scenario("http-client-redirect", protocol="http", role="client", category="protocol",
          requirements=["HTTP10-REDIR-4", "HTTP10-REDIR-5"])
def test_redirect(client):
    """A 301 with ``Location: http://host:port/target``: a client that follows opens a new connection for
    ``/target`` (and prints its body); one that does not follow prints the 301's body.  Both are fine;
    following somewhere else, or failing, is not.

    Then the same with a relative ``Location: /target`` (RFC 1945 allows only absolute URLs there, so how
    a client copes is de-facto, a warning): following it must resolve it against the request URL."""
    run, requests, moved, target, _ = _redirect_once(client, relative=False)
    expect_no_hang(run, "HTTP10-REDIR-4", "redirect")
    if len(requests) == 1:
        common.expect_success(run, "HTTP10-REDIR-4", "301 not followed", expected_stdout=moved)
    else:
        m = re.match(rb"GET (\S+) HTTP/", requests[1])
        check(m and m.group(1) == b"/target", "HTTP10-REDIR-4", "the redirect was not followed to the Location",
              expected="GET /target", received=requests[1][:120])
        common.expect_success(run, "HTTP10-REDIR-4", "301 followed", expected_stdout=target)
    run, requests, moved, target, address = _redirect_once(client, relative=True)
    expect_no_hang(run, "HTTP10-REDIR-5", "redirect to a relative Location")
    if len(requests) == 1:
        common.expect_success(run, "HTTP10-REDIR-5", "relative 301 not followed", expected_stdout=moved)
        return
    m = re.match(rb"GET (\S+) HTTP/", requests[1])
    path = m.group(1) if m else b""
    check(path in (b"/target", url(address, "/target").encode()), "HTTP10-REDIR-5",
          "the relative Location was not resolved against the request URL", expected="GET /target",
          received=requests[1][:120])
    common.expect_success(run, "HTTP10-REDIR-5", "relative 301 followed", expected_stdout=target)


@scenario("http-client-redirect-loop-bounded", protocol="http", role="client", category="protocol",
          requirements=["HTTP10-REDIR-3"])
def test_redirect_loop(client):
    """Every request is redirected to itself: the client follows at most 5 times (6 connections), then
    stops; it must not loop until killed."""
    peer = TcpPeer(None)

    def handler(conn) -> None:
        conn.recv_until(lambda b: b"\r\n\r\n" in b or b"\n\n" in b, settings().scaled(8))
        location = url(peer.address, "/loop").encode()
        data = b"HTTP/1.0 302 Moved Temporarily\r\nLocation: " + location + b"\r\nContent-Length: 5\r\n\r\nloop\n"
        if conn.send(data):
            conn.close()

    peer.handler = handler
    with peer:
        run = fetch(client, peer.address, "/loop")
        connections = len(peer.connections)
    check(connections <= 6, "HTTP10-REDIR-3", f"the client followed {connections - 1} redirects",
          expected="at most 5 redirects followed", received=f"{connections} connections; {run.describe()}")
    expect_no_hang(run, "HTTP10-REDIR-3", "redirect loop")


# ====================================================================== partial reads
@scenario("http-client-fragmented-response", protocol="http", role="client", category="partial-reads",
          requirements=["NET-TCP-1"])
def test_fragmented(client, reference):
    """The response arrives cut inside the Status-Line, between CR and LF, inside a header, around the
    empty line and mid-body (T/10 pauses): the client must reassemble it."""
    srv = reference(behaviour=behaviour_named("fragmented", gap=settings().scaled(0.1)))
    run = fetch(client, srv.address("tcp"), "/allbytes.bin")
    common.expect_success(run, "NET-TCP-1", "fragmented response", expected_stdout=FILES["allbytes.bin"])


@scenario("http-client-trickled-response", protocol="http", role="client", category="partial-reads",
          requirements=["NET-TCP-1"])
def test_trickled(client, reference):
    """The response arrives one byte per segment, 2 ms apart."""
    srv = reference(behaviour="trickle")
    run = fetch(client, srv.address("tcp"), "/hello.txt")
    common.expect_success(run, "NET-TCP-1", "trickled response", expected_stdout=FILES["hello.txt"])


@scenario("http-client-close-delimited-body", protocol="http", role="client", category="partial-reads",
          requirements=["HTTP10-LEN-4"])
def test_close_delimited(client, reference):
    """No Content-Length: the body (in 3 pieces, T/5 apart) ends when the server closes; the client reads
    to EOF."""
    srv = reference(behaviour=behaviour_named("close-delimited", gap=settings().scaled(0.2)))
    run = fetch(client, srv.address("tcp"), "/allbytes.bin")
    common.expect_success(run, "HTTP10-LEN-4", "body delimited by close", expected_stdout=FILES["allbytes.bin"])


TEXT_BODY = b"CRLF line\r\nbare CR line\rbare LF line\nblank line follows\r\n\r\nlast line, no break"


@scenario("http-client-text-line-breaks", protocol="http", role="client", category="protocol",
          requirements=["HTTP10-TEXT-1", "HTTP10-TEXT-2"])
def test_text_line_breaks(client):
    """A ``text/plain`` body mixing CRLF, bare CR and bare LF line breaks, and ending without one: the
    client accepts every form (RFC 1945 §3.6.1) and writes the entity body unchanged (DESIGN §5), so no
    break is rewritten, dropped or added."""
    head = (b"HTTP/1.0 200 OK\r\nContent-Type: text/plain; charset=us-ascii\r\n"
            b"Content-Length: %d\r\n\r\n" % len(TEXT_BODY))
    with TcpPeer(answer(head + TEXT_BODY)) as peer:
        run = fetch(client, peer.address, "/mixed.txt")
    expect_no_hang(run, "HTTP10-TEXT-1", "text body with mixed line breaks")
    common.expect_success(run, "HTTP10-TEXT-1", "text body with CRLF, bare CR and bare LF line breaks", sent=head + TEXT_BODY)
    lines = re.split(rb"\r\n|\r|\n", TEXT_BODY)
    check(re.split(rb"\r\n|\r|\n", run.stdout) == lines, "HTTP10-TEXT-1",
          "the text's lines were not all taken as lines (a break dropped, added or joined)", expected=TEXT_BODY,
          received=run.stdout)
    check(run.stdout == TEXT_BODY, "HTTP10-TEXT-2", "the line breaks were rewritten in the entity body written out",
          expected=TEXT_BODY, received=run.stdout)


# ====================================================================== robustness
@scenario("http-client-tolerant-status-line", protocol="http", role="client", category="robustness",
          requirements=["HTTP10-STATUS-5"])
def test_tolerant_status_line(client):
    """``HTTP/1.0  200`` (two spaces, no reason phrase) and bare LF line ends are accepted (App. B)."""
    data = b"HTTP/1.0  200\nContent-Length: 3\n\nok\n"
    with TcpPeer(answer(data)) as peer:
        run = fetch(client, peer.address, "/x")
    common.expect_success(run, "HTTP10-STATUS-5", "tolerant Status-Line", expected_stdout=b"ok\n", sent=data)


@scenario("http-client-header-parsing", protocol="http", role="client", category="robustness",
          requirements=["HTTP10-CLIENT-5", "HTTP10-LEN-8"])
def test_header_parsing(client):
    """``content-length:  5`` in lower case with extra spaces and a folded Content-Type: the body is
    exactly 5 octets.  Then the same with more bytes after those 5 before the close (off-protocol: a
    client that reads on to the close follows §7.2.2's advice not to trust Content-Length, so taking them
    as body is a warning)."""
    data = b"HTTP/1.0 200 OK\r\ncontent-length:  5\r\nContent-Type: text/\r\n plain\r\n\r\nhello"
    with TcpPeer(answer(data)) as peer:
        run = fetch(client, peer.address, "/x")
    common.expect_success(run, "HTTP10-CLIENT-5", "lower-case Content-Length, folded header", expected_stdout=b"hello",
                          sent=data)
    data += b"JUNK AFTER THE ANNOUNCED BODY\n"
    with TcpPeer(answer(data)) as peer:
        run = fetch(client, peer.address, "/x")
    common.expect_success(run, "HTTP10-LEN-8", "bytes after the Content-Length octets", expected_stdout=b"hello",
                          sent=data)


@scenario("http-client-odd-dates", protocol="http", role="client", category="robustness",
          requirements=["HTTP10-DATE-2", "HTTP10-DATE-1"])
def test_odd_dates(client):
    """``Date: garbage``, ``Expires: 0`` and an rfc850 Last-Modified never make the fetch fail."""
    data = (b"HTTP/1.0 200 OK\r\nDate: garbage\r\nExpires: 0\r\nLast-Modified: Sunday, 06-Nov-94 08:49:37 GMT\r\n"
            b"Content-Length: 6\r\n\r\ndates\n")
    with TcpPeer(answer(data)) as peer:
        run = fetch(client, peer.address, "/x")
    common.expect_success(run, "HTTP10-DATE-2", "invalid and old-style dates", expected_stdout=b"dates\n", sent=data)


# ====================================================================== timeouts / nonblocking
@scenario("http-client-stalled-server", protocol="http", role="client", category="timeouts",
          requirements=["NET-TCP-8"])
def test_stalled_server(client):
    """The server accepts and never answers: the client gives up by itself and exits non-zero."""
    with common.tcp_stall_peer() as peer:
        run = fetch(client, peer.address, "/x")
    common.expect_error(run, "NET-TCP-8", "server accepts and never answers")


@scenario("http-client-stalled-mid-body", protocol="http", role="client", category="timeouts",
          requirements=["NET-TCP-8", "HTTP10-LEN-7"])
def test_stalled_mid_body(client, reference):
    """The server sends the head and half the body, then goes silent: the client times out, exits non-zero."""
    srv = reference(behaviour="stall-mid-body")
    run = fetch(client, srv.address("tcp"), "/allbytes.bin")
    common.expect_error(run, "NET-TCP-8", "silence in the middle of the body")


@scenario("http-client-never-accepted", protocol="http", role="client", category="timeouts",
          requirements=["NET-TCP-8"])
def test_never_accepted(client):
    """The server listens but never accepts: the client times out and exits non-zero."""
    with TcpPeer(None, accept=False) as peer:
        run = fetch(client, peer.address, "/x")
    common.expect_error(run, "NET-TCP-8", "server never accepts")


@scenario("http-client-paused-server", protocol="http", role="client", category="nonblocking",
          requirements=["NET-TCP-7"])
def test_paused_server(client, reference):
    """The server pauses T after the head and half the body, then sends the rest: the client waits."""
    srv = reference(behaviour=behaviour_named("pause-mid-body", stall_mid_body=settings().timeout))
    run = fetch(client, srv.address("tcp"), "/allbytes.bin")
    common.expect_success(run, "NET-TCP-7", "pause in the middle of the body", expected_stdout=FILES["allbytes.bin"])


@scenario("http-client-reset-mid-body", protocol="http", role="client", category="nonblocking",
          requirements=["HTTP10-CLIENT-6"])
def test_reset_mid_body(client, reference):
    """The server resets after the head and half the body: the client reports an error."""
    srv = reference(behaviour="reset-mid-body")
    run = fetch(client, srv.address("tcp"), "/allbytes.bin")
    common.expect_error(run, "HTTP10-CLIENT-6", "reset in the middle of the body")


@scenario("http-client-close-mid-head", protocol="http", role="client", category="nonblocking",
          requirements=["HTTP10-CLIENT-6"])
def test_close_mid_head(client, reference):
    """The server closes in the middle of the response head: the client reports an error, no hang."""
    srv = reference(behaviour="close-mid-head")
    run = fetch(client, srv.address("tcp"), "/hello.txt")
    common.expect_error(run, "HTTP10-CLIENT-6", "close inside the response head")

