"""Broken HTTP/1.0 client: no timeout on any wait, so a stalled server makes it hang forever.

Wrong: every wait (connect, first byte, each later read) must be bounded by a timeout and reported as
such (NET-TCP-8).  Otherwise this client is correct: it reads to Content-Length or to close.
Caught by: NET-TCP-8, scenarios ``http-client-stalled-server``, ``http-client-stalled-mid-body`` and
``http-client-never-accepted`` (the client is killed when its time is up and reported as hung).

    python tests/broken/http_client_hangs.py URL
"""

import socket
import sys
import urllib.parse

url = urllib.parse.urlsplit(sys.argv[1])
sock = socket.create_connection((url.hostname, url.port or 80))  # BUG: no timeout, ever
sock.sendall(f"GET {url.path or '/'} HTTP/1.0\r\nHost: {url.netloc}\r\nUser-Agent: broken\r\n\r\n".encode())
data = b""
while b"\r\n\r\n" not in data:
    chunk = sock.recv(65536)
    if not chunk:
        sys.exit("closed inside the head")
    data += chunk
head, _, body = data.partition(b"\r\n\r\n")
length = None
for line in head.split(b"\r\n")[1:]:
    name, _, value = line.partition(b":")
    if name.strip().lower() == b"content-length":
        length = int(value)
while length is None or len(body) < length:
    chunk = sock.recv(65536)
    if not chunk:
        if length is not None:
            sys.exit("truncated body")
        break
    body += chunk
sys.stdout.buffer.write(body if length is None else body[:length])
sys.exit(0 if int(head.split()[1]) < 400 else 1)
