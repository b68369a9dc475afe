"""The kernel's listening sockets over sock_diag (fixtures/sockdiag.py): the same ports /proc/net shows, in
the state readiness means (TCP listening, UDP bound and unconnected), per network namespace, and the
readiness check falling back to /proc/net where sock_diag fails."""

from __future__ import annotations

import contextlib
import socket

import pytest

from netconformance_fixtures import readiness, sockdiag
from netconformance_fixtures.rawnet import ns as nsmod
from netconformance_fixtures.rawnet import tiers


@pytest.fixture
def sockets():
    """Our own sockets in every state the answer must tell apart (other processes' come and go meanwhile,
    so the tests look at these ports only)."""
    with contextlib.ExitStack() as stack:
        def make(family, kind, address):
            sock = stack.enter_context(socket.socket(family, kind))
            sock.bind((address, 0))
            return sock

        got = {
            "tcp4": make(socket.AF_INET, socket.SOCK_STREAM, "127.0.0.1"),
            "tcp6": make(socket.AF_INET6, socket.SOCK_STREAM, "::1"),
            "tcp-any6": make(socket.AF_INET6, socket.SOCK_STREAM, "::"),
            "tcp-bound-only": make(socket.AF_INET, socket.SOCK_STREAM, "127.0.0.1"),
            "udp4": make(socket.AF_INET, socket.SOCK_DGRAM, "127.0.0.1"),
            "udp6": make(socket.AF_INET6, socket.SOCK_DGRAM, "::1"),
            "udp-connected": make(socket.AF_INET, socket.SOCK_DGRAM, "127.0.0.1"),
        }
        for name in ("tcp4", "tcp6", "tcp-any6"):
            got[name].listen()
        got["udp-connected"].connect(got["udp4"].getsockname())
        got["tcp-client"] = stack.enter_context(socket.create_connection(got["tcp4"].getsockname()[:2]))
        got["tcp-accepted"] = stack.enter_context(got["tcp4"].accept()[0])
        yield {name: sock.getsockname()[1] for name, sock in got.items()}


def test_listening_tcp_and_bound_udp_sockets_with_their_addresses(sockets):
    tcp, udp = set(sockdiag.listening("tcp")), set(sockdiag.listening("udp"))
    assert {("127.0.0.1", sockets["tcp4"]), ("::1", sockets["tcp6"]), ("::", sockets["tcp-any6"])} <= tcp
    assert {("127.0.0.1", sockets["udp4"]), ("::1", sockets["udp6"])} <= udp
    # bound but not listening, a connection's client end, a connected datagram socket: not "ready"
    ours = {sockets[n] for n in ("tcp-bound-only", "tcp-client", "udp-connected")}
    assert not {port for _, port in tcp | udp} & ours


@pytest.mark.parametrize("kind", ["tcp", "udp"])
@pytest.mark.parametrize("host", ["127.0.0.1", "::1"])
def test_sock_diag_and_proc_net_agree(sockets, kind, host):
    ours = set(sockets.values())
    assert readiness.bound_ports(kind, host) & ours == readiness._proc_bound_ports(kind, host) & ours
    expected = {"tcp": {"tcp4", "tcp6", "tcp-any6"}, "udp": {"udp4", "udp6"}}[kind]
    if host == "::1":  # an IPv4-only socket does not serve ::1
        expected -= {"tcp4", "udp4"}
    assert readiness.bound_ports(kind, host) & ours == {sockets[n] for n in expected}


def test_readiness_falls_back_to_proc_net_where_sock_diag_fails(sockets, monkeypatch):
    def refuse(kind, **_):
        raise PermissionError(1, "sock_diag blocked (as under a seccomp filter)")

    monkeypatch.setattr(sockdiag, "listening", refuse)
    monkeypatch.setattr(readiness, "_NO_SOCK_DIAG", set())
    assert sockets["tcp4"] in readiness.bound_ports("tcp")
    assert readiness._NO_SOCK_DIAG == {"tcp"}  # not asked again in this process
    assert sockets["udp6"] in readiness.bound_ports("udp", "::1")


def test_a_dump_answers_for_the_namespace_its_socket_is_in():
    reason = tiers.current().skip_reason(2)
    if reason:
        pytest.skip(reason)
    n = nsmod.create()
    try:
        with n.entered():
            inside = socket.socket()
            inside.bind(("127.0.0.1", 0))
            inside.listen()
        with inside:
            port = inside.getsockname()[1]
            assert port in n.bound_ports("tcp")
            opener = lambda: n.socket(socket.AF_NETLINK, socket.SOCK_RAW, sockdiag.NETLINK_SOCK_DIAG)  # noqa: E731
            assert ("127.0.0.1", port) in sockdiag.listening("tcp", opener=opener)  # not the /proc fallback
            assert port not in {p for _, p in sockdiag.listening("tcp")}  # this process's namespace
    finally:
        n.close()
