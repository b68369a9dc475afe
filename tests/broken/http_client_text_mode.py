"""Broken HTTP/1.0 client: downloads text in "text mode".

Wrong: for a ``text/*`` body it decodes the bytes with universal newlines, as Python's text I/O does by
default, so every CRLF and bare CR becomes LF and the entity body it writes is not the one the server
sent (HTTP10-TEXT-2, the client contract: the entity body is written as received).  It does accept every
form as a line break, so RFC 1945 §3.6.1 (HTTP10-TEXT-1) holds: the scenario grades this as a warning.
Everything else is correct: Content-Length or close delimits the body, errors exit non-zero, every wait
has a timeout.  Caught by: ``http-client-text-line-breaks``.

    python tests/broken/http_client_text_mode.py URL
"""

import io
import socket
import sys
import urllib.parse

url = urllib.parse.urlsplit(sys.argv[1])
sock = socket.create_connection((url.hostname, url.port or 80), timeout=5)
sock.sendall(f"GET {url.path or '/'} HTTP/1.0\r\nHost: {url.netloc}\r\nUser-Agent: text-mode\r\n\r\n".encode())
data = b""
while b"\r\n\r\n" not in data:
    chunk = sock.recv(65536)
    if not chunk:
        sys.exit("connection closed inside the response head")
    data += chunk
head, _, body = data.partition(b"\r\n\r\n")
lines = head.decode("latin-1").split("\r\n")
status = int(lines[0].split()[1])
headers = {k.strip().lower(): v.strip() for k, _, v in (line.partition(":") for line in lines[1:])}
length = int(headers["content-length"]) if "content-length" in headers else None
while length is None or len(body) < length:
    chunk = sock.recv(65536)
    if not chunk:
        if length is not None:
            sys.exit("truncated body")
        break
    body += chunk
body = body if length is None else body[:length]
if headers.get("content-type", "").startswith("text/"):
    body = io.TextIOWrapper(io.BytesIO(body), encoding="latin-1").read().encode("latin-1")  # BUG: newline=None
sys.stdout.buffer.write(body)
sys.exit(0 if status < 400 else 1)
