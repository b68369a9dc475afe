"""Gopher item types, how each response ends, and the encoding of fields (RFC 1436 §3.8, Appendix).

The constants every other part of the wire format shares: CRLF, the lastline, the selector limit, the
default port, the item type characters and their groups, and the placeholders of error and ``i`` lines;
:func:`framing` (how a response to an item type ends); :func:`encode_field` / :func:`decode_field`
(UTF-8 with ``surrogateescape``, so any octets round-trip).
"""

from __future__ import annotations

from typing import Literal

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
