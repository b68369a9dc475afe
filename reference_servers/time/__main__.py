"""``python -m reference_servers.time --port 0 [--clock ISO|none]``: the reference time server."""

import sys

from reference_servers.clock import clock_from_option
from reference_servers.standalone import run_standalone, selected_transports, standalone_parser
from reference_servers.time.server import TimeServer


def main(argv: list[str] | None = None) -> int:
    p = standalone_parser("python -m reference_servers.time", "Reference time server (RFC 868).", TimeServer.TRANSPORTS)
    p.add_argument("--clock", help="ISO 8601 UTC time or Unix seconds to start the clock at, or 'none'")
    args = p.parse_args(argv)
    server = TimeServer(args.host, args.port, transports=selected_transports(args, TimeServer.TRANSPORTS),
                        idle_timeout=args.idle_timeout, clock=clock_from_option(args.clock))
    return run_standalone(server, args.verbose, args)


if __name__ == "__main__":
    sys.exit(main())
