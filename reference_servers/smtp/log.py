"""What the reference SMTP server records of each session, for scenarios (pure records, no I/O).

:class:`SessionLog` keeps, within bounds, the octets each side sent with their arrival times, the command
lines the server took (:class:`CommandRecord`) and the messages accepted; the asyncio pump
(:mod:`reference_servers.smtp.server`) fills it in, scenarios read it (``server.sessions``).
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field

from reference_servers.smtp import wire

#: what a session's log keeps (octets of events, command lines, messages): a long-running server keeps no
#: per-session state for ever
LOG_OCTETS = 1 * 2**20
LOG_COMMANDS = 10_000
LOG_MESSAGES = 100


@dataclass
class CommandRecord:
    """One command line the server took: arrival time (monotonic seconds), verb, raw line, and ``ahead``:
    it had arrived before the reply to the previous command (or the greeting) was written (pipelining or
    early talking)."""

    t: float
    verb: str
    line: bytes
    ahead: bool


@dataclass
class SessionLog:
    """Everything one session saw, for scenarios: ``events`` are ``(monotonic time, "C"|"S", octets)`` in
    order (``C`` what the client sent, ``S`` what the server wrote); ``commands`` the command lines taken;
    ``content_ahead`` is true when message content arrived before the 354 was written (SMTP-PIPE-2 /
    SMTP-SEQ-9); ``messages`` the contents accepted in this session (CRLF, un-stuffed); ``end`` how the
    session ended (``"quit"``, ``"eof"``, ``"reset"``, ``"timeout"``, ``"shutdown"``, ``"behaviour"``)."""

    peer: tuple[str, int]
    started: float
    events: list[tuple[float, str, bytes]] = field(default_factory=list)
    commands: list[CommandRecord] = field(default_factory=list)
    content_ahead: bool = False
    messages: list[bytes] = field(default_factory=list)
    end: str = ""
    eof_at: float | None = None  # when the client's FIN or RST arrived
    closed: threading.Event = field(default_factory=threading.Event)
    #: what was not kept once the bounds were reached (octets of events, command lines, messages)
    kept_octets: int = 0
    dropped_octets: int = 0
    dropped_commands: int = 0

    def record(self, kind: str, data: bytes) -> None:
        """Keep ``(now, kind, data)`` while the session's events hold less than :data:`LOG_OCTETS`."""
        if self.kept_octets < LOG_OCTETS:
            self.events.append((time.monotonic(), kind, data))
            self.kept_octets += len(data)
        else:
            self.dropped_octets += len(data)

    def take_command(self, record: CommandRecord) -> None:
        if len(self.commands) < LOG_COMMANDS:
            self.commands.append(record)
        else:
            self.dropped_commands += 1

    def received(self) -> bytes:
        """Every octet the client sent."""
        return b"".join(d for _, k, d in self.events if k == "C")

    def sent(self) -> bytes:
        return b"".join(d for _, k, d in self.events if k == "S")

    def dialogue(self, limit: int = 4000) -> str:
        """The dialogue as ``S:``/``C:`` lines (see :func:`wire.dialogue_text`)."""
        merged: list[tuple[str, bytes]] = []
        for _, k, d in self.events:
            if merged and merged[-1][0] == k:
                merged[-1] = (k, merged[-1][1] + d)
            else:
                merged.append((k, d))
        return wire.dialogue_text(merged, limit=limit)
