"""Isolation of one submission's run: process-count and memory limits, and killing everything it started.

A run is launched through :mod:`conformance.grade.jail` (a tiny exec wrapper, so nothing unsafe runs
between fork and exec in this multithreaded process).  The jail puts itself, and so every descendant,

* into a fresh **pids cgroup** with ``pids.max`` (cgroup v2 with the pids controller, or v1's
  ``/sys/fs/cgroup/pids``) when this machine lets us create one, typically as root: a fork bomb stops at
  the limit and :meth:`Sandbox.kill_all` finds every member, even those that called ``setsid``;
* otherwise under ``RLIMIT_NPROC`` = (our user's current process count + the limit), which the kernel
  enforces for non-root users (root ignores it: then only the cgroup helps);

plus ``RLIMIT_AS`` (memory) and no core dumps; as root (``netns=True``) the whole run also gets its own
network namespace with loopback only, shared by the suite and the (jailed, see
:mod:`conformance.grade.confine`) submission, so the two talk over loopback and nothing else.  Every process also inherits the environment variable
``NETCONFORMANCE_GRADE_MARK=<unique token>``: :meth:`Sandbox.kill_all` also kills (SIGSTOP first, so a
forking process cannot outrun it, then SIGKILL) every process of ours carrying the token.
"""

from __future__ import annotations

import os
import sys
import time
import uuid
from pathlib import Path

from conformance.grade.confine import JAIL_UID
from netconformance_fixtures.killdomain import OWNER_TAG, cgroup_members, marked, stop_and_kill

MARK_VAR = "NETCONFORMANCE_GRADE_MARK"
_V2 = Path("/sys/fs/cgroup")
_V1_PIDS = Path("/sys/fs/cgroup/pids")


def _cgroup_root() -> Path | None:
    """A directory under which we may create pids cgroups, or None."""
    try:
        if (_V2 / "cgroup.controllers").exists():
            own = Path("/proc/self/cgroup").read_text().splitlines()
            rel = next((line.split("::", 1)[1] for line in own if line.startswith("0::")), "/")
            base = _V2 / rel.lstrip("/")
            if os.access(base, os.W_OK) and "pids" in (base / "cgroup.subtree_control").read_text().split():
                return base
        if (_V1_PIDS / "cgroup.procs").exists() and os.access(_V1_PIDS, os.W_OK):
            return _V1_PIDS
    except OSError:
        return None
    return None


def _user_process_count() -> int:
    uid = os.getuid()
    n = 0
    for entry in os.scandir("/proc"):
        if entry.name.isdigit():
            try:
                if entry.stat().st_uid == uid:
                    n += 1
            except OSError:
                pass
    return n


class Sandbox:
    """The limits of one submission's run and the means to end it completely.

    ``max_processes``: processes and threads of the run; ``max_memory_mb``: address space per process
    (0: none).  Use :meth:`command` to wrap the argv, :meth:`env` for its environment, and always call
    :meth:`kill_all` afterwards (it removes the cgroup too).
    """

    def __init__(self, name: str, max_processes: int, max_memory_mb: int, netns: bool = False) -> None:
        self.mark = f"{name}-{uuid.uuid4().hex[:12]}"
        self.netns = netns and os.getuid() == 0
        self.max_processes = max_processes
        self.max_memory_mb = max_memory_mb
        self.cgroup: Path | None = None
        root = _cgroup_root()
        if root is not None:
            path = root / f"netconformance-grade-{OWNER_TAG}{os.getpid()}-{self.mark}"  # sweep_empty spares it
            try:
                path.mkdir()
                (path / "pids.max").write_text(str(max_processes))
                self.cgroup = path
            except OSError:
                try:
                    path.rmdir()
                except OSError:
                    pass
        self.nproc = None if self.cgroup else _user_process_count() + max_processes

    def describe(self) -> str:
        if self.cgroup:
            how = f"pids cgroup, pids.max={self.max_processes}"
        elif os.getuid() != 0:
            how = f"RLIMIT_NPROC={self.nproc}"
        else:
            how = "no process limit (root without a writable pids cgroup)"
        return how + (f", {self.max_memory_mb} MiB address space" if self.max_memory_mb else "") + (
            ", loopback-only network namespace" if self.netns else "")

    def command(self, argv: list[str]) -> list[str]:
        jail = [sys.executable, "-m", "conformance.grade.jail"]
        if self.cgroup:
            jail += ["--cgroup", str(self.cgroup)]
        elif self.nproc:
            jail += ["--nproc", str(self.nproc)]
        if self.max_memory_mb:
            jail += ["--memory-mb", str(self.max_memory_mb)]
        if self.netns:
            jail += ["--netns", "1"]
        return jail + ["--", *argv]

    def env(self, base: dict[str, str]) -> dict[str, str]:
        return {**base, MARK_VAR: self.mark}

    def peak(self) -> int | None:
        """Most processes and threads the run had at once (the cgroup's ``pids.peak``), when known."""
        try:
            return int((self.cgroup / "pids.peak").read_text()) if self.cgroup else None
        except (OSError, ValueError):
            return None

    # ------------------------------------------------------------------ ending it
    def members(self) -> set[int]:
        """Pids of every live process of the run (cgroup members and carriers of the mark, ours or the
        jailed commands' user: conformance.grade.confine)."""
        return cgroup_members(self._groups()) | marked(MARK_VAR, self.mark, {os.getuid(), JAIL_UID})

    def kill_all(self, timeout: float = 10.0) -> int:
        """Stop, then kill, every process of the run until none is left (or ``timeout`` s); remove the
        cgroup.  Returns how many processes were killed."""
        killed = stop_and_kill(self.members, timeout)
        if self.cgroup:
            for _ in range(100):
                try:
                    for group in self._groups():  # deepest first: cgroups the run made inside its own
                        group.rmdir()
                    break
                except OSError:
                    time.sleep(0.1)
        return killed

    def _groups(self) -> list[Path]:
        """The run's cgroup and every cgroup below it (the suite may make its own per target), deepest first."""
        if self.cgroup is None or not self.cgroup.exists():
            return []
        found = [Path(root) for root, _, _ in os.walk(self.cgroup)]
        return sorted(found, key=lambda p: len(p.parts), reverse=True)

