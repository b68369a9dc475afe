"""Broken HTTP/1.0 client: takes the first ``recv()`` as the whole response.

Wrong: TCP delivers a byte stream (NET-TCP-1); the head must be collected up to the empty line and the
body read to Content-Length or to the close (RFC 1945 §7.2.2).  Against a server whose response arrives
in several segments this client prints a partial body or fails to find the head.
Caught by: NET-TCP-1 / HTTP10-LEN-4, scenarios ``http-client-fragmented-response``,
``http-client-trickled-response``, ``http-client-close-delimited-body``; NET-TCP-7
(``http-client-paused-server``) and HTTP10-CLIENT-6 (``http-client-reset-mid-body``: it prints the half
body it got and exits 0).

    python tests/broken/http_client_single_recv.py URL
"""

import socket
import sys
import urllib.parse

url = urllib.parse.urlsplit(sys.argv[1])
sock = socket.create_connection((url.hostname, url.port or 80), timeout=5)
sock.sendall(f"GET {url.path or '/'} HTTP/1.0\r\nHost: {url.netloc}\r\nUser-Agent: broken\r\n\r\n".encode())
data = sock.recv(65536)  # BUG: one recv() taken as the whole response
head, sep, body = data.partition(b"\r\n\r\n")
if not sep or not head.startswith(b"HTTP/"):
    sys.exit("malformed response")
sys.stdout.buffer.write(body)
sys.exit(0 if int(head.split()[1]) < 400 else 1)
