"""The standalone entry point of every reference server: ``python -m reference_servers.<proto>``.

:func:`run_standalone` prints one ``LISTENING <transport> <host> <port>`` line per bound socket on stdout
(``LISTENING stream unix:PATH`` / ``LISTENING dgram unix:PATH`` for AF_UNIX sockets, ``--unix PATH`` /
``--unix-dgram PATH``), then serves until SIGTERM/SIGINT; with ``--inetd`` or ``--listen-fd`` it is started
the ways :mod:`reference_servers.launchmodes` describes.
"""

from __future__ import annotations

import argparse
import logging
import signal
import sys
import threading
from collections.abc import Sequence

from reference_servers.base import ReferenceServer


def standalone_parser(prog: str, description: str, transports: Sequence[str]) -> argparse.ArgumentParser:
    """Argument parser with the options every reference server takes standalone."""
    p = argparse.ArgumentParser(prog=prog, description=description)
    p.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    p.add_argument("--port", type=int, default=0, help="port to bind; 0 picks a free one (default 0)")
    if len(transports) > 1:
        p.add_argument("--transport", choices=[*transports, "both"], default="both",
                       help="which transports to serve (default both, on the same port)")
    p.add_argument("--idle-timeout", type=float, default=30.0, help="seconds before an idle session is closed")
    p.add_argument("--unix", metavar="PATH", help="serve stream sessions on an AF_UNIX socket at PATH instead of "
                   "--host/--port (a stale socket file there is replaced; the file is removed at exit)")
    if "udp" in transports:
        p.add_argument("--unix-dgram", metavar="PATH",
                       help="serve datagrams on an AF_UNIX datagram socket at PATH (a client must bind a path of "
                            "its own to be answered); with --unix, both are served")
    start = p.add_mutually_exclusive_group()
    start.add_argument("--listen-fd", action="store_true",
                       help="socket activation: serve the sockets passed from fd 3 on (LISTEN_FDS, LISTEN_PID; "
                            "systemd's sd_listen_fds convention) instead of binding --port")
    start.add_argument("--inetd", action="store_true",
                       help="inetd mode: serve the socket on stdin (a TCP connection, or the bound UDP socket "
                            "until 2 s without a datagram), then exit")
    p.add_argument("-v", "--verbose", action="store_true", help="log sessions to stderr")
    return p


def selected_transports(args: argparse.Namespace, transports: Sequence[str]) -> tuple[str, ...]:
    choice = getattr(args, "transport", None)
    if choice in (None, "both"):
        return tuple(transports)
    return (choice,)


def unix_paths(args: argparse.Namespace, transports: Sequence[str]) -> dict[str, str]:
    """``{"tcp": --unix, "udp": --unix-dgram}``: the AF_UNIX paths given for the transports served."""
    given = {"tcp": getattr(args, "unix", None), "udp": getattr(args, "unix_dgram", None)}
    return {t: path for t, path in given.items() if path and t in transports}


def run_standalone(server: ReferenceServer, verbose: bool = False, args: argparse.Namespace | None = None) -> int:
    """Start ``server``, print ``LISTENING <transport> <host> <port>`` per socket, serve until SIGTERM/SIGINT.
    With ``args.inetd`` or ``args.listen_fd`` (:func:`standalone_parser`), start it the way
    :mod:`reference_servers.launchmodes` describes.

    Returns the process exit status (0; 1 when binding failed, with one line on stderr).
    """
    from reference_servers import launchmodes, memory

    logging.basicConfig(level=logging.DEBUG if verbose else logging.WARNING,
                        format=f"{server.NAME}: %(message)s", stream=sys.stderr)
    memory.steady_malloc()  # a long-running process: give back what bursts of sessions freed
    server.reclaim_when_idle = True
    try:
        if getattr(args, "inetd", False):
            return launchmodes.run_inetd(server)
        if getattr(args, "listen_fd", False):
            server.adopt_sockets(launchmodes.sockets_from_env())
        elif getattr(args, "unix", None) or getattr(args, "unix_dgram", None):
            paths = unix_paths(args, server.transports)
            if not paths:
                raise launchmodes.LaunchError("--unix-dgram: no datagram transport selected (--transport)")
            server.listen_unix(paths)
    except launchmodes.LaunchError as exc:
        print(f"{server.NAME}: {exc}", file=sys.stderr)
        return 1
    except OSError as exc:
        print(f"{server.NAME}: cannot bind {exc.filename or ''}: {exc.strerror or exc}", file=sys.stderr)
        return 1
    stop = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stop.set())
    try:
        server.start()
    except OSError as exc:
        print(f"{server.NAME}: cannot bind {server.host}:{server.requested_port}: {exc.strerror or exc}", file=sys.stderr)
        return 1
    for transport, address in server.addresses.items():
        if isinstance(address, str):
            print(f"LISTENING {'stream' if transport == 'tcp' else 'dgram'} unix:{address}", flush=True)
        else:
            print(f"LISTENING {transport} {address[0]} {address[1]}", flush=True)
    try:
        while not stop.wait(0.5):
            pass
    finally:
        server.stop()
    return 0
