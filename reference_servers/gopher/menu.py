"""From a document root to gopher items: selector resolution, item types, menus, gophermaps, search.

Pure functions over the file system (no sockets).  Selectors of files and directories are
``/``-separated paths relative to the root (``/dir/file name.txt``); ``""`` and ``/`` are the root menu.
The search item's selector is :data:`SEARCH_SELECTOR`, which no path can equal (paths start with ``/``).
"""

from __future__ import annotations

import mimetypes
import os
import stat
from pathlib import Path

from . import wire

#: selector of the reference server's file-name search (type 7, GOPHER-SEARCH-3: never empty)
SEARCH_SELECTOR = "search:"
#: name of the per-directory menu file (Bucktooth-style gophermap)
GOPHERMAP = "gophermap"
#: longest display string the server writes (RFC 1436 §3.9: under 70 characters, GOPHER-MENU-5)
MAX_DISPLAY = 69
#: octets read to decide whether a file is text
SNIFF = 8192

_FORBIDDEN = frozenset("\t\r\n\0")


def resolve(root: Path, selector: str) -> Path | None:
    """The file or directory ``selector`` names under ``root``, or ``None`` (GOPHER-SEC-1).

    Refuses ``..`` components, hidden names (a leading ``.``), NUL, and anything whose real path
    (symbolic links followed) lies outside the root.  Does not check existence.
    """
    if "\0" in selector or "\\" in selector:
        return None
    parts = [p for p in selector.split("/") if p not in ("", ".")]
    if any(p.startswith(".") for p in parts):  # covers ".." and hidden files
        return None
    root_real = Path(os.path.realpath(root))
    try:
        real = Path(os.path.realpath(root_real.joinpath(*parts)))
    except (OSError, ValueError):
        return None
    if real != root_real and root_real not in real.parents:
        return None
    return real


def selector_for(root: Path, path: Path) -> str:
    """The selector naming ``path`` (inside ``root``)."""
    rel = Path(os.path.realpath(path)).relative_to(os.path.realpath(root))
    return "/" + "/".join(rel.parts)


def looks_like_text(sample: bytes) -> bool:
    """True when ``sample`` reads as text: valid UTF-8 (or Latin-1 without C0 junk), no NUL."""
    if b"\0" in sample:
        return False
    try:
        sample.decode("utf-8")
    except UnicodeDecodeError as exc:
        if exc.start < len(sample) - 4:  # a sequence cut by the sniff window is fine
            return False
    control = sum(1 for b in sample if b < 32 and b not in (9, 10, 12, 13))
    return control == 0


def item_type(path: Path) -> str:
    """The item type of ``path`` by what it really is (GOPHER-TYPE-1).

    Directory ``1``; ``.gif`` ``g``; other images ``I``; HTML ``h``; BinHex ``4``; text (by
    extension *and* content: a ``.txt`` holding NULs is binary) ``0``; anything else ``9``.
    """
    if path.is_dir():
        return wire.MENU
    mime, encoding = mimetypes.guess_type(path.name, strict=False)
    if encoding is not None:
        return wire.BINARY  # compressed: never text
    if mime == "image/gif":
        return wire.GIF
    if mime and mime.startswith("image/"):
        return wire.IMAGE
    if mime == "application/mac-binhex40":
        return wire.BINHEX
    try:
        with path.open("rb") as f:
            sample = f.read(SNIFF)
    except OSError:
        return wire.BINARY
    if mime == "text/html":
        return wire.HTML if looks_like_text(sample) else wire.BINARY
    if mime is not None and not mime.startswith("text/"):
        return wire.BINARY
    return wire.TEXT if looks_like_text(sample) else wire.BINARY


def display_string(name: str, limit: int = MAX_DISPLAY) -> str:
    """``name`` shortened to ``limit`` characters (GOPHER-MENU-5), with ``...`` when cut."""
    return name if len(name) <= limit else name[: limit - 3] + "..."


def servable(path: Path) -> bool:
    """A directory or a regular file: never a FIFO, device or socket, which would block or never end
    (opening a FIFO waits for a writer; a device streams for ever)."""
    try:
        mode = path.stat().st_mode
    except OSError:
        return False
    return stat.S_ISDIR(mode) or stat.S_ISREG(mode)


def listable(name: str) -> bool:
    """True for names a menu can carry (GOPHER-MENU-3: no TAB, CR, LF, NUL) and does show."""
    return not name.startswith(".") and name != GOPHERMAP and not (_FORBIDDEN & set(name))


def directory_menu(root: Path, directory: Path, host: str, port: int) -> list[wire.MenuItem]:
    """The menu of ``directory``: its ``gophermap`` when present, else one item per entry.

    Entries are sorted by name; hidden entries, the gophermap itself, names with TAB, CR, LF or NUL
    (GOPHER-MENU-3), symbolic links leading outside the root and special files (FIFOs, devices, sockets)
    are left out.  The root menu also
    offers the file-name search (type 7).
    """
    gophermap = directory / GOPHERMAP
    if gophermap.is_file():
        return parse_gophermap(gophermap.read_bytes(), selector_for(root, directory), host, port)
    items: list[wire.MenuItem] = []
    if Path(os.path.realpath(directory)) == Path(os.path.realpath(root)):
        items.append(wire.MenuItem(wire.SEARCH, "Search file names", SEARCH_SELECTOR, host, port))
    try:
        names = sorted(os.listdir(directory))
    except OSError:
        names = []
    for name in names:
        if not listable(name):
            continue
        path = directory / name
        if resolve(root, selector_for_unresolved(root, path)) is None or not servable(path):
            continue
        itemtype = item_type(path)
        display = display_string(name + ("/" if itemtype == wire.MENU else ""))
        items.append(wire.MenuItem(itemtype, display, selector_for_unresolved(root, path), host, port))
    return items


def selector_for_unresolved(root: Path, path: Path) -> str:
    """Selector of ``path`` by its name under ``root`` (symbolic links not followed)."""
    rel = path.relative_to(root)
    return "/" + "/".join(rel.parts)


def parse_gophermap(data: bytes, dir_selector: str, host: str, port: int) -> list[wire.MenuItem]:
    """Items of a Bucktooth-style gophermap.

    A line without TAB is an ``i`` line.  A line with TABs is ``Tdisplay TAB selector [TAB host
    [TAB port]]``: a missing selector is the display string, a relative selector (no leading ``/``,
    not ``URL:``) is taken relative to the directory, a missing host or port is this server's.
    A line holding ``.`` alone ends the map.
    """
    items: list[wire.MenuItem] = []
    for raw, _ending in wire.split_lines(data):
        line = wire.decode_field(raw)
        if line == ".":
            break
        if "\t" not in line:
            items.append(wire.info_item(line))
            continue
        fields = line.split("\t")
        itemtype, display = fields[0][:1] or wire.INFO, fields[0][1:]
        selector = fields[1] if len(fields) > 1 and fields[1] else display
        if not selector.startswith("/") and not selector.startswith("URL:") and selector != SEARCH_SELECTOR:
            selector = dir_selector.rstrip("/") + "/" + selector
        item_host = fields[2] if len(fields) > 2 and fields[2] else host
        item_port = int(fields[3]) if len(fields) > 3 and fields[3].strip().isdigit() else port
        items.append(wire.MenuItem(itemtype, display, selector, item_host, item_port))
    return items


def search(root: Path, words: str, host: str, port: int, limit: int = 200) -> list[wire.MenuItem]:
    """A virtual directory of the files and directories whose names contain every word (GOPHER-SEARCH-1).

    Words are separated by spaces and combined with an implied AND, case-insensitively
    (GOPHER-SEARCH-4); boolean operators are not implemented.  No hits gives an empty list
    (GOPHER-SEARCH-5).  At most ``limit`` items, sorted by selector.
    """
    terms = [w.lower() for w in words.split() if w]
    hits: list[wire.MenuItem] = []
    root_real = Path(os.path.realpath(root))
    for dirpath, dirnames, filenames in os.walk(root_real):
        dirnames[:] = sorted(d for d in dirnames if listable(d))
        for name in sorted([*dirnames, *filenames]):
            if not listable(name) or not all(t in name.lower() for t in terms):
                continue
            path = Path(dirpath) / name
            selector = selector_for_unresolved(root_real, path)
            if resolve(root_real, selector) is None:
                continue
            hits.append(wire.MenuItem(item_type(path), display_string(selector.lstrip("/")), selector, host, port))
            if len(hits) >= limit:
                return hits
    return hits


def url_redirect_page(url: str) -> bytes:
    """The HTML page answering a ``URL:`` selector (GOPHER-EXT-3, Goerzen's "Links to URL").

    A meta refresh to the URL after 2 s (no JavaScript, no images) and a link to it.
    """
    from html import escape

    u = escape(url, quote=True)
    return (
        "<!DOCTYPE html>\n<html><head>\n"
        f'<meta http-equiv="refresh" content="2;URL={u}">\n'
        "<title>Link to a URL</title></head>\n<body>\n"
        f'<p>This gopher link leads to <a href="{u}">{u}</a>.</p>\n'
        "</body></html>\n"
    ).encode()
