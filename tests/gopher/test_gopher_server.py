"""Unit tests of the reference gopher server (in-process, loopback, port 0)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import time

import pytest

from reference_servers.gopher import wire
from reference_servers.gopher.menu import SEARCH_SELECTOR, item_type, resolve
from reference_servers.gopher.peer import TRAP_BINARY, Behaviour
from reference_servers.gopher.server import GopherServer


def test_root_menu_is_strict_and_every_item_is_reachable(server, exchange, menu_of):
    items = menu_of(server.address())
    types = {i.display: i.itemtype for i in items}
    assert types["hello.txt"] == "0" and types["allbytes.bin"] == "9" and types["image.gif"] == "g"
    assert types["sub/"] == "1" and types["page.html"] == "h" and types["Search file names"] == "7"
    for item in items:
        assert (item.host, item.port) == server.address()
        assert len(item.display) < 70
        if item.itemtype == "7":
            request = wire.format_request(item.selector, "hello")
        else:
            request = wire.format_request(item.selector)
        data = exchange((item.host, item.port), request)
        assert wire.error_message(data) is None, (item, data)


def test_text_item_is_stuffed_crlf_and_terminated(server, root, exchange):
    data = exchange(server.address(), b"/dots.txt\r\n")
    assert data == b"..hidden\r\n..\r\n...x\r\nmid . dot\r\nlast line without newline\r\n.\r\n"


def test_binary_items_are_exact_then_close(server, root, exchange):
    assert exchange(server.address(), b"/trap.bin\r\n") == TRAP_BINARY
    assert exchange(server.address(), b"/allbytes.bin\r\n") == (root / "allbytes.bin").read_bytes()


def test_missing_selector_gives_error_item(server, exchange):
    data = exchange(server.address(), b"/nope\r\n")
    assert data.startswith(b"3") and data.endswith(b"\r\n.\r\n")
    assert wire.error_message(data)


@pytest.mark.parametrize("selector", [b"../../etc/passwd", b"/../x", b"/sub/../../x", b"/hello.txt\0.bin",
                                      b"/sub/..", b"..", b"/.hidden"])
def test_traversal_is_refused(server, selector, exchange):
    data = exchange(server.address(), selector + b"\r\n")
    assert wire.error_message(data), data


def test_symlink_out_of_root_is_refused(tmp_path, root, exchange, menu_of):
    outside = tmp_path / "secret.txt"
    outside.write_bytes(b"secret\n")
    os.symlink(outside, root / "link.txt")
    with GopherServer(root=root, idle_timeout=2).start() as srv:
        assert wire.error_message(exchange(srv.address(), b"/link.txt\r\n"))
        assert "link.txt" not in [i.display for i in menu_of(srv.address())]


def test_bare_lf_tab_suffix_and_trickle(server, exchange):
    expected = exchange(server.address(), b"/hello.txt\r\n")
    assert exchange(server.address(), b"/hello.txt\n") == expected
    assert exchange(server.address(), b"/hello.txt\t+\r\n") == expected
    assert exchange(server.address(), b"/hello.txt\r\n", chunk=1, gap=0.003) == expected
    # split at the directory boundary: the server must wait for the whole line (GOPHER-REQ-3)
    with socket.create_connection(server.address(), timeout=5) as s:
        s.sendall(b"/sub")
        time.sleep(0.2)
        s.sendall(b"/nested.txt\r\n")
        out = b""
        while d := s.recv(4096):
            out += d
    assert out == b"nested\r\n.\r\n"


def test_search(server, exchange):
    hits = wire.parse_menu(exchange(server.address(), wire.format_request(SEARCH_SELECTOR, "NESTED txt")))
    assert [h.selector for h in hits] == ["/sub/nested.txt"]
    assert exchange(server.address(), wire.format_request(SEARCH_SELECTOR, "zzz-no-such")) == b".\r\n"


def test_long_selector_and_oversize_request(server, root, exchange):
    name = "L" * 250 + ".txt"
    (root / name).write_bytes(b"long\n")
    assert exchange(server.address(), f"/{name}\r\n".encode()) == b"long\r\n.\r\n"
    started = time.monotonic()
    with socket.create_connection(server.address(), timeout=5) as s:
        try:
            s.sendall(b"x" * 2**20)
        except OSError:
            pass
        out = b""
        try:
            while d := s.recv(4096):
                out += d
        except ConnectionResetError:
            pass
    assert time.monotonic() - started < 5
    assert out == b"" or wire.error_message(out)
    assert exchange(server.address(), b"/hello.txt\r\n").endswith(b".\r\n")  # still serving


def test_idle_client_times_out_and_does_not_block_others(root, exchange):
    srv = GopherServer(root=root, idle_timeout=0.5)
    with srv.start(), socket.create_connection(srv.address(), timeout=5) as idle:
        idle.sendall(b"/hel")
        assert exchange(srv.address(), b"/hello.txt\r\n").endswith(b".\r\n")
        started = time.monotonic()
        assert idle.recv(100) == b""
        assert time.monotonic() - started < 3


def test_resets_do_not_kill_the_server(server, exchange):
    import struct
    for _ in range(20):
        s = socket.create_connection(server.address(), timeout=5)
        s.sendall(b"/hel")
        s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        s.close()
    assert exchange(server.address(), b"/hello.txt\r\n").endswith(b".\r\n")


def test_concurrent_clients(server, exchange):
    results = []

    def one():
        results.append(exchange(server.address(), b"/allbytes.bin\r\n"))

    threads = [threading.Thread(target=one) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(10)
    assert len(results) == 8 and len(set(results)) == 1


def test_url_selector_redirect_page(server, exchange):
    data = exchange(server.address(), b"URL:http://example.test/x\r\n")
    assert b'http-equiv="refresh"' in data and b'href="http://example.test/x"' in data


def test_gophermap(server, exchange, menu_of):
    items = menu_of(server.address(), "/mapped")
    assert items[0].itemtype == "i" and (items[0].selector, items[0].host, items[0].port) == ("fake", "(NULL)", 0)
    assert items[1].selector == "/hello.txt" and items[1].port == server.port
    assert items[2].url == "http://example.test/"
    assert (items[3].host, items[3].port) == ("other.example.test", 7070)


def test_advertised_host_and_port_are_configurable(root, exchange, menu_of):
    with GopherServer(root=root, advertise_host="gopher.example", advertise_port=70).start() as srv:
        items = menu_of(srv.address())
        assert {(i.host, i.port) for i in items} == {("gopher.example", 70)}


def test_names_that_break_menus_are_skipped(root, exchange, menu_of):
    (root / "tab\there.txt").write_bytes(b"x\n")
    (root / "nl\nhere.txt").write_bytes(b"x\n")
    (root / ("d" * 100 + ".txt")).write_bytes(b"x\n")
    with GopherServer(root=root).start() as srv:
        items = menu_of(srv.address())
        assert all(len(i.display) < 70 for i in items)
        assert not any("here" in i.display for i in items)


def test_item_types(tmp_path):
    (tmp_path / "a.txt").write_bytes(b"text\n")
    (tmp_path / "nul.txt").write_bytes(b"te\0xt\n")
    (tmp_path / "noext").write_bytes(b"plain words\n")
    (tmp_path / "blob").write_bytes(bytes(range(256)))
    (tmp_path / "x.zip").write_bytes(b"PK\x03\x04 text looking")
    (tmp_path / "p.png").write_bytes(b"\x89PNG")
    assert [item_type(tmp_path / n) for n in ("a.txt", "nul.txt", "noext", "blob", "x.zip", "p.png")] == [
        "0", "9", "0", "9", "9", "I"]


def test_resolve(tmp_path):
    assert resolve(tmp_path, "") == tmp_path.resolve()
    assert resolve(tmp_path, "/a/b") == tmp_path.resolve() / "a" / "b"
    assert resolve(tmp_path, "/a/../b") is None


def test_behaviours_shape_menus(root, exchange):
    b = Behaviour(no_lastline=True, lf_only=True, sparse_info=True, gopher_plus=True)
    with GopherServer(root=root, behaviour=b).start() as srv:
        data = exchange(srv.address(), b"/mapped\r\n")
        assert data.startswith(b"iWelcome to the mapped directory.\n0Hello again\t/hello.txt\t")
        assert b"\t+\n" in data and not data.endswith(b".\n") and b"\r" not in data
        assert exchange(srv.address(), b"/hello.txt\r\n") == b"Hello, gopher.\nSecond line.\n"
    with GopherServer(root=root, behaviour=Behaviour(error="go away")).start() as srv:
        assert wire.error_message(exchange(srv.address(), b"/hello.txt\r\n")) == "go away"


def test_standalone_prints_listening(root, exchange):
    proc = subprocess.Popen([sys.executable, "-m", "reference_servers.gopher", "--root", str(root), "--port", "0"],
                            stdout=subprocess.PIPE, text=True)
    try:
        line = proc.stdout.readline().split()
        assert line[:3] == ["LISTENING", "tcp", "127.0.0.1"]
        assert exchange(("127.0.0.1", int(line[3])), b"/hello.txt\r\n").endswith(b".\r\n")
    finally:
        proc.terminate()
        proc.wait(5)

