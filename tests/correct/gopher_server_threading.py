"""A gopher server (RFC 1436) in the socketserver idiom: ThreadingTCPServer + StreamRequestHandler.

Written from RFC 1436 alone, the way a student would: one thread per client, ``rfile.readline`` with a
length bound, selectors that are ``/``-paths under the root, text sent with CRLF line ends, dot-stuffing
and the lastline, binaries raw until the close, a type-3 error item for anything it cannot serve.  It
does not know the ``URL:`` convention (not in RFC 1436) and, like socketserver itself, closes the socket
without draining input the client sent after its request line.

Usage: gopher_server_threading.py --port PORT --root DIR [--host 127.0.0.1]

warning: gopher-server-url-selector: the URL: links convention (Goerzen 2002) is not part of RFC 1436; the catalog rates it de-facto
warning: gopher-server-unread-input: socketserver closes with the client's surplus unread (RST); "shut down writing, drain, then close" is a SHOULD (NET-TCP-9), RFC 1436 only says the server closes
"""

from __future__ import annotations

import argparse
import os
import socket
import socketserver

MAX_LINE = 1024
TYPES = {".txt": "0", ".md": "0", ".gif": "g", ".jpg": "I", ".jpeg": "I", ".png": "I", ".html": "h", ".htm": "h"}


def item_type(path: str) -> str:
    if os.path.isdir(path):
        return "1"
    ext = os.path.splitext(path)[1].lower()
    if ext in TYPES:
        return TYPES[ext]
    with open(path, "rb") as f:
        head = f.read(1024)
    return "0" if head and b"\0" not in head and all(b >= 32 or b in b"\t\r\n\f" for b in head) else "9"


def bad_field(name: str) -> bool:
    return any(c in name for c in "\t\r\n\0")


class Handler(socketserver.StreamRequestHandler):
    timeout = 10

    def error(self, message: str) -> None:
        self.wfile.write(f"3{message}\t\terror.host\t1\r\n.\r\n".encode("utf-8", "replace"))

    def handle(self) -> None:
        try:
            line = self.rfile.readline(MAX_LINE)
        except (TimeoutError, OSError):
            return
        if not line.endswith(b"\n"):
            if len(line) >= MAX_LINE:
                self.error("request line too long")
            return
        selector = line.rstrip(b"\r\n").split(b"\t", 1)[0]
        try:
            self.serve(selector.decode("utf-8"))
        except (BrokenPipeError, ConnectionResetError):
            pass

    def serve(self, selector: str) -> None:
        root = self.server.root
        if "\0" in selector or "\r" in selector:
            return self.error("bad selector")
        parts = [p for p in selector.split("/") if p]
        if any(p in ("..", ".") for p in parts):
            return self.error("no such item")
        path = os.path.join(root, *parts)
        if os.path.isdir(path):
            return self.send_menu(path, "/" + "/".join(parts))
        if not os.path.isfile(path):
            return self.error(f"'{selector}' does not exist")
        kind = item_type(path)
        with open(path, "rb") as f:
            data = f.read()
        if kind == "0":
            out = []
            for ln in data.splitlines():
                out.append((b"." + ln if ln.startswith(b".") else ln) + b"\r\n")
            self.wfile.write(b"".join(out) + b".\r\n")
        else:
            self.wfile.write(data)

    def send_menu(self, path: str, selector: str) -> None:
        host, port = self.request.getsockname()[:2]
        lines = []
        for name in sorted(os.listdir(path)):
            if name.startswith(".") or bad_field(name):
                continue  # a TAB, CR or LF in a name would break the menu line
            full = os.path.join(path, name)
            sel = selector.rstrip("/") + "/" + name
            lines.append(f"{item_type(full)}{name}\t{sel}\t{host}\t{port}\r\n")
        self.wfile.write("".join(lines).encode("utf-8", "replace") + b".\r\n")


class Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--root", required=True)
    ap.add_argument("--host", default="127.0.0.1")
    args = ap.parse_args()
    with Server((args.host, args.port), Handler) as server:
        server.root = os.path.abspath(args.root)
        server.socket.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        server.serve_forever()


if __name__ == "__main__":
    main()
