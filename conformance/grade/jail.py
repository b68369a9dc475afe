"""Exec wrapper that applies a submission's limits to itself, then becomes the real command.

    python -m conformance.grade.jail [--cgroup DIR] [--nproc N] [--memory-mb M] [--netns 1] -- ARGV...

Joins the pids cgroup ``DIR`` (so every descendant is counted and can be found), sets ``RLIMIT_NPROC``,
``RLIMIT_AS`` and ``RLIMIT_CORE=0``, with ``--netns 1`` moves into a new network namespace whose only
interface is loopback (up), then ``execvp(ARGV)``.  See :mod:`conformance.grade.sandbox`.
Exit status 126 when a limit cannot be applied or ARGV cannot be executed.
"""

from __future__ import annotations

import ctypes
import fcntl
import os
import resource
import socket
import struct
import sys

CLONE_NEWNET = 0x40000000
SIOCGIFFLAGS, SIOCSIFFLAGS, IFF_UP = 0x8913, 0x8914, 0x1


def loopback_only() -> None:
    """Enter a new network namespace (needs CAP_SYS_ADMIN) and bring its loopback up.  Raises OSError."""
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.unshare(CLONE_NEWNET) != 0:
        err = ctypes.get_errno()
        raise OSError(err, f"unshare(CLONE_NEWNET): {os.strerror(err)}")
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        req = struct.pack("16sH14x", b"lo", 0)
        flags = struct.unpack("16sH14x", fcntl.ioctl(s.fileno(), SIOCGIFFLAGS, req))[1]
        fcntl.ioctl(s.fileno(), SIOCSIFFLAGS, struct.pack("16sH14x", b"lo", flags | IFF_UP))


def main(argv: list[str]) -> int:
    if "--" not in argv:
        print("jail: usage: [--cgroup DIR] [--nproc N] [--memory-mb M] -- ARGV...", file=sys.stderr)
        return 2
    split = argv.index("--")
    opts, command = argv[:split], argv[split + 1:]
    values = dict(zip(opts[::2], opts[1::2]))
    try:
        if "--cgroup" in values:
            with open(os.path.join(values["--cgroup"], "cgroup.procs"), "w") as f:
                f.write(str(os.getpid()))
        if "--nproc" in values:
            n = int(values["--nproc"])
            resource.setrlimit(resource.RLIMIT_NPROC, (n, n))
        if int(values.get("--memory-mb", 0)):
            limit = int(values["--memory-mb"]) * 2**20
            resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
        if values.get("--netns") == "1":
            loopback_only()
        os.execvp(command[0], command)
    except (OSError, ValueError) as exc:
        print(f"jail: {exc}", file=sys.stderr)
        return 126
    return 126  # pragma: no cover - execvp does not return


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
