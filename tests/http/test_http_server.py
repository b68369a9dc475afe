"""Unit tests of the HTTP/1.0 reference server, over real loopback sockets."""

from __future__ import annotations

import os
import socket
import struct
import threading
import time

import pytest
from http_testlib import BINARY, DOTTED, TEXT, UTF8_PAGE, exchange, split_response

from reference_servers.http import wire


def get(ref_server, request: bytes, **kw) -> tuple[str, dict[str, str], bytes]:
    return split_response(exchange(ref_server.address(), request, **kw))


def test_get_file_exact_bytes_and_headers(ref_server):
    status, headers, body = get(ref_server, b"GET /binary.bin HTTP/1.0\r\n\r\n")
    assert status == "HTTP/1.0 200 OK"
    assert body == BINARY and headers["content-length"] == str(len(BINARY))
    assert headers["content-type"] == "application/octet-stream"
    for name in ("date", "last-modified"):
        assert wire.is_rfc1123_date(headers[name])
    assert abs(wire.parse_http_date(headers["date"]) - time.time()) < 5


@pytest.mark.parametrize("path,content", [("/hello.txt", TEXT), ("/dotted.txt", DOTTED), ("/utf8.html", UTF8_PAGE),
                                          ("/hello%20world.txt", b"spaced\n"), ("/dir/nested/deep.txt", b"deep\n"),
                                          ("/", b"<html><body>index</body></html>\n")])
def test_files(ref_server, path, content):
    status, headers, body = get(ref_server, f"GET {path} HTTP/1.0\r\n\r\n".encode())
    assert status.startswith("HTTP/1.0 200 ") and body == content
    assert int(headers["content-length"]) == len(content)


def test_head_has_no_body_and_same_headers(ref_server):
    raw_head = exchange(ref_server.address(), b"HEAD /hello.txt HTTP/1.0\r\n\r\n")
    assert raw_head.endswith(b"\r\n\r\n")
    _, h_head, body = split_response(raw_head)
    _, h_get, _ = split_response(exchange(ref_server.address(), b"GET /hello.txt HTTP/1.0\r\n\r\n"))
    assert body == b""
    h_head.pop("date"), h_get.pop("date")
    assert h_head == h_get
    status, _, body = get(ref_server, b"HEAD /missing HTTP/1.0\r\n\r\n")
    assert status.startswith("HTTP/1.0 404") and body == b""


def test_simple_request_gets_body_alone(ref_server):
    assert exchange(ref_server.address(), b"GET /hello.txt\r\n") == TEXT
    # ends at the first line: the body arrives although the socket stays open
    with socket.create_connection(ref_server.address(), timeout=5) as s:
        s.sendall(b"GET /hello.txt\r\n")
        data = b""
        while len(data) < len(TEXT):
            data += s.recv(65536)
        assert data == TEXT


@pytest.mark.parametrize("request_bytes,status", [
    (b"GARBAGE\r\n\r\n", 400), (b"GET / HTTP/1.0 extra\r\n\r\n", 400), (b"GET\r\n\r\n", 400),
    (b"GET /\x00 HTTP/1.0\r\n\r\n", 400), (b"HEAD /x\r\n", 400), (b"GET / HTTP/a.b\r\n\r\n", 400),
    (b"get / HTTP/1.0\r\n\r\n", 501), (b"PUT / HTTP/1.0\r\n\r\n", 501), (b"BREW / HTTP/1.0\r\n\r\n", 501),
    (b"GET / HTTP/2.0\r\n\r\n", 505), (b"GET / HTTP/12.3\r\n\r\n", 505), (b"GET /nope HTTP/1.0\r\n\r\n", 404),
    (b"GET nope HTTP/1.0\r\n\r\n", 400), (b"GET /%00 HTTP/1.0\r\n\r\n", 400),
    (b"POST /echo HTTP/1.0\r\n\r\nabc", 400), (b"POST /echo HTTP/1.0\r\nContent-Length: abc\r\n\r\n", 400),
    (b"POST /echo HTTP/1.0\r\nContent-Length: -5\r\n\r\n", 400),
    (b"POST /echo HTTP/1.0\r\nContent-Length: 5, 6\r\n\r\n", 400),
    (b"GET /crash HTTP/1.0\r\n\r\n", 500),
])
def test_error_statuses_have_bodies(ref_server, request_bytes, status):
    line, headers, body = get(ref_server, request_bytes, shutdown=True)
    assert line.startswith(f"HTTP/1.0 {status} ")
    assert body and int(headers["content-length"]) == len(body)


@pytest.mark.parametrize("path", ["/../etc/passwd", "/%2e%2e/%2e%2e/etc/passwd", "/..%2fetc/passwd", "/a/../../x",
                                  "/escape.txt", "/.hidden", "//etc/passwd", "/%2e%2e%2foutside-secret.txt",
                                  "/dir/..%2f..%2foutside-secret.txt"])
def test_traversal_is_refused(ref_server, path):
    raw = exchange(ref_server.address(), f"GET {path} HTTP/1.0\r\n\r\n".encode())
    assert raw.split(b" ", 2)[1] in (b"400", b"403", b"404"), raw[:100]
    assert b"SECRET" not in raw and b"root:" not in raw


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads mode-000 files")
def test_unreadable_file_is_403(ref_server, docroot):
    (docroot / "locked.txt").write_bytes(b"x")
    os.chmod(docroot / "locked.txt", 0)
    assert get(ref_server, b"GET /locked.txt HTTP/1.0\r\n\r\n")[0].startswith("HTTP/1.0 403")


def test_directory_redirect_and_listing(ref_server):
    status, headers, body = get(ref_server, b"GET /dir HTTP/1.0\r\nHost: example.test:8080\r\n\r\n")
    assert status.startswith("HTTP/1.0 301") and headers["location"] == "http://example.test:8080/dir/" and body
    host, port = ref_server.address()
    status, headers, _ = get(ref_server, b"GET /dir HTTP/1.0\r\nHost: bad host\r\n\r\n")
    assert headers["location"] == f"http://{host}:{port}/dir/"
    status, headers, body = get(ref_server, b"GET /dir/ HTTP/1.0\r\n\r\n")
    assert status.startswith("HTTP/1.0 200") and b'href="nested/"' in body


def test_configured_redirects(ref_server):
    host, port = ref_server.address()
    status, headers, _ = get(ref_server, b"GET /old HTTP/1.0\r\n\r\n")
    assert status.startswith("HTTP/1.0 301") and headers["location"] == f"http://{host}:{port}/hello.txt"
    assert get(ref_server, b"GET /tmp HTTP/1.0\r\n\r\n")[0] == "HTTP/1.0 302 Moved Temporarily"


def test_post_echo_exact_length_however_segmented(ref_server):
    body = os.urandom(10240) + b"\r\n\r\n"
    head = b"POST /echo HTTP/1.0\r\ncontent-LENGTH: %d\r\n\r\n" % len(body)
    pieces = [head + body[:3]] + [body[i:i + 1024] for i in range(3, len(body), 1024)]
    status, _, echoed = get(ref_server, pieces, gap=0.01)
    assert status == "HTTP/1.0 200 OK" and echoed == body
    # surplus after Content-Length is ignored
    assert get(ref_server, b"POST /echo HTTP/1.0\r\nContent-Length: 3\r\n\r\nabcdef")[2] == b"abc"


def test_folded_content_length(ref_server):
    raw = b"POST /echo HTTP/1.0\r\nUser-Agent: a\r\n b\r\nContent-Length:\r\n 5\r\n\r\nhello"
    assert get(ref_server, raw)[2] == b"hello"


def test_trickled_request_split_inside_crlf(ref_server):
    req = b"GET /hello.txt HTTP/1.0\r\nAccept: */*\r\n\r\n"
    assert get(ref_server, [bytes([b]) for b in req], gap=0.002)[2] == TEXT


def test_tolerant_request_line(ref_server):
    assert get(ref_server, b"GET  /hello.txt \tHTTP/1.0\n\n")[2] == TEXT


@pytest.mark.parametrize("version", [b"HTTP/1.1", b"HTTP/01.00", b"HTTP/1.10"])
def test_newer_minor_versions_served_as_1_0(ref_server, version):
    raw = exchange(ref_server.address(), b"GET /hello.txt " + version + b"\r\nHost: x\r\nConnection: keep-alive\r\n\r\n")
    status, headers, body = split_response(raw)
    assert status == "HTTP/1.0 200 OK" and body == TEXT and "connection" not in headers


def test_if_modified_since(ref_server):
    _, headers, _ = get(ref_server, b"GET /old.txt HTTP/1.0\r\n\r\n")
    lm = headers["last-modified"]
    assert lm == "Sun, 06 Nov 1994 08:49:37 GMT"
    for ims in (lm, "Sunday, 06-Nov-94 08:49:37 GMT", "Sun Nov  6 08:49:37 1994"):
        raw = exchange(ref_server.address(), f"GET /old.txt HTTP/1.0\r\nIf-Modified-Since: {ims}\r\n\r\n".encode())
        status, headers, body = split_response(raw)
        assert status.startswith("HTTP/1.0 304") and body == b"" and "content-length" not in headers
    for ims in ("Sat, 01 Jan 1994 00:00:00 GMT", "garbage", wire.format_http_date(time.time() + 365 * 86400)):
        status, _, body = get(ref_server, f"GET /old.txt HTTP/1.0\r\nIf-Modified-Since: {ims}\r\n\r\n".encode())
        assert status.startswith("HTTP/1.0 200") and body == b"old file\n"
    # HEAD is never conditional; errors are unaffected
    assert get(ref_server, f"HEAD /old.txt HTTP/1.0\r\nIf-Modified-Since: {lm}\r\n\r\n".encode())[0].startswith("HTTP/1.0 200")
    assert get(ref_server, f"GET /nope HTTP/1.0\r\nIf-Modified-Since: {lm}\r\n\r\n".encode())[0].startswith("HTTP/1.0 404")


def test_future_mtime_clamped(ref_server):
    _, headers, _ = get(ref_server, b"GET /future.txt HTTP/1.0\r\n\r\n")
    assert wire.parse_http_date(headers["last-modified"]) <= wire.parse_http_date(headers["date"])


def test_many_unknown_and_odd_headers(ref_server):
    extra = b"".join(b"X-H%d: v\r\n" % i for i in range(20)) + b"Pragma:\r\nPragma: a\r\nPragma:b\r\n"
    assert get(ref_server, b"GET /hello.txt HTTP/1.0\r\n" + extra + b"\r\n")[2] == TEXT


def test_oversized_inputs_get_400_and_server_survives(ref_server):
    for req in (b"GET /" + b"a" * (1 << 20) + b" HTTP/1.0\r\n\r\n",
                b"GET / HTTP/1.0\r\nX: " + b"a" * (1 << 20) + b"\r\n\r\n",
                b"GET / HTTP/1.0\r\n" + b"X: y\r\n" * 10000 + b"\r\n",
                b"POST /echo HTTP/1.0\r\nContent-Length: 99999999\r\n\r\n"):
        try:
            raw = exchange(ref_server.address(), req)
        except ConnectionResetError:
            raw = b""
        assert raw == b"" or raw.startswith(b"HTTP/1.0 400 ")
    assert get(ref_server, b"GET /hello.txt HTTP/1.0\r\n\r\n")[2] == TEXT


def test_big_upload_rejected_early_still_readable(ref_server):
    """NET-TCP-9 / HTTP10-ERR-6: the 400 survives a client that keeps uploading."""
    with socket.create_connection(ref_server.address(), timeout=5) as s:
        s.sendall(b"POST /echo HTTP/1.0\r\nContent-Length: 10485760\r\n\r\n")
        try:
            s.sendall(b"x" * 10485760)
        except (ConnectionResetError, BrokenPipeError):
            pass
        assert s.recv(12) == b"HTTP/1.0 400"


def test_half_close_after_request(ref_server):
    assert get(ref_server, b"GET /hello.txt HTTP/1.0\r\n\r\n", shutdown=True)[2] == TEXT


def test_missing_final_crlf_then_half_close_is_400(ref_server):
    assert get(ref_server, b"GET /hello.txt HTTP/1.0\r\n", shutdown=True)[0].startswith("HTTP/1.0 400")


def test_idle_client_does_not_block_others_and_slowloris_is_cut(ref_server):
    with socket.create_connection(ref_server.address(), timeout=10) as idle:
        idle.sendall(b"GET /hello.txt HTTP/1.0\r\nX-Slow: ")
        started = time.monotonic()
        assert get(ref_server, b"GET /hello.txt HTTP/1.0\r\n\r\n")[2] == TEXT
        assert time.monotonic() - started < 2
        for _ in range(20):  # keep trickling: the header timeout (3 s) still ends it
            try:
                idle.sendall(b"a")
            except OSError:
                break
            time.sleep(0.25)
        idle.settimeout(5)
        try:
            assert idle.recv(100) == b""
        except ConnectionResetError:
            pass
        assert time.monotonic() - started < 8


def test_resets_do_not_kill_the_server(ref_server):
    for _ in range(50):
        s = socket.create_connection(ref_server.address(), timeout=5)
        s.sendall(b"POST /echo HTTP/1.0\r\nContent-Length: 100\r\n\r\nhalf")
        s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        s.close()
    assert get(ref_server, b"GET /hello.txt HTTP/1.0\r\n\r\n")[2] == TEXT


def test_concurrent_clients(ref_server):
    results = []

    def worker():
        results.append(get(ref_server, b"GET /binary.bin HTTP/1.0\r\n\r\n")[2] == BINARY)

    threads = [threading.Thread(target=worker) for _ in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(10)
    assert results == [True] * 20


def test_server_header_configurable(docroot):
    from reference_servers.http.server import HttpServer
    with HttpServer(root=docroot, server_header=None).start() as srv:
        assert "server" not in get(srv, b"GET / HTTP/1.0\r\n\r\n")[1]


def test_exchanges_are_recorded(ref_server):
    get(ref_server, b"GET /hello.txt HTTP/1.0\r\nUser-Agent: t\r\n\r\n")
    ex = ref_server.exchanges[-1]
    assert ex.head.headers.get("User-Agent") == "t" and ex.status == 200
