"""HTTP/1.0 wire format (RFC 1945), sans-I/O: parsing and formatting only, no sockets.

Shared by the reference server, the reference client, the scripted peer and the scenarios.

Requests (server side)
    :func:`parse_request_head` turns the bytes received so far into a :class:`RequestHead` (a Full-Request
    head, or a Simple-Request of HTTP/0.9, RFC 1945 §4.1, §5) and tells how many bytes it used; the rest of
    the buffer is the entity body (NET-TCP-2).  Parsing follows the tolerance of App. B: runs of SP/HT
    between request-line fields, bare LF as line terminator, leading empty lines ignored, and LWS folding
    of header values (§2.2, §4.2).
Responses (client side)
    :func:`parse_response_head` parses a Status-Line and headers tolerantly (App. B) or reports a
    Simple-Response (§6: anything that does not start with a Status-Line is the body of an HTTP/0.9
    answer).  :func:`response_body_length` says how the body is delimited (§7.2.2).
Formatting
    :func:`format_response`, :func:`format_request`, :func:`format_http_date` (rfc1123, §3.3).
Dates
    :func:`parse_http_date` accepts the three forms of §3.3: rfc1123, rfc850 and asctime.

Errors: :class:`~conformance.errors.IncompleteError` when more bytes are needed;
:class:`RequestError` (a :class:`~conformance.errors.ProtocolError` carrying the status a server should
answer, 400) when a request is malformed; plain :class:`~conformance.errors.ProtocolError` for a malformed
response.
"""

from __future__ import annotations

import calendar
import email.utils
import re
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from http import HTTPStatus

from reference_servers.errors import IncompleteError, ProtocolError

__all__ = [
    "CRLF",
    "IMPLEMENTED_METHODS",
    "RFC1123_DATE",
    "STATUS_LINE_STRICT",
    "Headers",
    "Limits",
    "RequestError",
    "RequestHead",
    "ResponseHead",
    "format_http_date",
    "format_request",
    "format_response",
    "format_status_line",
    "is_rfc1123_date",
    "parse_http_date",
    "parse_request_head",
    "parse_response_head",
    "parse_version",
    "reason_phrase",
    "request_content_length",
    "response_body_length",
    "split_head",
    "status_line_decision",
]

CRLF = b"\r\n"
#: methods the reference server implements (§8); any other token gets 501 (§5.1.1, §9.5)
IMPLEMENTED_METHODS = ("GET", "HEAD", "POST")

#: strict form of a 1.0 Status-Line (§6.1), as a server under test must send it (HTTP10-STATUS-1)
STATUS_LINE_STRICT = re.compile(rb"^HTTP/1\.0 [1-5][0-9][0-9] [^\r\n]*\r\n")
#: rfc1123-date (§3.3), the only form a server generates (HTTP10-HDR-2)
RFC1123_DATE = re.compile(r"^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{2} (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) "
                          r"\d{4} \d{2}:\d{2}:\d{2} GMT$")

# token = 1*<any CHAR except CTLs or tspecials> (§2.2)
_TSPECIALS = set(b'()<>@,;:\\"/[]?={} \t')
_TOKEN_CHARS = frozenset(c for c in range(33, 127) if c not in _TSPECIALS)
_TOKEN_BYTES = bytes(sorted(_TOKEN_CHARS))
# CTLs other than HT (§2.2), which a request line must not hold
_REQUEST_LINE_CTL = re.compile(rb"[\x00-\x08\x0a-\x1f\x7f]")
_VERSION = re.compile(rb"^HTTP/(\d+)\.(\d+)$")
# tolerant Status-Line: HTTP/d.d, one or more SP/HT, 3 digits, then optional whitespace and reason
_STATUS_LINE = re.compile(rb"^HTTP/(\d+)\.(\d+)[ \t]+(\d{3})(?:[ \t]+([^\r\n]*)|[ \t]*)$")
_STATUS_PREFIX = b"HTTP/"


def _is_token(value: bytes) -> bool:
    return bool(value) and not value.translate(None, _TOKEN_BYTES)  # nothing left once token chars are deleted


# ---------------------------------------------------------------------------------------------- headers
class Headers:
    """Header fields in arrival order with case-insensitive lookup (RFC 1945 §4.2).

    Names and values are ``str`` (decoded as ISO-8859-1, so every octet survives).  A field that occurs
    several times is a list; :meth:`get` joins the values with ``", "`` as §4.2 allows.
    """

    def __init__(self, fields: Iterable[tuple[str, str]] = ()) -> None:
        self.fields: list[tuple[str, str]] = list(fields)

    def get(self, name: str, default: str | None = None) -> str | None:
        values = self.get_all(name)
        return ", ".join(values) if values else default

    def get_all(self, name: str) -> list[str]:
        lname = name.lower()
        return [v for n, v in self.fields if n.lower() == lname]

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and bool(self.get_all(name))

    def __iter__(self) -> Iterator[tuple[str, str]]:
        return iter(self.fields)

    def __len__(self) -> int:
        return len(self.fields)

    def names(self) -> set[str]:
        """Lower-cased names present."""
        return {n.lower() for n, _ in self.fields}

    def __repr__(self) -> str:
        return f"Headers({self.fields!r})"


# ---------------------------------------------------------------------------------------------- limits
@dataclass(frozen=True)
class Limits:
    """Size limits on a request head (HTTP10-REQ-10), in bytes / fields.

    ``max_line``: longest request line or header line; ``max_head``: whole head up to the empty line;
    ``max_headers``: number of header fields; ``max_leading_empty``: empty lines tolerated before the
    request line.
    """

    max_line: int = 8192
    max_head: int = 65536
    max_headers: int = 100
    max_leading_empty: int = 8


DEFAULT_LIMITS = Limits()


class RequestError(ProtocolError):
    """A malformed or oversized request.  ``status`` is what a server answers (400 unless stated)."""

    def __init__(self, message: str, *, status: int = 400, requirement: str | None = None) -> None:
        super().__init__(message, requirement=requirement)
        self.status = status


# ---------------------------------------------------------------------------------------------- requests
@dataclass
class RequestHead:
    """A parsed request head.

    ``method`` (str, case preserved: §5.1.1 makes it case-sensitive), ``target`` (the Request-URI as sent,
    str), ``version`` (``(major, minor)`` ints, or ``None`` for a Simple-Request), ``headers``,
    ``raw`` (the head's bytes exactly as received, including the terminating empty line).
    """

    method: str
    target: str
    version: tuple[int, int] | None
    headers: Headers = field(default_factory=Headers)
    raw: bytes = b""

    @property
    def simple(self) -> bool:
        """True for an HTTP/0.9 Simple-Request (§4.1): the answer is the body alone."""
        return self.version is None


def _lines(buf: bytes, start: int) -> Iterator[tuple[bytes, int]]:
    """Yield ``(line without terminator, offset after its LF)`` for every complete line from ``start``.
    A CR before the LF is removed (App. B: bare LF accepted, CR ignored)."""
    pos = start
    while True:
        nl = buf.find(b"\n", pos)
        if nl < 0:
            return
        line = buf[pos:nl]
        if line.endswith(b"\r"):
            line = line[:-1]
        yield line, nl + 1
        pos = nl + 1


def parse_version(text: bytes | str) -> tuple[int, int]:
    """Parse ``HTTP/<major>.<minor>`` (§3.1): two separate integers, leading zeros ignored (HTTP10-VER-3).

    Raises:
        RequestError: not of that form (``HTTP/1``, ``HTTP/a.b``, ``HTTX/1.0``...), HTTP10-VER-5.
    """
    raw = text.encode("latin-1") if isinstance(text, str) else text
    m = _VERSION.match(raw)
    if not m or len(m.group(1)) > 9 or len(m.group(2)) > 9:
        raise RequestError(f"malformed HTTP-Version {raw!r}", requirement="HTTP10-VER-5")
    return int(m.group(1)), int(m.group(2))


def parse_request_head(buf: bytes, limits: Limits = DEFAULT_LIMITS) -> tuple[RequestHead, int]:
    """Parse the request head at the start of ``buf``.

    Returns ``(head, consumed)``: ``buf[consumed:]`` is what followed the head (the start of an entity
    body).  A Simple-Request (``GET <uri>`` with no version) ends at its first line (§4.1, HTTP10-SIMPLE-2);
    a Full-Request at its first empty line.

    Raises:
        IncompleteError: the head is not complete yet (and no limit is exceeded).
        RequestError: malformed (400) or over a limit in ``limits`` (400, HTTP10-REQ-10).
    """
    pos = 0
    request_line: bytes | None = None
    for empties, (line, nxt) in enumerate(_lines(buf, 0), start=1):
        if line.strip(b" \t"):
            request_line = line
            pos = nxt
            break
        if empties > limits.max_leading_empty:
            raise RequestError("too many empty lines before the request line")
        pos = nxt
    if request_line is None:
        if len(buf) - pos > limits.max_line:
            raise RequestError(f"request line longer than {limits.max_line} bytes", requirement="HTTP10-REQ-10")
        raise IncompleteError("request line not complete")
    if len(request_line) > limits.max_line:
        raise RequestError(f"request line longer than {limits.max_line} bytes", requirement="HTTP10-REQ-10")
    method, target, version = _split_request_line(request_line)
    if version is None:
        return RequestHead(method, target, None, Headers(), buf[:pos]), pos

    fields: list[tuple[str, str]] = []
    for line, nxt in _lines(buf, pos):
        if nxt > limits.max_head:
            raise RequestError(f"request head longer than {limits.max_head} bytes", requirement="HTTP10-REQ-10")
        if len(line) > limits.max_line:
            raise RequestError(f"header line longer than {limits.max_line} bytes", requirement="HTTP10-REQ-10")
        if not line:
            return RequestHead(method, target, version, Headers(fields), buf[:nxt]), nxt
        _add_header_line(fields, line)
        if len(fields) > limits.max_headers:
            raise RequestError(f"more than {limits.max_headers} header fields", requirement="HTTP10-REQ-10")
        pos = nxt
    if len(buf) > limits.max_head:
        raise RequestError(f"request head longer than {limits.max_head} bytes", requirement="HTTP10-REQ-10")
    if len(buf) - pos > limits.max_line:
        raise RequestError(f"header line longer than {limits.max_line} bytes", requirement="HTTP10-REQ-10")
    raise IncompleteError("header section not complete")


def _split_request_line(line: bytes) -> tuple[str, str, tuple[int, int] | None]:
    if _REQUEST_LINE_CTL.search(line):
        raise RequestError(f"control character in the request line {line!r}")
    parts = line.split()  # any run of SP/HT (App. B); the line holds no other whitespace controls now
    if len(parts) == 2:
        method, target = parts
        if method != b"GET":
            # Simple-Request = "GET" SP Request-URI CRLF (§4.1): no other method exists in HTTP/0.9
            raise RequestError(f"{method.decode('latin-1')!r} request without HTTP-Version (only GET may be "
                               "a Simple-Request)", requirement="HTTP10-SIMPLE-3")
        return "GET", target.decode("latin-1"), None
    if len(parts) != 3:
        raise RequestError(f"request line has {len(parts)} fields, not 3: {line!r}", requirement="HTTP10-ERR-1")
    method, target, version = parts
    if not _is_token(method):
        raise RequestError(f"method {method!r} is not a token", requirement="HTTP10-ERR-1")
    return method.decode("latin-1"), target.decode("latin-1"), parse_version(version)


def _add_header_line(fields: list[tuple[str, str]], line: bytes) -> None:
    if line[:1] in (b" ", b"\t"):
        # LWS folding (§2.2): the line continues the previous field's value
        if not fields:
            raise RequestError("continuation line before any header field", requirement="HTTP10-REQ-7")
        name, value = fields[-1]
        extra = line.strip(b" \t").decode("latin-1")
        fields[-1] = (name, f"{value} {extra}" if value and extra else value + extra)
        return
    name, colon, value = line.partition(b":")
    if not colon or not _is_token(name):
        raise RequestError(f"malformed header line {line!r}", requirement="HTTP10-ERR-1")
    fields.append((name.decode("latin-1"), value.strip(b" \t").decode("latin-1")))


def request_content_length(headers: Headers) -> int | None:
    """The request's Content-Length (§10.4), or ``None`` when absent.

    Repeated fields must agree.  Raises:
        RequestError: not a non-negative decimal integer (``abc``, ``-5``, ``5, 6``), HTTP10-LEN-1.
    """
    values = headers.get_all("Content-Length")
    if not values:
        return None
    lengths = set()
    for value in values:
        if not value.isdigit() or not value.isascii() or len(value) > 18:
            raise RequestError(f"invalid Content-Length {value!r}", requirement="HTTP10-LEN-1")
        lengths.add(int(value))
    if len(lengths) != 1:
        raise RequestError(f"conflicting Content-Length values {values!r}", requirement="HTTP10-LEN-1")
    return lengths.pop()


def format_request(method: str, target: str, headers: Iterable[tuple[str, str]] = (),
                   body: bytes = b"", *, version: str = "HTTP/1.0") -> bytes:
    """A Full-Request (§5): request line, header lines and the empty line, all CRLF, then ``body``.

    Content-Length is added for a non-empty body (or POST) unless ``headers`` has one (HTTP10-LEN-6).
    """
    fields = list(headers)
    if (body or method == "POST") and not any(n.lower() == "content-length" for n, _ in fields):
        fields.append(("Content-Length", str(len(body))))
    lines = [f"{method} {target} {version}"] + [f"{n}: {v}" for n, v in fields]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body


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


# ---------------------------------------------------------------------------------------------- dates
_MONTHS = {m: i for i, m in enumerate(("Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                       "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"), start=1)}
_WKDAY = r"(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)"
_WEEKDAY = r"(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"
_MONTH = r"(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)"
_TIME = r"(\d{2}):(\d{2}):(\d{2})"
_RFC1123 = re.compile(rf"^{_WKDAY}, (\d{{2}}) {_MONTH} (\d{{4}}) {_TIME} GMT$")
_RFC850 = re.compile(rf"^{_WEEKDAY}, (\d{{2}})-{_MONTH}-(\d{{2}}) {_TIME} GMT$")
_ASCTIME = re.compile(rf"^{_WKDAY} {_MONTH} ([ \d]\d) {_TIME} (\d{{4}})$")


def parse_http_date(text: str) -> float | None:
    """Parse an HTTP-date in any of the three forms of §3.3 (HTTP10-DATE-1) into Unix seconds (GMT).

    rfc1123 ``Sun, 06 Nov 1994 08:49:37 GMT``, rfc850 ``Sunday, 06-Nov-94 08:49:37 GMT`` (two-digit years
    below 70 are 20xx) and asctime ``Sun Nov  6 08:49:37 1994``.  Returns ``None`` for anything else,
    including impossible dates: an invalid date never raises (HTTP10-DATE-2).
    """
    text = text.strip()
    if m := _RFC1123.match(text):
        day, mon, year, hh, mm, ss = m.groups()
    elif m := _RFC850.match(text):
        day, mon, yy, hh, mm, ss = m.groups()
        year = str(int(yy) + (2000 if int(yy) < 70 else 1900))
    elif m := _ASCTIME.match(text):
        mon, day, hh, mm, ss, year = m.groups()
    else:
        return None
    try:
        fields = (int(year), _MONTHS[mon], int(day), int(hh), int(mm), int(ss))
        if not (1 <= fields[2] <= calendar.monthrange(fields[0], fields[1])[1]) or fields[3] > 23 \
                or fields[4] > 59 or fields[5] > 60:
            return None
        return float(calendar.timegm((*fields, 0, 0, 0)))
    except (ValueError, OverflowError):
        return None


_DATES: dict[int, str] = {}  # whole second -> its rfc1123-date; a server formats the same few seconds again and again


def format_http_date(timestamp: float | None = None) -> str:
    """rfc1123-date in GMT for Unix seconds ``timestamp`` (default now), §3.3 (HTTP10-HDR-2).

    Raises:
        OverflowError, ValueError, OSError: ``timestamp`` out of the platform's range (as
            :func:`email.utils.formatdate`).
    """
    ts = time.time() if timestamp is None else timestamp
    # formatdate rounds to the microsecond: below .999999 of a second the result is that of the whole second
    if 0 <= ts < 1e11 and ts - (second := int(ts)) < 0.999999:
        text = _DATES.get(second)
        if text is None:
            if len(_DATES) >= 64:
                _DATES.clear()
            text = _DATES[second] = email.utils.formatdate(second, usegmt=True)
        return text
    return email.utils.formatdate(ts, usegmt=True)


def is_rfc1123_date(text: str) -> bool:
    """True when ``text`` is exactly an rfc1123-date in GMT (the form a server must generate)."""
    return bool(RFC1123_DATE.match(text)) and parse_http_date(text) is not None
