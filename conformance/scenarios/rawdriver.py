"""The raw-packets tier's driver: how the harness talks to a server through the scapy peer.

:class:`Dialogue` is the framing of one protocol at the packet level (the instances live in
:mod:`conformance.scenarios.rawframing`); :func:`exchange` and its helpers run one exchange through a raw
endpoint of :mod:`netconformance_fixtures.rawnet` and fail the scenario (:func:`conformance.checks.fail`)
when the answer does not complete; :func:`raw_scenario` declares one raw-packets scenario.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

from conformance.checks import excerpt, fail
from conformance.registry import scenario
from netconformance_fixtures.context import settings

CATEGORY = "raw-packets"
GAP = 0.003  # seconds between one-byte segments: the target sees many short reads (fault-injection-notes §3)


def scaled(k: float = 1.0) -> float:
    """``k`` times the run's base wait T (seconds)."""
    return settings().scaled(k)


@dataclass(frozen=True)
class Dialogue:
    """How the harness talks to a server of one protocol at the packet level.

    ``request``: what a client sends (after the greeting when ``greeting`` is set); ``complete(answer,
    request)``: the answer is whole (None: the server closes after answering); ``normalise``: the part of
    an answer that must be equal between two exchanges (dates and clocks removed); ``farewell``: sent after
    the answer when the server keeps the session (SMTP ``QUIT``); ``closing_request``: the request of the
    half-close scenario and whether the server then closes by itself; ``big``: the request of the
    zero-window scenario (large for echo, whose answer is as large as the request).
    """

    protocol: str
    request: bytes
    reqs: tuple[str, ...]
    normalise: Callable[[bytes], bytes] = lambda b: b
    complete: Callable[[bytes, bytes], bool] | None = None
    greeting: Callable[[bytes], bool] | None = None
    farewell: bytes = b""
    closing_request: bytes | None = None
    big: bytes | None = None

    @property
    def segmentable(self) -> bool:
        return bool(self.request)


# ---------------------------------------------------------------------- attribution helpers
def graded_like(primary: str, others) -> tuple[str, ...]:
    """``primary`` and those of ``others`` with the same grade: one check never mixes grades (a weaker
    requirement riding along would be graded as the stronger one)."""
    from conformance.verdicts import grade_of

    grade = grade_of([primary])
    return (primary, *(r for r in others if r != primary and grade_of([r]) == grade))


def dead_reqs(server) -> tuple[str, ...]:
    from conformance.scenarios import common

    return common.dead_server_reqs(server)


# ---------------------------------------------------------------------- exchange helpers
def open_conn(env, server, **options):
    """A raw connection to the target's TCP port, established (fails the scenario if the handshake does not complete).

    A target that exited, or whose kernel answers the SYN with RST (nothing listens any more), has lost its
    service (the dead-server ids, NET-TCP-10 for most protocols); a live target that lets the SYN go
    unanswered (a full backlog) is NET-TCP-5."""
    ep = env.tcp(server.address("tcp"), **options)
    if not ep.connect(scaled(4)):
        time.sleep(scaled(0.2))
        if server.alive() is False:
            fail(dead_reqs(server), "the target is no longer running", expected="SYN-ACK to our SYN",
                 received=server.exit_description())
        fail(dead_reqs(server) if ep.reset_received else ("NET-TCP-5",), "the target did not complete the TCP handshake",
             expected="SYN-ACK to our SYN", received="RST" if ep.reset_received else "nothing",
             detail=server.exit_description() or None)
    return ep


def read_greeting(ep, d: Dialogue, reqs=None) -> bytes:
    if d.greeting is None:
        return b""
    got = ep.recv_until(d.greeting, scaled(8))
    if got.end != "complete":
        fail(reqs or d.reqs, "the server's greeting did not arrive", expected="a complete greeting", received=got.data,
             when=got.describe())
    return got.data


def read_answer(ep, d: Dialogue, base: int, request: bytes, timeout: float, *, to_eof: bool = False):
    if d.complete is None or to_eof:
        return ep.recv_to_eof(timeout)
    return ep.recv_until(lambda b: d.complete(b[base:], request), timeout)


def finish(ep, d: Dialogue) -> None:
    """End politely: the farewell (SMTP QUIT) or nothing, then FIN; wait briefly for the server's FIN."""
    if ep.reset_received or ep.state != "established":
        return
    try:
        if d.farewell:
            ep.send(d.farewell, ack_timeout=scaled(2))
        ep.fin()
        ep.recv_to_eof(scaled(1))
    except TimeoutError:
        pass


def exchange(env, server, d: Dialogue, request: bytes | None = None, *, to_eof: bool = False,
             send: Callable | None = None, what: str = "a normal exchange", reqs=None) -> bytes:
    """One exchange through the raw peer: greeting, ``request`` (sent by ``send(ep, data)``), the whole answer.
    Returns greeting + answer; fails the scenario when the answer does not complete."""
    request = d.request if request is None else request
    ep = open_conn(env, server)
    greeting = read_greeting(ep, d)
    if request:
        try:
            (send or (lambda e, data: e.send(data)))(ep, request)
        except TimeoutError as exc:  # reset, or never acknowledged: the target did not take the request
            fail(reqs or d.reqs, f"{what}: the request was not taken: {exc}", sent=request, received=greeting,
                 detail=server.exit_description() or None)
    got = read_answer(ep, d, len(greeting), request, scaled(8), to_eof=to_eof)
    if got.end not in ("complete", "eof"):
        fail(reqs or d.reqs, f"{what}: the answer did not complete", sent=request, received=greeting + got.data,
             when=got.describe(), detail=server.exit_description() or None)
    if not to_eof:
        finish(ep, d)
    ep.close()
    return greeting + got.data


def same_answer(d: Dialogue, reqs, summary: str, request: bytes, whole: bytes, got: bytes, when: str) -> None:
    if d.normalise(got) != d.normalise(whole):
        fail(reqs, summary, sent=request, expected=f"the answer to the request sent whole: {excerpt(whole)}",
             received=got, when=when, detail="compared after removing dates and clocks" if d.normalise(whole) != whole else None)


# ---------------------------------------------------------------------- declaration
def raw_scenario(sid: str, protocol: str, requirements, doc: str, *, tier: int = 2, role: str = "server",
                 transports=("tcp",)) -> Callable:
    """Declare one raw-packets scenario (:func:`conformance.registry.scenario`, category ``raw-packets``).

    ``doc`` is its description (a family of scenarios shares one text); ``tier`` is the raw-packets tier it
    needs (read by the ``raw_env`` fixture, fixtures/rawplugin.py).  The function must be named after the
    id, ``test_`` + the id with ``_`` for ``-`` (the name pytest, ``-k`` and reports use).

    Raises:
        ValueError: the function is not named after the id, or anything :func:`scenario` refuses.
    """

    def declare(fn: Callable) -> Callable:
        want = "test_" + sid.replace("-", "_")
        if fn.__name__ != want:
            raise ValueError(f"raw scenario {sid}: the function must be named {want}, not {fn.__name__}")
        fn.__doc__ = doc
        fn = scenario(sid, protocol=protocol, role=role, category=CATEGORY, requirements=requirements,
                      transports=transports)(fn)
        fn.raw_tier = tier  # read by the raw_env fixture (fixtures/rawplugin.py)
        return fn

    return declare
