"""Gopher menus (RFC 1436 Appendix DirEntity, Menu), sans-I/O: menu lines and whole menus.

:class:`MenuItem`, :func:`format_menu_line`, :func:`format_menu`, :func:`info_item` and :func:`error_menu`
(sending); :func:`parse_menu_line` and :func:`parse_menu`, strict or lenient, :func:`check_menu_framing`
and :func:`error_message` (receiving).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from reference_servers.errors import ProtocolError

from .items import CRLF, ERROR, INFO, INFO_HOST, INFO_SELECTOR, PLACEHOLDER_HOST, decode_field, encode_field, framing
from .text import find_lastline, split_lines


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
