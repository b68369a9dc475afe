"""Fixtures for the gopher unit tests: a sample document root, a running reference server, raw fetches."""

from __future__ import annotations

import socket
import time

import pytest

from reference_servers.gopher.peer import sample_root
from reference_servers.gopher.server import GopherServer


@pytest.fixture
def root(tmp_path):
    return sample_root(tmp_path / "root")


@pytest.fixture
def server(root):
    srv = GopherServer(root=root, idle_timeout=2.0).start()
    yield srv
    srv.stop()


def _exchange(address, request: bytes, timeout: float = 5.0, *, gap: float = 0.0, chunk: int = 0) -> bytes:
    """Send ``request`` (optionally ``chunk`` octets at a time, ``gap`` seconds apart), read to EOF."""
    with socket.create_connection(address, timeout=timeout) as sock:
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        if chunk:
            for i in range(0, len(request), chunk):
                sock.sendall(request[i:i + chunk])
                time.sleep(gap)
        else:
            sock.sendall(request)
        out = bytearray()
        while data := sock.recv(65536):
            out += data
        return bytes(out)


@pytest.fixture(name="exchange")
def exchange_fixture():
    """The raw request/response helper :func:`_exchange`."""
    return _exchange


@pytest.fixture
def menu_of(exchange):
    """``menu_of(address, selector="")``: fetch a menu and parse it strictly."""
    from reference_servers.gopher import wire

    def fetch(address, selector: str = ""):
        return wire.parse_menu(exchange(address, wire.format_request(selector)), strict=True)

    return fetch
