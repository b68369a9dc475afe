"""``python -m reference_servers.smtp --port 0 --maildir DIR``: run the reference SMTP server standalone.

Prints ``LISTENING tcp 127.0.0.1 PORT`` once bound, delivers accepted messages into the Maildir ``DIR``,
and serves until SIGTERM/SIGINT (open sessions then get 421).
"""

import sys

from reference_servers import memory

#: what a standalone server remembers of ended sessions and accepted messages: nothing reads it from outside
#: the process (the Maildir is the record), so only the last few, and no octets beyond the newest of each
STANDALONE_HISTORY = {"budget": 0, "count": 16}


def main(argv: list[str] | None = None, session_class: type | None = None, pump_class: type | None = None) -> int:
    """Run standalone; ``session_class`` replaces the state machine :class:`SmtpSession` and ``pump_class``
    the per-connection I/O :class:`SessionPump` (both used by tests/broken)."""
    # the server's modules (asyncio, email...) load here, not at the top: run as a script this module first
    # re-executes the interpreter (memory.use_malloc_allocator), and what it imported before would load twice
    from reference_servers.smtp.log import History
    from reference_servers.smtp.server import DEFAULT_MAX_SIZE, SmtpServer
    from reference_servers.standalone import run_standalone, standalone_parser

    p = standalone_parser("python -m reference_servers.smtp", "Reference SMTP server (RFC 5321).", SmtpServer.TRANSPORTS)
    p.set_defaults(idle_timeout=300.0)
    p.add_argument("--maildir", help="Maildir directory receiving every accepted message (created if missing)")
    p.add_argument("--domain", default="example.test", help="server name and local mail domain (default example.test)")
    p.add_argument("--local-domain", action="append", default=[], help="another local mail domain (repeatable)")
    p.add_argument("--max-size", type=int, default=DEFAULT_MAX_SIZE, help="SIZE limit in octets; 0 = none")
    p.add_argument("--max-recipients", type=int, default=100, help="recipients per transaction (default 100)")
    p.add_argument("--unknown-user", action="append", default=None,
                   help="local-part that does not exist (repeatable; default: nouser)")
    args = p.parse_args(argv)
    server = SmtpServer(
        args.host, args.port, domain=args.domain, local_domains=(args.domain, *args.local_domain),
        maildir=args.maildir, max_size=args.max_size, max_recipients=args.max_recipients,
        unknown_users=tuple(args.unknown_user or ("nouser",)), idle_timeout=args.idle_timeout,
        history=History(**STANDALONE_HISTORY),
    )
    if session_class is not None:
        server.session_class = session_class
    if pump_class is not None:
        server.pump_class = pump_class
    return run_standalone(server, args.verbose, args)


if __name__ == "__main__":
    memory.use_malloc_allocator()  # re-executes this process once, before anything is served
    sys.exit(main())
