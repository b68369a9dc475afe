"""Reference time client (RFC 868): ``python -m reference_servers.time.client --host H --port P``.

Writes the server's time to standard output (``--format iso``: ``2036-02-07T06:28:32Z``, the default;
``unix``: Unix seconds).  Reads exactly 4 octets however they are segmented; fewer before the close
means the server had no time, more is a protocol error (TIME-TCP-4, TIME-FMT-3).  Decodes unsigned,
big-endian, 1900-based, with the 2036 era rule (TIME-FMT-4..6).  UDP: an empty datagram, retransmitted
on loss; only a reply from the server counts, and it must be 4 octets (TIME-UDP-4).
"""

from __future__ import annotations

import sys

from reference_servers import clientbase
from reference_servers.errors import IncompleteError, ProtocolError
from reference_servers.time import wire


def time_tcp(host: str, port: int, timeout: float) -> int:
    """Unix seconds from a TCP time server.  Raises ProtocolError, TimeoutError, OSError."""
    with clientbase.connect(host, port, timeout) as sock:
        data = clientbase.recv_to_eof(sock, limit=64)
    if not data:
        raise ProtocolError("the server closed without sending a time (it has no clock)")
    try:
        return wire.decode(data)
    except IncompleteError:
        raise ProtocolError(f"the server closed after {len(data)} of 4 octets") from None


def time_udp(host: str, port: int, timeout: float, retries: int) -> int:
    """Unix seconds from a UDP time server.  Raises ProtocolError, TimeoutError."""
    reply = clientbase.udp_exchange(host, port, b"", timeout=timeout, retries=retries)
    if len(reply) != wire.SIZE:
        raise ProtocolError(f"reply of {len(reply)} octets, a time value has exactly 4")
    return wire.decode(reply)


#: arguments that make this client follow the client contract (docs/design.md §5); placeholders as in docs/design.md §3
CONTRACT_ARGS = ["--host", "{host}", "--port", "{port}", "--transport", "{transport}", "--timeout", "{timeout}"]


def main(argv: list[str] | None = None) -> int:
    p = clientbase.client_parser("python -m reference_servers.time.client", "Reference time client (RFC 868).")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=wire.PORT)
    p.add_argument("--transport", choices=("tcp", "udp"), default="tcp")
    p.add_argument("--retries", type=int, default=3, help="UDP retransmissions (default 3)")
    p.add_argument("--format", choices=("iso", "unix"), default="iso")
    args = p.parse_args(argv)

    def body() -> bytes:
        if args.transport == "tcp":
            t = time_tcp(args.host, args.port, args.timeout)
        else:
            t = time_udp(args.host, args.port, args.timeout, args.retries)
        return (wire.iso(t) if args.format == "iso" else str(t)).encode() + b"\n"

    return clientbase.client_main("time", body)


if __name__ == "__main__":
    sys.exit(main())
