"""HTTP client scenarios: the request the client sends, response framing, status codes and redirects
(RFC 1945 §4-§10).
"""

from __future__ import annotations

import re
import threading

from conformance.checks import check
from conformance.registry import scenario
from conformance.scenarios import common
from conformance.scenarios.http_client_peer import (
    REQUEST_LINE,
    TCP,
    answer,
    expect_no_hang,
    fetch,
    last_request,
    request_head,
    url,
)
from netconformance_fixtures.context import settings
from netconformance_fixtures.docroot import FILES
from netconformance_fixtures.peers import TcpPeer
from reference_servers.http import wire


@scenario("http-client-request-form", protocol="http", role="client", category="protocol",
          requirements=["HTTP10-VER-6", "HTTP10-CLIENT-1", "HTTP10-CLIENT-2", "HTTP10-SIMPLE-4"])
def test_request_form(client, reference):
    """The request is a Full-Request: ``GET abs_path HTTP/1.x``, CRLF line ends, an empty CRLF line.

    The client fetches a nested file from the reference server, which records the request bytes.  An
    HTTP/0.9 Simple-Request (a should) is still held to the musts that apply to its one line: abs_path and
    CRLF.  How the client then reads the Simple-Response it asked for is http-client-simple-response's."""
    srv = reference()
    address = srv.address("tcp")
    run = fetch(client, address, "/sub/nested.txt")
    raw = last_request(srv)
    head = request_head(raw)
    first = head.split(b"\n", 1)[0].rstrip(b"\r").split()
    if len(first) == 2:  # Simple-Request = "GET" SP Request-URI CRLF (RFC 1945 §4.1)
        check(first[1] == b"/sub/nested.txt", "HTTP10-CLIENT-2", "the Request-URI is not the abs_path",
              expected=b"/sub/nested.txt", received=first[1])
        check(head.endswith(b"\r\n") and b"\n" not in head.replace(b"\r\n", b""), "HTTP10-CLIENT-1",
              "the request line does not end in CRLF", expected="CRLF line ends", received=head)
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
    address = srv.address("tcp")
    run = common.run_client(client, address, TCP, url=url(address, ""))
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
          requirements=["HTTP10-STATUS-4", "HTTP10-CLIENT-7"])
def test_unknown_status_codes(client):
    """Unknown codes count as x00 of their class: 299 is a success, 431 and 599 are errors (non-zero exit),
    as is a plain 404.

    The exit status is the suite's client contract, not the RFC's, so the error codes are judged against the
    client's own answer to the 404: one that reports the 404 as an error but 431 or 599 as a success has not
    treated them as 400 and 500 (HTTP10-STATUS-4, MUST); one that exits 0 after the 404 too reports no error
    status at all (HTTP10-CLIENT-7, de-facto), which says nothing of how it reads the codes.  A 299 not taken
    as a 200 is STATUS-4 either way; a hang after a whole response and the close is NET-TCP-8."""
    body = b"status body\n"

    def status(code: int):
        data = b"HTTP/1.0 %d Whatever\r\nContent-Length: %d\r\n\r\n" % (code, len(body)) + body
        with TcpPeer(answer(data)) as peer:
            return fetch(client, peer.address, "/x"), data

    run, data = status(299)
    common.expect_success(run, "HTTP10-STATUS-4", "status 299", expected_stdout=body, sent=data)
    run, data = status(404)
    common.expect_error(run, "HTTP10-CLIENT-7", "status 404", sent=data, hang_reqs="NET-TCP-8")
    for code in (431, 599):
        run, data = status(code)
        common.expect_error(run, "HTTP10-STATUS-4", f"status {code}, where a plain 404 is reported as an error",
                            sent=data, hang_reqs="NET-TCP-8")


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
