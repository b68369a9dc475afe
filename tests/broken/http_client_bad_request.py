"""Broken HTTP/1.0 client: sends an HTTP/1.1-style request with bare LF line ends and an absoluteURI.

Wrong: request lines must end with CRLF (RFC 1945 §2.2, §5); an origin server gets an abs_path, never an
absoluteURI (§5.1.2); a client should send User-Agent (§10.15) and Date only with a body (§10.6).  It
also follows redirects without limit (§9.3) and takes a relative Location as a whole URL.  It reads the
response correctly (to Content-Length or close).
Caught by: HTTP10-CLIENT-1/2 (``http-client-request-form``, ``http-client-empty-path``), HTTP10-CLIENT-3
(``http-client-user-agent``), HTTP10-CLIENT-4 (``http-client-no-date-on-get``), HTTP10-REDIR-3
(``http-client-redirect-loop-bounded``), HTTP10-REDIR-5 (``http-client-redirect``).

    python tests/broken/http_client_bad_request.py URL
"""

import email.utils
import socket
import sys
import urllib.parse

target = sys.argv[1]
while True:  # BUG: no redirect limit
    url = urllib.parse.urlsplit(target)
    sock = socket.create_connection((url.hostname, url.port or 80), timeout=5)
    # BUG: absoluteURI, bare LF, no User-Agent, a Date on a GET
    date = email.utils.formatdate(usegmt=True)
    sock.sendall(f"GET {target} HTTP/1.0\nHost: {url.netloc}\nDate: {date}\n\n".encode())
    data = b""
    while chunk := sock.recv(65536):
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1])
    headers = {k.strip().lower(): v.strip() for k, _, v in (line.partition(":") for line in lines[1:])}
    if status in (301, 302) and "location" in headers:
        target = headers["location"]  # BUG: a relative Location is not resolved
        continue
    if "content-length" in headers:
        body = body[: int(headers["content-length"])]
    sys.stdout.buffer.write(body)
    sys.exit(0 if status < 400 else 1)
