"""``python -m reference_servers.echo --port 0``: run the reference echo server standalone."""

import sys

from reference_servers.echo.server import EchoServer
from reference_servers.standalone import run_standalone, selected_transports, standalone_parser


def main(argv: list[str] | None = None) -> int:
    p = standalone_parser("python -m reference_servers.echo", "Reference echo server (RFC 862).", EchoServer.TRANSPORTS)
    args = p.parse_args(argv)
    server = EchoServer(args.host, args.port, transports=selected_transports(args, EchoServer.TRANSPORTS),
                        idle_timeout=args.idle_timeout)
    return run_standalone(server, args.verbose, args)


if __name__ == "__main__":
    sys.exit(main())
