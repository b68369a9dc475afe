"""A raw-socket HTTP/1.0 client that reads the whole response to EOF, then parses it.

    python tests/correct/http_client_raw.py URL

Sends ``GET abs_path HTTP/1.0`` with User-Agent and Host, reads until the server closes (RFC 1945 §1.3:
the server closes after the response), every wait limited to 5 s.  A response that does not start with a
Status-Line is an HTTP/0.9 Simple-Response: all of it is the body.  Otherwise the head must end with an
empty line (bare LF tolerated), the body is Content-Length octets (fewer is an error) or everything up to
the close, and 1xx/204/304 have none.  Redirects are not followed: the 3xx body is written, exit 0.
Exit 1 on a status >= 400, 2 on a network or framing error.

warning: http-client-length-known-no-close: it reads to EOF, so a server that keeps the connection open after Content-Length octets (which RFC 1945 §1.3 says the server closes) makes it time out; the keep-alive extension is de-facto (RFC 2068 §19.7.1)
warning: http-client-no-body-statuses: same: after a 204 held open by the server it waits for the close and times out
"""

import re
import socket
import sys
import urllib.parse

TIMEOUT = 5
STATUS = re.compile(rb"HTTP/\d+\.\d+[ \t]+(\d{3})(?:[ \t][^\r\n]*)?\r?\n")


class Failed(Exception):
    pass


def get(url: str) -> bytes:
    parts = urllib.parse.urlsplit(url)
    path = (parts.path or "/") + ("?" + parts.query if parts.query else "")
    with socket.create_connection((parts.hostname, parts.port or 80), timeout=TIMEOUT) as sock:
        sock.sendall(f"GET {path} HTTP/1.0\r\nHost: {parts.netloc}\r\nUser-Agent: raw-student/1.0\r\n\r\n".encode())
        chunks = []
        while data := sock.recv(65536):
            chunks.append(data)
    return b"".join(chunks)


def parse(raw: bytes) -> tuple[int, bytes]:
    m = STATUS.match(raw)
    if not m:
        if raw.startswith(b"HTTP/"):
            raise Failed("malformed or truncated Status-Line")
        return 200, raw  # HTTP/0.9 Simple-Response
    status = int(m.group(1))
    headers, pos, last = {}, m.end(), None
    while True:
        end = raw.find(b"\n", pos)
        if end < 0:
            raise Failed("the connection closed inside the response head")
        line = raw[pos:end].rstrip(b"\r")
        pos = end + 1
        if not line:
            break
        if line[:1] in b" \t" and last:
            headers[last] += b" " + line.strip()
            continue
        name, _, value = line.partition(b":")
        last = name.strip().lower()
        headers[last] = value.strip()
    body = raw[pos:]
    if status // 100 == 1 or status in (204, 304):
        return status, b""
    length = headers.get(b"content-length")
    if length is not None and length.isdigit():
        if len(body) < int(length):
            raise Failed(f"body truncated: {len(body)} of {int(length)} octets")
        body = body[:int(length)]
    return status, body


def main() -> int:
    try:
        status, body = parse(get(sys.argv[1]))
    except (OSError, Failed) as exc:
        print(f"http: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 2
    if status >= 400:
        print(f"http: status {status}", file=sys.stderr)
        return 1
    sys.stdout.buffer.write(body)
    return 0


if __name__ == "__main__":
    sys.exit(main())
