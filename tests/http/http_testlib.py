"""Helpers for the HTTP unit tests: a document root as DESIGN.md §4 describes it and a raw socket exchange."""

from __future__ import annotations

import os
import socket
import time
from pathlib import Path

TEXT = b"hello, world\r\nsecond line\r\n"
DOTTED = b".starts with a dot\r\n..two dots\r\n.\r\nend\r\n"
BINARY = bytes(range(256)) * 4
UTF8_PAGE = "<html><body>caf\u00e9 \u65e5\u672c</body></html>\n".encode("utf-8")


def make_docroot(root: Path) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    (root / "hello.txt").write_bytes(TEXT)
    (root / "dotted.txt").write_bytes(DOTTED)
    (root / "binary.bin").write_bytes(BINARY)
    (root / "hello world.txt").write_bytes(b"spaced\n")
    (root / "index.html").write_bytes(b"<html><body>index</body></html>\n")
    (root / "utf8.html").write_bytes(UTF8_PAGE)
    (root / "dir" / "nested").mkdir(parents=True)
    (root / "dir" / "nested" / "deep.txt").write_bytes(b"deep\n")
    (root / "empty-dir").mkdir()
    (root / ".hidden").write_bytes(b"secret config\n")
    outside = root.parent / "outside-secret.txt"
    outside.write_bytes(b"TOP SECRET outside the root\n")
    os.symlink(outside, root / "escape.txt")
    future = root / "future.txt"
    future.write_bytes(b"from the future\n")
    t = time.time() + 86400
    os.utime(future, (t, t))
    old = root / "old.txt"
    old.write_bytes(b"old file\n")
    os.utime(old, (784111777, 784111777))  # Sun, 06 Nov 1994 08:49:37 GMT
    return root


def exchange(addr, data: bytes | list[bytes], *, gap: float = 0.0, shutdown: bool = False,
             timeout: float = 5.0) -> bytes:
    """Send ``data`` (one write, or the pieces of a list with ``gap`` seconds between them), optionally
    half-close, then read to EOF (each wait bounded by ``timeout``)."""
    with socket.create_connection(addr, timeout=timeout) as sock:
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        pieces = data if isinstance(data, list) else [data]
        for i, piece in enumerate(pieces):
            if i and gap:
                time.sleep(gap)
            sock.sendall(piece)
        if shutdown:
            sock.shutdown(socket.SHUT_WR)
        chunks = []
        while chunk := sock.recv(65536):
            chunks.append(chunk)
        return b"".join(chunks)


def split_response(raw: bytes) -> tuple[str, dict[str, str], bytes]:
    """(status line, {lower-case name: value}, body) of a well-formed response."""
    head, _, body = raw.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    headers = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    return lines[0], headers, body
