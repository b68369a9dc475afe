"""``python -m reference_servers.daytime --port 0 [--clock ISO|none]``: the reference daytime server."""

import sys

from reference_servers.clock import clock_from_option
from reference_servers.daytime.server import DaytimeServer
from reference_servers.standalone import run_standalone, selected_transports, standalone_parser


def main(argv: list[str] | None = None) -> int:
    p = standalone_parser("python -m reference_servers.daytime", "Reference daytime server (RFC 867).",
                          DaytimeServer.TRANSPORTS)
    p.add_argument("--clock", help="ISO 8601 UTC time or Unix seconds to start the clock at, or 'none'")
    args = p.parse_args(argv)
    server = DaytimeServer(args.host, args.port, transports=selected_transports(args, DaytimeServer.TRANSPORTS),
                           idle_timeout=args.idle_timeout, clock=clock_from_option(args.clock))
    return run_standalone(server, args.verbose, args)


if __name__ == "__main__":
    sys.exit(main())
