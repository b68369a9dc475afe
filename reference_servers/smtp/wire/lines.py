"""SMTP command lines, sans-I/O (RFC 5321 §2.3.8, §2.4, §4.1, §4.5.3.1.4): CRLF-only line framing with a
length limit (:class:`LineBuffer`), command parsing and formatting, and dialogue transcripts for failure
messages.  Part of :mod:`reference_servers.smtp.wire`, which re-exports every name."""

from __future__ import annotations

import re
from dataclasses import dataclass

from reference_servers.errors import ProtocolError

CRLF = b"\r\n"
#: command line limit, CRLF included (§4.5.3.1.4)
MAX_COMMAND_LINE = 512

#: verbs defined by RFC 5321 plus the obsolete ones it still names (§4.1, §3.5, §4.1.4 / RFC 821)
KNOWN_VERBS = frozenset(
    {"EHLO", "HELO", "MAIL", "RCPT", "DATA", "RSET", "NOOP", "QUIT", "VRFY", "EXPN", "HELP",
     "SEND", "SOML", "SAML", "TURN"}
)


#: an octet a command line may not hold: outside printable US-ASCII, SP and HT (§2.4)
_NOT_COMMAND_TEXT = re.compile(rb"[^\t\x20-\x7e]")


class LineTooLong(ProtocolError):
    """A command line exceeded the limit.  The buffer has already skipped it up to its CRLF."""


class LineBuffer:
    """Split an octet stream into lines ended by CRLF, and only by CRLF (RFC 5321 §2.3.8, SMTP-LINE-2).

    ``feed(data)`` adds bytes; ``next_line()`` returns the next complete line *without* its CRLF, or
    ``None`` when no complete line is buffered (NET-TCP-1: nothing is acted on before the CRLF,
    SMTP-LINE-1).  Surplus bytes stay buffered for the next call (NET-TCP-2, SMTP-PIPE-6).

    A line longer than ``limit`` octets (CRLF included) raises :class:`LineTooLong` once, after the whole
    line has been discarded up to its CRLF, so the caller can answer 500 and carry on (SMTP-LINE-3).
    While such a line is still arriving, its bytes are dropped as they come: memory stays bounded.
    """

    def __init__(self, limit: int = MAX_COMMAND_LINE) -> None:
        self.limit = limit
        self._buf = bytearray()
        self._skipping = False  # inside an over-long line, dropping bytes until its CRLF
        self._skipped = 0

    def feed(self, data: bytes) -> None:
        self._buf += data

    @property
    def pending(self) -> bytes:
        """Bytes buffered but not yet returned as a line."""
        return bytes(self._buf)

    @property
    def holds_line(self) -> bool:
        """True when a complete line (a CRLF) is buffered: same as ``CRLF in pending``, without the copy."""
        return self._buf.find(CRLF) >= 0

    def take_pending(self) -> bytes:
        """Remove and return every buffered byte (used at the switch into DATA mode)."""
        data = bytes(self._buf)
        self._buf.clear()
        return data

    def next_line(self) -> bytes | None:
        """Return the next line without CRLF, or ``None`` if none is complete yet.

        Raises:
            LineTooLong: the line just discarded was longer than ``limit`` octets.
        """
        idx = self._buf.find(CRLF)
        if self._skipping:
            if idx < 0:
                keep = 1 if self._buf.endswith(b"\r") else 0
                self._skipped += len(self._buf) - keep
                del self._buf[: len(self._buf) - keep]
                return None
            self._skipped += idx + 2
            del self._buf[: idx + 2]
            self._skipping = False
            raise LineTooLong(f"command line of at least {self._skipped} octets exceeds {self.limit}",
                              requirement="SMTP-LINE-3")
        if idx < 0:
            if len(self._buf) >= self.limit:
                self._skipping = True
                keep = 1 if self._buf.endswith(b"\r") else 0
                self._skipped = len(self._buf) - keep
                del self._buf[: len(self._buf) - keep]
            return None
        if idx + 2 > self.limit:
            del self._buf[: idx + 2]
            raise LineTooLong(f"command line of {idx + 2} octets exceeds {self.limit}", requirement="SMTP-LINE-3")
        line = bytes(self._buf[:idx])
        del self._buf[: idx + 2]
        return line


@dataclass(frozen=True)
class Command:
    """One command line.

    ``verb`` is upper-cased (verbs are case-insensitive, §2.4); ``argument`` is the text after the verb and
    the space that follows it, as sent (may be empty); ``line`` is the raw line without CRLF.
    """

    verb: str
    argument: str
    line: bytes


def parse_command(line: bytes) -> Command:
    """Parse a command line (without its CRLF).

    Raises:
        ProtocolError: the line holds octets outside printable US-ASCII, SP and HT (§2.4: 500, SMTP-CMD-9),
            or it is empty.
    """
    if _NOT_COMMAND_TEXT.search(line):
        raise ProtocolError("command line contains non-ASCII or control octets", requirement="SMTP-CMD-9")
    text = line.decode("ascii")
    if not text.strip():
        raise ProtocolError("empty command line", requirement="SMTP-CMD-13")
    verb, _, argument = text.partition(" ")
    return Command(verb.upper(), argument, line)


def format_command(verb: str, argument: str = "") -> bytes:
    """``VERB[ SP argument]CRLF`` as octets.

    Raises:
        ValueError: the result would carry a CR or LF inside the line, or non-ASCII.
    """
    text = f"{verb} {argument}" if argument else verb
    if "\r" in text or "\n" in text:
        raise ValueError("CR or LF inside an SMTP command")
    return text.encode("ascii") + CRLF


# ---------------------------------------------------------------------- dialogue transcripts
def dialogue_text(exchanges: list[tuple[str, bytes]], *, limit: int = 4000) -> str:
    """Render a dialogue for failure messages: one ``C: ...`` / ``S: ...`` line per line on the wire.

    ``exchanges`` is a list of ``(direction, octets)`` with direction ``"C"`` (client to server) or
    ``"S"``.  CR and LF are shown as ``\\r`` and ``\\n`` where they are not a CRLF pair; long outputs keep
    their end (where the failure is) and are cut to about ``limit`` characters.
    """
    out: list[str] = []
    for direction, data in exchanges:
        for piece in re.split(rb"(?<=\r\n)", data):
            if not piece:
                continue
            shown = piece[:-2] if piece.endswith(CRLF) else piece
            text = repr(shown)[2:-1]
            if len(text) > 200:
                text = text[:120] + f"... ({len(shown)} octets) ..." + text[-40:]
            out.append(f"{direction}: {text}" + ("" if piece.endswith(CRLF) else "  [no CRLF]"))
    merged: list[str] = []
    for line in out:  # collapse long runs of identical lines (1000 RCPTs, a big body)
        if len(merged) >= 2 and merged[-1] == line and merged[-2] == line:
            continue
        merged.append(line)
    text = "\n".join(merged)
    if len(text) > limit:
        text = "... (earlier dialogue cut) ...\n" + text[-limit:]
    return text
