"""Reference echo client (RFC 862): ``python -m reference_servers.echo.client --host H --port P``.

Sends standard input to the server and writes the echo to standard output; exits 0 only when the echo
equals what was sent.  TCP: writes and reads concurrently (so a large input cannot deadlock), reads
until as many bytes as were sent have come back, never trusting one ``recv`` (ECHO-TCP-8, NET-TCP-1).
UDP: one datagram, retransmitted on loss, accepted only from the server (ECHO-UDP-8, NET-UDP-2..5).
"""

from __future__ import annotations

import sys
import threading

from reference_servers import clientbase
from reference_servers.echo import wire
from reference_servers.errors import ProtocolError


def echo_tcp(host: str, port: int, data: bytes, timeout: float) -> bytes:
    """Echo ``data`` over TCP; return the echoed bytes.

    Raises:
        ProtocolError: the echo differs or the server closed early.  TimeoutError, OSError.
    """
    with clientbase.connect(host, port, timeout) as sock:
        errors: list[BaseException] = []

        def writer() -> None:
            try:
                sock.sendall(data)
            except BaseException as exc:  # reported by the reader side
                errors.append(exc)

        t = threading.Thread(target=writer, daemon=True)
        t.start()
        received = bytearray()
        while len(received) < len(data):
            chunk = sock.recv(min(65536, len(data) - len(received)))
            if not chunk:
                break
            received += chunk
        t.join(timeout)
        if errors and len(received) < len(data):
            raise errors[0]
    return _compare(data, bytes(received))


def echo_udp(host: str, port: int, data: bytes, timeout: float, retries: int) -> bytes:
    """Echo ``data`` in one datagram; return the reply.

    The answer to this request is the datagram equal to it: a late duplicate of an earlier echo (RFC 768:
    "duplicate protection [is] not guaranteed") or a truncated copy is not it, and the client keeps waiting
    (NET-UDP-7); none equal within the tries is an error.

    Raises:
        ProtocolError: ``data`` exceeds 65,507 bytes (65,527 over IPv6).  TimeoutError: no equal echo came back.
    """
    largest = 65_527 if ":" in host else 65_507  # RFC 8200 §3: IPv6's Payload Length excludes its own header
    if len(data) > largest:
        raise ProtocolError(f"{len(data)} bytes do not fit in one UDP datagram (max {largest})")
    reply = clientbase.udp_exchange(host, port, data, timeout=timeout, retries=retries, accept=lambda d: d == data)
    return _compare(data, reply)


def _compare(sent: bytes, received: bytes) -> bytes:
    diff = wire.first_difference(sent, received)
    if diff is not None:
        raise ProtocolError(
            f"echo differs at offset {diff}: sent {len(sent)} bytes, received {len(received)} bytes"
        )
    return received


#: arguments that make this client follow the client contract (docs/design.md §5); placeholders as in docs/design.md §3
CONTRACT_ARGS = ["--host", "{host}", "--port", "{port}", "--transport", "{transport}", "--timeout", "{timeout}"]


def main(argv: list[str] | None = None) -> int:
    p = clientbase.client_parser("python -m reference_servers.echo.client", "Reference echo client (RFC 862).")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=wire.PORT)
    p.add_argument("--transport", choices=("tcp", "udp"), default="tcp")
    p.add_argument("--retries", type=int, default=3, help="UDP retransmissions (default 3)")
    args = p.parse_args(argv)
    data = sys.stdin.buffer.read()
    if args.transport == "tcp":
        return clientbase.client_main("echo", lambda: echo_tcp(args.host, args.port, data, args.timeout))
    return clientbase.client_main("echo", lambda: echo_udp(args.host, args.port, data, args.timeout, args.retries))


if __name__ == "__main__":
    sys.exit(main())
