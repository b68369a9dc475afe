"""Gopher URLs (RFC 4266 §2), sans-I/O: :class:`GopherURL`, :func:`format_url` and :func:`parse_url`
(percent-encoded selector and search words, ``%09`` separators, port 70 by default)."""

from __future__ import annotations

import re
import urllib.parse
from dataclasses import dataclass

from reference_servers.errors import ProtocolError

from .items import DEFAULT_PORT, MENU, decode_field, encode_field
from .request import format_request


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
