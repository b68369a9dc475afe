"""Deliberate misbehaviour of the HTTP reference peer, for client scenarios (docs/design.md §7).

Two layers:

* **Actions** (:class:`Write`, :class:`Pause`, :class:`Reset`, :class:`Hold`: the shared steps of
  :mod:`reference_servers.faults`) are what a peer does on one connection after it has read the request;
  :func:`play` performs them on an asyncio stream and always ends the connection (FIN after a polite
  drain, or RST for :class:`Reset`).  Cutting a response uses the shared write plan
  (:class:`~reference_servers.faults.Pacing`).
* A :class:`Behaviour` turns a well-formed response into actions: fragmented at every boundary, trickled,
  body delimited only by close, wrong Content-Length, stalls before or during the body, reset or close
  mid-way, held open after the response.  :data:`BEHAVIOURS` names the presets; the reference server
  takes one as its ``behaviour`` argument (``--behaviour NAME`` standalone).

:class:`ScriptedPeer` is a server that answers with arbitrary bytes chosen by a script (a Simple-Response,
unknown status codes, folded headers, redirect loops...), and records every request it received so a
scenario can check what the client sent.  Everything here is deterministic: no randomness, and timing only
as explicit pauses.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

from reference_servers.base import ReferenceServer
from reference_servers.errors import IncompleteError, ProtocolError
from reference_servers.faults import Hold, Pacing, Pause, Reset, Step, Write, reset_stream
from reference_servers.streams import drain, drain_and_close

from . import wire

__all__ = [
    "BEHAVIOURS",
    "FOREVER",
    "Action",
    "Behaviour",
    "Hold",
    "Pause",
    "RecordedRequest",
    "Reset",
    "Script",
    "ScriptedPeer",
    "Write",
    "behaviour_named",
    "play",
    "read_request",
    "reset",
    "response_bytes",
]

#: a stall long enough that only the client's own timeout (or the server's stop) ends it, in seconds
FOREVER = 3600.0


#: what a peer does on one connection: the shared steps of :mod:`reference_servers.faults`
Action = Step


async def play(actions: Sequence[Action], reader: asyncio.StreamReader, writer: asyncio.StreamWriter,
               linger: float = 1.0, write_timeout: float = 30.0) -> None:
    """Perform ``actions`` in order, then end the connection: RST after :class:`Reset`, otherwise FIN
    after draining what the peer still sends for at most ``linger`` seconds (NET-TCP-9).  A peer that reads
    nothing for ``write_timeout`` seconds ends the session (TimeoutError)."""
    for action in actions:
        if isinstance(action, Write):
            writer.write(action.data)
            await drain(writer, write_timeout)
        elif isinstance(action, Pause):
            await asyncio.sleep(action.seconds)
        elif isinstance(action, Hold):
            await drain(writer, write_timeout)
            await _wait_eof(reader, action.seconds)
        elif isinstance(action, Reset):
            reset(writer)
            return
    await drain_and_close(reader, writer, linger, write_timeout)


async def _wait_eof(reader: asyncio.StreamReader, seconds: float) -> None:
    """Hold the connection for ``seconds`` or until the peer closes, discarding what it sends."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + seconds
    with contextlib.suppress(ConnectionError, OSError, TimeoutError):
        while (left := deadline - loop.time()) > 0:
            if not await asyncio.wait_for(reader.read(65536), left):
                return


#: close with RST: ``SO_LINGER`` {on, 0}, then abort the transport (the shared one)
reset = reset_stream


# ---------------------------------------------------------------------------------------------- behaviours
@dataclass(frozen=True)
class Behaviour:
    """How the reference server delivers a response (all times in seconds, sizes in bytes).

    ``split``: ``"none"``; ``"boundaries"`` cuts the response inside the Status-Line, between its CR and
    LF, inside a header name, inside a header value, between the last header and the empty line, between
    the empty line and the body and in the middle of the body, with ``gap`` between pieces;
    ``"trickle"`` writes one byte at a time, ``gap`` apart.
    ``omit_content_length``: no Content-Length; the body ends at close (HTTP10-LEN-4), written in
    ``body_pieces`` pieces ``gap`` apart.
    ``content_length_delta``: claim ``len(body) + delta`` octets (positive: the body is shorter than
    announced, HTTP10-LEN-7; negative: extra bytes follow the announced body).
    ``stall_before``: silence before the first byte; ``stall_mid_body``: silence after the head and half
    the body.  ``reset_mid_body``: RST after the head and half the body.  ``close_mid_head``: FIN after
    half the head (HTTP10-CLIENT-6).  ``hold_open``: keep the connection open that long after the
    response (a client must not need the close when the length is known, HTTP10-HEAD-5).
    """

    name: str = "normal"
    split: str = "none"
    gap: float = 0.03
    omit_content_length: bool = False
    body_pieces: int = 1
    content_length_delta: int = 0
    stall_before: float = 0.0
    stall_mid_body: float = 0.0
    reset_mid_body: bool = False
    close_mid_head: bool = False
    hold_open: float = 0.0

    def __post_init__(self) -> None:
        if self.split not in ("none", "boundaries", "trickle"):
            raise ValueError(f"unknown split {self.split!r}")

    def adjust_headers(self, headers: list[tuple[str, str]], body_len: int) -> list[tuple[str, str]]:
        """The headers actually sent: Content-Length removed or falsified as configured."""
        if self.omit_content_length:
            return [(n, v) for n, v in headers if n.lower() != "content-length"]
        if self.content_length_delta:
            return [(n, str(max(0, body_len + self.content_length_delta)) if n.lower() == "content-length" else v)
                    for n, v in headers]
        return headers

    def actions(self, head: bytes, body: bytes) -> list[Action]:
        """The actions delivering ``head`` (Status-Line to the empty line) and ``body``."""
        out: list[Action] = []
        if self.stall_before:
            out.append(Pause(self.stall_before))
        if self.close_mid_head:
            return out + [Write(head[: max(1, len(head) // 2)])]
        half = len(body) // 2
        if self.reset_mid_body or self.stall_mid_body:
            out += self._pieces(head + body[:half], len(head))
            if self.reset_mid_body:
                return out + [Pause(self.gap), Reset()]
            out += [Pause(self.stall_mid_body), Write(body[half:])]
        elif self.omit_content_length and self.body_pieces > 1:
            out += self._pieces(head, len(head))
            step = max(1, -(-len(body) // self.body_pieces))
            for i in range(0, len(body), step):
                out += [Pause(self.gap), Write(body[i:i + step])]
        else:
            out += self._pieces(head + body, len(head))
        if self.hold_open:
            out.append(Hold(self.hold_open))
        return out

    def _pieces(self, data: bytes, head_len: int) -> list[Action]:
        if self.split == "trickle":
            cuts = range(1, len(data))
        elif self.split == "boundaries":
            cuts = [*_boundaries(data[:head_len]), head_len, head_len + (len(data) - head_len) // 2]
        else:
            return [Write(data)] if data else []
        return Pacing(cuts=tuple(cuts), gap=self.gap).steps(data)


def _boundaries(head: bytes) -> list[int]:
    """Cut points inside a response head: inside the Status-Line ("HTTP/1." | "0 200"), between its CR and
    LF, inside the first header name and value, between the last header's CR and LF, before the empty
    line, and between the empty line's CR and LF."""
    cuts = [min(7, len(head))]
    first_cr = head.find(b"\r\n")
    if first_cr > 0:
        cuts.append(first_cr + 1)
        nxt = head.find(b"\r\n", first_cr + 2)
        if nxt > first_cr + 2:
            line = head[first_cr + 2:nxt]
            colon = line.find(b":")
            cuts.append(first_cr + 2 + max(1, colon // 2))
            if colon > 0:
                cuts.append(first_cr + 2 + colon + 1 + max(1, (len(line) - colon) // 2))
    end = head.rfind(b"\r\n\r\n")
    if end > 0:
        cuts += [end + 1, end + 2, end + 3]
    return cuts


#: named presets for client scenarios and ``--behaviour`` (see :class:`Behaviour` for the fields)
BEHAVIOURS: dict[str, Behaviour] = {b.name: b for b in (
    Behaviour(),
    Behaviour("fragmented", split="boundaries"),
    Behaviour("trickle", split="trickle", gap=0.002),
    Behaviour("close-delimited", omit_content_length=True, body_pieces=3, gap=0.05),
    Behaviour("short-body", content_length_delta=+100),
    Behaviour("long-body", content_length_delta=-5),
    Behaviour("stall-before", stall_before=FOREVER),
    Behaviour("stall-mid-body", stall_mid_body=FOREVER),
    Behaviour("slow-before", stall_before=0.5),
    Behaviour("pause-mid-body", stall_mid_body=0.5),
    Behaviour("reset-mid-body", reset_mid_body=True),
    Behaviour("close-mid-head", close_mid_head=True),
    Behaviour("hold-open", hold_open=FOREVER),
)}


def behaviour_named(name: str, **overrides: object) -> Behaviour:
    """The preset ``name`` from :data:`BEHAVIOURS`, with fields replaced by ``overrides``.

    Raises:
        KeyError: no such preset.
    """
    return replace(BEHAVIOURS[name], **overrides)  # type: ignore[arg-type]


# ---------------------------------------------------------------------------------------------- scripted peer
@dataclass
class RecordedRequest:
    """One connection as the peer saw it: ``raw`` (every byte received before the peer answered),
    ``head`` (parsed, or ``None`` when unparseable), ``body`` (bytes after the head), ``error`` (the
    parse error text, if any)."""

    raw: bytes
    head: wire.RequestHead | None
    body: bytes = b""
    error: str | None = None


async def read_request(reader: asyncio.StreamReader, *, timeout: float, read_body: bool = True,
                       limits: wire.Limits = wire.DEFAULT_LIMITS, max_body: int = 1 << 24) -> RecordedRequest:
    """Read one request: the head, then (``read_body``) Content-Length body octets.  Never raises for a
    malformed request: the error is recorded.  Each wait is bounded by ``timeout`` seconds; EOF or a
    timeout ends the read with what arrived."""
    buf = b""
    head: wire.RequestHead | None = None
    used = 0
    error: str | None = None
    while head is None:
        try:
            head, used = wire.parse_request_head(buf, limits)
            break
        except IncompleteError:
            pass
        except ProtocolError as exc:
            error = str(exc)
            break
        try:
            data = await asyncio.wait_for(reader.read(65536), timeout)
        except (TimeoutError, ConnectionError, OSError) as exc:
            error = f"incomplete request head ({exc!r})"
            break
        if not data:
            error = "connection closed before the request head was complete"
            break
        buf += data
    if head is None:
        return RecordedRequest(buf, None, b"", error)
    body = buf[used:]
    length = None
    try:
        length = wire.request_content_length(head.headers)
    except ProtocolError as exc:
        error = str(exc)
    if read_body and length:
        with contextlib.suppress(TimeoutError, ConnectionError, OSError):
            while len(body) < min(length, max_body):
                data = await asyncio.wait_for(reader.read(65536), timeout)
                if not data:
                    break
                body += data
    return RecordedRequest(buf[:used] + body, head, body, error)


#: a script maps (connection index from 0, the request as received) to the actions answering it
Script = Callable[[int, RecordedRequest], Sequence[Action]]


class ScriptedPeer(ReferenceServer):
    """An HTTP peer that answers each connection with actions chosen by ``script``.

    Args:
        script: ``script(index, request) -> actions``; or a sequence of raw responses (``bytes``) or
            action lists, used in turn (the last one repeats).
        read_body: read Content-Length body octets before answering (False answers right after the
            head, as a server rejecting an upload early does, HTTP10-ERR-7).
        request_timeout: seconds allowed for each read of the request.

    ``requests`` lists a :class:`RecordedRequest` per connection, in order.
    """

    NAME = "http-peer"
    TRANSPORTS = ("tcp",)

    def __init__(self, script: Script | Sequence[bytes | Sequence[Action]], *, read_body: bool = True,
                 request_timeout: float = 5.0, **kwargs) -> None:
        super().__init__(**kwargs)
        if callable(script):
            self.script: Script = script
        else:
            answers = list(script)
            if not answers:
                raise ValueError("a scripted peer needs at least one answer")

            def scripted(index: int, _request: RecordedRequest) -> Sequence[Action]:
                answer = answers[min(index, len(answers) - 1)]
                return [Write(answer)] if isinstance(answer, bytes) else answer

            self.script = scripted
        self.read_body = read_body
        self.request_timeout = request_timeout
        self.requests: list[RecordedRequest] = []
        self._count = 0
        self._lock = threading.Lock()

    @property
    def connections(self) -> int:
        """How many connections the peer has accepted."""
        return self._count

    async def handle_connection(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        with self._lock:
            index = self._count
            self._count += 1
        request = await read_request(reader, timeout=self.request_timeout, read_body=self.read_body)
        with self._lock:
            self.requests.append(request)
        await play(self.script(index, request), reader, writer)


def response_bytes(status: int, body: bytes = b"", headers: Sequence[tuple[str, str]] = (),
                   *, content_length: bool = True, reason: str | None = None) -> bytes:
    """Convenience for scripts: a Full-Response with Date and (unless ``content_length`` is False)
    Content-Length."""
    fields = [("Date", wire.format_http_date()), *headers]
    if content_length:
        fields.append(("Content-Length", str(len(body))))
    return wire.format_response(status, fields, body, reason=reason)


