"""The fast paths of the HTTP reference server (reference_servers/http/fastpath.py, inline.py) against its
stream session.

Three servers on the same document root and settings, one serving on the bare socket with
:class:`InlineSession` and :class:`HttpSession` (the default), one with :class:`HttpSession` on a transport
for every connection (``bare_sockets = False``), one with ``fast_path = False`` (every connection a stream
session, ``handle_connection``), get the same requests, however segmented, and must answer the same octets
(Date aside), close the same way (FIN, or without a response), record the same exchange and log the same
lines.
"""

from __future__ import annotations

import asyncio
import logging
import re
import socket
import struct
import threading
import time

import pytest
from http_testlib import BINARY, TEXT, make_docroot

from reference_servers.http import wire
from reference_servers.http.fastpath import HttpSession
from reference_servers.http.inline import InlineSession
from reference_servers.http.peer import BEHAVIOURS
from reference_servers.http.server import HttpServer

SETTINGS = dict(redirects={"/old": (301, "/hello.txt"), "/tmp": (302, "/index.html")}, fault_paths={"/crash"},
                header_timeout=2.0, idle_timeout=0.8, linger=0.4, max_body=20000,
                limits=wire.Limits(max_line=512, max_head=2048, max_headers=10))
_DATE = re.compile(rb"\r\nDate: [^\r\n]*\r\n")


@pytest.fixture(scope="module")
def servers(tmp_path_factory):
    """``(inline, fast, stream)``: the same server three times: as it is, without the bare-socket path, and
    without any fast path."""
    root = make_docroot(tmp_path_factory.mktemp("fastpath") / "root")
    inline = HttpServer(root=root, **SETTINGS)
    fast = HttpServer(root=root, **SETTINGS)
    fast.bare_sockets = False
    stream = HttpServer(root=root, **SETTINGS)
    stream.fast_path = False
    with inline.start(), fast.start(), stream.start():
        yield inline, fast, stream


def talk(srv, pieces: list[bytes], *, gap: float = 0.0, shutdown: bool = False, timeout: float = 5.0):
    """Send ``pieces`` (``gap`` s apart; sending stops if the server has closed), optionally half-close, read
    to the end: ``(octets, how it ended, seconds from the last piece sent to the end, seconds from the last
    octet received to the end)``; how: ``"fin"`` or ``"rst"``."""
    with socket.create_connection(srv.address(), timeout=timeout) as sock:
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        try:
            for i, piece in enumerate(pieces):
                if i and gap:
                    time.sleep(gap)
                sock.sendall(piece)
            if shutdown:
                sock.shutdown(socket.SHUT_WR)
        except (BrokenPipeError, ConnectionResetError):
            pass
        sent = time.monotonic()
        data, how, tail = read_to_end(sock)
        return data, how, time.monotonic() - sent, tail


def read_to_end(sock: socket.socket) -> tuple[bytes, str, float]:
    """What arrives until the server closes, how it closed (``"fin"`` or ``"rst"``), and the seconds from the
    last octet received (or from the call, when none came) to that end."""
    data, how, last = b"", "fin", time.monotonic()
    try:
        while chunk := sock.recv(65536):
            data, last = data + chunk, time.monotonic()
    except ConnectionResetError:
        how = "rst"
    return data, how, time.monotonic() - last


def recorded(srv) -> tuple:
    """The last exchange of ``srv`` as comparable values (Headers has no equality of its own)."""
    ex = srv.exchanges[-1]
    head = None if ex.head is None else (ex.head.method, ex.head.target, ex.head.version, ex.head.headers.fields,
                                         ex.head.raw)
    return head, ex.raw, ex.body, ex.status


def same_answer(servers, pieces: list[bytes], **kw) -> bytes:
    """Run one exchange against every server; assert the same octets (Date and the bound port aside), end
    and record, and an end that comes at once (the server's FIN follows its response, NET-TCP-9: measured from
    the response's last octet, so a loaded machine's late response is not taken for a lingering close)."""
    results = []
    for srv in servers:
        data, how, _, after_response = talk(srv, pieces, **kw)
        assert after_response < SETTINGS["linger"] / 2
        time.sleep(0.02)  # the record is complete once the server has closed; give its thread a moment
        data = _DATE.sub(b"\r\nDate: -\r\n", data).replace(b":%d/" % srv.port, b":PORT/")
        results.append((data, how, recorded(srv)))
    assert results[0] == results[1] == results[2]
    return results[0][0]


CASES = {
    "get": [b"GET /hello.txt HTTP/1.0\r\nHost: x\r\nUser-Agent: t\r\n\r\n"],
    "get-binary": [b"GET /binary.bin HTTP/1.0\r\n\r\n"],
    "index": [b"GET / HTTP/1.0\r\n\r\n"],
    "listing": [b"GET /dir/ HTTP/1.0\r\n\r\n"],
    "dir-redirect": [b"GET /dir HTTP/1.0\r\nHost: example.test:8080\r\n\r\n"],
    "dir-redirect-bad-host": [b"GET /dir HTTP/1.0\r\nHost: bad host\r\n\r\n"],
    "redirect-301": [b"GET /old HTTP/1.0\r\n\r\n"],
    "redirect-302": [b"GET /tmp?x=1 HTTP/1.0\r\n\r\n"],
    "absolute-uri": [b"GET http://example.test/hello.txt HTTP/1.0\r\n\r\n"],
    "head": [b"HEAD /hello.txt HTTP/1.0\r\n\r\n"],
    "head-404": [b"HEAD /missing HTTP/1.0\r\n\r\n"],
    "not-modified": [b"GET /old.txt HTTP/1.0\r\nIf-Modified-Since: Sun, 06 Nov 1994 08:49:37 GMT\r\n\r\n"],
    "modified": [b"GET /old.txt HTTP/1.0\r\nIf-Modified-Since: Sat, 01 Jan 1994 00:00:00 GMT\r\n\r\n"],
    "head-not-conditional": [b"HEAD /old.txt HTTP/1.0\r\nIf-Modified-Since: Sun, 06 Nov 1994 08:49:37 GMT\r\n\r\n"],
    "simple-request": [b"GET /hello.txt\r\n"],
    "simple-request-404": [b"GET /missing\r\n"],
    "simple-request-head-refused": [b"HEAD /x\r\n"],
    "tolerant-request-line": [b"\r\n\r\nGET  /hello.txt \tHTTP/1.0\n\n"],
    "newer-minor-version": [b"GET /hello.txt HTTP/1.1\r\nConnection: keep-alive\r\n\r\n"],
    "garbage": [b"GARBAGE\r\n\r\n"],
    "lowercase-method": [b"get / HTTP/1.0\r\n\r\n"],
    "unknown-method": [b"BREW / HTTP/1.0\r\n\r\n"],
    "http-2": [b"GET / HTTP/2.0\r\n\r\n"],
    "bad-version": [b"GET / HTTP/a.b\r\n\r\n"],
    "not-a-path": [b"GET nope HTTP/1.0\r\n\r\n"],
    "nul": [b"GET /%00 HTTP/1.0\r\n\r\n"],
    "traversal": [b"GET /%2e%2e/outside-secret.txt HTTP/1.0\r\n\r\n"],
    "hidden": [b"GET /.hidden HTTP/1.0\r\n\r\n"],
    "symlink-out": [b"GET /escape.txt HTTP/1.0\r\n\r\n"],
    "fault-path": [b"GET /crash HTTP/1.0\r\n\r\n"],
    "long-line": [b"GET /" + b"a" * 600 + b" HTTP/1.0\r\n\r\n"],
    "long-line-no-lf": [b"GET /" + b"a" * 600],
    "long-header": [b"GET / HTTP/1.0\r\nX: " + b"a" * 600 + b"\r\n\r\n"],
    "too-many-fields": [b"GET / HTTP/1.0\r\n" + b"X: y\r\n" * 11 + b"\r\n"],
    "head-too-long": [b"GET / HTTP/1.0\r\n" + b"".join(b"X%d: " % i + b"y" * 490 + b"\r\n" for i in range(5)) + b"\r\n"],
    "post": [b"POST /echo HTTP/1.0\r\nContent-Type: text/x-test\r\nContent-Length: 5\r\n\r\nhello"],
    "post-surplus": [b"POST /echo HTTP/1.0\r\nContent-Length: 3\r\n\r\nabcdef"],
    "post-folded-length": [b"POST /echo HTTP/1.0\r\nUser-Agent: a\r\n b\r\nContent-Length:\r\n 5\r\n\r\nhello"],
    "post-no-length": [b"POST /echo HTTP/1.0\r\n\r\nabc"],
    "post-bad-length": [b"POST /echo HTTP/1.0\r\nContent-Length: 5, 6\r\n\r\n"],
    "post-too-big": [b"POST /echo HTTP/1.0\r\nContent-Length: 20001\r\n\r\n"],
    "get-with-body": [b"GET /hello.txt HTTP/1.0\r\nContent-Length: 4\r\n\r\nbody"],
    "post-empty": [b"POST /echo HTTP/1.0\r\nContent-Length: 0\r\n\r\n"],
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_same_octets_in_one_segment(servers, name):
    same_answer(servers, CASES[name])


@pytest.mark.parametrize("name", ["get", "post", "simple-request", "not-modified", "garbage", "long-line"])
def test_same_octets_when_half_closed_after_the_request(servers, name):
    same_answer(servers, CASES[name], shutdown=True)


def test_same_octets_trickled_byte_by_byte(servers):
    request = CASES["get"][0] + b"ignored"
    assert same_answer(servers, [request[i:i + 1] for i in range(len(request))], gap=0.001).endswith(TEXT)


@pytest.mark.parametrize("cut", [1, 14, 15, 16, 24, 25, 26, 27])
def test_same_octets_split_anywhere(servers, cut):
    request = CASES["get"][0]
    assert same_answer(servers, [request[:cut], request[cut:]], gap=0.05).endswith(TEXT)


def test_post_body_across_segments_exactly_content_length(servers):
    body = bytes(range(256)) * 40 + b"\r\n\r\n"
    head = b"POST /echo HTTP/1.0\r\ncontent-LENGTH: %d\r\n\r\n" % len(body)
    pieces = [head[:10], head[10:] + body[:3]] + [body[i:i + 1000] for i in range(3, len(body), 1000)]
    pieces[-1] += b"surplus in the last segment"
    answer = same_answer(servers, pieces + [b"surplus alone"], gap=0.01)
    assert answer.endswith(b"\r\n\r\n" + body)


@pytest.mark.parametrize("pieces", [[b"GET /hello.txt HTTP/1.0\r\n"], [b"GET /hello.txt HTTP/1.0\r\nHost: x"],
                                    [b"GET /hel"], [b"\r\n \r\n"], []])
def test_eof_inside_the_head(servers, pieces):
    answer = same_answer(servers, pieces, shutdown=True)
    assert answer.startswith(b"HTTP/1.0 400 ") == bool(b"".join(pieces).strip())


def test_eof_inside_the_body(servers):
    answer = same_answer(servers, [b"POST /echo HTTP/1.0\r\nContent-Length: 10\r\n\r\nabc", b"de"], gap=0.05,
                         shutdown=True)
    assert answer.startswith(b"HTTP/1.0 400 ") and b"before 10 body bytes" in answer


def test_big_file_and_a_client_that_keeps_sending(servers):
    """The response survives input still arriving after it (discarded until the peer's FIN, NET-TCP-9)."""
    request = CASES["get-binary"][0] + b"x" * 100_000
    assert same_answer(servers, [request]).endswith(BINARY)


def test_a_client_that_never_reads_is_dropped(servers):
    """A response the peer does not read ends its session ``idle_timeout`` seconds after the write (the
    drain's bound; what the kernel already holds still flows), in both sessions."""
    (servers[0].root / "big.bin").write_bytes(bytes(8 << 20))
    try:
        for srv in servers:
            with socket.create_connection(srv.address(), timeout=5) as s:
                s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
                s.sendall(b"GET /big.bin HTTP/1.0\r\n\r\n")
                started = time.monotonic()
                time.sleep(0.3)
                assert srv._sessions, "the reply cannot have been delivered to a client that reads nothing"
                while srv._sessions and time.monotonic() < started + 5:
                    time.sleep(0.02)
                assert not srv._sessions and 0.7 < time.monotonic() - started < 3
                assert recorded(srv)[3] == 200
                s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    finally:
        (servers[0].root / "big.bin").unlink()


def test_slowloris_and_idle_clients_are_closed_without_a_response(servers, caplog):
    caplog.set_level(logging.DEBUG, logger="reference_servers")
    for srv in servers:
        caplog.clear()
        # silent after part of the head: idle_timeout (0.8 s)
        data, how, waited, _ = talk(srv, [b"GET /hello.txt HTTP/1.0\r\nX-Slow: "])
        assert (data, how) == (b"", "fin") and 0.7 < waited < 1.5
        time.sleep(0.02)
        assert recorded(srv) == (None, b"GET /hello.txt HTTP/1.0\r\nX-Slow: ", b"", None)
        assert "client idle while sending its head; closing" in caplog.messages
        # trickling, never idle for long: header_timeout (2 s) still ends it
        started = time.monotonic()
        data, how, _, _ = talk(srv, [b"GET / HTTP/1.0\r\n"] + [b"X: y\r\n"] * 9 + [b"a"] * 20, gap=0.15, timeout=5)
        assert data == b"" and 1.9 < time.monotonic() - started < 3.5
        time.sleep(0.02)
        assert recorded(srv)[3] is None and recorded(srv)[1].startswith(b"GET / HTTP/1.0\r\nX: y\r\n")


def test_a_client_silent_inside_the_body_is_closed_without_a_response(servers, caplog):
    caplog.set_level(logging.DEBUG, logger="reference_servers")
    outcomes = []
    for srv in servers:
        caplog.clear()
        data, how, waited, _ = talk(srv, [b"POST /echo HTTP/1.0\r\nContent-Length: 10\r\n\r\nabc"])
        time.sleep(0.02)
        outcomes.append((data, how, recorded(srv), [m for m in caplog.messages if "session ended" in m]))
        assert 0.7 < waited < 1.5
    assert outcomes[0] == outcomes[1] == outcomes[2]
    assert outcomes[0][:2] == (b"", "fin") and outcomes[0][2][3] is None
    assert outcomes[0][3] == ["http session ended: TimeoutError()"]


def test_resets_end_only_their_session(servers, caplog):
    caplog.set_level(logging.DEBUG, logger="reference_servers")
    for srv in servers:
        caplog.clear()
        for request in (b"POST /echo HTTP/1.0\r\nContent-Length: 100\r\n\r\nhalf", b"GET /hello.txt HTTP/1.0\r\n"):
            s = socket.create_connection(srv.address(), timeout=5)
            s.sendall(request)
            time.sleep(0.05)
            s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            s.close()
        time.sleep(0.1)
        assert caplog.messages.count("http session ended: ConnectionResetError(104, 'Connection reset by peer')") == 2
        assert recorded(srv)[3] is None
        assert talk(srv, CASES["get"])[0].endswith(TEXT)
        deadline = time.monotonic() + 2
        while srv._sessions and time.monotonic() < deadline:
            time.sleep(0.01)
        assert not srv._sessions


def _session_types(srv, final: type) -> list[type]:
    """The types of the open sessions of ``srv`` once one of them is a ``final`` (at most 2 s)."""
    deadline = time.monotonic() + 2
    while not any(type(x) is final for x in list(srv._sessions)) and time.monotonic() < deadline:
        time.sleep(0.01)
    return [type(x) for x in list(srv._sessions)]


def test_plain_connections_are_served_by_the_fast_path(servers):
    """A plain connection whose head comes in one piece is served on the bare socket; one whose head does not
    is given to its HttpSession on a transport, with what was read."""
    inline, fast, stream = servers
    for srv, kind in ((inline, HttpSession), (fast, HttpSession), (stream, asyncio.Task)):
        with socket.create_connection(srv.address(), timeout=5) as s:
            s.sendall(b"GET /hello.txt HTTP/1.0\r\n")
            assert _session_types(srv, kind) == [kind]
            s.sendall(b"\r\n")
            assert s.recv(65536).startswith(b"HTTP/1.0 200 ")
    with socket.create_connection(inline.address(), timeout=5) as s:  # silent: waited for on the bare socket
        assert _session_types(inline, InlineSession) == [InlineSession]
        s.sendall(b"GET /hello.txt HTTP/1.0\r\n\r\nmore")
        assert s.recv(65536).startswith(b"HTTP/1.0 200 ")
        assert _session_types(inline, InlineSession) == [InlineSession]  # lingering, on the bare socket


def test_other_behaviours_keep_the_stream_session(tmp_path):
    srv = HttpServer(root=make_docroot(tmp_path / "root"), behaviour="fragmented", linger=0.2)
    with srv.start():
        assert srv.connection_protocol() is None
        assert talk(srv, CASES["get"])[0].endswith(TEXT)


def test_behaviour_changed_during_a_request_is_played_as_the_stream_session_plays_it(servers):
    """A connection accepted under ``normal`` whose response is sent under another behaviour: the response is
    played by peer.play, as the stream session plays it (here: cut at every boundary, RST mid-body)."""
    outcomes = []
    for behaviour in ("fragmented", "reset-mid-body"):
        for srv in servers:
            with socket.create_connection(srv.address(), timeout=5) as s:
                s.sendall(b"GET /binary.bin HTTP/1.0\r\n")
                time.sleep(0.1)
                srv.behaviour = BEHAVIOURS[behaviour]
                try:
                    s.sendall(b"\r\n")
                    data, how, _ = read_to_end(s)
                finally:
                    srv.behaviour = BEHAVIOURS["normal"]
            head, _, body = _DATE.sub(b"\r\nDate: -\r\n", data).partition(b"\r\n\r\n")
            outcomes.append((behaviour, head, body if behaviour == "fragmented" else None, how))
    assert outcomes[0] == outcomes[1] == outcomes[2] and outcomes[3] == outcomes[4] == outcomes[5]
    assert outcomes[0][2] == BINARY and outcomes[0][3] == "fin" and outcomes[3][3] == "rst"


def test_stop_ends_open_sessions_promptly(tmp_path):
    srv = HttpServer(root=make_docroot(tmp_path / "root"), header_timeout=30, idle_timeout=30).start()
    socks = [socket.create_connection(srv.address(), timeout=5) for _ in range(3)]
    try:
        for s in socks:
            s.sendall(b"GET /hello.txt HTTP/1.0\r\n")
        deadline = time.monotonic() + 2
        while len(srv._sessions) < 3 and time.monotonic() < deadline:
            time.sleep(0.01)
        assert all(isinstance(x, (InlineSession, HttpSession)) for x in srv._sessions) and len(srv._sessions) == 3
        started = time.monotonic()
        srv.stop()
        assert time.monotonic() - started < 1.5
        assert not srv._sessions
        for s in socks:
            s.settimeout(2)
            assert s.recv(100) == b""  # closed, without a response
    finally:
        for s in socks:
            s.close()


def test_many_concurrent_clients(servers):
    results = []

    def worker():
        results.append(talk(servers[0], CASES["get-binary"])[0].endswith(BINARY))

    threads = [threading.Thread(target=worker) for _ in range(24)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(10)
    assert results == [True] * 24
