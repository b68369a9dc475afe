"""SMTP wire format, sans-I/O (RFC 5321, with SIZE RFC 1870, 8BITMIME RFC 6152, ENHANCEDSTATUSCODES
RFC 2034, PIPELINING RFC 2920).

Parsing and formatting only; no sockets.  Shared by the reference server, the reference client and the
conformance scenarios.  The pieces:

* :class:`LineBuffer`: splits a byte stream into command lines ended by CRLF only (bare LF and bare CR are
  data, RFC 5321 §2.3.8), with a length limit that never loses the session (§4.5.3.1.4).
* :func:`parse_command`, :func:`parse_mail`, :func:`parse_rcpt`, :class:`Path`: commands, reverse-path
  and forward-path (§4.1.1, §4.1.2), ESMTP parameters (§4.1.2 ``Mail-parameters``).
* :class:`Reply`, :func:`format_reply`, :class:`ReplyParser`: replies, multi-line included (§4.2).
* :func:`encode_data` and :class:`DataReceiver`: the DATA transparency procedure (dot-stuffing, §4.5.2)
  and end-of-data ``CRLF.CRLF`` (§4.1.1.4), both directions, incremental on the receiving side.
* :func:`parse_ehlo_keywords`: the extension list of an EHLO reply (§4.1.1.1).

Every parse error raises :class:`~conformance.errors.ProtocolError` (``requirement`` set to the catalog id
broken); a unit that is not complete yet raises :class:`~conformance.errors.IncompleteError` or returns
``None`` as documented.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from reference_servers.errors import IncompleteError, ProtocolError

CRLF = b"\r\n"
#: end-of-data indicator as sent after the last line of content (§4.1.1.4)
END_OF_DATA = b".\r\n"
#: command line limit, CRLF included (§4.5.3.1.4)
MAX_COMMAND_LINE = 512
#: extra octets a MAIL line may carry per parameter-bearing extension (RFC 1870 §3 (5))
SIZE_EXTRA = 26
#: reply line limit, CRLF included (§4.5.3.1.5)
MAX_REPLY_LINE = 512
#: text line limit in DATA, CRLF included, stuffing dot not counted (§4.5.3.1.6)
MAX_TEXT_LINE = 1000
#: local-part, domain and path limits in octets (§4.5.3.1.1-3)
MAX_LOCAL_PART = 64
MAX_DOMAIN = 255
MAX_PATH = 256
#: minimum number of recipients a server buffers (§4.5.3.1.8)
MIN_RECIPIENTS = 100

#: verbs defined by RFC 5321 plus the obsolete ones it still names (§4.1, §3.5, §4.1.4 / RFC 821)
KNOWN_VERBS = frozenset(
    {"EHLO", "HELO", "MAIL", "RCPT", "DATA", "RSET", "NOOP", "QUIT", "VRFY", "EXPN", "HELP",
     "SEND", "SOML", "SAML", "TURN"}
)

_REPLY_LINE = re.compile(rb"^([2-5][0-9][0-9])(?:([ -])(.*))?$", re.DOTALL)
_ENHANCED = re.compile(r"^([245])\.(\d{1,3})\.(\d{1,3})(?: +|$)")
_HIGH_OCTET = re.compile(rb"[\x80-\xff]")
_KEYWORD = re.compile(r"^[A-Za-z0-9][A-Za-z0-9-]*$")
_PARAM_VALUE = re.compile(r"^[\x21-\x3c\x3e-\x7e]+$")
_ATEXT = r"A-Za-z0-9!#$%&'*+/=?^_`{|}~-"
_DOT_STRING = re.compile(rf"^[{_ATEXT}]+(?:\.[{_ATEXT}]+)*$")
_QUOTED_STRING = re.compile(r'^"(?:[\x20\x21\x23-\x5b\x5d-\x7e]|\\[\x20-\x7e])*"$')
_LABEL = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?$")
_ADDRESS_LITERAL = re.compile(
    r"^\[(?:\d{1,3}(?:\.\d{1,3}){3}|IPv6:[0-9A-Fa-f:.]+|[A-Za-z0-9-]*[A-Za-z0-9]:[\x21-\x5a\x5e-\x7e]+)\]$")


# ---------------------------------------------------------------------- command lines
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
    if any(b > 0x7E or (b < 0x20 and b != 0x09) for b in line):
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


# ---------------------------------------------------------------------- paths and parameters
@dataclass(frozen=True)
class Path:
    """A reverse-path or forward-path (§4.1.2).

    ``local_part`` keeps its case and quoting exactly as sent (§2.4, SMTP-TXN-7); ``domain`` is as sent
    (compare it case-insensitively); both are empty for the null reverse-path ``<>``.  ``domain`` is empty
    and ``local_part`` is ``Postmaster`` for the special ``<Postmaster>`` recipient (§4.5.1).  ``route``
    holds the obsolete source route (``@relay,@hop:``), which must be accepted and ignored (§3.6.1).
    """

    local_part: str
    domain: str
    route: tuple[str, ...] = ()

    @property
    def is_null(self) -> bool:
        return not self.local_part and not self.domain

    @property
    def mailbox(self) -> str:
        """``local@domain``; ``""`` for the null path; ``Postmaster`` alone for ``<Postmaster>``."""
        if self.is_null:
            return ""
        return f"{self.local_part}@{self.domain}" if self.domain else self.local_part

    def __str__(self) -> str:
        return f"<{self.mailbox}>"


def is_domain(text: str) -> bool:
    """True for a syntactically valid domain (dot-separated LDH labels) or address literal (§4.1.2-3)."""
    if _ADDRESS_LITERAL.match(text):
        return True
    if not text or len(text) > MAX_DOMAIN:
        return False
    return all(_LABEL.match(label) for label in text.split("."))


def is_local_part(text: str) -> bool:
    """True for a valid local-part: dot-string or quoted-string, at most 64 octets (§4.1.2, §4.5.3.1.1)."""
    return bool(_DOT_STRING.match(text) or _QUOTED_STRING.match(text)) and len(text) <= MAX_LOCAL_PART


def parse_path(text: str, *, allow_null: bool = False, allow_postmaster: bool = False) -> Path:
    """Parse ``<[A-d-l:]Mailbox>`` (§4.1.2).

    Raises:
        ProtocolError: not in angle brackets, bad local-part or domain syntax, over-long parts
            (local-part 64, domain 255, path 256 octets, §4.5.3.1), or ``<>`` where not allowed.
    """
    if len(text) < 2 or text[0] != "<" or text[-1] != ">":
        raise ProtocolError(f"path {text!r} is not enclosed in angle brackets", requirement="SMTP-TXN-9")
    if len(text) > MAX_PATH:
        raise ProtocolError(f"path of {len(text)} octets exceeds {MAX_PATH}", requirement="SMTP-LIMIT-1")
    inner = text[1:-1]
    if inner == "":
        if allow_null:
            return Path("", "")
        raise ProtocolError("null path <> is not allowed here", requirement="SMTP-TXN-2")
    route: tuple[str, ...] = ()
    if inner.startswith("@"):
        adl, colon, inner = inner.partition(":")
        if not colon:
            raise ProtocolError("source route without ':'", requirement="SMTP-TXN-6")
        hops = adl.split(",")
        if not all(h.startswith("@") and is_domain(h[1:]) for h in hops):
            raise ProtocolError(f"bad source route {adl!r}", requirement="SMTP-TXN-6")
        route = tuple(h[1:] for h in hops)
    if allow_postmaster and inner.lower() == "postmaster":
        return Path(inner, "", route)
    at = inner.rfind("@")
    if at <= 0:
        raise ProtocolError(f"mailbox {inner!r} has no domain", requirement="SMTP-TXN-2")
    local, domain = inner[:at], inner[at + 1:]
    if not (_DOT_STRING.match(local) or _QUOTED_STRING.match(local)):
        raise ProtocolError(f"bad local-part {local!r}", requirement="SMTP-CMD-9")
    if len(local.encode()) > MAX_LOCAL_PART:
        raise ProtocolError(f"local-part of {len(local)} octets exceeds {MAX_LOCAL_PART}", requirement="SMTP-LIMIT-1")
    if not is_domain(domain):
        raise ProtocolError(f"bad domain {domain!r}", requirement="SMTP-CMD-9")
    return Path(local, domain, route)


def parse_parameters(text: str) -> dict[str, str | None]:
    """Parse ESMTP parameters ``KEY[=VALUE] ...`` (§4.1.2 ``esmtp-param``).  Keys are upper-cased.

    Raises:
        ProtocolError: bad keyword or value syntax, or a keyword given twice (RFC 1870 §6: one SIZE).
    """
    params: dict[str, str | None] = {}
    for item in text.split(" "):
        if not item:
            continue
        key, eq, value = item.partition("=")
        if not _KEYWORD.match(key) or (eq and not _PARAM_VALUE.match(value)):
            raise ProtocolError(f"bad parameter {item!r}", requirement="SMTP-CMD-8")
        if key.upper() in params:
            raise ProtocolError(f"parameter {key.upper()} given twice", requirement="SMTP-SIZE-2")
        params[key.upper()] = value if eq else None
    return params


def _split_path_argument(argument: str, keyword: str) -> tuple[str, str, bool]:
    """Split ``KEYWORD:<path> params``; return (path text, parameter text, space-after-colon?)."""
    if argument[: len(keyword)].upper() != keyword:
        raise ProtocolError(f"argument does not start with {keyword}", requirement="SMTP-TXN-9")
    rest = argument[len(keyword):]
    lenient = rest.startswith(" ")
    rest = rest.lstrip(" ")
    if not rest.startswith("<"):
        raise ProtocolError(f"{keyword} not followed by '<'", requirement="SMTP-TXN-9")
    end = _path_end(rest)
    return rest[: end + 1], rest[end + 1:], lenient


def _path_end(text: str) -> int:
    """Index of the '>' closing the path that starts ``text`` (quoted-strings may contain '>')."""
    quoted = escaped = False
    for i, ch in enumerate(text):
        if escaped:
            escaped = False
        elif ch == "\\" and quoted:
            escaped = True
        elif ch == '"':
            quoted = not quoted
        elif ch == ">" and not quoted:
            return i
    raise ProtocolError("path has no closing '>'", requirement="SMTP-TXN-9")


@dataclass(frozen=True)
class PathArgument:
    """The parsed argument of MAIL or RCPT: the path, its ESMTP parameters (upper-cased keys), and
    whether the client put a space after the colon (tolerated, §3.3 notes the practice; SMTP-TXN-10)."""

    path: Path
    params: dict[str, str | None] = field(default_factory=dict)
    space_after_colon: bool = False


def parse_mail(argument: str) -> PathArgument:
    """Parse the argument of ``MAIL``: ``FROM:<reverse-path> [params]`` (§4.1.1.2).

    Raises:
        ProtocolError: syntax error (the server answers 501).
    """
    path, rest, lenient = _split_path_argument(argument, "FROM:")
    if rest and not rest.startswith(" "):
        raise ProtocolError("junk after the reverse-path", requirement="SMTP-TXN-9")
    return PathArgument(parse_path(path, allow_null=True), parse_parameters(rest), lenient)


def parse_rcpt(argument: str) -> PathArgument:
    """Parse the argument of ``RCPT``: ``TO:<forward-path> [params]`` or ``TO:<Postmaster>`` (§4.1.1.3).

    Raises:
        ProtocolError: syntax error (the server answers 501).
    """
    path, rest, lenient = _split_path_argument(argument, "TO:")
    if rest and not rest.startswith(" "):
        raise ProtocolError("junk after the forward-path", requirement="SMTP-TXN-9")
    return PathArgument(parse_path(path, allow_postmaster=True), parse_parameters(rest), lenient)


def parse_size(value: str | None) -> int:
    """Value of the ``SIZE=`` MAIL parameter: 1 to 20 digits (RFC 1870 §4).

    Raises:
        ProtocolError: missing or not a decimal number of at most 20 digits.
    """
    if value is None or not value.isdigit() or not value.isascii() or len(value) > 20:
        raise ProtocolError(f"bad SIZE value {value!r}", requirement="SMTP-SIZE-2")
    return int(value)


# ---------------------------------------------------------------------- replies
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


# ---------------------------------------------------------------------- DATA transparency
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
        if self.result is not None:
            return data
        view = memoryview(data)
        pos = 0
        n = len(data)
        while pos < n:
            if self._at_start:
                if view[pos] == 0x2E:  # "."
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
