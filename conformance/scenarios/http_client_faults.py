"""HTTP client scenarios: partial reads, line breaks in text, tolerant parsing, stalls, resets and refused
servers (RFC 1945; the NET-TCP requirements).
"""

from __future__ import annotations

import re

from conformance.checks import check
from conformance.registry import scenario
from conformance.scenarios import common
from conformance.scenarios.http_client_peer import answer, expect_no_hang, fetch
from netconformance_fixtures.context import settings
from netconformance_fixtures.docroot import FILES
from netconformance_fixtures.peers import TcpPeer
from reference_servers.http.peer import behaviour_named


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
