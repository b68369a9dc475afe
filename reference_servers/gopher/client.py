"""The reference gopher client: ``python -m reference_servers.gopher.client [--timeout S] [--raw] URL``.

Fetches one ``gopher://host:port/TYPEselector`` URL (RFC 4266; a search URL carries its words after
``%09``) and writes the item to stdout (client contract, DESIGN §5):

* the request is the selector exactly as in the URL (percent-decoded only), then CRLF, sent at once
  without waiting for a greeting (GOPHER-CLIENT-1, GOPHER-CLIENT-3); search words follow a literal TAB
  (GOPHER-SEARCH-2); no Gopher+ suffix is ever added (GOPHER-EXT-4);
* the end of the response follows from the item type (GOPHER-CLIENT-4): menus (1), text (0) and search
  results (7) end at the lastline, which is honoured as soon as it arrives (GOPHER-TEXT-6); a missing
  lastline is tolerated at the close (GOPHER-TEXT-4); everything else (9, 5, g, I, h, unknown types) is
  read until the close (GOPHER-BIN-2);
* output is decoded (lastline removed, leading dots un-stuffed, GOPHER-TEXT-3) unless ``--raw``;
  ``h`` items lose a trailing lastline (GOPHER-EXT-2); binary items are written byte for byte;
* telnet, tn3270, CSO, error and ``i`` items are never fetched (GOPHER-TYPE-4); a ``URL:`` selector is
  not sent to the gopher server: the URL is written to stdout instead (GOPHER-EXT-3).

Exit status (clientbase): 0 success; 1 error item, empty response or another protocol error
(GOPHER-ERR-2, GOPHER-ERR-3), or an item type that cannot be fetched; 2 usage; 3 network error or
timeout (every wait bounded by ``--timeout`` seconds, NET-TCP-8).
"""

from __future__ import annotations

import socket
import sys

from reference_servers.clientbase import EXIT_USAGE, client_main, client_parser, connect
from reference_servers.errors import ProtocolError

from . import wire

#: how the suite launches this client (DESIGN §5; placeholders filled by the harness)
CONTRACT_ARGS = ["--timeout", "{timeout}", "{url}"]


def fetch(url: wire.GopherURL, timeout: float, *, raw: bool = False, limit: int = 64 * 2**20) -> bytes:
    """Fetch ``url`` and return the item (decoded unless ``raw``).

    Raises:
        ProtocolError: an error item, an empty response, an unfetchable type, or more than ``limit``
            octets.
        TimeoutError, OSError: network errors (each wait bounded by ``timeout`` seconds).
    """
    if url.selector.startswith("URL:"):
        print(f"gopher: {url.selector[4:]} is a link to another protocol; not fetched", file=sys.stderr)
        return url.selector[4:].encode("utf-8", "surrogateescape") + b"\n"
    kind = wire.framing(url.itemtype)
    if kind == "none":
        names = {"8": "a telnet session", "T": "a tn3270 session", "2": "a CSO phone book",
                 "3": "an error item", "i": "an informational line"}
        what = names.get(url.itemtype, f"type {url.itemtype!r}")
        raise ProtocolError(f"{what} at {url.host}:{url.port} cannot be fetched by a gopher client")
    reader = wire.ResponseReader(url.itemtype, limit=limit)
    with connect(url.host, url.port, timeout) as sock:
        sock.sendall(url.request())
        while not reader.complete:
            data = sock.recv(65536)
            if data:
                reader.feed(data)
            else:
                reader.feed_eof()
        if not reader.surplus:
            # done at the lastline: do not wait for the server's close (GOPHER-TEXT-6)
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
    body = reader.body
    if not body and (kind == "lastline" or url.itemtype == wire.HTML):
        raise ProtocolError("empty response: the server closed without sending anything")
    message = wire.error_message(body)
    if message is not None:
        raise ProtocolError(f"server error item: {message}")
    if reader.lastline_missing:
        print("gopher: warning: response ended without the lastline", file=sys.stderr)
    if raw:
        return body
    if kind == "lastline":
        return wire.decode_text(body, require_lastline=False)
    if url.itemtype == wire.HTML:
        return wire.strip_trailing_lastline(body)
    return body


def main(argv: list[str] | None = None) -> int:
    p = client_parser("python -m reference_servers.gopher.client", "Fetch one gopher URL to stdout.")
    p.add_argument("url", help="gopher://host:port/TYPEselector (search words after %%09)")
    p.add_argument("--raw", action="store_true", help="write menus and text as received (lastline, stuffed dots)")
    args = p.parse_args(argv)
    try:
        url = wire.parse_url(args.url)
    except ProtocolError as exc:
        print(f"gopher: {exc}", file=sys.stderr)
        return EXIT_USAGE
    if url.itemtype == wire.SEARCH and url.search is None:
        print("gopher: a type-7 (search) URL needs the search words after %09", file=sys.stderr)
        return EXIT_USAGE
    if args.timeout <= 0:
        p.error("--timeout must be positive")
    return client_main("gopher", lambda: fetch(url, args.timeout, raw=args.raw))


if __name__ == "__main__":
    sys.exit(main())
