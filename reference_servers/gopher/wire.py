"""Gopher wire format (RFC 1436), sans-I/O: parsing and formatting only, no sockets.

Shared by the reference server, the reference client and the scenarios.  Everything here works on
``bytes`` and returns values; nothing reads or writes a socket (in the manner of python-hyper h11).

Terms (RFC 1436 Appendix, NQBNF):

* **selector**: the opaque string a client sends to fetch an item, ended by CRLF (§2).  A *search*
  request is ``selector TAB words CRLF`` (§3.7); a Gopher+ request appends ``TAB +`` (or ``!``, ``$``).
* **menu** (directory entity): lines ``TYPE display TAB selector TAB host TAB port CRLF`` ended by the
  **lastline** ``.`` CRLF (Appendix DirEntity, Menu, Lastline).
* **text item** (type 0): text lines, each line beginning with ``.`` **dot-stuffed** (an extra ``.``
  prepended), ended by the lastline (Appendix TextFile).
* **binary item** (types 5, 9, g, I): raw octets until the server closes (§3.8).

Strings (display strings, selectors, hosts) are ``str``; they travel as UTF-8 with the
``surrogateescape`` error handler, so any octet sequence a peer sends round-trips unchanged
(GOPHER-CLIENT-1: selectors are opaque).

Errors: parsers raise :class:`~conformance.errors.ProtocolError` (with ``requirement`` set to the
catalog id the bytes break) or :class:`~conformance.errors.IncompleteError` when more bytes are needed.
"""

from __future__ import annotations

import re
import urllib.parse
from dataclasses import dataclass, field
from typing import Literal

from reference_servers.errors import IncompleteError, ProtocolError

CRLF = b"\r\n"
#: the lastline: a single ``.`` then CRLF (RFC 1436 Appendix, Lastline)
LASTLINE = b".\r\n"
TAB = "\t"
#: RFC 1436 Appendix note: selectors should not exceed 255 characters (GOPHER-REQ-6)
MAX_SELECTOR = 255
#: default port (RFC 1436 introduction: servers "should listen" on 70)
DEFAULT_PORT = 70

# Item types, RFC 1436 §3.8 (canonical) and the de-facto extensions (GOPHER-EXT-*).
TEXT = "0"
MENU = "1"
CSO = "2"
ERROR = "3"
BINHEX = "4"
DOS_BINARY = "5"
UUENCODED = "6"
SEARCH = "7"
TELNET = "8"
BINARY = "9"
REDUNDANT = "+"
TN3270 = "T"
GIF = "g"
IMAGE = "I"
INFO = "i"
HTML = "h"

#: the types RFC 1436 §3.8 defines
CANONICAL_TYPES = frozenset("0123456789+TgI")
#: the de-facto extensions the reference server may emit (GOPHER-EXT-1, GOPHER-EXT-2)
EXTENSION_TYPES = frozenset("ih")
#: types whose response ends with the lastline (GOPHER-CLIENT-4); BinHex and uuencode are text
LASTLINE_TYPES = frozenset("01467")
#: types that are not fetched with a selector at all (GOPHER-TYPE-4, GOPHER-ERR-2, GOPHER-EXT-1)
UNFETCHABLE_TYPES = frozenset("238Ti")

#: placeholders used by error and ``i`` lines (GOPHER-ERR-1, GOPHER-EXT-1)
PLACEHOLDER_HOST = "error.host"
INFO_SELECTOR = "fake"
INFO_HOST = "(NULL)"

Framing = Literal["lastline", "close", "none"]


def framing(itemtype: str) -> Framing:
    """How the response to an item of ``itemtype`` ends (GOPHER-CLIENT-4).

    ``"lastline"`` for 0, 1, 7 (and the text encodings 4, 6); ``"none"`` for types that are never
    fetched with a selector (2, 3, 8, T, i); ``"close"`` for everything else: 5, 9, g, I, h and any
    unknown type (reading to close is the only rule that never truncates, GOPHER-TYPE-2).
    """
    if itemtype in LASTLINE_TYPES:
        return "lastline"
    if itemtype in UNFETCHABLE_TYPES:
        return "none"
    return "close"


# --------------------------------------------------------------------------- strings
def encode_field(text: str) -> bytes:
    """``str`` to wire octets (UTF-8, surrogateescape: octets that came in as junk go out unchanged)."""
    return text.encode("utf-8", "surrogateescape")


def decode_field(data: bytes) -> str:
    """Wire octets to ``str`` without ever failing (UTF-8, surrogateescape)."""
    return data.decode("utf-8", "surrogateescape")


# --------------------------------------------------------------------------- requests
@dataclass(frozen=True)
class Request:
    """One request line (RFC 1436 §2, §3.6, §3.7).

    Attributes:
        selector: everything before the first TAB (the server uses only this, GOPHER-REQ-4).
        fields: the TAB-separated fields after the selector: the search words of a type-7 request,
            and/or a Gopher+ marker (``+``, ``!``, ``$``...).
        line_ending: ``b"\\r\\n"`` or, from a tolerated sloppy client, ``b"\\n"`` (GOPHER-REQ-5).
    """

    selector: str
    fields: tuple[str, ...] = ()
    line_ending: bytes = CRLF

    @property
    def search(self) -> str | None:
        """The search words (the first field after the selector), or ``None``."""
        return self.fields[0] if self.fields else None

    @property
    def gopher_plus(self) -> bool:
        """True when the last field is a Gopher+ marker (``+``, ``!``, ``$``, ``+type``)."""
        return bool(self.fields) and self.fields[-1][:1] in ("+", "!", "$")


def format_request(selector: str, search: str | None = None) -> bytes:
    """The request line for ``selector`` (plus ``TAB search`` for a type-7 item), ended by CRLF.

    The selector goes out exactly as given: not decoded, trimmed or prefixed (GOPHER-CLIENT-1); the
    search words go out unchanged after a literal TAB (GOPHER-SEARCH-2).

    Raises:
        ValueError: the selector or words contain CR or LF, or the selector a TAB (they would end or
            split the request line).
    """
    if any(c in selector for c in "\t\r\n"):
        raise ValueError(f"selector {selector!r} contains TAB, CR or LF")
    line = encode_field(selector)
    if search is not None:
        if any(c in search for c in "\r\n"):
            raise ValueError(f"search words {search!r} contain CR or LF")
        line += b"\t" + encode_field(search)
    return line + CRLF


def parse_request(buffer: bytes, *, max_length: int = 4096) -> tuple[Request, int]:
    """Parse the request line at the start of ``buffer``.

    Accepts CRLF and, leniently, a bare LF (GOPHER-REQ-5).  Returns the request and the number of
    octets it used (whatever follows is surplus: gopher has one request per connection).

    Raises:
        IncompleteError: no LF yet, and the buffer is still within ``max_length`` octets.
        ProtocolError: the line is longer than ``max_length`` octets (GOPHER-REQ-6), or the selector
            contains a NUL or a CR that does not end the line (GOPHER-SEC-1).
    """
    end = buffer.find(b"\n", 0, max_length + 2)
    if end < 0:
        if len(buffer) > max_length + 1:
            raise ProtocolError(f"request line longer than {max_length} octets", requirement="GOPHER-REQ-6")
        raise IncompleteError("no end of line yet")
    line = buffer[:end]
    ending = b"\n"
    if line.endswith(b"\r"):
        line, ending = line[:-1], CRLF
    if len(line) > max_length:
        raise ProtocolError(f"request line longer than {max_length} octets", requirement="GOPHER-REQ-6")
    if b"\0" in line:
        raise ProtocolError("NUL in the request line", requirement="GOPHER-SEC-1")
    if b"\r" in line:
        raise ProtocolError("CR inside the request line", requirement="GOPHER-REQ-2")
    selector, *rest = line.split(b"\t")
    return Request(decode_field(selector), tuple(decode_field(f) for f in rest), ending), end + 1


# --------------------------------------------------------------------------- menus
@dataclass(frozen=True)
class MenuItem:
    """One menu line (RFC 1436 Appendix DirEntity).

    Attributes:
        itemtype: one character (§3.8; ``i`` and ``h`` are de-facto).
        display: the display string shown to the user (§3.9).
        selector: the opaque string to send to ``host``:``port`` to fetch the item.
        host: where the item lives (a name or address the client can reach, GOPHER-MENU-4).
        port: TCP port, 0-65535.
        extra: TAB-separated fields after the port (Gopher+ ``+``, ``?``); clients ignore them
            (GOPHER-MENU-6).
    """

    itemtype: str
    display: str
    selector: str = ""
    host: str = PLACEHOLDER_HOST
    port: int = 1
    extra: tuple[str, ...] = field(default=())

    @property
    def selectable(self) -> bool:
        """True when a client may fetch the item with a gopher transaction."""
        return framing(self.itemtype) != "none" and not self.selector.startswith("URL:")

    @property
    def url(self) -> str | None:
        """For a ``URL:`` selector (GOPHER-EXT-3), the URL it carries; else ``None``."""
        return self.selector[4:] if self.selector.startswith("URL:") else None


def info_item(text: str) -> MenuItem:
    """An ``i`` (informational) line with the customary placeholder fields (GOPHER-EXT-1)."""
    return MenuItem(INFO, text, INFO_SELECTOR, INFO_HOST, 0)


def format_menu_line(item: MenuItem, *, line_ending: bytes = CRLF) -> bytes:
    """One menu line: type, display, TAB, selector, TAB, host, TAB, port[, TAB extra...], CRLF.

    Raises:
        ValueError: a field contains TAB, CR, LF or NUL (GOPHER-MENU-3), the type is not one
            character, or the port is outside 0-65535.
    """
    if len(item.itemtype) != 1:
        raise ValueError(f"item type must be one character, got {item.itemtype!r}")
    for name, value in (("display", item.display), ("selector", item.selector), ("host", item.host)):
        if any(c in value for c in "\t\r\n\0"):
            raise ValueError(f"{name} {value!r} contains TAB, CR, LF or NUL (GOPHER-MENU-3)")
    if not 0 <= item.port <= 65535:
        raise ValueError(f"port {item.port} outside 0-65535")
    fields = [item.itemtype + item.display, item.selector, item.host, str(item.port), *item.extra]
    return encode_field("\t".join(fields)) + line_ending


def format_menu(items: list[MenuItem] | tuple[MenuItem, ...], *, lastline: bool = True,
                line_ending: bytes = CRLF) -> bytes:
    """A whole menu: every line, then the lastline (GOPHER-MENU-1, GOPHER-MENU-2)."""
    body = b"".join(format_menu_line(item, line_ending=line_ending) for item in items)
    return body + (b"." + line_ending if lastline else b"")


def error_menu(message: str) -> bytes:
    """The reference error response: one type-3 line and the lastline (GOPHER-ERR-1, catalog §8)."""
    message = re.sub(r"[\t\r\n\0]", " ", message)
    return format_menu([MenuItem(ERROR, message, "", PLACEHOLDER_HOST, 1)])


def parse_menu_line(line: bytes, *, strict: bool = True) -> MenuItem:
    """Parse one menu line, given without its line ending.

    Strict (what a server must send, GOPHER-MENU-1): at least four TAB-separated fields, a type
    character, a decimal port in 0-65535, no NUL.  Lenient (what a client should accept,
    GOPHER-EXT-1, GOPHER-CLIENT-5, GOPHER-MENU-6): missing fields get placeholders, spaces around
    the port are ignored, and a port that is not a number becomes 0.

    Raises:
        ProtocolError: strict parsing failed (requirement GOPHER-MENU-1 or GOPHER-MENU-3).
    """
    if not line:
        raise ProtocolError("empty menu line", requirement="GOPHER-MENU-1")
    if strict and (b"\0" in line or b"\r" in line or b"\n" in line):
        raise ProtocolError(f"NUL, CR or LF inside menu line {line[:80]!r}", requirement="GOPHER-MENU-3")
    text = decode_field(line)
    parts = text.split("\t")
    itemtype, display = parts[0][:1], parts[0][1:]
    if len(parts) < 4:
        if strict:
            hint = " (spaces instead of TABs?)" if len(text.split()) >= 4 else ""
            raise ProtocolError(f"menu line has {len(parts)} TAB-separated fields, needs 4{hint}: "
                                f"{line[:120]!r}", requirement="GOPHER-MENU-1")
        parts += [""] * (4 - len(parts))
    selector, host, port_text = parts[1], parts[2], parts[3]
    port_text_clean = port_text if strict else port_text.strip()
    if re.fullmatch(r"[0-9]{1,5}", port_text_clean) and int(port_text_clean) <= 65535:
        port = int(port_text_clean)
    elif strict:
        raise ProtocolError(f"menu line port {port_text!r} is not a decimal number in 0-65535: {line[:120]!r}",
                            requirement="GOPHER-MENU-1")
    else:
        port = 0
    return MenuItem(itemtype, display, selector, host, port, tuple(parts[4:]))


def split_lines(data: bytes) -> list[tuple[bytes, bytes]]:
    """Split ``data`` into ``(line, ending)`` pairs; ending is ``b"\\r\\n"``, ``b"\\n"`` or ``b""`` (last)."""
    out: list[tuple[bytes, bytes]] = []
    start = 0
    while start < len(data):
        end = data.find(b"\n", start)
        if end < 0:
            out.append((data[start:], b""))
            break
        line = data[start:end]
        if line.endswith(b"\r"):
            out.append((line[:-1], CRLF))
        else:
            out.append((line, b"\n"))
        start = end + 1
    return out


def parse_menu(data: bytes, *, strict: bool = True) -> list[MenuItem]:
    """Parse a complete menu response (RFC 1436 Appendix Menu).

    Strict: every line ends with CRLF and parses strictly, the response ends with the lastline and
    nothing follows it.  Lenient: LF endings, blank lines and a missing lastline are tolerated
    (GOPHER-CLIENT-5, GOPHER-TEXT-4).

    Raises:
        ProtocolError: GOPHER-MENU-1 (a line, or an LF-only ending), GOPHER-MENU-2 (no lastline, a
            lastline not ended by CRLF, or data after it), GOPHER-MENU-3.
    """
    items: list[MenuItem] = []
    for line, ending in split_lines(data):
        if line == b".":
            if strict and ending != CRLF:
                raise ProtocolError(f"lastline is {b'.' + ending!r}, not '.\\r\\n'", requirement="GOPHER-MENU-2")
            return items
        if strict and ending != CRLF:
            what = "bare LF" if ending else "no line ending (connection closed mid-line)"
            raise ProtocolError(f"menu line ends with {what}: {line[:120]!r}", requirement="GOPHER-MENU-1")
        if not line.strip() and not strict:
            continue
        items.append(parse_menu_line(line, strict=strict))
    if strict:
        raise ProtocolError("menu does not end with the lastline '.\\r\\n'", requirement="GOPHER-MENU-2")
    return items


def check_menu_framing(data: bytes) -> None:
    """Check that nothing follows the lastline of a menu or text response (GOPHER-MENU-2).

    Raises:
        ProtocolError: no lastline, or octets after it.
    """
    end = find_lastline(data)
    if end is None:
        raise ProtocolError("response does not end with the lastline '.\\r\\n'", requirement="GOPHER-MENU-2")
    if end != len(data):
        raise ProtocolError(f"{len(data) - end} octets after the lastline: {data[end:end + 40]!r}",
                            requirement="GOPHER-MENU-2")


def error_message(data: bytes) -> str | None:
    """If ``data`` is an error response (a menu made only of type-3 and ``i`` lines, at least one type 3,
    GOPHER-ERR-1), return the first error's display string; else ``None``."""
    if not data.startswith(b"3") or len(data) > 65536:
        return None
    try:
        items = parse_menu(data, strict=False)
    except ProtocolError:
        return None
    if not items or any(item.itemtype not in (ERROR, INFO) for item in items):
        return None
    if not any(b"\t" in line for line, _ in split_lines(data) if line.startswith(b"3")):
        return None
    return next(item.display for item in items if item.itemtype == ERROR)


# --------------------------------------------------------------------------- text items
def encode_text(content: bytes, *, lastline: bool = True, stuff: bool = True, line_ending: bytes = CRLF) -> bytes:
    """Encode a stored text file for the wire (RFC 1436 Appendix TextFile).

    Stored line ends (LF or CRLF) become ``line_ending`` (CRLF by default, GOPHER-TEXT-7); each line
    beginning with ``.`` gets an extra ``.`` (dot-stuffing, GOPHER-TEXT-2); a final line without a line
    end gets one; the lastline follows (GOPHER-TEXT-1).  An empty file is just the lastline.
    The keyword arguments exist to produce the mistakes the suite must catch.
    """
    out = bytearray()
    for line, _ending in split_lines(content):
        if stuff and line.startswith(b"."):
            out += b"."
        out += line + line_ending
    if lastline:
        out += b"." + line_ending
    return bytes(out)


def find_lastline(data: bytes) -> int | None:
    """Offset just past the lastline of a menu or text response, or ``None`` if it has not arrived.

    The lastline is a line consisting of ``.`` alone, at the start of ``data`` or right after an LF;
    a CRLF ending is canonical, a bare LF one is tolerated (GOPHER-TEXT-5, GOPHER-TEXT-7).  ``..``
    lines and dots inside lines are content.
    """
    for ending in (b".\r\n", b".\n"):
        if data.startswith(ending):
            return len(ending)
    best: int | None = None
    for ending in (b"\n.\r\n", b"\n.\n"):
        pos = data.find(ending)
        if pos >= 0 and (best is None or pos + len(ending) < best):
            best = pos + len(ending)
    return best


def decode_text(data: bytes, *, require_lastline: bool = True) -> bytes:
    """Decode a text (or menu) response: drop the lastline and what follows, un-stuff leading dots.

    Line endings are kept as received.  A line beginning with ``..`` loses one dot
    (GOPHER-TEXT-3); a line beginning with a single ``.`` and more text is kept as is, a leniency
    toward servers that do not stuff (GOPHER-TEXT-5).

    Raises:
        IncompleteError: no lastline and ``require_lastline`` (tolerant callers pass False,
            GOPHER-TEXT-4).
    """
    end = find_lastline(data)
    if end is None:
        if require_lastline:
            raise IncompleteError("text response has no lastline yet")
        body = data
    else:
        body = data[:end]
        body = body[: body.rfind(b".")]  # drop the lastline itself
    out = bytearray()
    for line, ending in split_lines(body):
        out += (line[1:] if line.startswith(b"..") else line) + ending
    return bytes(out)


def strip_trailing_lastline(data: bytes) -> bytes:
    """For ``h`` items: drop a lastline the server may have added at the very end (GOPHER-EXT-2)."""
    if data in (b".\r\n", b".\n"):
        return b""
    if data.endswith(b"\n.\r\n"):
        return data[:-3]
    if data.endswith(b"\n.\n"):
        return data[:-2]
    return data


def client_outputs(wire: bytes, itemtype: str) -> tuple[bytes, ...]:
    """The outputs the client contract accepts for a response ``wire`` to an item of ``itemtype``.

    DESIGN §5: the item as received (up to and including the lastline, as curl prints it) or decoded
    (lastline removed, dots un-stuffed); for binary items the exact octets; for ``h`` items with or
    without a trailing lastline.  Nothing in between: a client that stops early matches neither.
    """
    kind = framing(itemtype)
    if itemtype == HTML:
        return tuple(dict.fromkeys((wire, strip_trailing_lastline(wire))))
    if kind != "lastline":
        return (wire,)
    end = find_lastline(wire)
    raw = wire if end is None else wire[:end]
    return tuple(dict.fromkeys((raw, decode_text(wire, require_lastline=False))))


# --------------------------------------------------------------------------- incremental reception
class ResponseReader:
    """Incremental receiver for one response: feed it octets as they arrive; it says when it is done.

    ``lastline`` framing completes as soon as the lastline has arrived, without waiting for the close
    (GOPHER-TEXT-6); ``close`` framing completes only at end of stream (GOPHER-BIN-2).  At end of
    stream a lastline response without its lastline is accepted (GOPHER-TEXT-4) and flagged.

    Usage::

        r = ResponseReader("0")
        while not r.complete:
            data = sock.recv(65536)
            r.feed(data) if data else r.feed_eof()
        body = r.body  # what arrived, up to and including the lastline

    Raises (from :meth:`feed`): ProtocolError when more than ``limit`` octets arrive.
    """

    def __init__(self, itemtype: str, *, limit: int = 64 * 2**20) -> None:
        self.itemtype = itemtype
        self.framing: Framing = "close" if framing(itemtype) == "none" else framing(itemtype)
        self.limit = limit
        self._buf = bytearray()
        self._scan = 0
        self.complete = False
        self.lastline_missing = False
        self.surplus = b""

    def feed(self, data: bytes) -> bool:
        """Add received octets; return :attr:`complete`."""
        if self.complete:
            self.surplus += data
            return True
        self._buf += data
        if len(self._buf) > self.limit:
            raise ProtocolError(f"response larger than {self.limit} octets")
        if self.framing == "lastline":
            start = max(0, self._scan - 4)
            window = bytes(self._buf[start:]) if start else bytes(self._buf)
            end = find_lastline(window) if start == 0 else _find_lastline_after(window)
            if end is not None:
                end += start
                self.surplus = bytes(self._buf[end:])
                del self._buf[end:]
                self.complete = True
            self._scan = len(self._buf)
        return self.complete

    def feed_eof(self) -> None:
        """The peer closed the connection."""
        if not self.complete and self.framing == "lastline":
            self.lastline_missing = True
        self.complete = True

    @property
    def body(self) -> bytes:
        """Octets received (for lastline framing: up to and including the lastline)."""
        return bytes(self._buf)


def _find_lastline_after(window: bytes) -> int | None:
    """Like :func:`find_lastline`, but ``window`` starts mid-response, so only ``\\n.`` lines count."""
    best: int | None = None
    for ending in (b"\n.\r\n", b"\n.\n"):
        pos = window.find(ending)
        if pos >= 0 and (best is None or pos + len(ending) < best):
            best = pos + len(ending)
    return best


# --------------------------------------------------------------------------- URLs (RFC 4266)
@dataclass(frozen=True)
class GopherURL:
    """A ``gopher://host[:port]/<type><selector>[%09<search>[%09<gopher+>]]`` URL (RFC 4266 §2).

    Attributes:
        host, port: where to connect (port 70 when omitted).
        itemtype: the first character of the path (``1`` when the path is empty).
        selector: percent-decoded (``str``; invalid UTF-8 kept with surrogateescape).
        search: the percent-decoded search words after ``%09``, or ``None``.
    """

    host: str
    port: int
    itemtype: str
    selector: str
    search: str | None = None

    def request(self) -> bytes:
        """The request line this URL asks for (:func:`format_request`)."""
        return format_request(self.selector, self.search)

    def __str__(self) -> str:
        return format_url(self.host, self.port, self.itemtype, self.selector, self.search)


_URL_SAFE = "/:@!$&'()*+,;=-._~"


def format_url(host: str, port: int, itemtype: str, selector: str, search: str | None = None) -> str:
    """Build a gopher URL (RFC 4266); the selector and search words are percent-encoded as octets."""
    netloc = f"[{host}]" if ":" in host else host
    path = itemtype + urllib.parse.quote(encode_field(selector), safe=_URL_SAFE)
    if search is not None:
        path += "%09" + urllib.parse.quote(encode_field(search), safe=_URL_SAFE)
    return f"gopher://{netloc}:{port}/{path}"


def parse_url(url: str) -> GopherURL:
    """Parse a gopher URL (RFC 4266 §2).

    Raises:
        ProtocolError: not a ``gopher://`` URL, no host, or a bad port.
    """
    if not url.lower().startswith("gopher://"):
        raise ProtocolError(f"not a gopher:// URL: {url!r}")
    rest = url[len("gopher://"):]
    netloc, _, path = rest.partition("/")
    if "@" in netloc:
        netloc = netloc.rsplit("@", 1)[1]
    host, port = netloc, DEFAULT_PORT
    if netloc.startswith("["):
        close = netloc.find("]")
        if close < 0:
            raise ProtocolError(f"bad IPv6 host in {url!r}")
        host, tail = netloc[1:close], netloc[close + 1:]
        if tail.startswith(":") and tail[1:]:
            port = _port(tail[1:], url)
    elif ":" in netloc:
        host, port_text = netloc.rsplit(":", 1)
        if port_text:
            port = _port(port_text, url)
    if not host:
        raise ProtocolError(f"no host in {url!r}")
    path = path.split("#", 1)[0]
    if not path:
        return GopherURL(host, port, MENU, "")
    itemtype, encoded = path[0], path[1:]
    pieces = re.split("%09", encoded, flags=re.IGNORECASE)
    selector = decode_field(urllib.parse.unquote_to_bytes(pieces[0]))
    search = decode_field(urllib.parse.unquote_to_bytes(pieces[1])) if len(pieces) > 1 else None
    return GopherURL(host, port, itemtype, selector, search)


def _port(text: str, url: str) -> int:
    if not text.isdigit() or not 0 < int(text) <= 65535:
        raise ProtocolError(f"bad port {text!r} in {url!r}")
    return int(text)
