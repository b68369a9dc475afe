"""Verdicts that must not depend on timing: a lost datagram is sent again before "no reply" is judged,
and a server that dies just after the liveness probe is graded as dead, not as a dropped session."""

from __future__ import annotations

import socket
import threading
import time
from types import SimpleNamespace

import pytest

from conformance.errors import ScenarioFailure
from conformance.scenarios import common
from netconformance_fixtures import netio, transcript


def _drop_first_server(sock: socket.socket, stop: threading.Event) -> None:
    """Drop the first datagram from each source and answer the rest with 4 octets (as xinetd's drain()
    drops a datagram that arrives while it is still busy with the one before)."""
    sock.settimeout(0.1)
    seen: set = set()
    while not stop.is_set():
        try:
            _, source = sock.recvfrom(2048)
        except TimeoutError:
            continue
        if source in seen:
            sock.sendto(b"\0\0\0\1", source)
        seen.add(source)


def test_a_lost_datagram_is_sent_again_before_no_reply_is_judged():
    notes = transcript.reset()
    server = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    server.bind(("127.0.0.1", 0))
    stop = threading.Event()
    thread = threading.Thread(target=_drop_first_server, args=(server, stop), daemon=True)
    thread.start()
    try:
        with netio.udp_socket() as s:
            assert netio.udp_query(s, server.getsockname(), b"\n", 0.3) == []  # dropped, and no resend
        with netio.udp_socket() as s:
            got = netio.udp_query(s, server.getsockname(), b"\n", 0.3, resends=2)
        assert [d.data for d in got] == [b"\0\0\0\1"]
        assert any(b"sent again" in e.data for e in notes.events)
    finally:
        stop.set()
        thread.join(2)
        server.close()


class _DyingServer:
    """A target whose process is alive for the probe and gone by the time the exchange fails."""

    def __init__(self, listener: socket.socket):
        self.listener = listener
        self.spec = SimpleNamespace(protocol="daytime")
        self.probes = 0

    def address(self, transport: str):
        return self.listener.getsockname()

    def alive(self):
        self.probes += 1
        return self.probes == 1

    def exit_description(self) -> str:
        return "exited with status 1"


def _failed_exchange(address):
    raise ScenarioFailure("no date in a normal exchange", requirements=("NET-TCP-5",))


@pytest.mark.parametrize("dies,graded", [(True, ("NET-TCP-10",)), (False, ("NET-TCP-5",))])
def test_a_failed_exchange_after_the_probe_is_graded_by_what_broke(dies, graded):
    """A server that died just after the probe was accepted lost the service (NET-TCP-10, with "died" in the
    message); a live one that failed the exchange keeps the exchange's own grade."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)
    server = _DyingServer(listener) if dies else SimpleNamespace(
        spec=SimpleNamespace(protocol="daytime"), address=lambda t: listener.getsockname(), alive=lambda: True,
        exit_description=lambda: "")
    try:
        with pytest.raises(ScenarioFailure) as failure:
            common.serving_exchange(server, _failed_exchange, "20 clients reset their connections")
    finally:
        listener.close()
    assert tuple(failure.value.requirements) == graded, failure.value
    assert ("died" in str(failure.value)) == dies


def test_a_peer_keeps_sending_to_a_client_that_starts_reading_late():
    """A scripted peer answers a 4 MiB item to a client that sends its request, then does not read for 1 s
    (a loaded machine had not scheduled it): the whole item arrives.  The peer's write used to inherit the
    0.2 s timeout of its last read and cut the item short, and a correct client was failed for printing it."""
    from netconformance_fixtures.peers import TcpPeer

    transcript.reset()
    item = bytes(range(256)) * (4 * 2**12)
    sent = []

    def handler(conn):
        conn.recv_until(lambda b: b"\n" in b, 5)
        sent.append(conn.send(item))
        conn.close()

    with TcpPeer(handler) as peer, socket.create_connection(peer.address, timeout=10) as client:
        client.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 65536)  # the peer must wait
        client.sendall(b"/large.bin\r\n")
        time.sleep(1.0)
        got = bytearray()
        while data := client.recv(65536):
            got += data
    assert sent == [True] and bytes(got) == item, f"{len(got)} of {len(item)} bytes arrived"


def test_a_start_failure_quotes_stderr_written_just_before_the_exit(monkeypatch):
    """A command that writes its reason on stderr and exits: the error quotes the reason even when our pipe
    reader has not run yet when the exit is seen (a loaded machine; here the reader starts 0.3 s late)."""
    import sys

    from conformance.errors import TargetStartError
    from netconformance_fixtures import process, readiness

    run = process._Drain.run

    def late(self) -> None:
        time.sleep(0.3)
        run(self)

    monkeypatch.setattr(process._Drain, "run", late)
    launched = process.launch([sys.executable, "-c", "import sys; sys.stderr.write('bad config\\n'); sys.exit(1)"])
    try:
        launched.proc.wait(10)
        with pytest.raises(TargetStartError, match="exited with status 1 before listening.*stderr: bad config"):
            readiness.wait_listening(launched, 9, ("tcp",), 5.0, "server echo command 'x'")
    finally:
        launched.kill()
