"""The bare-socket path of the HTTP reference server (reference_servers/http/inline.py, acceptor.py) where it
differs in shape from the HttpSession: a client silent from the start, a reset before any byte, a response the
socket does not take whole, a behaviour changed before the first read, linger, AF_UNIX, the server's stop.
Each is compared with the same server without the bare-socket path and without any fast path.
"""

from __future__ import annotations

import logging
import os
import socket
import struct
import time

import test_fastpath
from http_testlib import BINARY, TEXT, make_docroot
from test_fastpath import _DATE, CASES, recorded, talk

from reference_servers.acceptor import Listener
from reference_servers.echo.server import EchoServer
from reference_servers.http.inline import InlineSession
from reference_servers.http.peer import BEHAVIOURS
from reference_servers.http.server import HttpServer

#: ``(inline, fast, stream)``: test_fastpath's fixture (the same server as it is, without the bare-socket path,
#: without any fast path)
servers = test_fastpath.servers


def _wait_for(srv, kind: type, timeout: float = 2.0) -> None:
    deadline = time.monotonic() + timeout
    while not any(type(x) is kind for x in list(srv._sessions)) and time.monotonic() < deadline:
        time.sleep(0.005)


def test_a_client_silent_from_the_start_is_closed_after_idle_timeout(servers, caplog):
    caplog.set_level(logging.DEBUG, logger="reference_servers")
    for srv in servers:
        caplog.clear()
        data, how, waited, _ = talk(srv, [])
        assert (data, how) == (b"", "fin") and 0.7 < waited < 1.3
        time.sleep(0.02)
        assert recorded(srv) == (None, b"", b"", None)
        assert caplog.messages == ["client idle while sending its head; closing"]


def test_a_reset_before_any_byte_is_logged_as_by_the_session(servers, caplog):
    caplog.set_level(logging.DEBUG, logger="reference_servers")
    for srv in servers:
        caplog.clear()
        s = socket.create_connection(srv.address(), timeout=5)
        _wait_for(srv, InlineSession, 0.2)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        s.close()
        deadline = time.monotonic() + 2
        while srv._sessions and time.monotonic() < deadline:
            time.sleep(0.01)
        assert not srv._sessions
        assert caplog.messages == ["http session ended: ConnectionResetError(104, 'Connection reset by peer')"]
        assert recorded(srv) == (None, b"", b"", None)


def test_a_response_bigger_than_the_socket_takes_is_written_whole(servers):
    """The socket takes part of a 4 MiB response; the HttpSession writes the rest (drain, FIN, linger)."""
    body = os.urandom(4 << 20)
    (servers[0].root / "large.bin").write_bytes(body)
    try:
        answers = []
        for srv in servers:
            with socket.create_connection(srv.address(), timeout=5) as s:
                s.sendall(b"GET /large.bin HTTP/1.0\r\n\r\n")
                time.sleep(0.2)  # the client reads late: the socket's buffers are full by then
                data = b""
                while chunk := s.recv(1 << 20):
                    data += chunk
            answers.append((_DATE.sub(b"\r\nDate: -\r\n", data), recorded(srv)[1:]))
        assert answers[0] == answers[1] == answers[2]
        assert answers[0][0].endswith(b"\r\n\r\n" + body)
    finally:
        (servers[0].root / "large.bin").unlink()


def test_input_after_the_response_is_discarded_until_linger_ends(servers):
    """A client that keeps its side open after the response is closed ``linger`` s after it (NET-TCP-9)."""
    for srv in servers:
        with socket.create_connection(srv.address(), timeout=5) as s:
            s.sendall(CASES["get"][0] + b"surplus")
            data = b""
            while not data.endswith(TEXT):
                data += s.recv(65536)
            started = time.monotonic()
            s.sendall(b"more input, read and discarded")
            assert s.recv(100) == b""  # the server's FIN came with the response
            while srv._sessions and time.monotonic() < started + 2:
                time.sleep(0.01)
            assert not srv._sessions and 0.3 < time.monotonic() - started < 0.7


def test_a_behaviour_changed_before_the_request_arrives_is_played_as_the_stream_session_plays_it(servers):
    outcomes = []
    for srv in servers:
        with socket.create_connection(srv.address(), timeout=5) as s:
            _wait_for(srv, InlineSession, 0.2)
            srv.behaviour = BEHAVIOURS["fragmented"]
            try:
                s.sendall(b"GET /binary.bin HTTP/1.0\r\n\r\n")
                data = b""
                while chunk := s.recv(65536):
                    data += chunk
            finally:
                srv.behaviour = BEHAVIOURS["normal"]
        outcomes.append(_DATE.sub(b"\r\nDate: -\r\n", data))
    assert outcomes[0] == outcomes[1] == outcomes[2] and outcomes[0].endswith(BINARY)


def test_unix_listeners_take_the_bare_socket_path(tmp_path):
    path = str(tmp_path / "http.sock")
    srv = HttpServer(root=make_docroot(tmp_path / "root"), linger=0.2).listen_unix({"tcp": path})
    with srv.start():
        assert isinstance(srv._tcp_server, Listener)
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
            s.settimeout(5)
            s.connect(path)
            s.sendall(CASES["get"][0])
            data = b""
            while chunk := s.recv(65536):
                data += chunk
        assert data.startswith(b"HTTP/1.0 200 ") and data.endswith(TEXT)
    assert not os.path.exists(path)


def test_stop_ends_bare_socket_sessions_in_every_phase(tmp_path):
    srv = HttpServer(root=make_docroot(tmp_path / "root"), header_timeout=30, idle_timeout=30, linger=30).start()
    silent = socket.create_connection(srv.address(), timeout=5)
    lingering = socket.create_connection(srv.address(), timeout=5)
    try:
        lingering.sendall(CASES["get"][0])
        assert lingering.recv(65536).startswith(b"HTTP/1.0 200 ")
        deadline = time.monotonic() + 2
        while len(srv._sessions) < 2 and time.monotonic() < deadline:
            time.sleep(0.01)
        assert [type(x) for x in srv._sessions] == [InlineSession, InlineSession]
        started = time.monotonic()
        srv.stop()
        assert time.monotonic() - started < 1.0 and not srv._sessions
        silent.settimeout(2)
        assert silent.recv(100) == b""
    finally:
        silent.close()
        lingering.close()


def test_other_servers_keep_asyncio_s_listener():
    with EchoServer(port=0).start() as srv:
        assert not isinstance(srv._tcp_server, Listener)
        with socket.create_connection(srv.address("tcp"), timeout=5) as s:
            s.sendall(b"ping")
            assert s.recv(10) == b"ping"
