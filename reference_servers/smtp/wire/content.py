"""SMTP message content, sans-I/O: the DATA transparency procedure (dot-stuffing, RFC 5321 §4.5.2) and
end-of-data ``CRLF.CRLF`` (§4.1.1.4), both directions, incremental on the receiving side
(:class:`DataReceiver`).  Part of :mod:`reference_servers.smtp.wire`, which re-exports every name."""

from __future__ import annotations

import re
from dataclasses import dataclass

from .lines import CRLF

#: end-of-data indicator as sent after the last line of content (§4.1.1.4)
END_OF_DATA = b".\r\n"
#: text line limit in DATA, CRLF included, stuffing dot not counted (§4.5.3.1.6)
MAX_TEXT_LINE = 1000

_HIGH_OCTET = re.compile(rb"[\x80-\xff]")


def to_crlf(message: bytes) -> bytes:
    """Turn every line ending (CRLF, bare LF, bare CR) into CRLF (§2.3.8, SMTP-DATA-5)."""
    return re.sub(rb"\r\n|\r|\n", CRLF, message)


def dot_stuff(content: bytes) -> bytes:
    """Double the leading ``.`` of every line (``content`` uses CRLF line endings), §4.5.2 (SMTP-DATA-3)."""
    stuffed = content.replace(b"\r\n.", b"\r\n..")
    return b"." + stuffed if stuffed.startswith(b".") else stuffed


def dot_unstuff(stuffed: bytes) -> bytes:
    """Inverse of :func:`dot_stuff` for content without its end-of-data line (SMTP-DATA-2)."""
    content = stuffed.replace(b"\r\n.", b"\r\n")
    return content[1:] if content.startswith(b".") else content


def encode_data(message: bytes) -> bytes:
    """The octets a client sends after 354 for ``message``: line endings made CRLF (SMTP-DATA-5), a final
    CRLF added if missing, no extra blank line (SMTP-DATA-6), dots stuffed (SMTP-DATA-3), then ``.CRLF``."""
    content = to_crlf(message)
    if content and not content.endswith(CRLF):
        content += CRLF
    return dot_stuff(content) + END_OF_DATA


@dataclass
class DataResult:
    """What :class:`DataReceiver` measured once end-of-data arrived.

    ``content``: the message, un-stuffed, CRLF line endings, without the end-of-data line (empty when
    ``size`` exceeded the receiver's ``max_size``: the excess is not kept).  ``size``: its length in
    octets as RFC 1870 §5 counts it.  ``longest_line``: longest text line in octets with CRLF, stuffing dot
    not counted.  ``bare_lf``/``bare_cr``: a lone LF or CR appeared inside a line (§2.3.8).
    ``eight_bit``: an octet above 0x7F appeared.  ``nul``: a NUL octet appeared.
    """

    content: bytes = b""
    size: int = 0
    longest_line: int = 0
    bare_lf: bool = False
    bare_cr: bool = False
    eight_bit: bool = False
    nul: bool = False
    oversize: bool = False


class DataReceiver:
    """Incremental receiver of DATA content (§4.1.1.4, §4.5.2).

    ``feed(data)`` consumes octets after the 354 and returns ``None`` until the end-of-data line
    ``.CRLF`` has arrived at the start of a line; then it returns the surplus octets that followed it
    (commands, NET-TCP-2 / SMTP-DATA-10) and :attr:`result` is set.  Only CRLF ends a line: ``\\n.\\n``,
    ``\\r.\\r`` and the mixed forms never end the data (SMTP-DATA-4).  Leading dots are removed (SMTP-DATA-2).
    Content beyond ``max_size`` octets is counted but not stored (SIZE, RFC 1870 §6.3), so memory is
    bounded; a line longer than :data:`MAX_TEXT_LINE` is measured, never split (SMTP-DATA-8).
    """

    def __init__(self, max_size: int | None = None) -> None:
        self.max_size = max_size
        self._content = bytearray()
        self._line = bytearray()  # the current line, without a stuffing dot
        self._line_len = 0  # its length so far (bytes may already have been moved to _content)
        self._at_start = True  # nothing of the current line seen yet
        self._first_dot = False  # the current line started with "." (after stuffing removal)
        self.result: DataResult | None = None
        self._r = DataResult()

    @property
    def done(self) -> bool:
        return self.result is not None

    def feed(self, data: bytes) -> bytes | None:
        """Consume ``data``; return ``None`` until end-of-data, then the octets that followed it.

        Complete lines are scanned in bulk (one ``find`` for ``CRLF.CRLF``, one ``replace`` for the stuffing
        dots, counts for bare CR and LF); a line cut by the end of ``data`` is carried over octet-exactly.
        """
        if self.result is not None:
            return data
        pos = 0
        n = len(data)
        while pos < n:
            if self._at_start:
                # a line starts here and nothing of it is kept: take every complete line at once
                if data.startswith(b".\r\n", pos):
                    self._finish()
                    return data[pos + 3:]
                end = data.find(b"\r\n.\r\n", pos)
                end = end + 2 if end >= 0 else data.rfind(b"\r\n", pos) + 2
                if end > pos + 1:
                    self._lines(data[pos:end])
                    pos = end
                    continue
                if data[pos] == 0x2E:  # "." starts the line: a stuffing dot, removed
                    self._first_dot = True
                    self._at_start = False
                    pos += 1
                    continue
                self._at_start = False
            idx = data.find(b"\n", pos)
            if idx < 0:
                self._append(data[pos:])
                self._flush_long()
                return None
            chunk = data[pos: idx + 1]
            pos = idx + 1
            self._append(chunk)
            if len(self._line) >= 2 and self._line[-2] == 0x0D:
                # a CRLF-terminated line is complete
                if self._first_dot and self._line_len == 2 and len(self._line) == 2:
                    self._finish()
                    return data[pos:]
                self._end_line()
            else:
                # bare LF: data, not a line end (SMTP-DATA-4)
                self._r.bare_lf = True
        return None

    def _lines(self, raw: bytes) -> None:
        """Take ``raw``: whole lines, the first starting a line, the last ending with CRLF, no end-of-data
        line among them.  Same measures as line by line: a line starts only after a CRLF (never after a bare
        LF), its first ``.`` is removed, a CR not followed by LF or an LF not preceded by CR is bare."""
        r = self._r
        crlf = raw.count(b"\r\n")
        if not r.bare_lf and raw.count(b"\n") != crlf:
            r.bare_lf = True
        if not r.bare_cr and raw.count(b"\r") != crlf:
            r.bare_cr = True
        if not r.eight_bit and not raw.isascii():
            r.eight_bit = True
        if not r.nul and b"\x00" in raw:
            r.nul = True
        content = raw.replace(b"\r\n.", b"\r\n")
        if content[:1] == b".":
            content = content[1:]
        if len(content) > r.longest_line:
            r.longest_line = max(r.longest_line, max(map(len, content.split(b"\r\n"))) + 2)
        r.size += len(content)
        if self.max_size is not None and r.size > self.max_size:
            r.oversize = True
            self._content.clear()
        elif not r.oversize:
            self._content += content

    def _append(self, chunk: bytes) -> None:
        self._line += chunk
        self._line_len += len(chunk)

    def _flush_long(self) -> None:
        # keep memory bounded for a line that never ends: move all but a possible trailing CR out
        if len(self._line) > 2 * MAX_TEXT_LINE:
            keep = 1 if self._line.endswith(b"\r") else 0
            self._store(bytes(self._line[: len(self._line) - keep]), partial=True)
            del self._line[: len(self._line) - keep]

    def _store(self, piece: bytes, partial: bool = False) -> None:
        r = self._r
        if b"\r" in (piece if partial else piece[:-2]):
            r.bare_cr = True
        if not r.eight_bit and _HIGH_OCTET.search(piece):
            r.eight_bit = True
        if not r.nul and b"\x00" in piece:
            r.nul = True
        r.size += len(piece)
        if self.max_size is not None and r.size > self.max_size:
            r.oversize = True
            self._content.clear()
        elif not r.oversize:
            self._content += piece

    def _end_line(self) -> None:
        self._store(bytes(self._line))
        self._r.longest_line = max(self._r.longest_line, self._line_len)
        self._line.clear()
        self._line_len = 0
        self._at_start = True
        self._first_dot = False

    def _finish(self) -> None:
        self._r.content = bytes(self._content) if not self._r.oversize else b""
        self.result = self._r
