"""HTTP/1.0 requests (RFC 1945 §4.1, §5, App. B), sans-I/O: :func:`parse_request_head` (Full-Request or
HTTP/0.9 Simple-Request, tolerant of App. B variations, bounded by :class:`Limits`), :func:`parse_version`,
:func:`request_content_length` and :func:`format_request`; :class:`RequestError` carries the status a
server answers."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from reference_servers.errors import IncompleteError, ProtocolError

from .head import Headers, _is_token, _lines

#: methods the reference server implements (§8); any other token gets 501 (§5.1.1, §9.5)
IMPLEMENTED_METHODS = ("GET", "HEAD", "POST")
# CTLs other than HT (§2.2), which a request line must not hold
_REQUEST_LINE_CTL = re.compile(rb"[\x00-\x08\x0a-\x1f\x7f]")
_VERSION = re.compile(rb"^HTTP/(\d+)\.(\d+)$")


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
