"""Checks shared by scenarios of several protocols (not collected: no ``test_`` prefix).

Server side: survival after resets and ICMP errors, idle clients, half-close.  Client side: running the
client under test against a peer and judging how it ended.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable

from conformance.checks import check, fail
from netconformance_fixtures import netio
from netconformance_fixtures.context import settings
from netconformance_fixtures.process import Run
from netconformance_fixtures.targets import ClientTarget, ServerTarget

Exchange = Callable[[tuple[str, int]], None]  # one normal exchange with a server; raises ScenarioFailure


def survives_resets(server: ServerTarget, exchange: Exchange, *, partial: bytes = b"", rounds: int = 20,
                    reqs=("NET-TCP-5",)) -> None:
    """``rounds`` times: connect, send ``partial``, reset (SO_LINGER 0); then one normal exchange must work."""
    address = server.address("tcp")
    for _ in range(rounds):
        sock = netio.connect(address)
        if partial:
            sock.sendall(partial)
        netio.rst_close(sock)
    time.sleep(settings().scaled(0.2))
    if server.alive() is False:
        fail(reqs, f"the server died after {rounds} clients reset their connections",
             sent=partial or b"", expected="the server keeps serving", received=server.exit_description())
    exchange(address)


def survives_icmp(server: ServerTarget, request: bytes, rounds: int = 5, reqs=("NET-UDP-6",)) -> None:
    """``rounds`` times: send ``request`` from a socket whose reply draws ICMP port unreachable; then a
    fresh client must still be answered.

    The sending socket is ``connect()``ed to another (silent) local socket before it sends with an
    explicit destination, so the kernel delivers nothing from the server to it and answers every reply
    with port unreachable: deterministic, unlike closing the socket and racing the reply."""
    address = server.address("udp")
    with netio.udp_socket() as decoy:
        for _ in range(rounds):
            with netio.udp_socket() as s:
                s.raw.connect(decoy.getsockname())
                s.sendto(request, address)
                time.sleep(settings().scaled(0.05))
    time.sleep(settings().scaled(0.4))
    with netio.udp_socket() as s:
        got = netio.udp_query(s, address, request)
    check(got, reqs, "no answer after earlier replies drew ICMP port-unreachable errors: the server loop died",
          sent=request, expected="one datagram", received="nothing",
          when=f"within {settings().scaled(4):g} s", detail=server.exit_description() or None)


def idle_client_does_not_block(server: ServerTarget, exchange: Exchange, reqs=("NET-TCP-6",),
                               idle_bytes: bytes = b"") -> None:
    """Hold one connection open and idle (after ``idle_bytes``), then a second client must be served
    within 4T."""
    address = server.address("tcp")
    idle = netio.connect(address)
    try:
        if idle_bytes:
            idle.sendall(idle_bytes)
        time.sleep(settings().scaled(0.2))
        done = threading.Event()
        errors: list[BaseException] = []

        def other() -> None:
            try:
                exchange(address)
            except BaseException as exc:
                errors.append(exc)
            finally:
                done.set()

        t = threading.Thread(target=other, daemon=True)
        started = time.monotonic()
        t.start()
        limit = settings().scaled(6)
        if not done.wait(limit):
            fail(reqs, "a second client was not served while a first one stayed idle",
                 expected=f"the second exchange done within {limit:g} s",
                 received=f"still waiting after {time.monotonic() - started:.2f} s")
        if errors:
            raise errors[0]
    finally:
        idle.close()


# ---------------------------------------------------------------------- clients under test
def run_client(client: ClientTarget, address: tuple[str, int], transport: str, stdin: bytes = b"",
               **kwargs) -> Run:
    """Run the client under test once against ``address``; ``{timeout}`` is 2T unless ``wait_timeout`` says."""
    kwargs.setdefault("wait_timeout", settings().scaled(2))
    return client.run(host=address[0], port=address[1], transport=transport, stdin=stdin, **kwargs)


def expect_success(run: Run, reqs, summary: str, *, expected_stdout: bytes | None = None,
                   normalize: Callable[[bytes], bytes] | None = None, sent: bytes | str | None = None) -> None:
    """The client must exit 0 (and print ``expected_stdout``, compared after ``normalize``)."""
    if run.status != 0:
        fail(reqs, f"{summary}: the client reported an error", sent=sent,
             expected="exit status 0" + (" and the payload on stdout" if expected_stdout is not None else ""),
             received=run.describe(), detail=f"stdout: {run.stdout[:120]!r}" if run.stdout else None)
    if expected_stdout is not None:
        got = normalize(run.stdout) if normalize else run.stdout
        want = normalize(expected_stdout) if normalize else expected_stdout
        if got != want:
            fail(reqs, f"{summary}: the client printed something else", sent=sent,
                 expected=expected_stdout, received=run.stdout)


def expect_error(run: Run, reqs, summary: str, *, within: float | None = None, sent: bytes | str | None = None) -> None:
    """The client must exit non-zero (report the error), not hang, and not claim success; within
    ``within`` seconds when given."""
    if run.hung:
        fail(reqs, f"{summary}: the client hung instead of giving up", sent=sent,
             expected="a non-zero exit within its own timeout", received=run.describe())
    if run.status == 0:
        fail(reqs, f"{summary}: the client claimed success", sent=sent, expected="a non-zero exit status",
             received=f"exit 0 with stdout {run.stdout[:120]!r}")
    if within is not None and run.duration > within:
        fail(reqs, f"{summary}: the client took too long to give up", expected=f"at most {within:g} s",
             received=run.describe())


def tcp_stall_peer():
    """A peer that accepts and never writes (the stalled server of NET-TCP-8)."""
    from netconformance_fixtures.peers import TcpPeer

    return TcpPeer(lambda conn: conn.stall())


def refused_address() -> tuple[str, int]:
    """An address where nothing listens (connection refused)."""
    from netconformance_fixtures.ports import unused_port

    return ("127.0.0.1", unused_port())


def wait_readable(sock: socket.socket, seconds: float) -> bool:
    import select

    r, _, _ = select.select([sock], [], [], seconds)
    return bool(r)
