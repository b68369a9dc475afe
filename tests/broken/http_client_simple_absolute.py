"""Broken HTTP client: an HTTP/0.9 Simple-Request whose Request-URI is the whole URL.

Wrong: it sends ``GET http://host:port/path CRLF``: no HTTP-Version, so an HTTP/0.9 Simple-Request
(RFC 1945 §5: a client able to read Full-Responses should never send one, HTTP10-SIMPLE-4), and an
absoluteURI, which is only for proxies (§5.1.2: "The absoluteURI form is only allowed when the request is
being made to a proxy", HTTP10-CLIENT-2).  It reads the answer to the close and prints it, so the fetch
itself works against the reference server (which tolerates the absoluteURI).
Caught by: HTTP10-CLIENT-2, scenario ``http-client-request-form`` (graded by the must, not by the
Simple-Request's should).

    python tests/broken/http_client_simple_absolute.py URL
"""

import socket
import sys
import urllib.parse

url = urllib.parse.urlsplit(sys.argv[1])
sock = socket.create_connection((url.hostname, url.port or 80), timeout=5)
sock.sendall(f"GET {sys.argv[1]}\r\n".encode())  # BUG: no version, and the absoluteURI
data = b""
while chunk := sock.recv(65536):
    data += chunk
sys.stdout.buffer.write(data)
