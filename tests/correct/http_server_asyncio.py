"""An HTTP/1.0 file server (RFC 1945) on asyncio streams: one coroutine per connection.

    python tests/correct/http_server_asyncio.py --port PORT --root ROOT

Serves GET and HEAD for the files under ROOT, answers a Simple-Request (``GET /x`` without a version)
with the bare file, answers every Full-Request with ``HTTP/1.0`` and closes.  Request lines and headers
are bounded (16 KiB a line, 100 lines); anything malformed gets 400, major versions above 1 get 505,
other methods 501.  If-Modified-Since applies to GET only, and only with a valid date not in the future.
Last-Modified is never later than Date.  Names starting with a dot are never served; ``..`` is refused.
The answer is followed by a half-close and a bounded drain of the client's leftovers, then the close.
"""

import argparse
import asyncio
import email.utils
import mimetypes
import os
import re
import time
from datetime import UTC
from pathlib import Path
from urllib.parse import quote, unquote_to_bytes, urlsplit

LIMIT = 16384
VERSION = re.compile(rb"HTTP/(\d+)\.(\d+)")
REASONS = {200: "OK", 301: "Moved Permanently", 304: "Not Modified", 400: "Bad Request", 403: "Forbidden",
           404: "Not Found", 501: "Not Implemented", 505: "HTTP Version Not Supported"}


class Refused(Exception):
    """A request that gets an error status instead of a resource."""

    def __init__(self, status, location=None):
        super().__init__(status)
        self.status, self.location = status, location


def date(t):
    return email.utils.formatdate(t, usegmt=True)


def read_date(text):
    try:
        when = email.utils.parsedate_to_datetime(text.strip())
    except (TypeError, ValueError, IndexError):
        return None
    return (when if when.tzinfo else when.replace(tzinfo=UTC)).timestamp()


class Connection:
    def __init__(self, root, reader, writer):
        self.root, self.reader, self.writer = root, reader, writer
        self.simple = False
        self.method = None

    async def line(self):
        try:
            return await self.reader.readuntil(b"\n")
        except asyncio.LimitOverrunError:
            raise Refused(400) from None
        except asyncio.IncompleteReadError as exc:
            if exc.partial:
                raise Refused(400) from None
            raise ConnectionAbortedError from None

    async def request(self):
        text = (await self.line()).rstrip(b"\r\n")
        if re.search(rb"[\x00-\x08\x0a-\x1f\x7f]", text):
            raise Refused(400)
        words = text.split()
        if len(words) == 2 and words[0] == b"GET":
            self.simple = True
            return "GET", words[1], {}
        if len(words) != 3:
            raise Refused(400)
        version = VERSION.fullmatch(words[2])
        if not version:
            raise Refused(400)
        if int(version.group(1)) != 1:
            raise Refused(505 if int(version.group(1)) > 1 else 400)
        fields, name = {}, None
        for _ in range(100):
            raw = await self.line()
            if raw.strip(b"\r\n") == b"":
                return words[0].decode("latin-1"), words[1], fields
            if raw[:1] in b" \t" and name:  # folded continuation of the previous field
                fields[name] += " " + raw.strip().decode("latin-1")
                continue
            key, colon, value = raw.partition(b":")
            if not colon or not key or key.strip() != key:
                raise Refused(400)
            name = key.decode("latin-1").lower()
            value = value.strip().decode("latin-1")
            fields[name] = f"{fields[name]}, {value}" if name in fields else value
        raise Refused(400)

    def locate(self, target, fields):
        if target.startswith((b"http://", b"https://")):
            target = urlsplit(target).path or b"/"
        if not target.startswith(b"/"):
            raise Refused(400)
        raw = unquote_to_bytes(target.split(b"?")[0])
        if b"\x00" in raw:
            raise Refused(400)
        names = [n for n in os.fsdecode(raw).split("/") if n and n != "."]
        if ".." in names:
            raise Refused(403)
        if any(n.startswith(".") for n in names):
            raise Refused(404)
        path = self.root.joinpath(*names)
        if path.is_dir():
            if not raw.endswith(b"/"):
                host = fields.get("host") or "{}:{}".format(*self.writer.get_extra_info("sockname")[:2])
                raise Refused(301, f"http://{host}{quote(os.fsdecode(raw))}/")
            path = path / "index.html"
        try:
            resolved = path.resolve(strict=True)
        except (OSError, RuntimeError):
            raise Refused(404) from None
        if self.root not in resolved.parents or not resolved.is_file():
            raise Refused(404)
        return resolved

    async def serve(self):
        try:
            method, target, fields = await self.request()
            self.method = method
            if method not in ("GET", "HEAD"):
                raise Refused(501)
            path = self.locate(target, fields)
            try:
                body, stamp = path.read_bytes(), path.stat().st_mtime
            except OSError:
                raise Refused(403) from None
        except Refused as err:
            page = f"<html><body><h1>{err.status} {REASONS[err.status]}</h1></body></html>\n".encode()
            extra = [("Location", err.location)] if err.location else []
            return self.send(err.status, [("Content-Type", "text/html"), *extra], page, self.method == "HEAD")
        now = time.time()
        modified = min(int(stamp), int(now))
        since = read_date(fields.get("if-modified-since", ""))
        if method == "GET" and since is not None and since <= now and modified <= since:
            return self.send(304, [("Last-Modified", date(modified))], b"", True, length=False)
        kind = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        self.send(200, [("Content-Type", kind), ("Last-Modified", date(modified))], body, method == "HEAD")

    def send(self, status, fields, body, head_only, length=True):
        if self.simple:
            self.writer.write(body)
            return
        lines = [f"HTTP/1.0 {status} {REASONS[status]}", f"Date: {date(time.time())}", "Server: asyncio-student/0.1"]
        lines += [f"{k}: {v}" for k, v in fields]
        if length:
            lines.append(f"Content-Length: {len(body)}")
        self.writer.write(("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + (b"" if head_only else body))


async def handle(root, reader, writer):
    conn = Connection(root, reader, writer)
    try:
        await asyncio.wait_for(conn.serve(), 30)
        await writer.drain()
        if writer.can_write_eof():
            writer.write_eof()
        # drain the client's leftovers (bounded) so that closing does not reset the connection
        end = time.monotonic() + 5
        while time.monotonic() < end:
            if not await asyncio.wait_for(reader.read(65536), 1):
                break
    except (OSError, TimeoutError, ConnectionError, asyncio.IncompleteReadError):
        pass
    finally:
        writer.close()


async def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--root", required=True)
    args = parser.parse_args()
    root = Path(args.root).resolve()
    server = await asyncio.start_server(lambda r, w: handle(root, r, w), "127.0.0.1", args.port, limit=LIMIT)
    async with server:
        await server.serve_forever()


if __name__ == "__main__":
    asyncio.run(main())
