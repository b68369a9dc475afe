"""The UDP impairment proxy: every decision is a pure function of (seed, direction, index), so a run
replays exactly; each impairment does what it says."""

from __future__ import annotations

import socket

from netconformance_fixtures.proxy import Impairment, UdpImpairmentProxy
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
