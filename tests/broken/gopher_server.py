"""A deliberately broken gopher server (RFC 1436), one bug at a time, for the suite's self-tests.

    python tests/broken/gopher_server.py --port PORT --root DIR --bug BUG

:data:`BUGS` names each bug: what real code gets wrong, and the scenarios it must fail with the grade each
failure must get (``tests/gopher/test_gopher_selftest.py`` reads the table).  A bug is one of two kinds:

* a *content* bug (:data:`CONTENT`): the reference server (``reference_servers.gopher``) with one or two of
  its methods replaced by the small functions registered under the bug's name; it runs on the
  reference's own I/O and accept loop (asyncio, idle timeout 3 s), so only the bytes it answers are wrong;
* an *I/O* bug (:data:`SESSIONS`): one plain blocking-socket session function around the reference's
  answer, run by the accept loop :func:`serve`, a thread per client, or inside the loop itself (one client
  at a time) for the bugs in :data:`SERIAL`.
"""

from __future__ import annotations

import argparse
import os
import socket
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from typing import NamedTuple

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))  # the checkout: runs without site (-I -S)

from reference_servers.gopher import menu, wire  # noqa: E402
from reference_servers.gopher.server import GopherServer  # noqa: E402
from reference_servers.standalone import run_standalone  # noqa: E402


class Bug(NamedTuple):
    wrong: str  #: what the program does wrong, and the requirements that forbid it
    fails: dict[str, str]  #: scenario id -> the grade its failure must have (fail, warning, info)


BUGS: dict[str, Bug] = {
    # content bugs: the reference's answer is wrong
    "no-lastline": Bug("menus and text items end without the lastline (`.` CRLF); it just closes (GOPHER-MENU-2, "
                       "GOPHER-TEXT-1)", {"gopher-server-menu-lastline": "fail", "gopher-server-text-item": "fail"}),
    "no-stuffing": Bug("text lines beginning with `.` go out without the extra `.`, so a `.` line ends the item early "
                       "(GOPHER-TEXT-2)", {"gopher-server-text-item-dot-stuffing": "fail"}),
    "spaces": Bug("menu fields are separated by spaces, not TABs (GOPHER-MENU-1)", {"gopher-server-menu-syntax": "fail"}),
    "raw-names": Bug("menus are built from raw file names: a TAB, CR or LF in a name breaks its line (GOPHER-MENU-3)",
                     {"gopher-server-menu-odd-names": "fail"}),
    "lf-endings": Bug("menus and text items use bare LF line ends, the lastline is `.` LF (GOPHER-MENU-1, "
                      "GOPHER-TEXT-7)", {"gopher-server-menu-syntax": "fail", "gopher-server-text-crlf": "warning"}),
    "wrong-port": Bug("menus advertise port 70, not the port the server listens on (GOPHER-MENU-4)",
                      {"gopher-server-menu-items-reachable": "fail"}),
    "traversal": Bug("selectors are joined to the root unchecked, so `../` climbs out of it (GOPHER-SEC-1)",
                     {"gopher-server-traversal": "warning"}),
    "binary-as-text": Bug("binary items go out as text: CRLF line ends, dot-stuffed, with a lastline (GOPHER-BIN-1)",
                          {"gopher-server-binary-item-exact": "fail"}),
    "wrong-types": Bug("every file is typed 0 (text) in menus, whatever it holds (GOPHER-TYPE-1)",
                       {"gopher-server-item-types": "fail"}),
    "silent-error": Bug("a selector it cannot serve gets an empty close, not a type-3 error item (GOPHER-ERR-1)",
                        {"gopher-server-error-item": "warning"}),
    "tab-selector": Bug("the whole line up to CRLF, TAB suffix included, is the selector: Gopher+ requests are not "
                        "found, search words join the selector (GOPHER-REQ-4, GOPHER-SEARCH-1)",
                        {"gopher-server-selector-tab-suffix": "fail", "gopher-server-search-menu": "fail"}),
    "no-empty-selector": Bug("an empty selector gets an error item, not the root menu (GOPHER-REQ-2)",
                             {"gopher-server-empty-selector-root-menu": "fail"}),
    "search-silent": Bug("a search with no hits closes without a byte, not even the lastline (GOPHER-SEARCH-5)",
                         {"gopher-server-search-no-hits": "warning"}),
    "long-display": Bug("display strings are padded to 101 characters, past the 70 of the guideline (GOPHER-MENU-5)",
                        {"gopher-server-menu-display-length": "warning"}),
    "short-buffer": Bug("the selector is cut to a 100-character buffer, so longer ones are not found (GOPHER-REQ-6)",
                        {"gopher-server-long-selector": "warning"}),
    "no-url-links": Bug("`URL:` selectors get an error item, not the HTML redirect page (GOPHER-EXT-3)",
                        {"gopher-server-url-selector": "warning"}),
    # I/O bugs: the answer is right, the session around it is not
    "one-recv": Bug("the first recv() is the whole request line, stripped: a split selector is cut short, bytes after "
                    "the CRLF join it (NET-TCP-1, GOPHER-REQ-3, GOPHER-REQ-9)",
                    {"gopher-server-selector-trickled": "fail", "gopher-server-selector-split": "fail",
                     "gopher-server-selector-with-surplus": "warning"}),
    "blocking": Bug("one client at a time, blocking reads with no timeout and no bound on the line: an idle client "
                    "blocks everybody (NET-TCP-6, GOPHER-REQ-7, GOPHER-REQ-6)",
                    {"gopher-server-idle-client-does-not-block": "warning", "gopher-server-request-timeout": "warning",
                     "gopher-server-oversize-request": "warning"}),
    "banner": Bug("greets every client with a banner line before reading the request (GOPHER-REQ-1)",
                  {"gopher-server-no-banner": "fail"}),
    "crlf-only": Bug("waits for CRLF and ignores a bare LF, so a bare-LF request hangs (GOPHER-REQ-5)",
                     {"gopher-server-request-bare-lf": "warning"}),
    "keep-open": Bug("does not close after the response; it waits for the client to (GOPHER-REQ-8)",
                     {"gopher-server-close-after-response": "fail"}),
    "half-close-abort": Bug("takes the client's half-close after its request for an abort and answers nothing "
                            "(NET-TCP-4)", {"gopher-server-half-close-after-request": "warning"}),
    "fragile": Bug("one client at a time, any exception escapes: a reset, or a selector holding NUL or a stray CR, "
                   "kills the server (NET-TCP-5, GOPHER-SEC-1, GOPHER-REQ-2)",
                   {"gopher-server-survives-resets": "fail", "gopher-server-selector-with-nul": "warning",
                    "gopher-server-selector-with-cr": "fail"}),
    "single-send": Bug("one send() on a nonblocking socket, whatever the kernel took: large items are cut (NET-TCP-3)",
                       {"gopher-server-large-binary": "fail"}),
    "no-drain": Bug("closes with the client's surplus after the line unread: the kernel resets and the unsent rest of "
                    "the item is lost (NET-TCP-9)", {"gopher-server-unread-input": "warning"}),
}

#: content bug -> {name of a GopherServer method: the function that replaces it}
CONTENT: dict[str, dict[str, Callable]] = {}
#: I/O bug -> its session: ``session(conn, ref, port)`` serves one accepted connection
SESSIONS: dict[str, Callable[[socket.socket, GopherServer, int], None]] = {}
#: I/O bugs served inside the accept loop, one client at a time (an exception there ends the server)
SERIAL = {"blocking", "fragile"}


def replaces(bug: str, method: str) -> Callable[[Callable], Callable]:
    """Register the decorated function as ``bug``'s replacement of ``GopherServer.<method>``."""
    def register(fn: Callable) -> Callable:
        CONTENT.setdefault(bug, {})[method] = fn
        return fn
    return register


def io_bug(bug: str) -> Callable[[Callable], Callable]:
    """Register the decorated function as ``bug``'s session."""
    def register(fn: Callable) -> Callable:
        SESSIONS[bug] = fn
        return fn
    return register


# ---------------------------------------------------------------------- content bugs
@replaces("no-lastline", "format_menu")
def _menu_no_lastline(self, items):
    return wire.format_menu(items, lastline=False)  # BUG: no ".\r\n"


@replaces("no-lastline", "encode_text")
def _text_no_lastline(self, content):
    return wire.encode_text(content, lastline=False)  # BUG: no ".\r\n"


@replaces("no-stuffing", "encode_text")
def _no_stuffing(self, content):
    return wire.encode_text(content, stuff=False)  # BUG: "." lines are not doubled


@replaces("spaces", "format_menu")
def _spaces(self, items):
    lines = [f"{i.itemtype}{i.display} {i.selector} {i.host} {i.port}\r\n" for i in items]  # BUG: spaces
    return "".join(lines).encode() + b".\r\n"


@replaces("raw-names", "respond")
def _raw_names(self, request, host, port):
    path = menu.resolve(self.root, request.selector)
    if path is None or not path.is_dir():
        return GopherServer.respond(self, request, host, port)
    base = request.selector.rstrip("/")
    lines = [f"{menu.item_type(path / n)}{n}\t{base}/{n}\t{host}\t{port}\r\n"  # BUG: names not checked
             for n in sorted(os.listdir(path)) if not n.startswith(".")]
    return iter(["".join(lines).encode("utf-8", "surrogateescape") + b".\r\n"])


@replaces("lf-endings", "format_menu")
def _menu_lf(self, items):
    return wire.format_menu(items, line_ending=b"\n")  # BUG: LF, not CRLF


@replaces("lf-endings", "encode_text")
def _text_lf(self, content):
    return wire.encode_text(content, line_ending=b"\n")  # BUG: LF, not CRLF


@replaces("wrong-port", "format_menu")
def _wrong_port(self, items):
    items = [wire.MenuItem(i.itemtype, i.display, i.selector, i.host, 70) for i in items]  # BUG
    return wire.format_menu(items)


@replaces("traversal", "respond")
def _traversal(self, request, host, port):
    path = Path(str(self.root) + "/" + request.selector.lstrip("/"))  # BUG: no normalisation, no check
    if ".." in request.selector and path.is_file():
        return iter([path.read_bytes()])
    return GopherServer.respond(self, request, host, port)


@replaces("binary-as-text", "binary")
def _binary_as_text(self, path):
    yield wire.encode_text(path.read_bytes())  # BUG: binaries are not text


@replaces("wrong-types", "format_menu")
def _wrong_types(self, items):
    items = [wire.MenuItem("0" if i.itemtype in "9gIh" else i.itemtype, i.display, i.selector, i.host, i.port)
             for i in items]  # BUG: binaries advertised as text
    return wire.format_menu(items)


@replaces("silent-error", "error")
def _silent_error(self, message):
    return b""  # BUG: nothing at all; a client cannot tell a failure from an empty item


@replaces("tab-selector", "respond")
def _tab_selector(self, request, host, port):
    whole = "\t".join((request.selector, *request.fields))  # BUG: TAB suffix kept
    return GopherServer.respond(self, wire.Request(whole), host, port)


@replaces("no-empty-selector", "respond")
def _no_empty_selector(self, request, host, port):
    if request.selector == "":
        return iter([self.error("empty selector")])  # BUG: should list the root
    return GopherServer.respond(self, request, host, port)


@replaces("search-silent", "respond")
def _search_silent(self, request, host, port):
    chunks = list(GopherServer.respond(self, request, host, port))
    if request.selector == menu.SEARCH_SELECTOR and chunks == [b".\r\n"]:
        return iter([b""])  # BUG: no hits -> zero bytes
    return iter(chunks)


@replaces("long-display", "format_menu")
def _long_display(self, items):
    items = [wire.MenuItem(i.itemtype, (i.display + " " * 100)[:100] + "|", i.selector, i.host, i.port)
             for i in items]  # BUG: 101-character display strings
    return wire.format_menu(items)


@replaces("short-buffer", "respond")
def _short_buffer(self, request, host, port):
    cut = wire.Request(request.selector[:100], request.fields)  # BUG: char selector[100]
    return GopherServer.respond(self, cut, host, port)


@replaces("no-url-links", "respond")
def _no_url_links(self, request, host, port):
    if request.selector.startswith("URL:"):
        return iter([self.error("no such selector")])  # BUG: no redirect page
    return GopherServer.respond(self, request, host, port)


# ---------------------------------------------------------------------- I/O bugs
def answer(ref: GopherServer, line: str, port: int) -> bytes:
    """What the reference server answers to the request ``line`` (``selector[TAB fields]``, no CRLF)."""
    selector, *fields = line.split("\t")
    return b"".join(ref.respond(wire.Request(selector, tuple(fields)), "127.0.0.1", port))


def read_line(conn: socket.socket) -> str:
    """The request line read the plain way: 3 s per recv(), up to the first LF or EOF, CR stripped, UTF-8.

    Raises:
        TimeoutError: 3 s passed without a byte.
    """
    conn.settimeout(3)
    buf = b""
    while b"\n" not in buf and (data := conn.recv(4096)):
        buf += data
    return buf.split(b"\n")[0].rstrip(b"\r").decode("utf-8", "surrogateescape")


@io_bug("one-recv")
def _one_recv(conn, ref, port):
    with conn:
        selector = conn.recv(1024).decode("utf-8", "replace").strip()  # BUG: one recv() = one request
        conn.sendall(answer(ref, selector, port))


@io_bug("blocking")
def _blocking(conn, ref, port):
    with conn:
        buf = b""
        while b"\n" not in buf:  # BUG: no timeout, no size limit
            data = conn.recv(4096)
            if not data:
                return
            buf += data
        conn.sendall(answer(ref, buf.split(b"\n")[0].rstrip(b"\r").decode(), port))


@io_bug("banner")
def _banner(conn, ref, port):
    with conn:
        conn.sendall(b"Welcome to gopher!\r\n")  # BUG: speaks first
        conn.sendall(answer(ref, read_line(conn), port))


@io_bug("crlf-only")
def _crlf_only(conn, ref, port):
    with conn:
        conn.settimeout(3)
        buf = b""
        while b"\r\n" not in buf:  # BUG: a bare LF never ends the line
            data = conn.recv(4096)
            if not data:
                return
            buf += data
        conn.sendall(answer(ref, buf.split(b"\r\n")[0].decode(), port))


@io_bug("keep-open")
def _keep_open(conn, ref, port):
    with conn:
        conn.sendall(answer(ref, read_line(conn), port))
        conn.settimeout(2)
        try:
            while conn.recv(4096):  # BUG: waits for the client to hang up first
                pass
        except OSError:
            pass


@io_bug("half-close-abort")
def _half_close_abort(conn, ref, port):
    with conn:
        line = read_line(conn)
        conn.settimeout(0.2)
        try:
            if conn.recv(1, socket.MSG_PEEK) == b"":
                return  # BUG: "client went away", but it only shut down its sending side
        except (TimeoutError, OSError):
            pass
        conn.sendall(answer(ref, line, port))


@io_bug("fragile")
def _fragile(conn, ref, port):
    conn.settimeout(3)
    buf = b""
    while b"\n" not in buf:
        try:
            data = conn.recv(4096)  # BUG: ConnectionResetError is not caught: it ends the process
        except TimeoutError:
            conn.close()
            return
        if not data:
            conn.close()
            return
        buf += data
    request, _ = wire.parse_request(buf)  # BUG: its ProtocolError (NUL, stray CR) ends the process
    conn.sendall(answer(ref, request.selector, port))
    conn.close()


@io_bug("single-send")
def _single_send(conn, ref, port):
    with conn:
        body = answer(ref, read_line(conn), port)
        conn.setblocking(False)
        try:
            conn.send(body)  # BUG: one send(); whatever it did not take is lost
        except BlockingIOError:
            pass


@io_bug("no-drain")
def _no_drain(conn, ref, port):
    with conn:
        conn.settimeout(3)
        buf = b""
        while b"\n" not in buf and (data := conn.recv(1)):  # reads exactly up to the LF
            buf += data
        line = buf.rstrip(b"\r\n").decode("utf-8", "surrogateescape")
        conn.settimeout(30)
        conn.sendall(answer(ref, line, port))
    # BUG: closed with the client's surplus unread: RST, and the unsent rest of the item is lost


def serve(port: int, ref: GopherServer, session: Callable, *, serial: bool) -> None:
    """Accept on 127.0.0.1:``port`` (0: any free port), print ``LISTENING tcp 127.0.0.1 <port>``, and run
    ``session`` per connection, in a thread or (``serial``) in this loop; never returns."""
    ls = socket.create_server(("127.0.0.1", port))
    port = ls.getsockname()[1]
    print(f"LISTENING tcp 127.0.0.1 {port}", flush=True)
    while True:
        conn, _ = ls.accept()
        if serial:
            session(conn, ref, port)  # BUG (SERIAL): one client at a time
        else:
            threading.Thread(target=session, args=(conn, ref, port), daemon=True).start()


def main() -> int:
    p = argparse.ArgumentParser()
    p.add_argument("--port", type=int, default=0)
    p.add_argument("--root", required=True)
    p.add_argument("--bug", choices=sorted(BUGS), required=True)
    a = p.parse_args()
    if a.bug in SESSIONS:
        serve(a.port, GopherServer(root=a.root), SESSIONS[a.bug], serial=a.bug in SERIAL)
    broken = type(f"Broken[{a.bug}]", (GopherServer,), CONTENT[a.bug])
    return run_standalone(broken(port=a.port, root=a.root, idle_timeout=3))


if __name__ == "__main__":
    sys.exit(main())
