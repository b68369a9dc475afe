"""Checks shared by scenarios of several protocols (not collected: no ``test_`` prefix).

Server side: survival after resets and ICMP errors, idle clients, half-close.  Client side: running the
client under test against a peer and judging how it ended.

An address is ``(host, port)`` or, for a target tested over AF_UNIX, its socket path (``str``):
every helper here takes either.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable

from conformance.checks import check, fail
from conformance.errors import ScenarioFailure
from conformance.requirements import net as net_rows
from netconformance_fixtures import netio, unixsock
from netconformance_fixtures.context import loopback, settings, unix
from netconformance_fixtures.process import Run
from netconformance_fixtures.targets import ClientTarget, ServerTarget

Address = tuple[str, int] | str  # (host, port), or an AF_UNIX socket path
Exchange = Callable[[Address], None]  # one normal exchange with a server; raises ScenarioFailure


def dead_server_reqs(server: ServerTarget) -> tuple[str, ...]:
    """The ids a server that stopped serving altogether breaks (:data:`conformance.requirements.net.DEAD_SERVER_REQS`)."""
    return net_rows.dead_server_reqs(server.spec.protocol)


def still_serving(server: ServerTarget, after: str, *, dead_reqs=None, sent: bytes | str | None = None) -> None:
    """Fail with the dead-server ids when the server's process has exited or it refuses new connections.

    ``after`` says what happened first ("20 clients reset their connections").  A live server that merely
    mishandles the next session is left to the caller's own exchange (graded by its own ids)."""
    reqs = tuple(dead_reqs) if dead_reqs else dead_server_reqs(server)
    if server.alive() is False:
        fail(reqs, f"the server died after {after}: the service is gone for every client",
             sent=sent, expected="the server keeps serving", received=server.exit_description())
    address = server.address("tcp")
    family = (socket.AF_UNIX if unixsock.is_unix(address) else socket.AF_INET6 if ":" in address[0]
              else socket.AF_INET)
    probe = socket.socket(family, socket.SOCK_STREAM)
    probe.settimeout(settings().scaled(4))
    try:
        unixsock.connect_stream(probe, address, settings().scaled(4)) if unixsock.is_unix(address) else probe.connect(address)
    except (ConnectionRefusedError, FileNotFoundError) as exc:  # AF_UNIX: refused, or its socket file removed
        fail(reqs, f"the server stopped listening after {after}: the service is gone for every client",
             sent=sent, expected="new connections accepted", received=f"connect: {exc.strerror or exc}",
             detail=server.exit_description() or None)
    except ConnectionResetError:
        # the listening socket closed with our connection queued: the process is going away (a loaded
        # machine can take a while to end it); dead once it has, else left to the exchange
        if _ends_within(server, settings().scaled(2)):
            fail(reqs, f"the server died after {after}: the service is gone for every client",
                 sent=sent, expected="the server keeps serving", received=server.exit_description())
    except OSError:
        pass  # a timeout or other error: left to the exchange, which reports it with its own ids
    finally:
        probe.close()


def _ends_within(server: ServerTarget, seconds: float) -> bool:
    """True once ``server``'s process has exited, looking every 20 ms for at most ``seconds``; False for a
    process still running then, and at once for a target whose liveness is unknown (an address)."""
    deadline = time.monotonic() + seconds
    while (alive := server.alive()) is not None:
        if not alive:
            return True
        if time.monotonic() >= deadline:
            return False
        time.sleep(0.02)
    return False


def timeout_server(server_factory, spec, idle: float) -> ServerTarget:
    """The server under test (``spec``, the scenario's target) for a scenario that waits for the server's
    own idle or request timeout: a reference (whose timeout the suite sets) is started with ``idle``
    seconds, so the wait costs a few T instead of the 8T every other scenario gives it; any other target is
    started as it is and held to the scenario's bound as before."""
    return server_factory(idle_timeout=idle) if spec.kind == "ref" else server_factory()


def survives_resets(server: ServerTarget, exchange: Exchange, *, partial: bytes = b"", rounds: int = 20,
                    reqs=("NET-TCP-5",), dead_reqs=None) -> None:
    """``rounds`` times: connect, send ``partial``, reset (SO_LINGER 0); then one normal exchange must work.
    Before it, an ``inetd:`` target's per-connection commands get (up to 20 T) to end
    (:meth:`ServerTarget.settle`): twenty process starts on a loaded machine are not a dropped session.

    A server that died or stopped listening has lost the service for everyone: ``dead_reqs`` (by default
    :func:`dead_server_reqs`, a MUST for most protocols).  A live server whose next exchange fails is graded
    by the exchange's own ids (``reqs``, by default NET-TCP-5, a SHOULD: it dropped a session, not the
    service)."""
    address = server.address("tcp")
    after = f"{rounds} clients reset their connections"
    try:
        for _ in range(rounds):
            sock = netio.connect(address)  # a server dying of an earlier reset refuses or resets this one
            if partial:  # a refused write (the server closed or died with it queued) is judged by what follows
                netio.send_unread(sock, partial)
            netio.rst_close(sock)
    except ScenarioFailure:
        _judge_dying(server, after, dead_reqs=dead_reqs, sent=partial or b"")
        raise
    server.settle(settings().scaled(20))  # an inetd service starts a process per reset: slow is not dropped
    time.sleep(settings().scaled(0.2))
    serving_exchange(server, exchange, after, dead_reqs=dead_reqs, sent=partial or b"")


def serving_exchange(server: ServerTarget, exchange: Exchange, after: str, *, dead_reqs=None,
                     sent: bytes | str | None = None) -> None:
    """:func:`still_serving`, then one normal ``exchange``.

    A server that dies just after the probe was accepted (the kernel completes the handshake from the
    backlog) fails the exchange first: when the exchange fails, the server is looked at once more after a
    short settle, so one root cause gives one failure, graded as the dead server it is, not as a dropped
    session."""
    still_serving(server, after, dead_reqs=dead_reqs, sent=sent)
    try:
        exchange(server.address("tcp"))
    except (ScenarioFailure, OSError):  # OSError: a reset or refused write the exchange did not catch
        _judge_dying(server, after, dead_reqs=dead_reqs, sent=sent)
        raise


def _judge_dying(server: ServerTarget, after: str, *, dead_reqs=None, sent: bytes | str | None = None) -> None:
    """After a failed exchange: fail with the dead-server ids when the server is dying (one root cause,
    one failure), else return and let the caller's failure stand.  A dying process can take a while to end
    on a loaded machine: it is waited for (bounded) before looking; a target whose liveness is unknown (an
    address) gets a short settle."""
    if server.alive() is None:
        time.sleep(settings().scaled(0.2))
    else:
        _ends_within(server, settings().scaled(1))
    still_serving(server, after, dead_reqs=dead_reqs, sent=sent)


def survives_icmp(server: ServerTarget, request: bytes, rounds: int = 5, reqs=("NET-UDP-6",)) -> None:
    """``rounds`` times: send ``request`` from a socket whose reply draws ICMP port unreachable; then a
    fresh client must still be answered.

    The sending socket is ``connect()``ed to another (silent) local socket before it sends with an
    explicit destination, so the kernel delivers nothing from the server to it and answers every reply
    with port unreachable: deterministic, unlike closing the socket and racing the reply.  Over IPv6 that is
    ICMPv6 destination unreachable, code 4 (port unreachable; RFC 4443 §3.1); over AF_UNIX the server's
    ``sendto`` itself fails (EPERM: the socket is connected elsewhere), the same error indication."""
    address = server.address("udp")
    with netio.udp_socket() as decoy:
        for _ in range(rounds):
            with netio.udp_socket() as s:
                s.raw.connect(decoy.getsockname())
                s.sendto(request, address)
                time.sleep(settings().scaled(0.05))
    time.sleep(settings().scaled(0.4))
    with netio.udp_socket() as s:
        got = netio.udp_query(s, address, request, resends=2)
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
def run_client(client: ClientTarget, address: Address, transport: str, stdin: bytes = b"",
               **kwargs) -> Run:
    """Run the client under test once against ``address`` (an AF_UNIX path fills ``{path}``); ``{timeout}`` is
    2T unless ``wait_timeout`` says."""
    kwargs.setdefault("wait_timeout", settings().scaled(2))
    if unixsock.is_unix(address):
        return client.run(path=address, transport=transport, stdin=stdin, **kwargs)
    return client.run(host=address[0], port=address[1], transport=transport, stdin=stdin, **kwargs)


def expect_success(run: Run, reqs, summary: str, *, expected_stdout: bytes | None = None,
                   normalize: Callable[[bytes], bytes] | None = None, sent: bytes | str | None = None,
                   error_reqs=None) -> None:
    """The client must exit 0 (and print ``expected_stdout``, compared after ``normalize``).

    ``reqs`` grade a wrong output; ``error_reqs`` (default ``reqs``) a client that reported an error or hung,
    where that evidence breaks something weaker (a client that gives up during a pause)."""
    if run.status != 0:
        fail(error_reqs or reqs, f"{summary}: the client {'hung' if run.hung else 'reported an error'}", sent=sent,
             expected="exit status 0" + (" and the payload on stdout" if expected_stdout is not None else ""),
             received=run.describe(), detail=f"stdout: {run.stdout[:120]!r}" if run.stdout else None)
    if expected_stdout is not None:
        got = normalize(run.stdout) if normalize else run.stdout
        want = normalize(expected_stdout) if normalize else expected_stdout
        if got != want:
            fail(reqs, f"{summary}: the client printed something else", sent=sent,
                 expected=expected_stdout, received=run.stdout)


def expect_error(run: Run, reqs, summary: str, *, within: float | None = None, sent: bytes | str | None = None,
                 hang_reqs=None, success_reqs=None) -> None:
    """The client must exit non-zero (report the error), not hang, and not claim success; within
    ``within`` seconds when given.

    Each kind of evidence names its own ids (default ``reqs``): ``hang_reqs`` for a client that hung or was
    too slow (an unbounded wait: NET-TCP-8), ``success_reqs`` for one that claimed success (a false answer:
    the protocol's own client requirement)."""
    if run.hung:
        fail(hang_reqs or reqs, f"{summary}: the client hung instead of giving up", sent=sent,
             expected="a non-zero exit within its own timeout", received=run.describe())
    if run.status == 0:
        fail(success_reqs or reqs, f"{summary}: the client claimed success", sent=sent, expected="a non-zero exit status",
             received=f"exit 0 with stdout {run.stdout[:120]!r}")
    if within is not None and run.duration > within:
        fail(hang_reqs or reqs, f"{summary}: the client took too long to give up", expected=f"at most {within:g} s",
             received=run.describe())


def expect_genuine_reply(run: Run, summary: str, *, genuine: bytes, stray: bytes, lie_reqs, reject_reqs,
                         wrong_reqs=None, normalize: Callable[[bytes], bytes] | None = None,
                         sent: bytes | str | None = None, is_stray: Callable[[bytes], bool] | None = None) -> None:
    """A stray datagram (``stray``) arrived before the genuine answer (``genuine``): the client must print the
    genuine one and exit 0.

    Evidence, each with its own ids: the client printed the stray datagram as the server's answer, whatever
    its exit status (``lie_reqs``: a false answer - an echo client that then reports a mismatch blames a
    server that echoed correctly); it reported an error instead of waiting for the genuine answer
    (``reject_reqs``); it printed something else (``wrong_reqs``, default ``lie_reqs``).  ``is_stray``
    recognises the stray answer in the output (default: equal to ``stray`` after ``normalize``)."""
    norm = normalize or (lambda b: b)
    took_stray = bool(run.stdout.strip()) and (is_stray(run.stdout) if is_stray else norm(run.stdout) == norm(stray))
    if took_stray:
        fail(lie_reqs, f"{summary}: the client reported the stray datagram as the server's answer", sent=sent,
             expected=genuine, received=f"{run.stdout[:120]!r}, {run.describe()}", detail=f"stray datagram: {stray[:80]!r}")
    if run.hung:
        fail(reject_reqs, f"{summary}: the client hung", sent=sent, expected="exit 0 with the genuine answer",
             received=run.describe())
    if run.status != 0:
        fail(reject_reqs, f"{summary}: the client gave up instead of waiting for the genuine answer", sent=sent,
             expected="exit 0 with the genuine answer", received=run.describe(),
             detail=f"stray datagram: {stray[:80]!r}")
    if is_stray is None and norm(run.stdout) != norm(genuine):
        fail(wrong_reqs or lie_reqs, f"{summary}: the client printed something else", sent=sent,
             expected=genuine, received=run.stdout)


def tcp_stall_peer():
    """A peer that accepts and never writes (the stalled server of NET-TCP-8)."""
    from netconformance_fixtures.peers import TcpPeer

    return TcpPeer(lambda conn: conn.stall())


def refused_address(transport: str = "tcp") -> Address:
    """An address where nothing listens (connection refused): a port, or over AF_UNIX a socket file nothing
    is bound to any more (of ``transport``'s socket type)."""
    from netconformance_fixtures.ports import unused_port

    if unix():
        return unixsock.refused_path(transport)
    host = loopback()
    return (host, unused_port(host))


def wait_readable(sock: socket.socket, seconds: float) -> bool:
    import select

    r, _, _ = select.select([sock], [], [], seconds)
    return bool(r)
