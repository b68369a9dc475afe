"""SMTP replies, sans-I/O (RFC 5321 §4.2, enhanced codes RFC 2034): :class:`Reply`, :func:`format_reply`,
the incremental :class:`ReplyParser` (multi-line replies included) and EHLO keyword lists (§4.1.1.1).
Part of :mod:`reference_servers.smtp.wire`, which re-exports every name."""

from __future__ import annotations

import re
from dataclasses import dataclass

from reference_servers.errors import IncompleteError, ProtocolError

from .lines import CRLF

#: reply line limit, CRLF included (§4.5.3.1.5)
MAX_REPLY_LINE = 512

_REPLY_LINE = re.compile(rb"^([2-5][0-9][0-9])(?:([ -])(.*))?$", re.DOTALL)
_ENHANCED = re.compile(r"^([245])\.(\d{1,3})\.(\d{1,3})(?: +|$)")


@dataclass(frozen=True)
class Reply:
    """One SMTP reply: a three-digit ``code`` and the text of each line (possibly empty), §4.2.

    ``lines`` never contain CR or LF.  ``enhanced`` is the RFC 2034 ``class.subject.detail`` code found at
    the start of the first line's text, or ``None``.
    """

    code: int
    lines: tuple[str, ...] = ("",)

    @property
    def text(self) -> str:
        """All lines' text joined with newlines."""
        return "\n".join(self.lines)

    @property
    def klass(self) -> int:
        """The first digit: 2 success, 3 intermediate, 4 transient failure, 5 permanent failure (§4.2.1)."""
        return self.code // 100

    @property
    def enhanced(self) -> str | None:
        m = _ENHANCED.match(self.lines[0]) if self.lines else None
        return m.group(0).strip() if m else None

    def format(self) -> bytes:
        """The reply as octets: ``code-text`` on every line but the last, ``code SP text`` on the last."""
        return format_reply(self.code, *self.lines)

    def __str__(self) -> str:
        return " / ".join(f"{self.code} {line}".rstrip() for line in self.lines)


def format_reply(code: int, *lines: str, enhanced: str | None = None) -> bytes:
    """Format a reply (§4.2): ``code-text CRLF`` for every line but the last, ``code SP text CRLF`` last.

    With ``enhanced`` (``"2.1.0"``), every line's text starts with it (RFC 2034 §3 (4)).

    Raises:
        ValueError: the code is not 200-559, a line holds CR/LF or non-ASCII, or exceeds 512 octets.
    """
    if not 200 <= code <= 559:
        raise ValueError(f"reply code {code} outside 2yz-5yz")
    if not lines:
        lines = ("",)
    out = bytearray()
    for i, text in enumerate(lines):
        if enhanced:
            text = f"{enhanced} {text}" if text else enhanced
        if "\r" in text or "\n" in text:
            raise ValueError("CR or LF inside a reply line")
        sep = " " if i == len(lines) - 1 else "-"
        raw = f"{code}{sep}{text}".encode("ascii") + CRLF
        if len(raw) > MAX_REPLY_LINE:
            raise ValueError(f"reply line of {len(raw)} octets exceeds {MAX_REPLY_LINE}")
        out += raw
    return bytes(out)


def parse_reply_line(line: bytes) -> tuple[int, bool, str]:
    """Parse one reply line without its line ending; return ``(code, is_last, text)``.

    A line with only the code (``250``) is accepted as a last line with empty text (§4.2, SMTP-REPLY-4).

    Raises:
        ProtocolError: not ``[2-5]yz`` then SP/``-``, or non-ASCII text.
    """
    m = _REPLY_LINE.match(line)
    if not m:
        raise ProtocolError(f"malformed reply line {line[:80]!r}", requirement="SMTP-REPLY-2")
    code = int(m.group(1))
    sep = m.group(2)
    text = (m.group(3) or b"").decode("ascii", "replace")
    return code, sep != b"-", text


class ReplyParser:
    """Incremental parser of SMTP replies, multi-line included (§4.2, SMTP-CONN-4, SMTP-REPLY-5).

    ``feed(data)`` adds octets; ``next_reply()`` returns the next *complete* reply (its last line is
    ``code SP``) or ``None``; surplus stays buffered for the next reply (NET-TCP-2).  Lines end with CRLF;
    with ``strict=False`` a bare LF also ends a line (for clients that must be liberal).  ``line_limit``
    bounds the buffer for a line that never ends.

    Raises (from ``next_reply``):
        ProtocolError: malformed line, lines of one reply with different codes (SMTP-REPLY-2), a line
            longer than ``line_limit``.
    """

    def __init__(self, *, strict: bool = True, line_limit: int = 4096) -> None:
        self.strict = strict
        self.line_limit = line_limit
        self._buf = bytearray()
        self._lines: list[tuple[int, str]] = []

    def feed(self, data: bytes) -> None:
        self._buf += data

    @property
    def pending(self) -> bytes:
        return bytes(self._buf)

    @property
    def partial(self) -> bool:
        """True when some lines of a multi-line reply, or part of a line, are buffered."""
        return bool(self._lines or self._buf)

    def next_reply(self) -> Reply | None:
        while True:
            idx = self._buf.find(b"\n")
            if idx < 0:
                if len(self._buf) > self.line_limit:
                    raise ProtocolError(f"reply line longer than {self.line_limit} octets", requirement="SMTP-REPLY-6")
                return None
            if idx == 0 or self._buf[idx - 1] != 0x0D:
                if self.strict:
                    raise ProtocolError("reply line ended by a bare LF", requirement="SMTP-REPLY-2")
                line = bytes(self._buf[:idx])
            else:
                line = bytes(self._buf[: idx - 1])
            del self._buf[: idx + 1]
            code, last, text = parse_reply_line(line)
            if self._lines and self._lines[0][0] != code:
                first = self._lines[0][0]
                self._lines.clear()
                raise ProtocolError(f"multi-line reply mixes codes {first} and {code}", requirement="SMTP-REPLY-2")
            self._lines.append((code, text))
            if last:
                reply = Reply(code, tuple(t for _, t in self._lines))
                self._lines.clear()
                return reply


def parse_replies(data: bytes, *, strict: bool = True) -> list[Reply]:
    """Every complete reply in ``data``.

    Raises:
        IncompleteError: ``data`` ends inside a reply.  ProtocolError: as :class:`ReplyParser`.
    """
    parser = ReplyParser(strict=strict, line_limit=max(4096, len(data)))
    parser.feed(data)
    replies = []
    while (reply := parser.next_reply()) is not None:
        replies.append(reply)
    if parser.partial:
        raise IncompleteError(f"data ends inside a reply: {parser.pending[:80]!r}")
    return replies


def parse_ehlo_keywords(reply: Reply) -> dict[str, str]:
    """Extensions advertised by an EHLO reply: ``{KEYWORD (upper-cased): parameters}`` (§4.1.1.1).

    The first line is the server's domain and greeting, not a keyword.  Keywords are case-insensitive
    (SMTP-EHLO-4).
    """
    exts: dict[str, str] = {}
    for line in reply.lines[1:]:
        keyword, _, params = line.strip().partition(" ")
        if keyword:
            exts[keyword.upper()] = params.strip()
    return exts

