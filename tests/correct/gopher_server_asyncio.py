"""A gopher server (RFC 1436) in the asyncio-streams idiom.

``asyncio.start_server``; the request line is read with ``readuntil(b"\\n")`` under a 15 s limit and a
2048-octet bound.  Selectors are ``/``-paths, percent-escaping the few octets a menu field cannot carry
(TAB, CR, LF, NUL, ``%``), so even odd file names are listed.  Text items get CRLF line ends,
dot-stuffing and the lastline; ``.html`` files are ``h`` items sent raw; a type-7 search item matches
file names (words ANDed); ``URL:`` selectors get a redirect page; errors are type-3 items.  After the
response it half-closes, drains what the client still sends (briefly), then closes.

Usage: gopher_server_asyncio.py --port PORT --root DIR [--host 127.0.0.1]
"""

from __future__ import annotations

import argparse
import asyncio
import html
import os
import urllib.parse

LIMIT = 2048
SAFE = "".join(chr(c) for c in range(32, 127) if chr(c) != "%")


def esc(name: str) -> str:
    return urllib.parse.quote(name, safe=SAFE)


def kind(path: str) -> str:
    if os.path.isdir(path):
        return "1"
    ext = os.path.splitext(path)[1].lower()
    if ext in (".txt", ".text", ".md", ".c", ".py"):
        return "0"
    if ext == ".gif":
        return "g"
    if ext in (".png", ".jpg", ".jpeg", ".bmp"):
        return "I"
    if ext in (".html", ".htm"):
        return "h"
    return "9"


def display(name: str) -> str:
    return "".join(c if c.isprintable() else "?" for c in name)


class Gopher:
    def __init__(self, root: str) -> None:
        self.root = os.path.realpath(root)

    def resolve(self, selector: str) -> str | None:
        path = os.path.realpath(os.path.join(self.root, *[p for p in selector.split("/") if p]))
        if path != self.root and not path.startswith(self.root + os.sep):
            return None
        return path

    def menu(self, path: str, selector: str, host: str, port: int) -> bytes:
        lines = []
        if selector in ("", "/"):
            lines.append("iFiles below; search by file name with the last item\t\terror.host\t1\r\n")
        base = selector.rstrip("/")
        for name in sorted(os.listdir(path)):
            full = os.path.join(path, name)
            lines.append(f"{kind(full)}{display(name)}\t{base}/{esc(name)}\t{host}\t{port}\r\n")
        if selector in ("", "/"):
            lines.append(f"7Search file names\t/search\t{host}\t{port}\r\n")
        return "".join(lines).encode("utf-8", "surrogateescape") + b".\r\n"

    def search(self, words: str, host: str, port: int) -> bytes:
        terms = words.lower().split()
        hits = []
        for top, dirs, files in os.walk(self.root):
            dirs.sort()
            for name in sorted(files):
                if terms and all(t in name.lower() for t in terms):
                    full = os.path.join(top, name)
                    rel = os.path.relpath(full, self.root).split(os.sep)
                    sel = "/" + "/".join(esc(p) for p in rel)
                    hits.append(f"{kind(full)}{display(name)}\t{sel}\t{host}\t{port}\r\n")
        return "".join(hits).encode("utf-8", "surrogateescape") + b".\r\n"

    @staticmethod
    def error(message: str) -> bytes:
        return f"3{display(message)[:60]}\tfake\terror.host\t1\r\n.\r\n".encode("utf-8", "replace")

    def answer(self, request: bytes, host: str, port: int) -> bytes:
        fields = request.split(b"\t")
        raw = fields[0]
        if b"\0" in raw or b"\r" in raw:
            return self.error("bad selector")
        selector = raw.decode("utf-8", "surrogateescape")
        if selector.startswith("URL:"):
            url = html.escape(selector[4:], quote=True)
            return (f'<html><head><meta http-equiv="refresh" content="2;URL={url}"></head>'
                    f'<body>You are leaving gopher: <a href="{url}">{url}</a></body></html>\r\n').encode()
        if selector == "/search":
            return self.search(fields[1].decode("utf-8", "replace") if len(fields) > 1 else "", host, port)
        selector = urllib.parse.unquote(selector, errors="surrogateescape")
        if "\0" in selector:
            return self.error("bad selector")
        path = self.resolve(selector)
        if path is None or not os.path.exists(path):
            return self.error("no such item")
        if os.path.isdir(path):
            return self.menu(path, selector, host, port)
        with open(path, "rb") as f:
            data = f.read()
        if kind(path) != "0":
            return data
        body = bytearray()
        for line in data.splitlines():
            body += (b"." if line.startswith(b".") else b"") + line + b"\r\n"
        return bytes(body) + b".\r\n"

    async def handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        host, port = writer.get_extra_info("sockname")[:2]
        try:
            try:
                line = await asyncio.wait_for(reader.readuntil(b"\n"), 15)
                reply = self.answer(line.rstrip(b"\r\n"), host, port)
            except asyncio.LimitOverrunError:
                reply = self.error("request too long")
            except (TimeoutError, asyncio.IncompleteReadError):
                reply = b""
            writer.write(reply)
            await writer.drain()
            if writer.can_write_eof():
                writer.write_eof()
            try:  # drain the rest of the input, so closing does not reset the reply away
                async with asyncio.timeout(5):
                    while await reader.read(65536):
                        pass
            except (TimeoutError, ConnectionError):
                pass
        except ConnectionError:
            pass
        finally:
            writer.close()


async def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--root", required=True)
    ap.add_argument("--host", default="127.0.0.1")
    args = ap.parse_args()
    gopher = Gopher(args.root)
    server = await asyncio.start_server(gopher.handle, args.host, args.port, limit=LIMIT)
    async with server:
        await server.serve_forever()


if __name__ == "__main__":
    asyncio.run(main())
