"""References under abuse (issue 16): a FIFO in a document root cannot freeze the gopher or HTTP server,
a client that never reads cannot pin a session for ever, and the HTTP server remembers a bounded history."""

from __future__ import annotations

import os
import socket
import time

from reference_servers.gopher.server import GopherServer
from reference_servers.http.server import MAX_RECORDED, HttpServer


def _fetch(address, request: bytes, timeout: float = 5.0) -> bytes:
    with socket.create_connection(address, timeout=timeout) as s:
        s.sendall(request)
        data = b""
        while chunk := s.recv(65536):
            data += chunk
    return data


def test_fifo_in_the_gopher_root_freezes_nothing(tmp_path):
    (tmp_path / "hello.txt").write_text("hello\n")
    os.mkfifo(tmp_path / "pipe")
    with GopherServer(root=tmp_path, idle_timeout=2) as srv:
        menu = _fetch(srv.address(), b"\r\n")
        assert b"hello.txt" in menu and b"pipe" not in menu
        assert b"not a regular file" in _fetch(srv.address(), b"/pipe\r\n")
        assert _fetch(srv.address(), b"/hello.txt\r\n").startswith(b"hello")


def test_fifo_in_the_http_root_freezes_nothing(tmp_path):
    (tmp_path / "hello.txt").write_text("hello\n")
    os.mkfifo(tmp_path / "pipe")
    with HttpServer(root=tmp_path, idle_timeout=2) as srv:
        reply = _fetch(srv.address(), b"GET /pipe HTTP/1.0\r\n\r\n")
        assert reply.split(b" ", 2)[1] in (b"403", b"404")
        assert _fetch(srv.address(), b"GET /hello.txt HTTP/1.0\r\n\r\n").endswith(b"hello\n")


def test_a_client_that_never_reads_is_dropped_after_the_idle_timeout(tmp_path):
    (tmp_path / "big.bin").write_bytes(os.urandom(8 << 20))
    with HttpServer(root=tmp_path, idle_timeout=1.0) as srv:
        s = socket.create_connection(srv.address())
        s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        s.sendall(b"GET /big.bin HTTP/1.0\r\n\r\n")
        deadline = time.monotonic() + 3
        while not srv._sessions and time.monotonic() < deadline:
            time.sleep(0.01)
        assert srv._sessions, "the session never started"
        time.sleep(0.5)
        assert srv._sessions, "the reply cannot have been delivered to a client that reads nothing"
        deadline = time.monotonic() + 10
        while srv._sessions and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not srv._sessions, "the session of a client that never reads is still open"
        s.close()


def test_http_history_is_bounded(tmp_path):
    (tmp_path / "a").write_text("a")
    with HttpServer(root=tmp_path) as srv:
        for _ in range(MAX_RECORDED + 20):
            _fetch(srv.address(), b"GET /a HTTP/1.0\r\n\r\n")
        assert len(srv.exchanges) == MAX_RECORDED


def test_smtp_session_log_is_bounded_under_pipelined_noops(tmp_path):
    """20,000 NOOPs on one connection (a client that pipelines without end): the session log keeps at most
    its bounds and counts the rest, so the server's memory does not grow with the flood."""
    import threading

    from reference_servers.smtp.server import LOG_COMMANDS, LOG_OCTETS, SmtpServer

    with SmtpServer(maildir=tmp_path / "maildir", idle_timeout=5) as srv:
        with socket.create_connection(srv.address(), timeout=10) as s:
            reader = threading.Thread(target=lambda: [None for _ in iter(lambda: s.recv(65536), b"")], daemon=True)
            reader.start()
            s.sendall(b"EHLO flood.test\r\n" + b"NOOP\r\n" * 20_000 + b"QUIT\r\n")
            reader.join(20)
        (log,) = srv.wait_sessions_closed(1, timeout=20)
    assert len(log.commands) == LOG_COMMANDS and log.dropped_commands > 0
    assert log.kept_octets <= LOG_OCTETS + 65536 and log.dropped_octets > 0 or log.kept_octets < LOG_OCTETS
