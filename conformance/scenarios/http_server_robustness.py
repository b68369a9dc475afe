"""HTTP server scenarios: partial reads, malformed and oversized requests, resets, half-close, idle and slow
clients, and the document root's boundary (RFC 1945 §4, §12; the NET-TCP requirements).
"""

from __future__ import annotations

import random
import threading
import time

from conformance.checks import check
from conformance.registry import scenario
from conformance.scenarios import common
from conformance.scenarios.httpdriver import HELLO, exchange, expect_file, expect_status, normal_exchange, parse, plant
from netconformance_fixtures import netio
from netconformance_fixtures.context import settings


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


@scenario("http-server-traversal", protocol="http", role="server", category="security",
          requirements=["HTTP10-SEC-1", "HTTP10-ERR-3"])
def test_traversal(server):
    """``..`` segments, plain or %-encoded, never reach files outside the document root.

    The suite puts a canary file next to ``{root}`` and asks for it (and for /etc/passwd) through
    ``/../``, ``%2e%2e``, ``..%2f`` and ``/a/../../``; any of its bytes in an answer is a leak.  Every path
    is checked for a leak before the status of any refusal is judged."""
    canary = b"NETCONFORMANCE-CANARY-" + str(settings().seed).encode() + b"\n"
    name = "canary-secret.txt"
    if server.root is not None:
        (server.root.parent / name).write_bytes(canary)
    paths = [f"/../{name}", f"/%2e%2e/{name}", f"/..%2f{name}", f"/sub/../../{name}", f"/sub/%2e%2e/%2e%2e/{name}",
             "/../../../../../../etc/passwd", "/%2e%2e/%2e%2e/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
             "/..%2f..%2f..%2f..%2f..%2fetc/passwd"]
    answers = []
    for path in paths:
        req = f"GET {path} HTTP/1.0\r\n\r\n".encode()
        resp = exchange(server, req)
        leaked = canary.strip() in resp.raw or b"root:x:0:0" in resp.raw
        check(not leaked, "HTTP10-SEC-1", f"GET {path} returned a file outside the document root", sent=req,
              expected="400, 403 or 404", received=resp.raw[:200])
        answers.append((path, req, resp))
    for path, req, resp in answers:  # a refusal's status (a should) only once no path leaked (a must)
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
