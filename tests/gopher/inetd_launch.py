"""A tiny inetd: listen on a port and run a command per connection with the socket as its stdin and stdout.

For servers that only run from inetd (gophernicus): ``getpeername``/``getsockname`` on stdin work as under
inetd, unlike ``socat EXEC:`` (a socketpair).  Children stay in the launcher's process group, so the
suite's process-group kill stops them too.

Usage (a ``cmd:`` template)::

    python tests/gopher/inetd_launch.py --port {port} -- gophernicus -h 127.0.0.1 -p {port} -r {root} -nr
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import socket
import sys


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("command", nargs=argparse.REMAINDER)
    args = ap.parse_args(argv)
    command = args.command[1:] if args.command[:1] == ["--"] else args.command
    if not command or not shutil.which(command[0]):
        print(f"inetd_launch: {command[:1]} not found", file=sys.stderr)
        return 2
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # children are reaped by the kernel
    listener = socket.socket()
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind((args.host, args.port))
    listener.listen(128)
    devnull = os.open(os.devnull, os.O_WRONLY)
    while True:
        try:
            conn, _ = listener.accept()
        except InterruptedError:
            continue
        if os.fork() == 0:
            listener.close()
            signal.signal(signal.SIGCHLD, signal.SIG_DFL)
            os.dup2(conn.fileno(), 0)
            os.dup2(conn.fileno(), 1)
            os.dup2(devnull, 2)
            conn.close()
            try:
                os.execvp(command[0], command)
            finally:
                os._exit(127)
        conn.close()


if __name__ == "__main__":
    sys.exit(main())
