"""One vocabulary for misbehaving peers: the named faults every reference peer, proxy and scripted peer uses.

Stream faults (:class:`StreamFaults`; sizes in bytes, times in seconds), applied to what a peer writes:

========================  ======================================================================
``fragment=N``            write at most N bytes at a time (0: as produced), NET-TCP-1
``gap=S``                 S seconds between two writes
``delay=S``               S seconds before the first byte
``pause_after=N``         after N bytes, stay silent ``pause`` seconds once, then go on
``stall_after=N``         after N bytes, write nothing more; hold the connection ``stall_for`` seconds
``reset_after=N``         after N bytes, close abortively (RST: ``SO_LINGER`` 0), NET-TCP-5
``close_after=N``         after N bytes, close with FIN: a truncated reply (close early)
========================  ======================================================================

When several endings are set the earliest offset wins; at one offset reset beats stall beats close.
Datagram faults (:class:`DatagramFaults`): ``drop``, ``drop_first``, ``duplicate``, ``reorder``,
``truncate``, ``forge``, each decided by a pure function of ``(seed, direction, index)``.

Everything here is sans-I/O except the two ways to end a connection with a reset (:func:`reset` for a
socket, :func:`reset_stream` for an asyncio stream), the one place ``SO_LINGER`` 0 is written, and
:func:`perform`, which runs steps through the send and wait callables it is given.  Write
plans are pure: :func:`cut_at`, :func:`fragments`, :func:`split_around` cut bytes into pieces and
:class:`Pacing` interleaves them with pauses as the steps :class:`Write`, :class:`Pause`,
:class:`Reset`, :class:`Hold` that peers perform.  A spec string (``"fragment=1,gap=0.002,reset_after=10"``)
builds any of these dataclasses (:meth:`StreamFaults.parse`).  Protocol peers build their own behaviours
from these (gopher: :class:`reference_servers.gopher.peer.Behaviour` is a :class:`StreamFaults`; HTTP
and SMTP cut with these functions and reset with :func:`reset_stream`).
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import random
import socket
import struct
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import TypeVar

__all__ = [
    "ENDINGS", "LINGER_RESET", "DatagramFaults", "Hold", "Pacing", "Pause", "Reset", "Step", "StreamFaults",
    "Write", "cut_at", "fragments", "paced", "parse_spec", "perform", "reset", "reset_stream", "split_around",
]

#: ``struct linger {l_onoff=1, l_linger=0}``: close() then sends RST and discards unsent data
LINGER_RESET = struct.pack("ii", 1, 0)


# ------------------------------------------------------------------------------------------- resets
def reset(sock: socket.socket) -> None:
    """Close ``sock`` abortively: ``SO_LINGER`` {on, 0}, then close, so the peer sees ECONNRESET (NET-TCP-5).
    A socket that refuses the option (already closed, AF_UNIX) is closed anyway; never raises."""
    with contextlib.suppress(OSError):
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, LINGER_RESET)
    with contextlib.suppress(OSError):
        sock.close()


def reset_stream(writer: asyncio.StreamWriter) -> None:
    """The asyncio form of :func:`reset`: ``SO_LINGER`` {on, 0} on the transport's socket, then
    ``transport.abort()`` (queued data is discarded; the peer sees RST).  Never raises."""
    sock = writer.get_extra_info("socket")
    if sock is not None:
        with contextlib.suppress(OSError):
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, LINGER_RESET)
    writer.transport.abort()


# ------------------------------------------------------------------------------------------- write plans
def cut_at(data: bytes, cuts: Iterable[int]) -> list[bytes]:
    """``data`` cut at the byte offsets ``cuts`` (duplicates and offsets outside ``1..len-1`` ignored);
    always at least one piece (``[b""]`` for empty data)."""
    bounds = [0, *sorted({c for c in cuts if 0 < c < len(data)}), len(data)]
    return [data[a:b] for a, b in zip(bounds, bounds[1:])]


def fragments(pieces: bytes | Sequence[bytes], size: int) -> list[bytes]:
    """Every piece (or ``data``) cut into ``size``-byte pieces; ``size`` <= 0 leaves them whole.  Empty
    pieces vanish when ``size`` > 0."""
    parts = [pieces] if isinstance(pieces, bytes) else list(pieces)
    if size <= 0:
        return parts
    return [p[i:i + size] for p in parts for i in range(0, len(p), size)]


def split_around(data: bytes, octets: frozenset[int]) -> list[bytes]:
    """``data`` cut right before and right after every octet in ``octets`` (each delimiter in a piece of
    its own, e.g. CR, LF, TAB); no empty pieces."""
    parts: list[bytes] = []
    start = 0
    for i, octet in enumerate(data):
        if octet in octets:
            if i > start:
                parts.append(data[start:i])
            parts.append(data[i:i + 1])
            start = i + 1
    if start < len(data):
        parts.append(data[start:])
    return parts


@dataclass(frozen=True)
class Write:
    """Write ``data`` and wait until it is handed to the kernel."""
    data: bytes


@dataclass(frozen=True)
class Pause:
    """Stay silent for ``seconds`` (the connection stays open)."""
    seconds: float


@dataclass(frozen=True)
class Reset:
    """Abort the connection with RST (``SO_LINGER`` {1, 0}); ends a step list."""


@dataclass(frozen=True)
class Hold:
    """Keep the connection open for ``seconds`` after the last write, without writing, then close."""
    seconds: float


Step = Write | Pause | Reset | Hold


@dataclass(frozen=True)
class Pacing:
    """How one write is cut: at the byte offsets ``cuts`` first, then every piece into ``fragment``-byte
    pieces (0: whole), ``gap`` seconds between two pieces (none after the last)."""

    fragment: int = 0
    cuts: tuple[int, ...] = ()
    gap: float = 0.0

    def pieces(self, data: bytes) -> list[bytes]:
        """The pieces ``data`` goes out in (``[data]`` when nothing cuts it)."""
        return fragments(cut_at(data, self.cuts) if self.cuts else [data], self.fragment)

    def steps(self, data: bytes) -> list[Step]:
        """The pieces as :class:`Write` steps with a :class:`Pause` of ``gap`` seconds between two."""
        return paced(self.pieces(data), self.gap)


def paced(pieces: Sequence[bytes], gap: float) -> list[Step]:
    """``pieces`` as :class:`Write` steps, a :class:`Pause` of ``gap`` seconds between two (not before the
    first or after the last)."""
    out: list[Step] = []
    for i, piece in enumerate(pieces):
        if i:
            out.append(Pause(gap))
        out.append(Write(piece))
    return out


def perform(steps: Iterable[Step], send: Callable[[bytes], object], wait: Callable[[float], object] = time.sleep
            ) -> bool:
    """Run :class:`Write` and :class:`Pause` steps on a blocking socket: ``send(data)`` for a write (e.g.
    ``sock.sendall``), ``wait(seconds)`` for a pause (``time.sleep``, or a stop event's ``wait``: a true
    result means stop).  Returns False when a wait said stop, True when every step ran.

    Raises:
        OSError: from ``send``.  ValueError: a :class:`Reset` or :class:`Hold` step (the caller's to do).
    """
    for step in steps:
        if isinstance(step, Write):
            send(step.data)
        elif isinstance(step, Pause):
            if wait(step.seconds):
                return False
        else:
            raise ValueError(f"perform() writes and pauses only, not {step!r}")
    return True


# ------------------------------------------------------------------------------------------- named faults
#: the ways a stream ends early, by precedence when two fall on one offset
ENDINGS = ("reset", "stall", "close")

F = TypeVar("F")


def parse_spec(cls: type[F], spec: str, what: str = "behaviour") -> F:
    """Build the dataclass ``cls`` from ``"key=value,flag,..."``: a bare key sets a boolean to True, ``-``
    in a key reads as ``_``, ints, floats and strings by the field's type.

    Raises:
        ValueError: unknown key, a missing value, or a value of the wrong type.
    """
    kwargs: dict[str, object] = {}
    types = {f.name: str(f.type) for f in dataclasses.fields(cls) if f.init}  # type: ignore[arg-type]
    for item in filter(None, (part.strip() for part in spec.split(","))):
        key, eq, value = item.partition("=")
        key = key.strip().replace("-", "_")
        if key not in types:
            raise ValueError(f"unknown {what} {key!r}; known: {', '.join(types)}")
        kind = types[key]
        if not eq:
            if "bool" not in kind:
                raise ValueError(f"{what} {key!r} needs a value")
            kwargs[key] = True
        elif "bool" in kind:
            kwargs[key] = value.strip().lower() in ("1", "true", "yes", "on")
        elif "int" in kind:
            kwargs[key] = int(value)
        elif "float" in kind:
            kwargs[key] = float(value)
        else:
            kwargs[key] = value
    return cls(**kwargs)


@dataclass(frozen=True)
class StreamFaults:
    """The named stream faults (see the module table); all off by default: a well-behaved peer.

    Attributes:
        fragment: bytes per write (0: as produced).  gap: seconds between writes.
        delay: seconds before the first byte.
        pause_after / pause: after this many bytes, sleep ``pause`` seconds once.
        stall_after / stall_for: after this many bytes, stop writing; hold ``stall_for`` seconds.
        reset_after: after this many bytes, close with RST.  close_after: after this many bytes, FIN.
    """

    fragment: int = 0
    gap: float = 0.0
    delay: float = 0.0
    pause_after: int | None = None
    pause: float = 1.0
    stall_after: int | None = None
    stall_for: float = 30.0
    reset_after: int | None = None
    close_after: int | None = None

    @classmethod
    def parse(cls, spec: str):  # noqa: ANN206 - returns cls
        """Build from a spec string, e.g. ``"fragment=1,gap=0.002,reset_after=10"`` (see :func:`parse_spec`).

        Raises:
            ValueError: unknown key or a value of the wrong type.
        """
        return parse_spec(cls, spec)

    def _ends(self) -> tuple[tuple[str, int | None], ...]:
        return (("reset", self.reset_after), ("stall", self.stall_after), ("close", self.close_after))

    def ending(self, sent: int) -> str | None:
        """The ending (``"reset"``, ``"stall"``, ``"close"``) due once ``sent`` bytes are out, or None."""
        return next((name for name, n in self._ends() if n is not None and sent >= n), None)

    def next_stop(self, sent: int, paused: bool) -> int | None:
        """The next byte offset (counted from the first byte written) where a fault acts: the earliest
        ending beyond ``sent``, or ``pause_after`` while the pause is still to come; None: write freely."""
        stops = [n for _, n in self._ends() if n is not None and n > sent]
        if self.pause_after is not None and not paused and self.pause_after >= sent:
            stops.append(self.pause_after)
        return min(stops) if stops else None

    def pause_due(self, sent: int, paused: bool) -> bool:
        """True when the one-time pause is due now (``sent`` bytes out, not paused yet)."""
        return self.pause_after is not None and not paused and sent >= self.pause_after


@dataclass(frozen=True)
class DatagramFaults:
    """The named datagram faults.  Rates are probabilities in [0, 1] drawn per datagram: ``drop``,
    ``duplicate``, ``reorder`` (hold one datagram and release it after the next), ``forge`` (a corrupted
    copy from another port first, downstream only); ``drop_first`` drops the first N datagrams going up;
    ``truncate`` cuts every downstream datagram to that many bytes.  ``directions``: where the rates
    apply, ``"up"`` (client to server) and ``"down"``.  ``seed`` makes every decision replayable."""

    seed: int = 0
    drop: float = 0.0
    drop_first: int = 0
    duplicate: float = 0.0
    reorder: float = 0.0
    truncate: int | None = None
    forge: float = 0.0
    directions: tuple[str, ...] = ("up", "down")

    def decide(self, direction: str, index: int) -> dict[str, bool]:
        """The fate of datagram ``index`` (from 0) going ``direction``: drop/duplicate/reorder/forge flags,
        a pure function of ``(seed, direction, index)``."""
        rng = random.Random(f"{self.seed}:{direction}:{index}")
        rolls = {name: rng.random() for name in ("drop", "duplicate", "reorder", "forge")}
        applies = direction in self.directions
        return {
            "drop": applies and ((direction == "up" and index < self.drop_first) or rolls["drop"] < self.drop),
            "duplicate": applies and rolls["duplicate"] < self.duplicate,
            "reorder": applies and rolls["reorder"] < self.reorder,
            "forge": direction == "down" and rolls["forge"] < self.forge,
        }

    def shorten(self, direction: str, data: bytes) -> bytes:
        """``data`` as ``truncate`` leaves it (downstream only, when ``"down"`` is impaired)."""
        if direction == "down" and self.truncate is not None and "down" in self.directions:
            return data[: self.truncate]
        return data
