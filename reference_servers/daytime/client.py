"""Reference daytime client (RFC 867): ``python -m reference_servers.daytime.client --host H --port P``.

Writes the server's string to standard output verbatim, whatever its format (DAYTIME-FMT-3).  TCP:
reads until the server closes, however the string is segmented (DAYTIME-TCP-4).  UDP: sends an empty
datagram, retransmits on loss, accepts a reply only from the server (DAYTIME-UDP-3, NET-UDP-2/3).
"""

from __future__ import annotations

import sys

from reference_servers import clientbase
from reference_servers.daytime import wire
from reference_servers.errors import ProtocolError


def daytime_tcp(host: str, port: int, timeout: float) -> bytes:
    """The daytime string over TCP.  Raises ProtocolError (nothing sent), TimeoutError, OSError."""
    with clientbase.connect(host, port, timeout) as sock:
        data = clientbase.recv_to_eof(sock, limit=65536)
    if not data:
        raise ProtocolError("the server closed without sending a date")
    return data


def daytime_udp(host: str, port: int, timeout: float, retries: int) -> bytes:
    """The daytime string over UDP.  Raises TimeoutError."""
    return clientbase.udp_exchange(host, port, b"", timeout=timeout, retries=retries)


#: arguments that make this client follow the client contract (docs/design.md §5); placeholders as in docs/design.md §3
CONTRACT_ARGS = ["--host", "{host}", "--port", "{port}", "--transport", "{transport}", "--timeout", "{timeout}"]


def main(argv: list[str] | None = None) -> int:
    p = clientbase.client_parser("python -m reference_servers.daytime.client", "Reference daytime client (RFC 867).")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=wire.PORT)
    p.add_argument("--transport", choices=("tcp", "udp"), default="tcp")
    p.add_argument("--retries", type=int, default=3, help="UDP retransmissions (default 3)")
    args = p.parse_args(argv)
    if args.transport == "tcp":
        return clientbase.client_main("daytime", lambda: daytime_tcp(args.host, args.port, args.timeout))
    return clientbase.client_main("daytime", lambda: daytime_udp(args.host, args.port, args.timeout, args.retries))


if __name__ == "__main__":
    sys.exit(main())
