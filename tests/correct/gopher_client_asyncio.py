"""A gopher client (RFC 1436, URLs per RFC 4266) on asyncio streams.

``asyncio.open_connection``, the request written at once, then: for menus, text and searches
(types 0, 1, 7) ``readline`` until the lastline, printing the response as received (lastline and
stuffed dots included, as curl prints it); a close before the lastline is accepted (RFC 1436 Appendix:
"The client should be prepared for the server closing the connection without sending the Lastline").
Other types are read to the end of the stream.  Every read is limited to 5 s.  Non-zero exit on
type-3 error items, empty responses, resets, refused connections and timeouts; items of types 8, T and
2 and ``URL:`` links are not gopher transactions and are refused (exit 3).

Usage: gopher_client_asyncio.py URL
"""

from __future__ import annotations

import asyncio
import re
import sys
import urllib.parse

WAIT = 5.0


def parse(url: str):
    m = re.match(r"(?i)gopher://(\[[^\]]+\]|[^/:]+)(?::(\d+))?(?:/(.)?(.*))?$", url)
    if not m:
        raise ValueError(url)
    host = m.group(1).strip("[]")
    port = int(m.group(2) or 70)
    itemtype = m.group(3) or "1"
    rest = (m.group(4) or "").split("#")[0]
    fields = re.split("(?i)%09", rest)
    request = urllib.parse.unquote_to_bytes(fields[0])
    if len(fields) > 1:
        request += b"\t" + urllib.parse.unquote_to_bytes(fields[1])
    return host, port, itemtype, request


async def fetch(host: str, port: int, itemtype: str, request: bytes) -> bytes:
    reader, writer = await asyncio.wait_for(asyncio.open_connection(host, port), WAIT)
    try:
        writer.write(request + b"\r\n")
        await writer.drain()
        got = bytearray()
        if itemtype in "017":
            while True:
                line = await asyncio.wait_for(reader.readline(), WAIT)
                got += line
                if not line or line in (b".\r\n", b".\n"):
                    break
        else:
            while chunk := await asyncio.wait_for(reader.read(65536), WAIT):
                got += chunk
        return bytes(got)
    finally:
        writer.close()


def main() -> int:
    try:
        host, port, itemtype, request = parse(sys.argv[1])
    except (IndexError, ValueError):
        print("usage: gopher_client_asyncio.py gopher://host[:port]/TYPEselector", file=sys.stderr)
        return 2
    if itemtype in "8T2" or request.startswith(b"URL:"):
        print(f"not a gopher transaction: {request.decode(errors='replace')}", file=sys.stderr)
        return 3
    try:
        data = asyncio.run(fetch(host, port, itemtype, request))
    except (OSError, TimeoutError, asyncio.LimitOverrunError, ValueError) as exc:
        print(f"gopher: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 4
    if not data:
        print("gopher: empty response", file=sys.stderr)
        return 5
    first, _, rest = data.partition(b"\n")
    if itemtype in "017" and first.startswith(b"3") and first.count(b"\t") >= 3 and rest in (b"", b".\r\n", b".\n"):
        print("gopher: error item: " + first[1:].split(b"\t")[0].decode(errors="replace"), file=sys.stderr)
        return 6
    sys.stdout.buffer.write(data)
    return 0


if __name__ == "__main__":
    sys.exit(main())
