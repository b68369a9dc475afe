"""An HTTP/1.0 file server (RFC 1945) in the socketserver style: one forked child per connection, the
request read through the socket's makefile() reader.

    python tests/correct/http_server_forking.py PORT ROOT

GET and HEAD of the files under ROOT; Simple-Requests (``GET /x`` with no version) get the bare file;
HTTP/1.x requests get an HTTP/1.0 answer and the connection closes after it.  Dot-files are not served,
``..`` never leaves ROOT, a directory without its trailing slash is redirected with an absolute URL, and
If-Modified-Since is honoured for GET (dates in all three forms; invalid or future dates ignored).
Other methods get 501.  Before closing, the child shuts down writing and drains what the client still
sends, so unread input never makes the kernel reset the connection under the answer.
"""

import datetime
import email.utils
import html
import mimetypes
import os
import re
import select
import socket
import socketserver
import sys
import time
import urllib.parse

MAX_LINE = 8192
MAX_HEADERS = 100
VERSION = re.compile(rb"HTTP/(\d+)\.(\d+)")
REASONS = {200: "OK", 301: "Moved Permanently", 304: "Not Modified", 400: "Bad Request", 403: "Forbidden",
           404: "Not Found", 500: "Internal Server Error", 501: "Not Implemented", 505: "HTTP Version Not Supported"}


class BadRequest(Exception):
    def __init__(self, status=400):
        super().__init__(status)
        self.status = status


def http_date(t):
    return email.utils.formatdate(t, usegmt=True)


def parse_date(value):
    """Unix seconds of an HTTP-date in any of the three RFC 1945 forms, or None."""
    try:
        when = email.utils.parsedate_to_datetime(value.strip())
    except (TypeError, ValueError, IndexError):
        return None
    if when is None:
        return None
    if when.tzinfo is None:
        return when.replace(tzinfo=datetime.UTC).timestamp()
    return when.timestamp()


class Handler(socketserver.StreamRequestHandler):
    timeout = 20  # a client that sends nothing for this long is dropped (others are in their own processes)

    def handle(self):
        try:
            self.serve()
        except (OSError, ValueError):
            pass  # the client went away: nothing to answer

    def readline(self):
        line = self.rfile.readline(MAX_LINE + 1)
        if len(line) > MAX_LINE:
            raise BadRequest(400)
        return line

    def serve(self):
        line = self.readline()
        if not line:
            return
        try:
            self.simple = False
            method, target, headers = self.read_request(line)
        except BadRequest as exc:
            self.answer(exc.status, head_only=False)
            return
        if method not in ("GET", "HEAD"):
            self.answer(501, head_only=False)
            return
        self.respond(method, target, headers)

    def read_request(self, line):
        text = line.rstrip(b"\r\n")
        if any(c < 32 and c != 9 or c == 127 for c in text):
            raise BadRequest(400)
        words = re.split(rb"[ \t]+", text.strip(b" \t"))
        if len(words) == 2 and words[0] == b"GET":
            self.simple = True  # HTTP/0.9: the request ends here, no headers follow
            return "GET", words[1].decode("latin-1"), {}
        if len(words) != 3:
            raise BadRequest(400)
        m = VERSION.fullmatch(words[2])
        if not m:
            raise BadRequest(400)
        if int(m.group(1)) != 1:
            raise BadRequest(505 if int(m.group(1)) > 1 else 400)
        headers, last = {}, None
        for _ in range(MAX_HEADERS + 1):
            hline = self.readline()
            if not hline:
                raise BadRequest(400)
            if hline in (b"\r\n", b"\n"):
                break
            if hline[:1] in (b" ", b"\t") and last:
                headers[last] += " " + hline.strip().decode("latin-1")
                continue
            name, colon, value = hline.partition(b":")
            if not colon or not name.strip() or name != name.strip():
                raise BadRequest(400)
            last = name.decode("latin-1").lower()
            value = value.strip().decode("latin-1")
            headers[last] = headers[last] + ", " + value if last in headers else value
        else:
            raise BadRequest(400)
        return words[0].decode("latin-1"), words[1].decode("latin-1"), headers

    # ------------------------------------------------------------------ responses
    def respond(self, method, target, headers):
        head_only = method == "HEAD"
        if target.startswith(("http://", "https://")):
            target = urllib.parse.urlsplit(target).path or "/"
        if not target.startswith("/"):
            return self.answer(400, head_only)
        raw = urllib.parse.unquote_to_bytes(target.split("?", 1)[0])
        if b"\0" in raw:
            return self.answer(400, head_only)
        parts = [p for p in os.fsdecode(raw).split("/") if p not in ("", ".")]
        if any(p == ".." for p in parts):
            return self.answer(403, head_only)
        if any(p.startswith(".") for p in parts):
            return self.answer(404, head_only)  # hidden and internal files (.htaccess) are not served
        root = os.path.realpath(self.server.root)
        path = os.path.realpath(os.path.join(root, *parts))
        if path != root and not path.startswith(root + os.sep):
            return self.answer(404, head_only)
        if os.path.isdir(path):
            if not raw.endswith(b"/"):
                host = headers.get("host") or "{}:{}".format(*self.connection.getsockname()[:2])
                return self.answer(301, head_only, location=f"http://{host}{urllib.parse.quote(os.fsdecode(raw))}/")
            index = os.path.join(path, "index.html")
            if os.path.isfile(index):
                path = index
            else:
                return self.listing(path, raw, head_only)
        try:
            with open(path, "rb") as f:
                stamp = os.fstat(f.fileno()).st_mtime
                body = f.read()
        except FileNotFoundError:
            return self.answer(404, head_only)
        except OSError:
            return self.answer(403, head_only)
        now = time.time()
        modified = min(int(stamp), int(now))  # never later than Date (RFC 1945 §10.10)
        ims = headers.get("if-modified-since")
        if ims is not None and method == "GET":
            since = parse_date(ims)
            if since is not None and since <= now and modified <= since:
                return self.send(304, [("Last-Modified", http_date(modified))], b"", True)
        ctype = mimetypes.guess_type(path)[0] or "application/octet-stream"
        fields = [("Content-Type", ctype), ("Content-Length", str(len(body))), ("Last-Modified", http_date(modified))]
        self.send(200, fields, body, head_only)

    def listing(self, path, raw, head_only):
        names = sorted(n for n in os.listdir(path) if not n.startswith("."))
        base = urllib.parse.quote(os.fsdecode(raw))
        items = "".join(f'<li><a href="{base}{urllib.parse.quote(n)}">{html.escape(n)}</a></li>' for n in names)
        body = f"<html><body><ul>{items}</ul></body></html>\n".encode()
        self.send(200, [("Content-Type", "text/html"), ("Content-Length", str(len(body)))], body, head_only)

    def answer(self, status, head_only, location=None):
        reason = REASONS[status]
        body = f"<html><body><h1>{status} {reason}</h1></body></html>\n".encode()
        fields = [("Content-Type", "text/html"), ("Content-Length", str(len(body)))]
        if location:
            fields.append(("Location", location))
        self.send(status, fields, body, head_only)

    def send(self, status, fields, body, head_only):
        if self.simple:  # an HTTP/0.9 answer is the entity body alone
            self.wfile.write(body)
            return
        head = f"HTTP/1.0 {status} {REASONS[status]}\r\nDate: {http_date(time.time())}\r\nServer: forking-student/1.0\r\n"
        head += "".join(f"{n}: {v}\r\n" for n, v in fields) + "\r\n"
        self.wfile.write(head.encode("latin-1") + (b"" if head_only else body))


class Server(socketserver.ForkingTCPServer):
    allow_reuse_address = True

    def shutdown_request(self, request):
        """Half-close, drain what the client still sends (bounded), then close: no reset destroys the answer."""
        try:
            request.shutdown(socket.SHUT_WR)
            deadline = time.monotonic() + 5
            while time.monotonic() < deadline:
                ready, _, _ = select.select([request], [], [], 0.5)
                if not ready or not request.recv(65536):
                    break
        except OSError:
            pass
        request.close()


def main():
    port, root = int(sys.argv[1]), sys.argv[2]
    with Server(("127.0.0.1", port), Handler) as server:
        server.root = root
        server.serve_forever()


if __name__ == "__main__":
    main()
