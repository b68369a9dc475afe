"""SMTP wire format, sans-I/O (RFC 5321, with SIZE RFC 1870, 8BITMIME RFC 6152, ENHANCEDSTATUSCODES
RFC 2034, PIPELINING RFC 2920).

Parsing and formatting only; no sockets.  Shared by the reference server, the reference client and the
conformance scenarios, which use it as one namespace (``from reference_servers.smtp import wire``); the
code lives in one module per concern:

* :mod:`.lines`: :class:`LineBuffer` splits a byte stream into command lines ended by CRLF only (bare LF
  and bare CR are data, RFC 5321 §2.3.8), with a length limit that never loses the session (§4.5.3.1.4);
  :func:`parse_command`, :func:`format_command`; :func:`dialogue_text` for failure messages.
* :mod:`.paths`: :func:`parse_mail`, :func:`parse_rcpt`, :class:`Path`: reverse-path and forward-path
  (§4.1.1, §4.1.2), ESMTP parameters (§4.1.2 ``Mail-parameters``), ``SIZE=`` (RFC 1870).
* :mod:`.replies`: :class:`Reply`, :func:`format_reply`, :class:`ReplyParser`: replies, multi-line
  included (§4.2); :func:`parse_ehlo_keywords`: the extension list of an EHLO reply (§4.1.1.1).
* :mod:`.content`: :func:`encode_data` and :class:`DataReceiver`: the DATA transparency procedure
  (dot-stuffing, §4.5.2) and end-of-data ``CRLF.CRLF`` (§4.1.1.4), both directions, incremental on the
  receiving side.

Every parse error raises :class:`~reference_servers.errors.ProtocolError` (``requirement`` set to the
catalog id broken); a unit that is not complete yet raises :class:`~reference_servers.errors.IncompleteError`
or returns ``None`` as documented.
"""

from __future__ import annotations

from .content import (
    END_OF_DATA,
    MAX_TEXT_LINE,
    DataReceiver,
    DataResult,
    dot_stuff,
    dot_unstuff,
    encode_data,
    to_crlf,
)
from .lines import (
    CRLF,
    KNOWN_VERBS,
    MAX_COMMAND_LINE,
    Command,
    LineBuffer,
    LineTooLong,
    dialogue_text,
    format_command,
    parse_command,
)
from .paths import (
    MAX_DOMAIN,
    MAX_LOCAL_PART,
    MAX_PATH,
    MIN_RECIPIENTS,
    SIZE_EXTRA,
    Path,
    PathArgument,
    is_domain,
    is_local_part,
    parse_mail,
    parse_parameters,
    parse_path,
    parse_rcpt,
    parse_size,
)
from .replies import (
    MAX_REPLY_LINE,
    Reply,
    ReplyParser,
    format_reply,
    parse_ehlo_keywords,
    parse_replies,
    parse_reply_line,
)

__all__ = [
    "CRLF", "END_OF_DATA", "KNOWN_VERBS", "MAX_COMMAND_LINE", "MAX_DOMAIN", "MAX_LOCAL_PART", "MAX_PATH",
    "MAX_REPLY_LINE", "MAX_TEXT_LINE", "MIN_RECIPIENTS", "SIZE_EXTRA",
    "Command", "DataReceiver", "DataResult", "LineBuffer", "LineTooLong", "Path", "PathArgument", "Reply",
    "ReplyParser",
    "dialogue_text", "dot_stuff", "dot_unstuff", "encode_data", "format_command", "format_reply", "is_domain",
    "is_local_part", "parse_command", "parse_ehlo_keywords", "parse_mail", "parse_parameters", "parse_path",
    "parse_rcpt", "parse_replies", "parse_reply_line", "parse_size", "to_crlf",
]
