"""Broken HTTP/1.0 client: reads the response until the connection ends and takes a reset (ECONNRESET)
for that end, so a body cut by a reset is printed and reported as a success (exit 0).

Gets wrong: HTTP10-LEN-7 / HTTP10-CLIENT-6 (a body shorter than Content-Length, or a reset, is a failure
to report).  Caught by: ``http-client-raw-reset-mid-reply``.

    python tests/broken/raw_http_client_reset_ok.py [--timeout S] http://HOST:PORT/PATH
"""

import argparse
import socket
import sys
import urllib.parse


def main() -> int:
    p = argparse.ArgumentParser()
    p.add_argument("--timeout", type=float, default=5.0)
    p.add_argument("url")
    a = p.parse_args()
    url = urllib.parse.urlsplit(a.url)
    with socket.create_connection((url.hostname, url.port or 80), timeout=a.timeout) as s:
        s.sendall(f"GET {url.path or '/'} HTTP/1.0\r\nHost: {url.hostname}\r\n\r\n".encode())
        data = b""
        try:
            while chunk := s.recv(65536):
                data += chunk
        except ConnectionResetError:
            pass  # BUG: a reset is not the end of the body
    head, _, body = data.partition(b"\r\n\r\n")
    if not head.startswith(b"HTTP/1.") or int(head.split(b" ")[1]) >= 400:
        return 1
    sys.stdout.buffer.write(body)
    return 0


if __name__ == "__main__":
    sys.exit(main())
