"""HTTP/1.0 reference client (RFC 1945), following the client contract of DESIGN.md §5.

``python -m reference_servers.http.client URL [--method GET|HEAD|POST] [--data TEXT | --data-file PATH|-]
[--timeout SECONDS] [--max-time SECONDS] [--max-redirects N] [--header 'Name: value'] [--include]``

Fetches ``URL`` and writes the entity body to stdout (for HEAD, the response head).  One request per
connection (§1.3, HTTP10-CONN-3): ``METHOD abs_path HTTP/1.0`` with Host and User-Agent, CRLF line ends
(HTTP10-CLIENT-1..3, HTTP10-VER-6); no Date on a request without a body (HTTP10-CLIENT-4).  The body is
read to exactly Content-Length, or to the close when there is none (HTTP10-LEN-4); EOF before
Content-Length octets is an error (HTTP10-LEN-7); a HEAD, 304 or 204 response ends at its empty line
(HTTP10-HEAD-5).  A Simple-Response is taken as the body (HTTP10-SIMPLE-5), a Status-Line is parsed
tolerantly (HTTP10-STATUS-5, HTTP/1.1 accepted, HTTP10-VER-7).  301 and 302 are followed for GET and
HEAD only, at most ``--max-redirects`` times (default 5), relative Locations resolved against the URL
(HTTP10-REDIR-2..5).  If the server answers >= 400 while a POST body is still being sent, the client
stops sending (HTTP10-ERR-7).

Exit status (clientbase): 0 success (status < 400, including an unfollowed 3xx); 1 status >= 400 (unknown
codes count as x00 of their class, HTTP10-STATUS-4), a malformed or truncated response, a redirect loop;
2 usage; 3 network error or timeout (every wait is bounded by ``--timeout``, NET-TCP-8).
"""

from __future__ import annotations

import selectors
import socket
import sys
import time
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path

from reference_servers.clientbase import EXIT_USAGE, client_main, client_parser, connect
from reference_servers.errors import IncompleteError, ProtocolError

from . import wire

__all__ = ["FetchResult", "HttpStatusError", "build_request", "fetch", "main", "request_once"]

USER_AGENT = "netconformance-http-client/0.1"
#: how the suite launches this client (docs/design.md §5); placeholders are filled by netconformance_fixtures.targets
CONTRACT_ARGS = ["--timeout", "{timeout}", "{url}"]
MAX_BODY = 64 * 2**20


class HttpStatusError(ProtocolError):
    """The server answered with a status >= 400 (the client exits 1)."""

    def __init__(self, status: int, reason: str) -> None:
        super().__init__(f"server answered {status} {reason}".rstrip())
        self.status = status


class UsageError(ValueError):
    """Bad URL or options (exit status 2)."""


@dataclass
class FetchResult:
    """The final response: ``head`` (:class:`~reference_servers.http.wire.ResponseHead`), ``body`` (bytes),
    ``url`` (the URL finally fetched), ``redirects`` (the URLs followed, in order)."""

    head: wire.ResponseHead
    body: bytes
    url: str
    redirects: list[str] = field(default_factory=list)


def _split_url(url: str) -> tuple[str, int, str, str]:
    """``(host, port, Request-URI, Host header)`` for an ``http://`` URL (§3.2.2).

    Raises:
        UsageError: not an http URL, or no host.
    """
    parts = urllib.parse.urlsplit(url)
    if parts.scheme.lower() != "http" or not parts.hostname:
        raise UsageError(f"not an http:// URL: {url!r}")
    try:
        port = parts.port or 80
    except ValueError:
        raise UsageError(f"bad port in {url!r}") from None
    path = urllib.parse.quote(parts.path or "/", safe="/%:@!$&'()*+,;=-._~")  # never empty (HTTP10-CLIENT-2)
    target = path + (f"?{parts.query}" if parts.query else "")
    host = parts.hostname if ":" not in parts.hostname else f"[{parts.hostname}]"
    return parts.hostname, port, target, host if port == 80 else f"{host}:{port}"


def build_request(method: str, url: str, body: bytes = b"", extra_headers: list[tuple[str, str]] | None = None
                  ) -> tuple[str, int, bytes]:
    """``(host, port, request bytes)`` for one Full-Request to ``url``.

    Raises:
        UsageError: bad URL.
    """
    host, port, target, host_header = _split_url(url)
    headers = [("Host", host_header), ("User-Agent", USER_AGENT)]
    if method == "POST" and not any(n.lower() == "content-type" for n, _ in extra_headers or []):
        headers.append(("Content-Type", "application/octet-stream"))
    headers += extra_headers or []
    return host, port, wire.format_request(method, target, headers, body)


def request_once(host: str, port: int, request: bytes, method: str, timeout: float,
                 deadline: float | None = None) -> tuple[wire.ResponseHead, bytes]:
    """One connection: send ``request``, read the response head and body.

    Every wait is bounded by ``timeout`` seconds, and the whole exchange by ``deadline`` (a
    ``time.monotonic()`` value) when given.

    Raises:
        TimeoutError, OSError: network errors.
        ProtocolError: malformed response, connection closed inside the head, body shorter than its
            Content-Length, body larger than 64 MiB.
    """
    with connect(host, port, _wait(timeout, deadline)) as sock:
        buf = _send_request(sock, request, timeout, deadline)
        eof = False
        while True:
            try:
                head, used = wire.parse_response_head(buf, eof=eof)
                break
            except IncompleteError:
                pass
            data = _recv(sock, timeout, deadline)
            eof = not data
            buf += data
        length = wire.response_body_length(method, head)
        body = bytearray(buf[used:])
        if length is None:  # delimited by close (HTTP10-LEN-4)
            while not eof and (data := _recv(sock, timeout, deadline)):
                body += data
                if len(body) > MAX_BODY:
                    raise ProtocolError(f"response body larger than {MAX_BODY} bytes")
            return head, bytes(body)
        if length > MAX_BODY:
            raise ProtocolError(f"Content-Length {length} exceeds the client's limit of {MAX_BODY} bytes")
        while len(body) < length:
            data = b"" if eof else _recv(sock, timeout, deadline)
            if not data:
                raise ProtocolError(f"connection closed after {len(body)} of {length} body bytes "
                                    "(Content-Length)", requirement="HTTP10-LEN-7")
            body += data
        return head, bytes(body[:length])  # octets past Content-Length are not part of the entity


def _wait(timeout: float, deadline: float | None) -> float:
    if deadline is None:
        return timeout
    left = deadline - time.monotonic()
    if left <= 0:
        raise TimeoutError("--max-time exceeded")
    return min(timeout, left)


def _recv(sock: socket.socket, timeout: float, deadline: float | None) -> bytes:
    sock.settimeout(_wait(timeout, deadline))
    try:
        return sock.recv(65536)
    except TimeoutError:
        raise TimeoutError(f"no data from the server for {timeout} s") from None


def _send_request(sock: socket.socket, request: bytes, timeout: float, deadline: float | None) -> bytes:
    """Send ``request`` while watching for an early answer (HTTP10-ERR-7); return what was read meanwhile.

    Sending stops when the server has answered with a complete head whose status is >= 400, or has
    closed; the response is then read as usual.
    """
    sock.setblocking(False)
    view = memoryview(request)
    received = b""
    try:
        with selectors.DefaultSelector() as sel:
            sel.register(sock, selectors.EVENT_READ | selectors.EVENT_WRITE)
            while view:
                events = sel.select(_wait(timeout, deadline))
                if not events:
                    raise TimeoutError(f"server accepted no data for {timeout} s")
                mask = events[0][1]
                if mask & selectors.EVENT_READ:
                    data = sock.recv(65536)
                    received += data
                    if not data or _early_error(received):
                        break
                if mask & selectors.EVENT_WRITE:
                    try:
                        sent = sock.send(view[:65536])
                    except BlockingIOError:
                        continue
                    except (BrokenPipeError, ConnectionResetError):
                        if received:
                            break
                        raise
                    view = view[sent:]
    finally:
        sock.setblocking(True)
    return received


def _early_error(buf: bytes) -> bool:
    try:
        head, _ = wire.parse_response_head(buf)
    except ProtocolError:
        return False
    return not head.simple and head.status >= 400


def fetch(url: str, *, method: str = "GET", body: bytes = b"", timeout: float = 5.0,
          max_redirects: int = 5, headers: list[tuple[str, str]] | None = None,
          max_time: float | None = None) -> FetchResult:
    """Fetch ``url``, following 301/302 for GET and HEAD (HTTP10-REDIR-2..5).

    Raises:
        UsageError: bad URL.
        HttpStatusError: final status >= 400.
        ProtocolError: malformed response, redirect limit exceeded, redirect without a usable Location.
        TimeoutError, OSError: network errors.
    """
    deadline = time.monotonic() + max_time if max_time else None
    followed: list[str] = []
    while True:
        host, port, request = build_request(method, url, body, headers)
        head, data = request_once(host, port, request, method, timeout, deadline)
        if head.status in (301, 302) and method in ("GET", "HEAD"):
            location = head.headers.get("Location")
            if location:
                if len(followed) >= max_redirects:
                    raise ProtocolError(f"more than {max_redirects} redirects (last to {location})",
                                        requirement="HTTP10-REDIR-3")
                url = urllib.parse.urljoin(url, location.strip())  # relative Location tolerated
                if urllib.parse.urlsplit(url).scheme.lower() != "http":
                    raise ProtocolError(f"redirect to a non-http URL {url!r}")
                followed.append(url)
                continue
        if head.status < 100 or head.status >= 600:
            raise ProtocolError(f"status code {head.status} outside 100..599")
        if head.status_class >= 400:
            raise HttpStatusError(head.status, head.reason)
        return FetchResult(head, data, url, followed)


def main(argv: list[str] | None = None) -> int:
    p = client_parser("python -m reference_servers.http.client", "HTTP/1.0 (RFC 1945) reference client")
    p.add_argument("url", help="http://HOST[:PORT]/PATH")
    p.add_argument("--method", choices=["GET", "HEAD", "POST"], default="GET")
    p.add_argument("--data", help="POST this text (UTF-8) as the body")
    p.add_argument("--data-file", help="POST the contents of this file ('-' for stdin)")
    p.add_argument("--max-redirects", type=int, default=5, help="redirects followed at most (default 5)")
    p.add_argument("--max-time", type=float, help="seconds allowed for the whole fetch")
    p.add_argument("--header", action="append", default=[], metavar="'Name: value'", help="extra header")
    p.add_argument("-i", "--include", action="store_true", help="write the response head before the body")
    args = p.parse_args(argv)
    body = b""
    if args.data is not None:
        body = args.data.encode("utf-8")
    elif args.data_file:
        body = sys.stdin.buffer.read() if args.data_file == "-" else Path(args.data_file).read_bytes()
    method = "POST" if body and args.method == "GET" else args.method
    extra = []
    for text in args.header:
        name, colon, value = text.partition(":")
        if not colon or not name.strip():
            p.error(f"--header needs 'Name: value', not {text!r}")
        extra.append((name.strip(), value.strip()))
    try:
        _split_url(args.url)
    except UsageError as exc:
        print(f"http: {exc}", file=sys.stderr)
        return EXIT_USAGE

    def run() -> bytes:
        result = fetch(args.url, method=method, body=body, timeout=args.timeout,
                       max_redirects=args.max_redirects, headers=extra, max_time=args.max_time)
        if method == "HEAD" or args.include:
            return result.head.raw + result.body
        return result.body

    return client_main("http", run)


if __name__ == "__main__":
    sys.exit(main())
