"""A gopher client (RFC 1436, URLs per RFC 4266) that reads every response to the end of the stream.

The simplest reading of RFC 1436 section 2: "The server responds with a block of text terminated with a
period on a line by itself, and closes the connection."  So it sends the selector, ``recv``s until the
server closes (5 s per wait), and prints the response as received.  It reports a type-3 error item, an
empty response, a reset, a timeout and a refused connection with a non-zero status; telnet/tn3270/CSO
items and ``URL:`` links are not fetched over gopher (the URL is printed, exit 3).

Usage: gopher_client_recv_eof.py URL

warning: gopher-client-lastline-then-held-open: it waits for the close RFC 1436 promises ("terminated with a period on a line by itself, and closes the connection"), so a server that holds the connection open after the lastline makes it time out; stopping at the lastline is de-facto
"""

from __future__ import annotations

import socket
import sys
import urllib.parse

TIMEOUT = 5.0


def parse(url: str) -> tuple[str, int, str, bytes]:
    parts = urllib.parse.urlsplit(url)
    if parts.scheme != "gopher" or not parts.hostname:
        raise SystemExit(f"not a gopher URL: {url}")
    path = url.split("//", 1)[1]
    path = path[path.find("/") + 1:] if "/" in path else ""
    path = path.split("#", 1)[0]
    itemtype = path[:1] or "1"
    rest = path[1:]
    selector, _, search = rest.partition("%09")
    request = urllib.parse.unquote_to_bytes(selector)
    if search:
        request += b"\t" + urllib.parse.unquote_to_bytes(search.split("%09")[0])
    return parts.hostname, parts.port or 70, itemtype, request


def main() -> int:
    if len(sys.argv) != 2:
        print(__doc__.splitlines()[-3], file=sys.stderr)
        return 2
    host, port, itemtype, request = parse(sys.argv[1])
    if itemtype in "82T" or request.startswith(b"URL:"):
        print(request.decode("utf-8", "replace"))
        print(f"type {itemtype}: not a gopher transaction, not fetched", file=sys.stderr)
        return 3
    chunks = []
    try:
        with socket.create_connection((host, port), timeout=TIMEOUT) as sock:
            sock.sendall(request + b"\r\n")
            while True:
                data = sock.recv(65536)
                if not data:
                    break
                chunks.append(data)
    except TimeoutError:
        print("gopher: timed out", file=sys.stderr)
        return 4
    except OSError as exc:
        print(f"gopher: {exc}", file=sys.stderr)
        return 4
    response = b"".join(chunks)
    if not response:
        print("gopher: empty response", file=sys.stderr)
        return 5
    if itemtype in "017" and response.startswith(b"3") and response.count(b"\t") >= 3 \
            and response.split(b"\n", 1)[1:] in ([b".\r\n"], [b".\n"], [b""]):
        print("gopher: server error: " + response[1:].split(b"\t")[0].decode("utf-8", "replace"), file=sys.stderr)
        return 6
    sys.stdout.buffer.write(response)
    return 0


if __name__ == "__main__":
    sys.exit(main())
