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

The code lives in one module per concern; callers use this package as one namespace
(``from reference_servers.gopher import wire``):

* :mod:`.items`: shared constants, the item types, :func:`framing`, :func:`encode_field` / :func:`decode_field`.
* :mod:`.request`: :class:`Request`, :func:`format_request`, :func:`parse_request` (RFC 1436 §2, §3.7).
* :mod:`.menus`: :class:`MenuItem`, formatting and parsing menus, error menus (Appendix DirEntity, Menu).
* :mod:`.text`: text items: lines, dot-stuffing, the lastline, :func:`client_outputs` (Appendix TextFile).
* :mod:`.reader`: :class:`ResponseReader`, incremental reception of one response.
* :mod:`.urls`: :class:`GopherURL`, :func:`format_url`, :func:`parse_url` (RFC 4266).
"""

from __future__ import annotations

from .items import (
    BINARY,
    BINHEX,
    CANONICAL_TYPES,
    CRLF,
    CSO,
    DEFAULT_PORT,
    DOS_BINARY,
    ERROR,
    EXTENSION_TYPES,
    GIF,
    HTML,
    IMAGE,
    INFO,
    INFO_HOST,
    INFO_SELECTOR,
    LASTLINE,
    LASTLINE_TYPES,
    MAX_SELECTOR,
    MENU,
    PLACEHOLDER_HOST,
    REDUNDANT,
    SEARCH,
    TAB,
    TELNET,
    TEXT,
    TN3270,
    UNFETCHABLE_TYPES,
    UUENCODED,
    Framing,
    decode_field,
    encode_field,
    framing,
)
from .menus import (
    MenuItem,
    check_menu_framing,
    error_menu,
    error_message,
    format_menu,
    format_menu_line,
    info_item,
    parse_menu,
    parse_menu_line,
)
from .reader import (
    ResponseReader,
)
from .request import (
    Request,
    format_request,
    parse_request,
)
from .text import (
    client_outputs,
    decode_text,
    encode_text,
    find_lastline,
    split_lines,
    strip_trailing_lastline,
)
from .urls import (
    GopherURL,
    format_url,
    parse_url,
)

__all__ = [
    "CRLF", "LASTLINE", "TAB", "MAX_SELECTOR", "DEFAULT_PORT", "TEXT", "MENU", "CSO", "ERROR", "BINHEX",
    "DOS_BINARY", "UUENCODED", "SEARCH", "TELNET", "BINARY", "REDUNDANT", "TN3270", "GIF", "IMAGE", "INFO", "HTML",
    "CANONICAL_TYPES", "EXTENSION_TYPES", "LASTLINE_TYPES", "UNFETCHABLE_TYPES", "PLACEHOLDER_HOST",
    "INFO_SELECTOR", "INFO_HOST", "Framing", "framing", "encode_field", "decode_field", "Request", "format_request",
    "parse_request", "split_lines", "encode_text", "find_lastline", "decode_text", "strip_trailing_lastline",
    "client_outputs", "MenuItem", "info_item", "format_menu_line", "format_menu", "error_menu", "parse_menu_line",
    "parse_menu", "check_menu_framing", "error_message", "ResponseReader", "GopherURL", "format_url", "parse_url",
]
