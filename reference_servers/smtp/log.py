"""What the reference SMTP server records of each session, for scenarios (pure records, no I/O).

:class:`SessionLog` keeps, within bounds, the octets each side sent with their arrival times, the command
lines the server took (:class:`CommandRecord`) and the messages accepted; the asyncio pump
(:mod:`reference_servers.smtp.server`) fills it in, scenarios read it (``server.sessions``).
:class:`History` is what the server remembers of ended sessions and accepted messages: at most
:data:`REMEMBERED` of each, and at most :data:`REMEMBERED_OCTETS` of their contents in all, so a
long-running server does not keep growing (issue 16).
"""

from __future__ import annotations

import collections
import threading
import time
from dataclasses import dataclass, field

from reference_servers.smtp import wire

#: what a session's log keeps (octets of events, command lines, messages): a long-running server keeps no
#: per-session state for ever.  Events are counted with their memory overhead (:data:`_EVENT_COST` each), so
#: a flood of tiny writes is bounded in memory as a few large reads are
LOG_OCTETS = 1 * 2**20
LOG_COMMANDS = 10_000
LOG_MESSAGES = 100
#: how many sessions and accepted messages the server remembers
REMEMBERED = 1024
#: what the remembered ended sessions and accepted messages may hold in all (octets, estimated): beyond it
#: the oldest sessions' events, commands and messages are forgotten first, then the oldest messages
REMEMBERED_OCTETS = 4 * 2**20
#: estimated memory of one kept event and one kept command record, besides their octets (CPython 3.11)
_EVENT_COST = 100
_COMMAND_COST = 160


@dataclass(slots=True)
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
    session ended (``"quit"``, ``"eof"``, ``"reset"``, ``"timeout"``, ``"shutdown"``, ``"behaviour"``).

    ``forgotten`` is true once the server dropped this ended session's events, commands and messages to
    stay within :data:`REMEMBERED_OCTETS` (what they held is added to the ``dropped_*`` counts)."""

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
    dropped_messages: int = 0
    forgotten: bool = False
    # History's bookkeeping: the estimate counted when the session ended, whether it is counted now, and
    # whether the session was let go (more than REMEMBERED newer ones) before it ended
    held_octets: int = field(default=0, repr=False, compare=False)
    budgeted: bool = field(default=False, repr=False, compare=False)
    forget_at_end: bool = field(default=False, repr=False, compare=False)

    def size(self) -> int:
        """Estimated memory held by the events, commands and messages kept (octets)."""
        return (self.kept_octets + _EVENT_COST * len(self.events) + sum(len(m) for m in self.messages)
                + sum(_COMMAND_COST + len(c.line) for c in self.commands))

    def forget(self) -> None:
        """Drop the events, commands and messages kept, counting them as dropped."""
        self.dropped_octets += self.kept_octets
        self.dropped_commands += len(self.commands)
        self.dropped_messages += len(self.messages)
        self.kept_octets = 0
        self.events = []
        self.commands = []
        self.messages = []
        self.forgotten = True

    def record(self, kind: str, data: bytes) -> None:
        """Keep ``(now, kind, data)`` while the session's events hold less than :data:`LOG_OCTETS` (their
        octets plus :data:`_EVENT_COST` each)."""
        if self.kept_octets + _EVENT_COST * len(self.events) < LOG_OCTETS:
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


class History:
    """The sessions (:class:`SessionLog`, in accept order) and accepted messages (``Accepted``, in order) a
    server remembers: at most ``count`` of each, and at most ``budget`` octets (estimated) held by the
    ended sessions and the messages together.  Over the budget, the oldest ended sessions are forgotten
    first (:meth:`SessionLog.forget`), then the oldest messages dropped; the last session to end and the
    last message are always kept, and a live session is bounded by its own limits (:data:`LOG_OCTETS`...).
    Called from the server's event loop; ``sessions`` and ``accepted`` may be read from other threads."""

    def __init__(self, budget: int = REMEMBERED_OCTETS, count: int = REMEMBERED) -> None:
        self.budget = budget
        self.sessions: collections.deque[SessionLog] = collections.deque(maxlen=count)
        self.accepted: collections.deque = collections.deque(maxlen=count)
        self._ended: collections.deque[SessionLog] = collections.deque()  # ended, not forgotten, oldest first
        self._held = 0  # octets held by the sessions in _ended
        self._messages = 0  # octets of the contents in accepted

    @property
    def held(self) -> int:
        """Octets (estimated) held by the ended sessions and the accepted messages remembered."""
        return self._held + self._messages

    def started(self, log: SessionLog) -> None:
        """Remember a new session (the oldest one is let go when ``count`` are remembered)."""
        if len(self.sessions) == self.sessions.maxlen:
            old = self.sessions[0]
            if old.budgeted:
                self._held -= old.held_octets
                old.budgeted = False
            old.forget_at_end = True
            if old.closed.is_set():
                old.forget()
            while self._ended and not self._ended[0].budgeted:  # let go of the ones forgotten meanwhile
                self._ended.popleft()
        self.sessions.append(log)

    def ended(self, log: SessionLog) -> None:
        """A session is over: what its log holds now counts against the budget."""
        if log.forget_at_end:
            log.forget()
            return
        log.held_octets = log.size()
        log.budgeted = True
        self._ended.append(log)
        self._held += log.held_octets
        self._trim()

    def accept(self, accepted) -> None:
        """Remember an accepted message (``Accepted``: its ``content`` counts against the budget)."""
        if len(self.accepted) == self.accepted.maxlen:
            self._messages -= len(self.accepted[0].content)
        self.accepted.append(accepted)
        self._messages += len(accepted.content)
        self._trim()

    def _trim(self) -> None:
        while self._held + self._messages > self.budget:
            if len(self._ended) > 1:
                log = self._ended.popleft()
                if log.budgeted:
                    self._held -= log.held_octets
                    log.budgeted = False
                    log.forget()
            elif len(self.accepted) > 1:
                self._messages -= len(self.accepted.popleft().content)
            else:
                break
