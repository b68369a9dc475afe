"""Unit tests of the reference gopher client (in-process ``fetch`` and the command line)."""

from __future__ import annotations

import subprocess
import sys
import time

import pytest

from conformance.errors import ProtocolError
from reference_servers.gopher import wire
from reference_servers.gopher.client import fetch
from reference_servers.gopher.peer import TRAP_BINARY, Behaviour, ScriptedPeer
from reference_servers.gopher.server import GopherServer


def url(srv, path: str) -> wire.GopherURL:
    host, port = srv.address()
    return wire.parse_url(f"gopher://{host}:{port}/{path}")


def run_client(*args: str, timeout: float = 15) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "reference_servers.gopher.client", *args],
                          check=False, capture_output=True, timeout=timeout)


def test_text_decoded_and_raw(server):
    assert fetch(url(server, "0/dots.txt"), 5) == b".hidden\r\n.\r\n..x\r\nmid . dot\r\nlast line without newline\r\n"
    assert fetch(url(server, "0/dots.txt"), 5, raw=True).endswith(b"\r\n.\r\n")


def test_binary_with_lastline_inside(server):
    assert fetch(url(server, "9/trap.bin"), 5) == TRAP_BINARY


def test_menu_and_search(server):
    menu = fetch(url(server, "1/"), 5, raw=True)
    assert wire.parse_menu(menu)
    hits = fetch(url(server, "7search:%09nested"), 5)
    assert hits.startswith(b"0sub/nested.txt\t/sub/nested.txt\t") and not hits.endswith(b".\r\n")


def test_html_item_with_and_without_lastline():
    with ScriptedPeer({"/a": b"<p>x</p>\r\n.\r\n", "/b": b"<p>x</p>\r\n"}).start() as peer:
        assert fetch(url(peer, "h/a"), 5) == b"<p>x</p>\r\n"
        assert fetch(url(peer, "h/b"), 5) == b"<p>x</p>\r\n"


def test_request_bytes_are_exact():
    with ScriptedPeer(default=b".\r\n").start() as peer:
        host, port = peer.address()
        fetch(wire.GopherURL(host, port, "1", " Weird Sel/%20\u00e4\x7f"), 5)
        fetch(url(peer, "7/s%09foo%20bar"), 5)
        assert peer.requests == [" Weird Sel/%20\u00e4\x7f\r\n".encode(), b"/s\tfoo bar\r\n"]


def test_missing_lastline_tolerated():
    with ScriptedPeer({"/t": b"hello\r\n"}).start() as peer:
        assert fetch(url(peer, "0/t"), 5) == b"hello\r\n"


def test_stops_at_lastline_without_waiting_for_close():
    with ScriptedPeer({"/t": b"abc\r\n.\r\n"}, behaviour=Behaviour(split_boundaries=True, gap=0.02,
                                                                 hold_open=5)).start() as peer:
        started = time.monotonic()
        assert fetch(url(peer, "0/t"), 5) == b"abc\r\n"
        assert time.monotonic() - started < 2


def test_fragmented_everywhere(root):
    with GopherServer(root=root, behaviour=Behaviour(fragment=1, gap=0.001)).start() as srv:
        assert fetch(url(srv, "0/dots.txt"), 5).startswith(b".hidden\r\n.\r\n..x")


def test_error_and_empty_responses():
    with ScriptedPeer({"/e": wire.error_menu("nope"), "/z": b""}).start() as peer:
        with pytest.raises(ProtocolError, match="nope"):
            fetch(url(peer, "0/e"), 5)
        with pytest.raises(ProtocolError, match="empty"):
            fetch(url(peer, "1/z"), 5)


def test_stall_is_a_timeout():
    with ScriptedPeer({"/s": b"abc\r\n.\r\n"}, behaviour=Behaviour(stall_after=2, stall_for=5)).start() as peer:
        started = time.monotonic()
        with pytest.raises(TimeoutError):
            fetch(url(peer, "0/s"), 0.3)
        assert time.monotonic() - started < 2


def test_reset_is_a_network_error():
    peer = ScriptedPeer({"/r": b"abcdef" * 100}, behaviour=Behaviour(reset_after=10))
    with peer.start(), pytest.raises(ConnectionResetError):
        fetch(url(peer, "9/r"), 2)


def test_unfetchable_types_never_connect():
    with ScriptedPeer(default=b".\r\n").start() as peer:
        for t in "8T2i3":
            with pytest.raises(ProtocolError):
                fetch(url(peer, f"{t}login"), 2)
        assert fetch(url(peer, "hURL:http://example.test/"), 2) == b"http://example.test/\n"
        assert peer.connections == 0


def test_command_line_exit_statuses():
    with ScriptedPeer({"/ok": b"ok\r\n.\r\n", "/err": wire.error_menu("gone")}).start() as peer:
        host, port = peer.address()
        ok = run_client("--timeout", "2", f"gopher://{host}:{port}/0/ok")
        assert (ok.returncode, ok.stdout) == (0, b"ok\r\n")
        err = run_client("--timeout", "2", f"gopher://{host}:{port}/0/err")
        assert err.returncode == 1 and b"gone" in err.stderr
    assert run_client("http://x/").returncode == 2
    assert run_client(f"gopher://{host}:{port}/7search:").returncode == 2
    refused = run_client("--timeout", "2", f"gopher://{host}:{port}/0/ok")
    assert refused.returncode == 3
