"""Broken HTTP/1.0 client: ignores Content-Length and always reads the body until the server closes.

Wrong: when Content-Length is present the body is exactly that many octets (RFC 1945 §7.2.2, §10.4);
a 204 or 304 response, like one to HEAD, has no body even when Content-Length > 0 (§7.2); EOF before
Content-Length octets is a truncated body to report (§7.2.2 note).  This client prints whatever arrives
before the close, so it waits forever on a server that keeps the connection open, prints extra bytes
after the announced body, and reports success for a truncated body or a head cut short.
Caught by: HTTP10-LEN-7 (scenario ``http-client-truncated-body``), HTTP10-HEAD-5
(``http-client-no-body-statuses``: a 204 with Content-Length, connection held), HTTP10-CONN-2
(``http-client-length-known-no-close``), HTTP10-CLIENT-5 (``http-client-header-parsing``: bytes after
the announced body are printed) and HTTP10-CLIENT-6 (``http-client-close-mid-head``).

    python tests/broken/http_client_ignores_length.py URL [--method HEAD]
"""

import socket
import sys
import urllib.parse

args = sys.argv[1:]
method = "GET"
if "--method" in args:
    i = args.index("--method")
    method = args[i + 1]
    del args[i:i + 2]
url = urllib.parse.urlsplit(args[0])
sock = socket.create_connection((url.hostname, url.port or 80), timeout=30)
sock.sendall(f"{method} {url.path or '/'} HTTP/1.0\r\nHost: {url.netloc}\r\nUser-Agent: broken\r\n\r\n".encode())
data = b""
while chunk := sock.recv(65536):  # BUG: to EOF, whatever Content-Length says
    data += chunk
head, _, body = data.partition(b"\r\n\r\n")
status = int(head.split()[1])
sys.stdout.buffer.write(body)
sys.exit(0 if status < 400 else 1)
