"""Broken HTTP/1.0 client: far too strict about what a server may send.

Wrong: it accepts only ``HTTP/1.0 <known code> <reason>`` Status-Lines with CRLF line ends, so it
rejects a Simple-Response (RFC 1945 §6, HTTP10-SIMPLE-5), an ``HTTP/1.1`` Status-Line (HTTP10-VER-7),
unknown codes such as 299, which must count as x00 of their class (§6.1.1, HTTP10-STATUS-4), and
``HTTP/1.0  200`` with bare LF (App. B, HTTP10-STATUS-5); and it crashes on a Date it cannot parse
(§3.3, HTTP10-DATE-2).  It reads the body correctly (to Content-Length or close) and has timeouts.
Caught by: ``http-client-simple-response``, ``http-client-http11-status-line``,
``http-client-unknown-status-codes``, ``http-client-tolerant-status-line``, ``http-client-odd-dates``.

    python tests/broken/http_client_strict.py URL
"""

import re
import socket
import sys
import time
import urllib.parse

KNOWN = {200, 201, 202, 204, 301, 302, 304, 400, 401, 403, 404, 500, 501, 502, 503}
url = urllib.parse.urlsplit(sys.argv[1])
sock = socket.create_connection((url.hostname, url.port or 80), timeout=5)
sock.sendall(f"GET {url.path or '/'} HTTP/1.0\r\nHost: {url.netloc}\r\nUser-Agent: strict\r\n\r\n".encode())
data = b""
while b"\r\n\r\n" not in data:
    chunk = sock.recv(65536)
    if not chunk:
        sys.exit("no CRLF CRLF before the close")
    data += chunk
head, _, body = data.partition(b"\r\n\r\n")
lines = head.decode("latin-1").split("\r\n")
m = re.fullmatch(r"HTTP/1\.0 (\d{3}) .+", lines[0])  # BUG: only exactly this form
if not m or int(m.group(1)) not in KNOWN:  # BUG: unknown codes rejected
    sys.exit(f"bad status line {lines[0]!r}")
headers = {k.strip().lower(): v.strip() for k, _, v in (line.partition(":") for line in lines[1:])}
if "date" in headers:
    time.strptime(headers["date"], "%a, %d %b %Y %H:%M:%S GMT")  # BUG: raises on any other form
length = int(headers["content-length"]) if "content-length" in headers else None
while length is None or len(body) < length:
    chunk = sock.recv(65536)
    if not chunk:
        if length is not None:
            sys.exit("truncated body")
        break
    body += chunk
sys.stdout.buffer.write(body if length is None else body[:length])
sys.exit(0 if int(m.group(1)) < 400 else 1)
