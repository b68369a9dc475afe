"""Exec wrapper that applies a submission's limits to itself, then becomes the real command.

    python -m conformance.grade.jail [--cgroup DIR] [--nproc N] [--memory-mb M] -- ARGV...

Joins the pids cgroup ``DIR`` (so every descendant is counted and can be found), sets ``RLIMIT_NPROC``,
``RLIMIT_AS`` and ``RLIMIT_CORE=0``, then ``execvp(ARGV)``.  See :mod:`conformance.grade.sandbox`.
Exit status 126 when a limit cannot be applied or ARGV cannot be executed.
"""

from __future__ import annotations

import os
import resource
import sys


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
        os.execvp(command[0], command)
    except (OSError, ValueError) as exc:
        print(f"jail: {exc}", file=sys.stderr)
        return 126
    return 126  # pragma: no cover - execvp does not return


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
