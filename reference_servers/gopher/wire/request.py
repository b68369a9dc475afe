"""Gopher request lines (RFC 1436 §2, §3.6, §3.7), sans-I/O: :class:`Request`, :func:`format_request`
and :func:`parse_request` (selector, optional TAB-separated search words or Gopher+ marker, CRLF)."""

from __future__ import annotations

from dataclasses import dataclass

from reference_servers.errors import IncompleteError, ProtocolError

from .items import CRLF, decode_field, encode_field


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
