"""Unit tests of the HTTP/1.0 reference client and of the peer behaviours it must survive."""

from __future__ import annotations

import subprocess
import sys
import time

import pytest
from http_testlib import BINARY, TEXT

from conformance.errors import ProtocolError
from reference_servers.http import client, wire
from reference_servers.http.peer import BEHAVIOURS, Pause, Reset, ScriptedPeer, Write, behaviour_named, response_bytes
from reference_servers.http.server import HttpServer


def url(srv, path="/"):
    host, port = srv.address()
    return f"http://{host}:{port}{path}"


@pytest.fixture
def make_server(docroot):
    servers = []

    def factory(behaviour="normal", **kw):
        srv = HttpServer(root=docroot, behaviour=behaviour, linger=0.3, **kw).start()
        servers.append(srv)
        return srv

    yield factory
    for srv in servers:
        srv.stop()


@pytest.fixture
def make_peer():
    peers = []

    def factory(script, **kw):
        peer = ScriptedPeer(script, **kw).start()
        peers.append(peer)
        return peer

    yield factory
    for peer in peers:
        peer.stop()


@pytest.mark.parametrize("name", ["normal", "fragmented", "trickle", "close-delimited", "slow-before",
                                  "pause-mid-body"])
def test_client_survives_delivery_behaviours(make_server, name):
    srv = make_server(name)
    path = "/hello.txt" if name == "trickle" else "/binary.bin"
    result = client.fetch(url(srv, path), timeout=3)
    assert result.body == (TEXT if name == "trickle" else BINARY)
    req = srv.exchanges[-1].head
    assert req.raw.startswith(f"GET {path} HTTP/1.0\r\n".encode()) and req.raw.endswith(b"\r\n\r\n")
    assert b"\n" not in req.raw.replace(b"\r\n", b"")
    assert req.headers.get("User-Agent") and req.headers.get("Host") and "Date" not in req.headers


def test_fragmented_splits_at_the_boundaries():
    head = wire.format_response(200, [("Content-Length", "4"), ("Content-Type", "text/plain")])
    actions = BEHAVIOURS["fragmented"].actions(head, b"body")
    writes = [a.data for a in actions if isinstance(a, Write)]
    assert b"".join(writes) == head + b"body"
    assert b"HTTP/1." in writes and any(w.endswith(b"\r") for w in writes) and len(writes) >= 8


@pytest.mark.parametrize("name,error", [("short-body", ProtocolError), ("reset-mid-body", ConnectionResetError),
                                        ("close-mid-head", ProtocolError)])
def test_client_reports_broken_deliveries(make_server, name, error):
    srv = make_server(name)
    with pytest.raises(error):
        client.fetch(url(srv, "/binary.bin"), timeout=3)


def test_long_body_reads_only_content_length(make_server):
    srv = make_server("long-body")
    assert client.fetch(url(srv, "/binary.bin"), timeout=3).body == BINARY[:-5]


@pytest.mark.parametrize("name", ["stall-before", "stall-mid-body"])
def test_client_times_out_on_stalls(make_server, name):
    srv = make_server(name)
    started = time.monotonic()
    with pytest.raises(TimeoutError):
        client.fetch(url(srv, "/binary.bin"), timeout=0.3)
    assert 0.25 < time.monotonic() - started < 3


def test_head_completes_with_connection_held_open(make_server):
    srv = make_server("hold-open")
    started = time.monotonic()
    result = client.fetch(url(srv, "/binary.bin"), method="HEAD", timeout=3)
    assert result.body == b"" and result.head.headers.get("Content-Length") == str(len(BINARY))
    assert time.monotonic() - started < 1.5
    assert client.fetch(url(srv, "/binary.bin"), timeout=3).body == BINARY  # Content-Length is enough


def test_redirects_followed_on_new_connections(make_server):
    srv = make_server(redirects={"/a": (301, "/b"), "/b": (302, "/hello.txt")})
    result = client.fetch(url(srv, "/a"), timeout=3)
    assert result.body == TEXT and len(result.redirects) == 2 and len(srv.exchanges) == 3


def test_redirect_loop_is_bounded(make_server):
    srv = make_server(redirects={"/loop": (302, "/loop")})
    with pytest.raises(ProtocolError, match="redirects"):
        client.fetch(url(srv, "/loop"), timeout=3)
    assert len(srv.exchanges) == 6  # the request and 5 follow-ups


def test_post_redirect_not_followed(make_peer):
    peer = make_peer([response_bytes(302, b"moved", [("Location", "/other")])])
    result = client.fetch(url(peer, "/form"), method="POST", body="é".encode(), timeout=3)
    assert result.head.status == 302 and peer.connections == 1
    assert peer.requests[0].head.headers.get("Content-Length") == "2" and peer.requests[0].body == "é".encode()


def test_relative_location(make_peer):
    peer = make_peer([response_bytes(301, b"", [("Location", "/new")]), response_bytes(200, b"ok")])
    assert client.fetch(url(peer, "/old"), timeout=3).body == b"ok"
    assert peer.requests[1].head.target == "/new"


@pytest.mark.parametrize("answer,body", [
    (b"<html>hi</html>", b"<html>hi</html>"),  # Simple-Response
    (b"HTTP/1.0  200\nContent-Length: 2\n\nok", b"ok"),  # tolerant Status-Line
    (b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok", b"ok"),
    (b"HTTP/1.0 299 Odd\r\nContent-Length: 2\r\n\r\nok", b"ok"),
    (b"HTTP/1.0 200 OK\r\ncontent-length:  5\r\nContent-Type: text/\r\n html\r\n\r\nhello", b"hello"),
    (b"HTTP/1.0 200 OK\r\nDate: garbage\r\nExpires: 0\r\n\r\na\rb\nc\r\n", b"a\rb\nc\r\n"),
])
def test_tolerant_response_parsing(make_peer, answer, body):
    peer = make_peer([answer])
    assert client.fetch(url(peer), timeout=3).body == body


@pytest.mark.parametrize("status", [404, 431, 599, 500])
def test_error_statuses_raise(make_peer, status):
    peer = make_peer([response_bytes(status, b"nope")])
    with pytest.raises(client.HttpStatusError):
        client.fetch(url(peer), timeout=3)


def test_early_error_stops_the_upload(make_peer):
    answer = response_bytes(400, b"too big")
    peer = make_peer([[Write(answer), Pause(3)]], read_body=False)
    started = time.monotonic()
    with pytest.raises(client.HttpStatusError):
        client.fetch(url(peer, "/up"), method="POST", body=b"x" * (32 << 20), timeout=2)
    assert time.monotonic() - started < 3


def test_reset_before_answer(make_peer):
    peer = make_peer([[Reset()]])
    with pytest.raises(OSError):
        client.fetch(url(peer), timeout=3)


def test_empty_path_becomes_slash(make_peer):
    peer = make_peer([response_bytes(200, b"")])
    host, port = peer.address()
    client.fetch(f"http://{host}:{port}", timeout=3)
    assert peer.requests[0].raw.startswith(b"GET / HTTP/1.0\r\n")


def test_behaviour_named_overrides():
    b = behaviour_named("fragmented", gap=0.001)
    assert b.split == "boundaries" and b.gap == 0.001
    with pytest.raises(KeyError):
        behaviour_named("nope")


def run_client(*args, timeout=15):
    return subprocess.run([sys.executable, "-m", "reference_servers.http.client", *args],
                          capture_output=True, timeout=timeout, check=False)


def test_command_line_exit_statuses(make_server):
    srv = make_server()
    ok = run_client("--timeout", "3", url(srv, "/binary.bin"))
    assert ok.returncode == 0 and ok.stdout == BINARY
    missing = run_client("--timeout", "3", url(srv, "/missing"))
    assert missing.returncode == 1 and missing.stdout == b"" and b"404" in missing.stderr
    assert run_client("ftp://x/").returncode == 2
    host, port = srv.address()
    srv.stop()
    assert run_client("--timeout", "2", f"http://{host}:{port}/").returncode == 3


def test_standalone_server_prints_listening(docroot):
    proc = subprocess.Popen([sys.executable, "-m", "reference_servers.http", "--root", str(docroot), "--port", "0"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        line = proc.stdout.readline().decode()
        kind, transport, host, port = line.split()
        assert (kind, transport, host) == ("LISTENING", "tcp", "127.0.0.1")
        assert client.fetch(f"http://{host}:{port}/hello.txt", timeout=3).body == TEXT
    finally:
        proc.terminate()
        proc.wait(10)
