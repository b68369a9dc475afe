"""Fault injection for client scenarios: how the reference SMTP server misbehaves on purpose (the policy
layer, beside the protocol in :mod:`.session` and the I/O in :mod:`.server`, as aiosmtpd splits
protocol, handler and controller).

A :class:`Behaviour` has two parts:

* ``replies``: what the server says at a step instead of its normal answer.  The session
  (:class:`~reference_servers.smtp.session.SmtpSession`) consults this table through its reply hook and
  applies the RFC consequences (a refused reply leaves the state unchanged); the actions that are I/O
  (``"stall"``, ``"reset"``, ``"close"``) come out of the session as a
  :class:`~reference_servers.smtp.session.Closed` event and the pump performs them.
* pacing: ``greeting_delay``, ``reply_delay``, ``split_pause``, ``fragment``: applied to the octets on
  their way out by :class:`ShapedWriter`, never seen by the session.  These are the shared stream faults
  of :mod:`reference_servers.faults` under SMTP's names (``reply_delay`` is ``delay`` before every
  reply, ``fragment_gap`` is ``gap``); the cutting is the shared :func:`~reference_servers.faults.fragments`
  and a reset is the shared :func:`~reference_servers.faults.reset_stream`.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from reference_servers.faults import fragments, reset_stream
from reference_servers.smtp.session import CLOSE, RESET, STALL

__all__ = ["CLOSE", "RESET", "STALL", "Behaviour", "ShapedWriter", "abort_with_reset", "pieces"]


@dataclass(frozen=True)
class Behaviour:
    """How the server misbehaves on purpose for client scenarios.  The default is a correct server.

    ``replies`` maps a *step* to what the server does there instead of its normal answer.  Steps:
    ``GREETING``, ``EHLO``, ``HELO``, ``MAIL``, ``RCPT`` (every recipient), ``RCPT <mailbox>`` (one
    recipient, mailbox lower-cased, e.g. ``"RCPT bob@example.test"``), ``DATA`` (the reply to the DATA
    command), ``EOD`` (the reply after end-of-data), ``RSET``, ``NOOP``, ``QUIT``, ``VRFY``.  Values:

    * a reply as text, one or more lines separated by ``\\n``, each with its code (``"451 4.3.0 busy"``,
      ``"220-a\\n220-b\\n220 c"``); sent with CRLF after each line.  A reply whose code is not 2yz/3yz
      leaves the state unchanged (no transaction, recipient not added, no delivery...); a 5yz greeting
      makes the session refuse service (503 to everything but QUIT, SMTP-CONN-2); a 421 anywhere is
      followed by a close;
    * raw ``bytes``, written as they are (malformed replies, ``b"250\\r\\n"``...), treated as success;
    * ``"stall"``: say nothing more, keep reading until the client closes (or the idle timeout);
    * ``"reset"``: close with RST (SO_LINGER 0) instead of answering;
    * ``"close"``: close (FIN) instead of answering.

    Other knobs: ``greeting_delay`` seconds before the greeting; ``reply_delay`` seconds before every later
    write; ``split_pause`` > 0 writes every reply in two pieces, cut in the middle of a line (the second
    line of a multi-line reply), with that pause between them; ``fragment`` > 0 writes every reply in pieces
    of that many octets, ``fragment_gap`` seconds apart; ``extensions`` replaces the EHLO keyword list
    (``()`` for none: no PIPELINING, no SIZE...; parameters of keywords not listed get 555).
    """

    replies: Mapping[str, str | bytes] = field(default_factory=dict)
    greeting_delay: float = 0.0
    reply_delay: float = 0.0
    split_pause: float = 0.0
    fragment: int = 0
    fragment_gap: float = 0.005
    extensions: tuple[str, ...] | None = None


def pieces(data: bytes, b: Behaviour) -> tuple[list[bytes], float]:
    """How ``data`` (one or more replies) goes out under ``b``: the pieces, and the pause in seconds between
    two pieces.  ``split_pause`` cuts once, in the middle of the second line of a multi-line reply (else of
    the first line); ``fragment`` then cuts every piece into ``fragment``-octet pieces."""
    parts = [data]
    if b.split_pause > 0:
        lines = data.split(b"\r\n")
        cut = len(lines[0]) + 2 + len(lines[1]) // 2 if len(lines) > 2 and lines[1] else max(1, len(lines[0]) // 2)
        parts = [data[:cut], data[cut:]]
    parts = fragments(parts, b.fragment)
    gap = b.split_pause if b.split_pause > 0 and b.fragment <= 0 else b.fragment_gap
    return parts, gap


class ShapedWriter:
    """Writes the server's octets the way a :class:`Behaviour` says (delay, split, fragments), recording
    each piece with ``record("S", piece)``.

    Args:
        writer: the connection's stream writer.
        behaviour: the pacing to apply.
        record: called with ``("S", octets)`` for every piece, just before it is written.
        input_waiting: tells whether client input is already waiting (checked just before the last piece).
        timeout: seconds a write may wait for the client to read (a client that never reads must not hold
            the session forever).
    """

    def __init__(self, writer: asyncio.StreamWriter, behaviour: Behaviour, record: Callable[[str, bytes], None],
                 input_waiting: Callable[[], bool], timeout: float) -> None:
        self.writer = writer
        self.behaviour = behaviour
        self.record = record
        self.input_waiting = input_waiting
        self.timeout = timeout

    async def write(self, data: bytes, delay: bool = True) -> bool:
        """Write ``data`` (after ``reply_delay`` when ``delay``); return True when client input was already
        waiting just before the last piece went out (the client did not wait for this reply).

        Raises:
            TimeoutError: the client did not read for ``timeout`` seconds.  ConnectionError, OSError.
        """
        b = self.behaviour
        if delay and b.reply_delay > 0:
            await asyncio.sleep(b.reply_delay)
        parts, gap = pieces(data, b)
        ahead = False
        last = len(parts) - 1
        for i, piece in enumerate(parts):
            if i:
                await asyncio.sleep(gap)
            if i == last:
                await asyncio.sleep(0)  # let the reader task take what has already arrived
                ahead = self.input_waiting()
            self.record("S", piece)
            self.writer.write(piece)
            await asyncio.wait_for(self.writer.drain(), self.timeout)
        return ahead


#: close the connection with RST instead of FIN (``SO_LINGER`` 0, then abort): the shared one
abort_with_reset = reset_stream
