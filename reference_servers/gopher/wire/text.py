"""Gopher text items (RFC 1436 Appendix TextFile), sans-I/O: lines, dot-stuffing and the lastline.

:func:`split_lines`, :func:`encode_text` (stuff and terminate), :func:`find_lastline`, :func:`decode_text`
(un-stuff), :func:`strip_trailing_lastline` (``h`` items) and :func:`client_outputs` (the outputs the
client contract accepts for a response).
"""

from __future__ import annotations

from reference_servers.errors import IncompleteError

from .items import CRLF, HTML, framing


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


def find_lastline(data: bytes, *, mid_response: bool = False) -> int | None:
    """Offset just past the lastline of a menu or text response, or ``None`` if it has not arrived.

    The lastline is a line consisting of ``.`` alone, at the start of ``data`` or right after an LF;
    a CRLF ending is canonical, a bare LF one is tolerated (GOPHER-TEXT-5, GOPHER-TEXT-7).  ``..``
    lines and dots inside lines are content.  With ``mid_response``, ``data`` is a window that starts
    inside the response (not at a line start), so only a ``.`` line after an LF counts.
    """
    for ending in () if mid_response else (b".\r\n", b".\n"):
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
