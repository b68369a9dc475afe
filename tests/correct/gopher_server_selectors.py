"""A gopher server (RFC 1436) as one single-threaded ``selectors`` loop with non-blocking sockets.

Each connection has an input buffer (bounded at 1024 octets), an output buffer written as the socket
accepts it, and an idle deadline (10 s).  Selectors are relative paths without a leading slash
(``sub/nested.txt``; the root is the empty selector); menus start with an ``i`` line.  Text files are
sent as stored (their own LF line ends: RFC 1436's TextBlock is "a block of ASCII text", it fixes CR-LF
only for menu lines and the lastline), dot-stuffed, then the ``.`` CRLF lastline.  Names a menu line
cannot carry (TAB, CR, LF) are left out.  After the reply the socket is shut down for writing and input is
drained until the client closes or the deadline.

Usage: gopher_server_selectors.py --port PORT --root DIR [--host 127.0.0.1]

warning: gopher-server-text-crlf: text lines go out with the file's LF; CRLF inside a text item is a de-facto convention (GOPHER-TEXT-7), RFC 1436 fixes CR-LF only for menu lines and the Lastline
warning: gopher-server-url-selector: the URL: links convention (Goerzen 2002) is not part of RFC 1436; the catalog rates it de-facto
"""

from __future__ import annotations

import argparse
import os
import selectors
import socket
import time

MAX_REQUEST = 1024
IDLE = 10.0
BINARY_EXT = {".gif": "g", ".png": "I", ".jpg": "I", ".bin": "9", ".zip": "5", ".html": "h"}


class Conn:
    def __init__(self, sock: socket.socket) -> None:
        self.sock = sock
        self.inbuf = b""
        self.out = bytearray()
        self.replied = False
        self.eof = False
        self.deadline = time.monotonic() + IDLE


class Server:
    def __init__(self, root: str, host: str, port: int) -> None:
        self.root = os.path.realpath(root)
        self.sel = selectors.DefaultSelector()
        self.listener = socket.socket()
        self.listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.listener.bind((host, port))
        self.listener.listen(64)
        self.listener.setblocking(False)
        self.sel.register(self.listener, selectors.EVENT_READ, None)

    # ------------------------------------------------------------------ gopher
    def typeof(self, path: str) -> str:
        if os.path.isdir(path):
            return "1"
        ext = os.path.splitext(path)[1].lower()
        if ext in BINARY_EXT:
            return BINARY_EXT[ext]
        with open(path, "rb") as f:
            sample = f.read(512)
        return "9" if b"\0" in sample else "0"

    def reply(self, conn: Conn, line: bytes) -> bytes:
        selector = line.split(b"\t")[0]
        if b"\0" in selector or b"\r" in selector:
            return self.error("selector holds a control character")
        rel = selector.decode("utf-8", "replace").strip("/")
        path = os.path.realpath(os.path.join(self.root, rel))
        if not (path == self.root or path.startswith(self.root + os.sep)) or not os.path.exists(path):
            return self.error("not found")
        if os.path.isdir(path):
            host, port = conn.sock.getsockname()[:2]
            return self.menu(path, rel, host, port)
        with open(path, "rb") as f:
            data = f.read()
        if self.typeof(path) != "0":
            return data
        lines = data.split(b"\n")
        if lines and lines[-1] == b"":
            lines.pop()
        body = b"".join((b"." + ln if ln.startswith(b".") else ln) + b"\n" for ln in lines)
        return body + b".\r\n"

    def menu(self, path: str, rel: str, host: str, port: int) -> bytes:
        out = [f"iIndex of /{rel}\t\tnull.host\t1\r\n"]
        for name in sorted(os.listdir(path), key=str.lower):
            if any(c in name for c in "\t\r\n"):
                continue
            full = os.path.join(path, name)
            sel = f"{rel}/{name}" if rel else name
            out.append(f"{self.typeof(full)}{name}\t{sel}\t{host}\t{port}\r\n")
        return "".join(out).encode("utf-8", "replace") + b".\r\n"

    @staticmethod
    def error(text: str) -> bytes:
        return f"3{text}\t\tnull.host\t1\r\n.\r\n".encode()

    # ------------------------------------------------------------------ loop
    def close(self, conn: Conn) -> None:
        self.sel.unregister(conn.sock)
        conn.sock.close()

    def on_read(self, conn: Conn) -> None:
        try:
            data = conn.sock.recv(65536)
        except BlockingIOError:
            return
        except OSError:
            return self.close(conn)
        if not data:
            if not conn.out:
                return self.close(conn)
            conn.eof = True  # half-closed after the request: finish writing, then close
            self.sel.modify(conn.sock, selectors.EVENT_WRITE, conn)
            return
        conn.deadline = time.monotonic() + IDLE
        if conn.replied:
            return  # draining what the client still sends
        conn.inbuf += data
        nl = conn.inbuf.find(b"\n")
        if nl < 0:
            if len(conn.inbuf) > MAX_REQUEST:
                conn.out += self.error("request too long")
                conn.replied = True
                self.sel.modify(conn.sock, selectors.EVENT_READ | selectors.EVENT_WRITE, conn)
            return
        line = conn.inbuf[:nl].rstrip(b"\r")
        conn.inbuf = b""
        conn.replied = True
        conn.out += self.reply(conn, line)
        self.sel.modify(conn.sock, selectors.EVENT_READ | selectors.EVENT_WRITE, conn)

    def on_write(self, conn: Conn) -> None:
        try:
            sent = conn.sock.send(conn.out[:262144])
        except BlockingIOError:
            return
        except OSError:
            return self.close(conn)
        del conn.out[:sent]
        conn.deadline = time.monotonic() + IDLE
        if not conn.out:
            if conn.eof:
                return self.close(conn)
            try:
                conn.sock.shutdown(socket.SHUT_WR)
            except OSError:
                return self.close(conn)
            self.sel.modify(conn.sock, selectors.EVENT_READ, conn)

    def run(self) -> None:
        while True:
            for key, events in self.sel.select(timeout=1.0):
                if key.data is None:
                    try:
                        sock, _ = self.listener.accept()
                    except BlockingIOError:
                        continue
                    sock.setblocking(False)
                    self.sel.register(sock, selectors.EVENT_READ, Conn(sock))
                    continue
                conn: Conn = key.data
                if events & selectors.EVENT_WRITE and conn.out:
                    self.on_write(conn)
                if events & selectors.EVENT_READ and key.fd in self.sel.get_map():
                    self.on_read(conn)
            now = time.monotonic()
            for key in list(self.sel.get_map().values()):
                if key.data is not None and now > key.data.deadline:
                    self.close(key.data)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--root", required=True)
    ap.add_argument("--host", default="127.0.0.1")
    args = ap.parse_args()
    Server(args.root, args.host, args.port).run()


if __name__ == "__main__":
    main()
