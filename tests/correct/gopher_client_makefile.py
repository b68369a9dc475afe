"""A gopher client (RFC 1436, URLs per RFC 4266) reading through ``socket.makefile('rb')``.

Menus, text and search results are read line by line until the lastline (a line holding ``.`` alone)
or the close (RFC 1436: "The client should be prepared for the server closing the connection without
sending the Lastline"), and printed decoded: lastline dropped, one leading dot removed from ``..``
lines.  Binary items (5, 9, g, I, h and anything else) are copied until the close.  Every wait is bounded
by ``--timeout`` (default 10 s).  Errors (type-3 items, empty responses, resets, timeouts) exit non-zero.

Usage: gopher_client_makefile.py [--timeout S] URL
"""

from __future__ import annotations

import argparse
import socket
import sys
import urllib.parse

LINE_TYPES = "017"


def split_url(url: str):
    u = urllib.parse.urlsplit(url)
    if u.scheme.lower() != "gopher":
        raise ValueError("not a gopher URL")
    path = u.path + ("?" + u.query if u.query else "")
    if path.startswith("/"):
        path = path[1:]
    itemtype, encoded = (path[0], path[1:]) if path else ("1", "")
    pieces = encoded.replace("%09", "\t").split("\t") if "%09" in encoded else [encoded]
    selector = urllib.parse.unquote_to_bytes(pieces[0])
    search = urllib.parse.unquote_to_bytes(pieces[1]) if len(pieces) > 1 else None
    return u.hostname, u.port or 70, itemtype, selector, search


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--timeout", type=float, default=10.0)
    ap.add_argument("url")
    args = ap.parse_args()
    try:
        host, port, itemtype, selector, search = split_url(args.url)
    except ValueError as exc:
        print(f"bad URL: {exc}", file=sys.stderr)
        return 2
    if itemtype in ("8", "T", "2"):
        print(f"telnet/CSO item: connect to {host}:{port} yourself (login {selector.decode(errors='replace')})",
              file=sys.stderr)
        return 3
    if selector.startswith(b"URL:"):
        print(selector[4:].decode(errors="replace"))
        return 3  # a link to something that is not gopher: nothing fetched
    request = selector + (b"\t" + search if search is not None else b"") + b"\r\n"
    out = sys.stdout.buffer
    try:
        sock = socket.create_connection((host, port), timeout=args.timeout)
        with sock, sock.makefile("rb") as f:
            sock.sendall(request)
            if itemtype not in LINE_TYPES:
                data = f.read()
                if not data:
                    print("empty response", file=sys.stderr)
                    return 5
                out.write(data)
                return 0
            lines = []
            while True:
                line = f.readline()
                if not line or line.rstrip(b"\r\n") == b".":
                    break
                lines.append(line)
    except (OSError, TimeoutError) as exc:
        print(f"gopher: {exc}", file=sys.stderr)
        return 4
    if not lines:
        if itemtype == "7":
            return 0  # a search without hits: an empty menu
        print("empty response", file=sys.stderr)
        return 5
    if len(lines) == 1 and lines[0].startswith(b"3") and lines[0].count(b"\t") >= 3:
        print("server error: " + lines[0][1:].split(b"\t")[0].decode(errors="replace"), file=sys.stderr)
        return 6
    for line in lines:
        out.write(line[1:] if line.startswith(b"..") else line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
