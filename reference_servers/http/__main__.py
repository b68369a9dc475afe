"""``python -m reference_servers.http --root DIR [--port 0] ...``: the HTTP/1.0 reference server standalone.

Prints ``LISTENING tcp HOST PORT`` once bound, serves until SIGTERM/SIGINT.
"""

from __future__ import annotations

import argparse
import sys

from reference_servers.standalone import run_standalone, standalone_parser

from .peer import BEHAVIOURS
from .server import SERVER_HEADER, HttpServer


def _redirect(text: str) -> tuple[str, tuple[int, str]]:
    """``PATH=CODE:TARGET`` (``/old=301:/new``)."""
    try:
        path, rest = text.split("=", 1)
        code, target = rest.split(":", 1)
        if int(code) not in (301, 302) or not path.startswith("/"):
            raise ValueError
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected PATH=301:TARGET or PATH=302:TARGET, not {text!r}") from None
    return path, (int(code), target)


def main(argv: list[str] | None = None) -> int:
    p = standalone_parser("python -m reference_servers.http", "HTTP/1.0 (RFC 1945) reference server", ("tcp",))
    p.add_argument("--root", required=True, help="document root to serve")
    p.add_argument("--header-timeout", type=float, default=10.0,
                   help="seconds a client has to send its whole request head (default 10)")
    p.add_argument("--max-body", type=int, default=1 << 20, help="largest request body in bytes (default 1 MiB)")
    p.add_argument("--server-header", default=SERVER_HEADER, help="Server header value; empty for none")
    p.add_argument("--redirect", type=_redirect, action="append", default=[], metavar="PATH=CODE:TARGET",
                   help="answer PATH with a 301/302 to TARGET (repeatable)")
    p.add_argument("--fault-path", action="append", default=[], metavar="PATH",
                   help="a path whose handler fails on purpose, giving 500 (repeatable)")
    p.add_argument("--behaviour", choices=sorted(BEHAVIOURS), default="normal",
                   help="deliberate misbehaviour for client scenarios (default normal)")
    args = p.parse_args(argv)
    try:
        server = HttpServer(args.host, args.port, root=args.root, idle_timeout=args.idle_timeout,
                            header_timeout=args.header_timeout, max_body=args.max_body,
                            server_header=args.server_header or None, redirects=dict(args.redirect),
                            fault_paths=frozenset(args.fault_path), behaviour=args.behaviour)
    except NotADirectoryError as exc:
        print(f"http: {exc}", file=sys.stderr)
        return 2
    return run_standalone(server, args.verbose, args)


if __name__ == "__main__":
    sys.exit(main())
