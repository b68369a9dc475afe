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

The code lives in one module per concern; callers use this package as one namespace
(``from reference_servers.http import wire``):

* :mod:`.head`: CRLF, the token grammar, the lines of a head, :class:`Headers` (§2.2, §4.2).
* :mod:`.request`: :class:`RequestHead`, :func:`parse_request_head`, :class:`Limits`, :class:`RequestError`,
  :func:`request_content_length`, :func:`format_request` (§4.1, §5).
* :mod:`.response`: :class:`ResponseHead`, :func:`parse_response_head`, :func:`response_body_length`,
  :func:`format_response` and the Status-Line (§6, §7.2).
* :mod:`.dates`: :func:`parse_http_date`, :func:`format_http_date`, :func:`is_rfc1123_date` (§3.3).
"""

from __future__ import annotations

from .dates import (
    RFC1123_DATE,
    format_http_date,
    is_rfc1123_date,
    parse_http_date,
)
from .head import (
    CRLF,
    Headers,
)
from .request import (
    DEFAULT_LIMITS,
    IMPLEMENTED_METHODS,
    Limits,
    RequestError,
    RequestHead,
    format_request,
    parse_request_head,
    parse_version,
    request_content_length,
)
from .response import (
    STATUS_LINE_STRICT,
    ResponseHead,
    format_response,
    format_status_line,
    parse_response_head,
    reason_phrase,
    response_body_length,
    split_head,
    status_line_decision,
)

__all__ = [
    "CRLF",
    "DEFAULT_LIMITS",
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
