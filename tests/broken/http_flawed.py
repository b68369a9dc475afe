"""Broken HTTP/1.0 server with ONE chosen flaw: a front end over the reference server.

``python tests/broken/http_flawed.py --port PORT --root DIR --flaw NAME``

It accepts connections itself, reads the request (correctly unless the flaw is in reading), hands it to
an in-process reference server (:mod:`reference_servers.http.server`) over loopback, and sends the
answer back, changed only as the flaw says.  So each flaw makes exactly the intended scenario fail while
the rest of the suite passes, which is how every server scenario is seen failing.  ``FLAWS`` maps each
flaw to what it gets wrong and the requirement id that catches it.
"""

from __future__ import annotations

import argparse
import email.utils
import os
import pathlib
import re
import select
import socket
import sys
import threading
import time
import urllib.parse

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))

from conformance.errors import IncompleteError, ProtocolError
from reference_servers.http import wire
from reference_servers.http.server import HttpServer

FLAWS = {
    # reading the request
    "single-recv": "takes the first recv() as the whole request (HTTP10-REQ-2, NET-TCP-1)",
    "strict-crlf": "ends the head only at CRLFCRLF, so bare-LF requests hang (HTTP10-REQ-5)",
    "simple-waits": "waits for an empty line after a Simple-Request (HTTP10-SIMPLE-2)",
    "simple-other-methods-hang": "never answers 'HEAD /x' with no version (HTTP10-SIMPLE-3)",
    "simple-as-full": "answers a Simple-Request with a Status-Line and headers (HTTP10-SIMPLE-1)",
    "casefold-method": "upper-cases the method, so 'get' is served (HTTP10-REQ-3)",
    "no-percent-decode": "does not %-decode the Request-URI (HTTP10-REQ-4)",
    "case-sensitive-headers": "sees Content-Length only in that exact case (HTTP10-REQ-6)",
    "no-folding": "answers 400 to folded header lines (HTTP10-REQ-7)",
    "reject-unknown-headers": "answers 400 to header names it does not know (HTTP10-REQ-8)",
    "reject-empty-value": "answers 400 to a header with an empty value (HTTP10-REQ-9)",
    "no-limits": "buffers any request head and answers 200 (HTTP10-REQ-10)",
    "require-host": "answers 400 without a Host header (HTTP10-HDR-6)",
    "reject-http11": "answers 505 to HTTP/1.1 requests (HTTP10-VER-8)",
    "string-version": "compares the version as a string: HTTP/1.10 and HTTP/01.00 get 400 (HTTP10-VER-3)",
    "echo-version": "answers a HTTP/2.0 request with a HTTP/2.0 200 (HTTP10-VER-4)",
    "bad-version-as-09": "serves 'HTTP/a.b' requests as HTTP/0.9 (HTTP10-VER-5)",
    "post-no-length": "reads a POST body without Content-Length until close and answers 200 (HTTP10-LEN-1)",
    "post-single-recv": "takes only the body bytes that came with the head (HTTP10-LEN-2)",
    "405": "answers 405 (an HTTP/1.1 code) to unknown methods (HTTP10-ERR-5)",
    "serve-hidden": "serves dot-files such as .htaccess (HTTP10-SEC-2)",
    "conditional-head": "answers HEAD with If-Modified-Since with 304 (HTTP10-HEAD-3)",
    "no-ims": "ignores If-Modified-Since (HTTP10-COND-1)",
    "ims-naive": "304 for a future If-Modified-Since, 500 for an invalid one (HTTP10-COND-3)",
    "ims-rfc1123-only": "understands If-Modified-Since only in rfc1123 form (HTTP10-COND-4)",
    "ims-on-errors": "answers 304 instead of 404 when If-Modified-Since is present (HTTP10-COND-5)",
    "traversal-encoded": "refuses a literal '..' with 500, but %-decodes after that check: /%2e%2e/ leaves the root "
                         "(HTTP10-ERR-3, HTTP10-SEC-1)",
    # the response
    "http11-status": "Status-Line says HTTP/1.1, yet serves an HTTP/1.1 request without Host (HTTP10-VER-9)",
    "lf-only": "header lines end in bare LF (HTTP10-STATUS-2)",
    "empty-error-body": "4xx/5xx without a body or Content-Length (HTTP10-STATUS-3, HTTP10-LEN-5)",
    "error-no-length": "empty error pages: 404 with Content-Length: 0, 400 and 501 with neither a body nor "
                       "Content-Length (HTTP10-STATUS-3, HTTP10-LEN-5)",
    "no-date": "no Date header (HTTP10-HDR-1)",
    "bad-date": "Date and Last-Modified with a numeric zone, not GMT (HTTP10-HDR-2)",
    "no-content-type": "no Content-Type (HTTP10-HDR-3)",
    "future-last-modified": "Last-Modified one day after Date (HTTP10-HDR-4)",
    "head-body": "HEAD answered with the body (HTTP10-HEAD-1)",
    "head-cl-zero": "HEAD answered with Content-Length: 0 (HTTP10-HEAD-2)",
    "304-with-body": "304 carries a body and Content-Length (HTTP10-COND-1, HTTP10-COND-6)",
    "relative-location": "Location of a 301 is a relative path (HTTP10-REDIR-1)",
    "wrong-length": "Content-Length one octet too long (HTTP10-LEN-3)",
    # the connection
    "keep-open": "keeps the connection open after the response (HTTP10-CONN-1)",
    "echo-keepalive": "advertises Connection: keep-alive, then closes anyway (HTTP10-CONN-2)",
    "keepalive-400-open": "answers 400 to Connection: keep-alive, then holds the connection open without "
                          "advertising keep-alive (HTTP10-CONN-2, HTTP10-CONN-1)",
    "no-drain": "closes right after the response with input unread, so the kernel resets (NET-TCP-9)",
    "serial": "serves one connection at a time with no timeout (NET-TCP-6, HTTP10-CONN-4)",
    "die-on-reset": "exits when a client resets the connection (NET-TCP-5)",
    "abort-on-half-close": "drops the request when the client half-closes after it (NET-TCP-4)",
}

HEAD_TIMEOUT = 10.0


def read_request(conn: socket.socket, flaw: str) -> bytes | None:
    """The raw request (head and Content-Length body) as the flawed server reads it; None: give up."""
    buf = b""
    limits = wire.Limits(max_line=1 << 30, max_head=1 << 30, max_headers=1 << 30) if flaw == "no-limits" \
        else wire.DEFAULT_LIMITS
    deadline = None if flaw == "serial" else time.monotonic() + HEAD_TIMEOUT
    while True:
        if flaw == "single-recv" and buf:
            return buf
        first = buf.split(b"\n", 1)
        if flaw in ("strict-crlf", "simple-waits"):
            full = len(first[0].split()) >= 3
            if (flaw == "simple-waits" or full) and b"\r\n\r\n" in buf:
                break
            if flaw == "strict-crlf" and not full and len(first) == 2:
                break  # a Simple-Request is still recognised
        elif flaw == "simple-other-methods-hang" and len(first) == 2 and len(first[0].split()) == 2 \
                and not first[0].startswith(b"GET"):
            head = None
            break
        else:
            try:
                head, used = wire.parse_request_head(buf, limits)
                break
            except wire.RequestError:
                return buf
            except IncompleteError:
                pass
        conn.settimeout(None if deadline is None else max(0.01, deadline - time.monotonic()))
        try:
            data = conn.recv(65536)
        except TimeoutError:
            return None
        except ConnectionResetError:
            if flaw == "die-on-reset":
                os._exit(1)
            raise
        if not data:
            return None if flaw == "abort-on-half-close" else buf
        buf += data
    if flaw in ("strict-crlf", "simple-waits"):
        try:
            head, used = wire.parse_request_head(buf)
        except ProtocolError:
            return buf
    if head is None:  # simple-other-methods-hang
        conn.settimeout(30)
        while conn.recv(65536):
            pass
        return None
    try:
        length = wire.request_content_length(head.headers)
    except wire.RequestError:
        return buf
    if head.method == "POST" and length is None and flaw == "post-no-length":
        conn.settimeout(10)
        while data := conn.recv(65536):
            buf += data
        body = buf[used:]
        return head.raw.replace(b"\r\n\r\n", b"\r\nContent-Length: %d\r\n\r\n" % len(body), 1) + body
    if length and flaw == "post-single-recv":
        body = buf[used:]
        fixed = re.sub(rb"(?im)^content-length:[^\r\n]*", b"Content-Length: %d" % len(body), head.raw)
        return fixed + body
    conn.settimeout(10)
    while length and len(buf) - used < length:
        data = conn.recv(65536)
        if not data:
            break
        buf += data
    if flaw == "abort-on-half-close":
        ready, _, _ = select.select([conn], [], [], 0.05)
        if ready and not conn.recv(1, socket.MSG_PEEK):
            return None
    return buf


def rewrite_request(raw: bytes, flaw: str, root: str) -> tuple[bytes | None, bytes | None]:
    """(request for the reference server, or None) and (an answer given directly, or None)."""
    try:
        head, used = wire.parse_request_head(raw, wire.Limits(1 << 30, 1 << 30, 1 << 30))
    except ProtocolError:
        return raw, None
    line = raw.partition(b"\n")[0]
    names = [n for n, _ in head.headers]
    version = line.split()[2] if len(line.split()) == 3 else b""
    if flaw == "casefold-method":
        return raw.replace(head.method.encode(), head.method.upper().encode(), 1), None
    if flaw == "no-percent-decode" and "%" in head.target:
        return None, canned(404)
    if flaw == "case-sensitive-headers" and any(n.lower() == "content-length" and n != "Content-Length" for n in names):
        return re.sub(rb"(?im)^content-length:[^\r\n]*\r?\n", b"", raw, count=1), None
    if flaw == "no-folding" and re.search(rb"\n[ \t]", raw[:used]):
        return None, canned(400)
    known = {"host", "user-agent", "accept", "content-length", "content-type", "if-modified-since", "connection"}
    if flaw == "reject-unknown-headers" and any(n.lower() not in known for n in names):
        return None, canned(400)
    if flaw == "reject-empty-value" and any(not v for _, v in head.headers):
        return None, canned(400)
    if flaw == "no-limits" and (len(head.raw) > 8192 or len(head.headers) > 100):
        return b"GET %s HTTP/1.0\r\n\r\n" % head.target[:8000].encode(), None  # served as if nothing were wrong
    if flaw == "require-host" and "host" not in head.headers.names() and not head.simple:
        return None, canned(400)
    if flaw == "reject-http11" and version == b"HTTP/1.1":
        return None, canned(505)
    if flaw == "string-version" and version and version not in (b"HTTP/1.0", b"HTTP/1.1"):
        return None, canned(400)
    if flaw == "simple-as-full" and head.simple:
        return b"GET %s HTTP/1.0\r\n\r\n" % head.target.encode(), None
    if flaw == "405" and head.method not in wire.IMPLEMENTED_METHODS:
        return None, canned(405)
    if flaw == "serve-hidden" and "/." in head.target:
        path = os.path.join(root, head.target.lstrip("/"))
        if os.path.isfile(path):
            body = pathlib.Path(path).read_bytes()
            return None, wire.format_response(200, [("Content-Length", str(len(body)))], body)
    if flaw == "traversal-encoded" and ".." in urllib.parse.unquote(head.target):
        if ".." in head.target:
            return None, canned(500)
        path = os.path.join(root, urllib.parse.unquote(head.target).lstrip("/"))  # decoded after the check
        if os.path.isfile(path):
            body = pathlib.Path(path).read_bytes()
            return None, wire.format_response(200, [("Content-Length", str(len(body)))], body)
    if flaw == "keepalive-400-open" and "keep-alive" in (head.headers.get("Connection") or "").lower():
        return None, canned(400)
    ims = head.headers.get("If-Modified-Since")
    if ims is not None:
        strip = re.sub(rb"(?im)^if-modified-since:[^\r\n]*\r?\n", b"", raw)
        if flaw == "no-ims" or (flaw == "ims-rfc1123-only" and not wire.is_rfc1123_date(ims)):
            return strip, None
        if flaw == "ims-naive":
            when = wire.parse_http_date(ims)
            if when is None:
                return None, canned(500)
            if when > time.time():
                return None, wire.format_response(304, [("Date", wire.format_http_date())])
        if flaw == "ims-on-errors":
            return None, wire.format_response(304, [("Date", wire.format_http_date())])
        if flaw == "conditional-head" and head.method == "HEAD":
            return raw.replace(b"HEAD", b"GET", 1), None
    if flaw in ("head-body", "head-cl-zero") and head.method == "HEAD":
        return raw.replace(b"HEAD", b"GET", 1), None
    return raw, None


def rewrite_response(resp: bytes, flaw: str, request: bytes) -> bytes:
    """The reference server's answer ``resp`` changed by ``flaw``; ``request`` is the request as the
    client sent it."""
    parts = wire.split_head(resp)
    if parts is None or not resp.startswith(b"HTTP/"):
        return resp
    head, body = parts
    method = request.split(b" ", 1)[0]
    status = int(head.split()[1])
    if flaw == "http11-status":
        head = b"HTTP/1.1" + head[8:]
    elif flaw == "lf-only":
        head = head.replace(b"\r\n", b"\n")
    elif flaw == "empty-error-body" and status >= 400:
        head, body = re.sub(rb"(?im)^content-length:[^\r\n]*\r\n", b"", head), b""
    elif flaw == "error-no-length" and status >= 400:
        zero = b"Content-Length: 0\r\n" if status == 404 else b""
        head, body = re.sub(rb"(?im)^content-length:[^\r\n]*\r\n", zero, head), b""
    elif flaw == "no-date":
        head = re.sub(rb"(?im)^date:[^\r\n]*\r\n", b"", head)
    elif flaw == "bad-date":
        head = re.sub(rb"(?im)^(date|last-modified):[^\r\n]*",
                      lambda m: m.group(1) + b": " + email.utils.formatdate(time.time()).encode(), head)
    elif flaw == "no-content-type":
        head = re.sub(rb"(?im)^content-type:[^\r\n]*\r\n", b"", head)
    elif flaw == "future-last-modified":
        head = re.sub(rb"(?im)^last-modified:[^\r\n]*",
                      b"Last-Modified: " + wire.format_http_date(time.time() + 86400).encode(), head)
    elif flaw == "head-cl-zero" and method == b"HEAD":
        head, body = re.sub(rb"(?im)^content-length:[^\r\n]*", b"Content-Length: 0", head), b""
    elif flaw == "conditional-head" and method == b"HEAD":
        body = b""
    elif flaw == "304-with-body" and status == 304:
        body = b"<html>not modified</html>\n"
        head = head[:-2] + b"Content-Length: %d\r\n\r\n" % len(body)
    elif flaw == "relative-location":
        head = re.sub(rb"(?im)^location: *http://[^/\r\n]*", b"Location: ", head)
    elif flaw == "wrong-length":
        head = re.sub(rb"(?im)^content-length: *(\d+)",
                      lambda m: b"Content-Length: %d" % (int(m.group(1)) + 1), head)
    elif flaw == "echo-version" and re.match(rb"\S+ \S+ HTTP/[2-9]", request):
        head = b"HTTP/2.0 200 OK\r\n" + head.split(b"\r\n", 1)[1]
    elif flaw == "echo-keepalive" and re.search(rb"(?im)^connection: *keep-alive", request):
        head = head[:-2] + b"Connection: keep-alive\r\n\r\n"
    return head + body


def canned(status: int) -> bytes:
    body = f"<html><body>{status}</body></html>\n".encode()
    return wire.format_response(status, [("Date", wire.format_http_date()), ("Content-Length", str(len(body)))], body)


def handle(conn: socket.socket, flaw: str, backend: tuple[str, int], root: str) -> None:
    with conn:
        try:
            raw = read_request(conn, flaw)
            if raw is None:
                return
            original = raw
            if flaw == "bad-version-as-09":
                m = re.match(rb"GET[ \t]+(\S+)[ \t]+HTTP/(?!\d+\.\d+\s)\S*", raw)
                if m:
                    raw = b"GET " + m.group(1) + b"\r\n"
            if flaw == "echo-version":
                raw = re.sub(rb"^(\S+ \S+) HTTP/[2-9]\d*\.\d+", rb"\1 HTTP/1.0", raw)
            request, answer = rewrite_request(raw, flaw, root)
            if answer is None:
                with socket.create_connection(backend, timeout=10) as up:
                    up.sendall(request)
                    up.shutdown(socket.SHUT_WR)
                    resp = b""
                    while data := up.recv(65536):
                        resp += data
                answer = rewrite_response(resp, flaw, original)
            conn.sendall(answer)
            if flaw == "no-drain":
                return  # close with whatever the client sent after its request unread: RST
            if flaw == "keep-open" or (flaw == "keepalive-400-open"
                                       and re.search(rb"(?im)^connection: *keep-alive", original)):
                conn.settimeout(30)
                while conn.recv(65536):
                    pass
            conn.shutdown(socket.SHUT_WR)
            conn.settimeout(1)
            while conn.recv(65536):
                pass
        except ConnectionResetError:
            if flaw == "die-on-reset":
                os._exit(1)
        except OSError:
            pass


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--root", default=".")
    p.add_argument("--flaw", required=True, choices=sorted(FLAWS))
    args = p.parse_args()
    backend = HttpServer(root=args.root, header_timeout=60, idle_timeout=60, linger=0.2).start()
    ls = socket.create_server(("127.0.0.1", args.port), backlog=64)
    print(f"LISTENING tcp 127.0.0.1 {ls.getsockname()[1]}", flush=True)
    try:
        while True:
            conn, _ = ls.accept()
            conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            if args.flaw == "serial":
                handle(conn, args.flaw, backend.address(), args.root)
            else:
                threading.Thread(target=handle, args=(conn, args.flaw, backend.address(), args.root),
                                 daemon=True).start()
    except KeyboardInterrupt:
        return 0
    finally:
        backend.stop()


if __name__ == "__main__":
    sys.exit(main())
