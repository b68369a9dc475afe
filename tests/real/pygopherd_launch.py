"""Launch pygopherd (the Debian package) on a given document root and port, for the real-input runs.

Writes a pygopherd configuration into a fresh temporary directory, based on the packaged
``/etc/pygopherd/pygopherd.conf`` (so its handlers and type mapping are the distribution's), with:
``root`` = ``--root``, ``port`` = ``--port``, ``interface`` and ``servername`` = ``--host``, no chroot, no
detach, no pid file, threads instead of forks (so the suite's process-group kill stops everything),
logging off (or to a file with ``--log``), and a ``--timeout`` on client sockets.  Then it execs
``pygopherd CONFIG``: the process the suite started *is* pygopherd.

Usage (the ``cmd:`` template of the suite)::

    python -m conformance run --server gopher=cmd:"python tests/real/pygopherd_launch.py --root {root} --port {port}"

Exit status 2 when pygopherd or its packaged configuration is missing.
"""

from __future__ import annotations

import argparse
import configparser
import os
import shutil
import sys
import tempfile

PACKAGED_CONF = "/etc/pygopherd/pygopherd.conf"
PYGOPHERD = "/usr/sbin/pygopherd"


def build_config(template: str, root: str, port: int, host: str, timeout: int, log: str | None) -> configparser.ConfigParser:
    """The packaged configuration with the settings of this run (see the module docstring)."""
    config = configparser.ConfigParser(interpolation=None)
    config.optionxform = str  # keep the case of option names
    config.read(template)
    p = config["pygopherd"]
    p["root"] = os.path.abspath(root)
    p["port"] = str(port)
    p["interface"] = host
    p["servername"] = host
    p["usechroot"] = "no"
    p["detach"] = "no"
    p["servertype"] = "ThreadingTCPServer"
    p["timeout"] = str(timeout)
    p.pop("pidfile", None)
    p.pop("setuid", None)
    p.pop("setgid", None)
    config["logger"]["logmethod"] = "file" if log else "none"
    return config


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--root", required=True, help="document root to serve")
    ap.add_argument("--port", type=int, required=True, help="port to listen on")
    ap.add_argument("--host", default="127.0.0.1", help="address to listen on and to advertise (default 127.0.0.1)")
    ap.add_argument("--timeout", type=int, default=10, help="pygopherd's socket timeout in seconds (default 10)")
    ap.add_argument("--log", help="log to this file instead of nowhere (pygopherd logs to stderr with logmethod=file)")
    ap.add_argument("--pygopherd", default=shutil.which("pygopherd") or PYGOPHERD, help="pygopherd executable")
    ap.add_argument("--template", default=PACKAGED_CONF, help="configuration to start from")
    args = ap.parse_args(argv)
    if not os.path.exists(args.pygopherd) or not os.path.exists(args.template):
        print(f"pygopherd_launch: {args.pygopherd} or {args.template} is missing (apt-get install pygopherd)",
              file=sys.stderr)
        return 2
    workdir = tempfile.mkdtemp(prefix="pygopherd-")
    conf = os.path.join(workdir, "pygopherd.conf")
    with open(conf, "w") as f:
        build_config(args.template, args.root, args.port, args.host, args.timeout, args.log).write(f)
    sys.stdout.flush()
    os.execv(args.pygopherd, [args.pygopherd, conf])  # its own #! interpreter (the system python3)
    return 0  # not reached


if __name__ == "__main__":
    sys.exit(main())
