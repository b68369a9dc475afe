"""A deliberately broken gopher client (RFC 1436), one bug at a time, for the suite's self-tests.

    python tests/broken/gopher_client.py --bug BUG [--timeout S] gopher://HOST:PORT/TYPEselector

:data:`BUGS` names each bug: what real code gets wrong, and the scenarios it must fail with the grade each
failure must get (``tests/gopher/test_gopher_selftest.py`` reads the table).  Each bug is one fetch function
below (:data:`FETCH`), built from the same few steps (connect, send the request, read to the close or by the
item type's end rule, write stdout); ``# BUG`` marks the step it gets wrong.  ``--timeout`` (seconds,
default 5) bounds the connect and each read, unless the bug is not to.
"""

from __future__ import annotations

import argparse
import re
import socket
import sys
from collections.abc import Callable
from pathlib import Path
from typing import NamedTuple

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))  # the checkout: runs without site (-I -S)

from reference_servers.gopher import wire  # noqa: E402


class Bug(NamedTuple):
    wrong: str  #: what the program does wrong, and the requirements that forbid it
    fails: dict[str, str]  #: scenario id -> the grade its failure must have (fail, warning, info)


BUGS: dict[str, Bug] = {
    "binary-dot": Bug("every item type is read up to the lastline, binaries included: a binary holding CRLF . CRLF is "
                      "cut there (GOPHER-BIN-2, GOPHER-CLIENT-4)",
                      {"gopher-client-binary-with-lastline-inside": "fail", "gopher-client-image-item": "warning",
                       "gopher-client-html-item": "warning"}),
    "one-recv": Bug("a single recv() is the whole response (NET-TCP-1)",
                    {"gopher-client-fragmented-text": "fail", "gopher-client-split-at-boundaries": "fail",
                     "gopher-client-large-binary": "fail", "gopher-client-paused-server": "warning"}),
    "waits-close": Bug("ignores the lastline and reads until the server closes, as curl does (GOPHER-TEXT-8)",
                       {"gopher-client-lastline-then-held-open": "warning"}),
    "no-timeout": Bug("no timeout at all: a server that accepts and never answers is waited for forever (NET-TCP-8)",
                      {"gopher-client-stalled-server": "warning", "gopher-client-stall-mid-item": "warning",
                       "gopher-client-never-accepted": "warning"}),
    "strict-lastline": Bug("reports an error when a text item ends without the lastline (GOPHER-TEXT-4)",
                           {"gopher-client-text-without-lastline": "warning"}),
    "keeps-stuffing": Bug("removes the lastline of text items but leaves the stuffed dots (GOPHER-TEXT-3)",
                          {"gopher-client-text-dot-unstuffing": "warning"}),
    "dot-stop": Bug("any line beginning with `.` ends a text item (GOPHER-TEXT-5)", {"gopher-client-text-dot-lines": "fail"}),
    "quotes-selector": Bug("sends the selector still percent-encoded, and a search as `selector?words` (GOPHER-CLIENT-1, "
                           "GOPHER-SEARCH-2)", {"gopher-client-selector-opaque": "fail", "gopher-client-search-request": "fail"}),
    "ignores-errors": Bug("exits 0 whatever happens: error item, empty response, refused or reset connection "
                          "(GOPHER-ERR-2, GOPHER-ERR-3, NET-TCP-8)",
                          {"gopher-client-error-item": "warning", "gopher-client-empty-response": "warning",
                           "gopher-client-refused": "warning"}),
    "strict-menu": Bug("validates menus strictly: `i` lines without TABs, LF-only or blank lines, Gopher+ fields, unknown "
                       "types and 8-bit display strings are fatal (GOPHER-EXT-1, GOPHER-CLIENT-5, GOPHER-MENU-6, "
                       "GOPHER-TYPE-2, GOPHER-MENU-7)",
                       {"gopher-client-menu-sparse-info": "warning", "gopher-client-menu-gopher-plus-fields": "warning",
                        "gopher-client-menu-lf-only": "warning", "gopher-client-menu-unknown-types": "warning",
                        "gopher-client-menu-high-octets": "warning"}),
    "gopher-plus": Bug("appends the Gopher+ marker TAB + to every request (GOPHER-EXT-4)",
                       {"gopher-client-no-gopher-plus-suffix": "warning"}),
    "fetch-anything": Bug("fetches every URL with a gopher transaction: telnet targets get a selector, `URL:` links go "
                          "to the gopher server (GOPHER-TYPE-4, GOPHER-EXT-3)",
                          {"gopher-client-telnet-item": "info", "gopher-client-url-link": "warning"}),
    "waits-greeting": Bug("waits for the server to speak before sending its request (GOPHER-CLIENT-3)",
                          {"gopher-client-request-without-greeting": "fail"}),
    "reset-ok": Bug("a reset ends a binary item like the close: exit 0 with a truncated file (GOPHER-CLIENT-6)",
                    {"gopher-client-reset-mid-binary": "warning"}),
    "default-port": Bug("parses the URL with a pattern that drops the port and always connects to 70 (GOPHER-CLIENT-2)",
                        {"gopher-client-item-at-advertised-port": "fail", "gopher-client-menu": "fail"}),
}

#: bug -> its fetch: ``fetch(args, url)`` runs the whole client and returns the exit status
FETCH: dict[str, Callable[[argparse.Namespace, wire.GopherURL], int]] = {}


def bug(name: str) -> Callable[[Callable], Callable]:
    """Register the decorated function as the fetch of bug ``name``."""
    def register(fn: Callable) -> Callable:
        FETCH[name] = fn
        return fn
    return register


def connect(url: wire.GopherURL, timeout: float | None) -> socket.socket:
    """A TCP connection to the URL's host and port, ``timeout`` seconds on the connect and on each later call."""
    return socket.create_connection((url.host, url.port), timeout=timeout)


def read_to_close(sock: socket.socket) -> bytes:
    out = b""
    while data := sock.recv(65536):
        out += data
    return out


def read_item(sock: socket.socket, reader: wire.ResponseReader) -> bytes:
    """Feed ``reader`` (the end rule of one item type) until it is complete; its body."""
    while not reader.complete:
        data = sock.recv(65536)
        reader.feed(data) if data else reader.feed_eof()
    return reader.body


def write(data: bytes) -> None:
    sys.stdout.buffer.write(data)


@bug("binary-dot")
def _binary_dot(a, url):
    with connect(url, a.timeout) as s:
        s.sendall(url.request())
        body = read_item(s, wire.ResponseReader("0"))  # BUG: text rules for every type
    write(wire.decode_text(body, require_lastline=False))
    return 0


@bug("one-recv")
def _one_recv(a, url):
    with connect(url, a.timeout) as s:
        s.sendall(url.request())
        data = s.recv(65536)  # BUG: one recv() = one response
    write(data)
    return 0


@bug("waits-close")
def _waits_close(a, url):
    with connect(url, 60) as s:
        s.sendall(url.request())
        data = read_to_close(s)  # BUG: the lastline already ended the response
    write(data)
    return 0


@bug("no-timeout")
def _no_timeout(a, url):
    s = socket.create_connection((url.host, url.port))
    s.settimeout(None)  # BUG: --timeout ignored
    s.sendall(url.request())
    write(read_to_close(s))
    return 0


@bug("strict-lastline")
def _strict_lastline(a, url):
    with connect(url, a.timeout) as s:
        s.sendall(url.request())
        data = read_to_close(s)
    if url.itemtype in "017" and wire.find_lastline(data) is None:
        print("gopher: no lastline", file=sys.stderr)
        return 1  # BUG: the close ends the item just as well
    write(data)
    return 0


@bug("keeps-stuffing")
def _keeps_stuffing(a, url):
    with connect(url, a.timeout) as s:
        s.sendall(url.request())
        data = read_to_close(s)
    end = wire.find_lastline(data)
    if end is not None:
        data = data[: end - 3]  # BUG: drops ".\r\n" but keeps "..x" as "..x"
    write(data)
    return 0


@bug("dot-stop")
def _dot_stop(a, url):
    with connect(url, a.timeout) as s:
        s.sendall(url.request())
        data = read_to_close(s)
    out = b""
    for line in data.split(b"\r\n"):
        if line.startswith(b"."):
            break  # BUG: "..x" and ".y" are content
        out += line + b"\r\n"
    write(out)
    return 0


@bug("quotes-selector")
def _quotes_selector(a, url):
    path = a.url.split("/", 3)[3] if a.url.count("/") >= 3 else ""
    selector = path[1:].replace("%09", "?").replace("%09".lower(), "?")  # BUG: no percent-decoding, "?" for TAB
    with connect(url, a.timeout) as s:
        s.sendall(selector.encode() + b"\r\n")
        body = read_item(s, wire.ResponseReader(url.itemtype))
    write(body)
    return 0


@bug("ignores-errors")
def _ignores_errors(a, url):
    reader = wire.ResponseReader(url.itemtype)
    try:
        with connect(url, a.timeout) as s:
            s.sendall(url.request())
            read_item(s, reader)
    except OSError:
        pass  # BUG: refused, reset, timed out: "no data" is not success
    write(reader.body)
    return 0  # BUG: never looks for a type-3 error item or an empty response either


@bug("strict-menu")
def _strict_menu(a, url):
    with connect(url, a.timeout) as s:
        s.sendall(url.request())
        body = read_item(s, wire.ResponseReader(url.itemtype))
    if url.itemtype == "1":
        lines = body.split(b"\r\n")
        if lines[-2:] != [b".", b""]:
            raise SystemExit("gopher: menu not in CRLF lines ending with the lastline")  # BUG: too strict
        for line in lines[:-2]:
            display, _selector, _host, port = line.split(b"\t", 3)  # BUG: exactly 4 fields
            if display[:1].decode() not in "0123456789+TgIih":
                raise SystemExit(f"gopher: unknown item type {display[:1]!r}")  # BUG: should be skipped
            display.decode("ascii")  # BUG: 8-bit display strings are legal
            int(port)  # BUG: "70\t+" is not a number
    write(body)
    return 0


@bug("gopher-plus")
def _gopher_plus(a, url):
    with connect(url, a.timeout) as s:
        s.sendall(url.request()[:-2] + b"\t+\r\n")  # BUG: Gopher+ request to a basic server
        body = read_item(s, wire.ResponseReader(url.itemtype))
    write(body)
    return 0


@bug("fetch-anything")
def _fetch_anything(a, url):
    with connect(url, a.timeout) as s:
        s.sendall(url.request())  # BUG: whatever the type, whatever the selector
        data = read_to_close(s)
    write(data)
    return 0


@bug("waits-greeting")
def _waits_greeting(a, url):
    with connect(url, a.timeout) as s:
        greeting = s.recv(1024)  # BUG: gopher servers never greet
        s.sendall(url.request())
        data = greeting + read_to_close(s)
    write(data)
    return 0


@bug("reset-ok")
def _reset_ok(a, url):
    with connect(url, a.timeout) as s:
        s.sendall(url.request())
        out = b""
        try:
            while data := s.recv(65536):
                out += data
        except ConnectionResetError:
            pass  # BUG: a reset is not the end of the item
    write(out)
    return 0


@bug("default-port")
def _default_port(a, url):
    host = re.match(r"gopher://([^:/]+)", a.url).group(1)
    try:
        with socket.create_connection((host, 70), timeout=a.timeout) as s:  # BUG: the URL's port is ignored
            s.sendall(url.request())
            out = read_to_close(s)
    except OSError as exc:
        print(f"gopher: {exc}", file=sys.stderr)
        return 3
    write(out)
    return 0


def main() -> int:
    p = argparse.ArgumentParser()
    p.add_argument("--timeout", type=float, default=5.0)
    p.add_argument("--bug", choices=sorted(BUGS), required=True)
    p.add_argument("url")
    a = p.parse_args()
    return FETCH[a.bug](a, wire.parse_url(a.url))


if __name__ == "__main__":
    sys.exit(main())
