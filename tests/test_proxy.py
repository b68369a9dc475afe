"""The impairment proxies.  UDP: every decision is a pure function of (seed, direction, index), so a run
replays exactly; each impairment does what it says.  TCP: the shared stream faults (fragment, delay,
pause, reset, close, stall) act on what the server sends, at the byte offsets they name."""

from __future__ import annotations

import socket
import time

import pytest

from netconformance_fixtures.proxy import Impairment, UdpImpairmentProxy
from netconformance_fixtures.tcpproxy import TcpFaults, TcpImpairmentProxy
from reference_servers.echo.server import EchoServer


def exchange(proxy_addr, payloads, wait=0.3):
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.bind(("127.0.0.1", 0))
        got = []
        for p in payloads:
            s.sendto(p, proxy_addr)
            s.settimeout(wait)
            try:
                while True:
                    data, addr = s.recvfrom(65535)
                    got.append((data, addr[1]))
            except TimeoutError:
                pass
        return got


def test_decisions_depend_only_on_seed_direction_and_index():
    a = Impairment(seed=42, drop=0.3, duplicate=0.3, reorder=0.2)
    b = Impairment(seed=42, drop=0.3, duplicate=0.3, reorder=0.2)
    assert [a.decide("up", i) for i in range(50)] == [b.decide("up", i) for i in range(50)]
    assert [a.decide("up", i) for i in range(50)] != [a.decide("down", i) for i in range(50)]
    assert [a.decide("up", i) for i in range(50)] != [Impairment(seed=43, drop=0.3, duplicate=0.3).decide("up", i) for i in range(50)]


def test_drop_first_then_forward():
    with EchoServer(transports=("udp",)).start() as srv, UdpImpairmentProxy(srv.address("udp"), Impairment(drop_first=1)) as proxy:
        got = exchange(proxy.address, [b"one", b"two"])
        assert [d for d, _ in got] == [b"two"]
        assert proxy.count("up", "drop") == 1


def test_duplicate_truncate_and_forge():
    plan = Impairment(seed=1, duplicate=1.0, truncate=2, forge=1.0, directions=("down",))
    with EchoServer(transports=("udp",)).start() as srv, UdpImpairmentProxy(srv.address("udp"), plan) as proxy:
        got = exchange(proxy.address, [b"hello"])
        real = [d for d, port in got if port == proxy.port]
        forged = [d for d, port in got if port != proxy.port]
        assert real == [b"he", b"he"]
        assert forged == [bytes(b ^ 0xFF for b in b"he")]


def test_reorder_holds_one_and_releases_it_after_the_next():
    plan = Impairment(reorder=1.0, directions=("up",))
    with EchoServer(transports=("udp",)).start() as srv, UdpImpairmentProxy(srv.address("udp"), plan) as proxy:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
            s.settimeout(1)
            s.sendto(b"first", proxy.address)
            s.sendto(b"second", proxy.address)
            assert [s.recv(100), s.recv(100)] == [b"second", b"first"]


def tcp_echo_through(faults: TcpFaults, payload: bytes, wait: float = 2.0) -> tuple[bytes, str]:
    """Send ``payload`` to an echo server behind the TCP proxy; return what came back and how it ended
    (``"fin"``, ``"reset"`` or ``"silent"``)."""
    with EchoServer(transports=("tcp",)).start() as srv, TcpImpairmentProxy(srv.address("tcp"), faults) as proxy:
        with socket.create_connection(tuple(proxy.address), timeout=wait) as s:
            s.sendall(payload)
            got = b""
            try:
                while len(got) < len(payload) or faults.ending(len(got)) is not None:
                    data = s.recv(65536)
                    if not data:
                        return got, "fin"
                    got += data
            except ConnectionResetError:
                return got, "reset"
            except TimeoutError:
                return got, "silent"
            return got, "complete"


def test_tcp_fragment_relays_every_byte():
    assert tcp_echo_through(TcpFaults(fragment=1, gap=0.001), b"hello world") == (b"hello world", "complete")


@pytest.mark.parametrize(("faults", "expected"), [
    (TcpFaults(reset_after=3), (b"hel", "reset")),
    (TcpFaults(close_after=4), (b"hell", "fin")),
    (TcpFaults(stall_after=2, max_stall=5), (b"he", "silent")),
    (TcpFaults(close_after=0), (b"", "fin")),
    (TcpFaults(close_after=6, reset_after=6), (b"hello!", "reset")),
])
def test_tcp_endings_cut_the_reply_at_their_offset(faults, expected):
    assert tcp_echo_through(faults, b"hello!hello!", wait=0.5) == expected


def test_tcp_pause_after_delays_the_rest_once():
    start = time.monotonic()
    assert tcp_echo_through(TcpFaults(pause_after=2, pause=0.3), b"hello") == (b"hello", "complete")
    assert time.monotonic() - start >= 0.3
