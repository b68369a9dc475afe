"""``python -m reference_servers.gopher --root DIR [--port 0] ...``: the reference gopher server standalone.

Prints ``LISTENING tcp HOST PORT`` once bound, then serves until SIGTERM/SIGINT.  With ``--unix PATH`` menus
name ``localhost`` port 70 unless ``--advertise-host``/``--advertise-port`` say otherwise: a menu line has
a host and a port field (RFC 1436 §3.8), and an AF_UNIX socket has neither.
"""

from __future__ import annotations

import sys

from reference_servers.standalone import run_standalone, standalone_parser

from .peer import Behaviour
from .server import GopherServer

#: what menus of a server on an AF_UNIX socket name as host and port (RFC 1436's default port)
UNIX_ADVERTISE = ("localhost", 70)


def main(argv: list[str] | None = None) -> int:
    p = standalone_parser("python -m reference_servers.gopher", "Reference gopher server (RFC 1436).", ("tcp",))
    p.set_defaults(idle_timeout=10.0)  # a request timeout like spacecookie's (GOPHER-REQ-7)
    p.add_argument("--root", required=True, help="document root to serve")
    p.add_argument("--advertise-host", help="host written in menus (default: the address the client reached)")
    p.add_argument("--advertise-port", type=int, help="port written in menus (default: the port the client reached)")
    p.add_argument("--max-request", type=int, default=4096, help="longest request line in octets (default 4096)")
    p.add_argument("--behaviour", default="", help="misbehave on purpose, e.g. 'fragment=1,gap=0.002,no_lastline'")
    args = p.parse_args(argv)
    if args.unix:
        args.advertise_host = args.advertise_host or UNIX_ADVERTISE[0]
        args.advertise_port = args.advertise_port or UNIX_ADVERTISE[1]
    try:
        behaviour = Behaviour.parse(args.behaviour)
        server = GopherServer(args.host, args.port, root=args.root, idle_timeout=args.idle_timeout,
                              advertise_host=args.advertise_host, advertise_port=args.advertise_port,
                              max_request=args.max_request, behaviour=behaviour)
    except (ValueError, OSError) as exc:
        p.error(str(exc))
    return run_standalone(server, args.verbose, args)


if __name__ == "__main__":
    sys.exit(main())
