"""HTTP/1.0 responses (RFC 1945 §6, §7.2, App. B), sans-I/O: :func:`status_line_decision` (Full- or
Simple-Response), :func:`parse_response_head`, :func:`response_body_length` (how the body is delimited),
:func:`reason_phrase`, :func:`format_status_line`, :func:`format_response` and :func:`split_head`."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from http import HTTPStatus

from reference_servers.errors import IncompleteError, ProtocolError

from .head import CRLF, Headers, _lines

#: strict form of a 1.0 Status-Line (§6.1), as a server under test must send it (HTTP10-STATUS-1)
STATUS_LINE_STRICT = re.compile(rb"^HTTP/1\.0 [1-5][0-9][0-9] [^\r\n]*\r\n")
# tolerant Status-Line: HTTP/d.d, one or more SP/HT, 3 digits, then optional whitespace and reason
_STATUS_LINE = re.compile(rb"^HTTP/(\d+)\.(\d+)[ \t]+(\d{3})(?:[ \t]+([^\r\n]*)|[ \t]*)$")
_STATUS_PREFIX = b"HTTP/"


# ---------------------------------------------------------------------------------------------- responses
@dataclass
class ResponseHead:
    """A parsed response head.

    ``version`` ``(major, minor)``; ``status`` (int, 3 digits); ``reason`` (str, may be empty);
    ``headers``; ``raw`` (bytes of the head as received, including the empty line).  For a Simple-Response
    (§6) ``simple`` is true, ``status`` is 200 and ``raw`` is empty.
    """

    version: tuple[int, int]
    status: int
    reason: str
    headers: Headers = field(default_factory=Headers)
    raw: bytes = b""
    simple: bool = False

    @property
    def status_class(self) -> int:
        """The status's class as x00 (§6.1.1: an unknown code is treated as x00 of its class)."""
        return self.status // 100 * 100


def status_line_decision(buf: bytes) -> bool | None:
    """Does ``buf`` begin a Full-Response?  ``True``: it starts with a Status-Line; ``False``: it is a
    Simple-Response (§6, HTTP10-SIMPLE-5); ``None``: too few bytes to tell yet."""
    first = buf.split(b"\n", 1)[0]
    if len(first) < len(_STATUS_PREFIX):
        if not _STATUS_PREFIX.startswith(first):
            return False
        return None if b"\n" not in buf else False
    if not first.startswith(_STATUS_PREFIX):
        return False
    if b"\n" not in buf:
        # "HTTP/1.0 200" so far: keep waiting until the line ends (bounded by the caller's limit)
        return None if len(buf) < 8192 else False
    return bool(_STATUS_LINE.match(first.rstrip(b"\r")))


def parse_response_head(buf: bytes, *, eof: bool = False, max_head: int = 1 << 20) -> tuple[ResponseHead, int]:
    """Parse the response head at the start of ``buf`` tolerantly (App. B, HTTP10-STATUS-5, HTTP10-CLIENT-5).

    Returns ``(head, consumed)``.  A Simple-Response gives ``ResponseHead(simple=True)`` with
    ``consumed == 0``: all of ``buf`` is body.  ``eof`` says the peer has closed, so a partial Status-Line
    is decided now.

    Raises:
        IncompleteError: more bytes are needed (never when ``eof``).
        ProtocolError: the head ends prematurely at EOF (HTTP10-CLIENT-6), exceeds ``max_head``, or has
            a malformed header line.
    """
    if eof and not buf:
        raise ProtocolError("connection closed without any response", requirement="HTTP10-CLIENT-6")
    decision = status_line_decision(buf)
    if decision is None and eof:
        decision = bool(_STATUS_LINE.match(buf.rstrip(b"\r")))
        if decision:
            raise ProtocolError(f"connection closed inside the Status-Line: {buf!r}", requirement="HTTP10-CLIENT-6")
    if decision is None:
        raise IncompleteError("Status-Line not complete")
    if not decision:
        return ResponseHead((0, 9), 200, "", Headers(), b"", simple=True), 0
    fields: list[tuple[str, str]] = []
    status_line: bytes | None = None
    for line, nxt in _lines(buf, 0):
        if status_line is None:
            status_line = line
            continue
        if not line:
            m = _STATUS_LINE.match(status_line)
            assert m is not None
            head = ResponseHead((int(m.group(1)), int(m.group(2))), int(m.group(3)),
                                (m.group(4) or b"").decode("latin-1").strip(), Headers(fields), buf[:nxt])
            return head, nxt
        if line[:1] in (b" ", b"\t"):
            if not fields:
                raise ProtocolError(f"continuation line before any header field: {line!r}")
            name, value = fields[-1]
            extra = line.strip(b" \t").decode("latin-1")
            fields[-1] = (name, f"{value} {extra}" if value and extra else value + extra)
            continue
        name, colon, value = line.partition(b":")
        if not colon or not name.strip():
            raise ProtocolError(f"malformed header line in response: {line!r}")
        fields.append((name.strip().decode("latin-1"), value.strip(b" \t").decode("latin-1")))
    if len(buf) > max_head:
        raise ProtocolError(f"response head longer than {max_head} bytes")
    if eof:
        raise ProtocolError(f"connection closed before the end of the response head ({len(buf)} bytes)",
                            requirement="HTTP10-CLIENT-6")
    raise IncompleteError("response head not complete")


def response_body_length(request_method: str, head: ResponseHead) -> int | None:
    """How the body after ``head`` is delimited (§7.2, §7.2.2).

    Returns 0 for responses that never have a body (to HEAD, 1xx, 204, 304: HTTP10-HEAD-5), the
    Content-Length when valid, or ``None``: read until the server closes (HTTP10-LEN-4).

    Raises:
        ProtocolError: Content-Length present but not a non-negative integer.
    """
    if head.simple:
        return None
    if request_method == "HEAD" or head.status_class == 100 or head.status in (204, 304):
        return 0
    values = head.headers.get_all("Content-Length")
    if not values:
        return None
    lengths = {v.strip() for v in values}
    if len(lengths) != 1 or not next(iter(lengths)).isdigit():
        raise ProtocolError(f"invalid Content-Length in response: {values!r}")
    return int(lengths.pop())


_REASONS = {s.value: s.phrase for s in HTTPStatus} | {302: "Moved Temporarily", 505: "HTTP Version Not Supported"}


def reason_phrase(status: int) -> str:
    """Standard Reason-Phrase for ``status`` (RFC 1945 §6.1.1 wording where it exists), ``Unknown`` for a
    code :class:`http.HTTPStatus` does not name."""
    return _REASONS.get(status, "Unknown")


def format_status_line(status: int, reason: str | None = None, version: str = "HTTP/1.0") -> bytes:
    """``HTTP-Version SP Status-Code SP Reason-Phrase CRLF`` (§6.1)."""
    return f"{version} {status:03d} {reason if reason is not None else reason_phrase(status)}\r\n".encode("latin-1")


def format_response(status: int, headers: Iterable[tuple[str, str]] = (), body: bytes = b"", *,
                    reason: str | None = None, version: str = "HTTP/1.0") -> bytes:
    """A Full-Response (§6): Status-Line, header lines and the empty line (all CRLF), then ``body``.

    ``headers`` is written as given (the caller adds Content-Length; a HEAD response passes the headers
    of the GET response and an empty ``body``).
    """
    head = format_status_line(status, reason, version)
    head += b"".join(f"{n}: {v}\r\n".encode("latin-1") for n, v in headers)
    return head + CRLF + body


def split_head(raw: bytes) -> tuple[bytes, bytes] | None:
    """Split a raw response into ``(head including the empty line, body)`` at the first CRLFCRLF, or at
    the first LFLF when no CRLFCRLF precedes it; ``None`` when there is no empty line at all."""
    crlf = raw.find(b"\r\n\r\n")
    lf = raw.find(b"\n\n")
    if crlf < 0 and lf < 0:
        return None
    if crlf >= 0 and (lf < 0 or crlf + 2 <= lf):
        return raw[: crlf + 4], raw[crlf + 4:]
    return raw[: lf + 2], raw[lf + 2:]
