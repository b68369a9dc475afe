"""What the hostile tests measure: the suite's memory while it runs, and what a run left behind, found by
its run tag (``NETCONFORMANCE_RUN_TAG``) in the environment of processes and on namespaces and nft tables
(the raw tier tags them), never by name."""

from __future__ import annotations

import os
import shutil
import subprocess
import threading
import time
import uuid

from netconformance_fixtures.killdomain import MARK_VAR, RUN_TAG_VAR
from netconformance_fixtures.rawnet.ns import OWNER_ENV


def new_tag() -> str:
    return f"ncrun-{uuid.uuid4().hex[:12]}"


def _environ(pid: int) -> bytes:
    try:
        with open(f"/proc/{pid}/environ", "rb") as f:
            return f.read()
    except OSError:
        return b""


def _status(pid: int) -> dict[str, int]:
    out = {}
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith(("VmHWM:", "VmRSS:")):
                    out[line.split(":")[0]] = int(line.split()[1]) * 1024
    except OSError:
        pass
    return out


def _cmdline(pid: int) -> str:
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as f:
            return f.read().replace(b"\0", b" ").decode("utf-8", "replace")[:100]
    except OSError:
        return "?"


def _parents() -> dict[int, int]:
    table = {}
    for entry in os.scandir("/proc"):
        if entry.name.isdigit():
            try:
                with open(f"/proc/{entry.name}/stat", "rb") as f:
                    table[int(entry.name)] = int(f.read().rsplit(b")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
    return table


def descendants(root: int) -> set[int]:
    table = _parents()
    found = {root}
    while True:
        more = {p for p, pp in table.items() if pp in found} - found
        if not more:
            return found
        found |= more


class SuiteMemory(threading.Thread):
    """Samples, every ``period`` seconds, the suite's own processes: ``root`` (the ``netconformance``
    process, the xdist controller) and its descendants that carry neither a kill-domain mark nor the raw
    tier's owner stamp, nor descend from one that does (the pytest workers, the run's worker zygote and the
    workers' stand-ins; targets, the fork server and namespace holders are not counted, nor a worker's fork
    on its way to exec, which shows the worker's memory until it does).

    ``peak``: pid -> peak resident set (VmHWM, bytes, the kernel's own maximum, so nothing between samples
    is missed); ``peak_sum``: the largest sum of the current resident sets seen in one sample (bytes);
    ``names``: pid -> command line; ``kinds``: pid -> ``controller``, ``worker`` (a new interpreter, or a
    fork of the zygote), ``zygote``, ``stand-in``, ``fork`` (a worker's fork not yet exec'd) or ``other``."""

    def __init__(self, root: int, period: float = 0.1) -> None:
        super().__init__(daemon=True)
        self.root, self.period = root, period
        self.peak: dict[int, int] = {}
        self.names: dict[int, str] = {}
        self.kinds: dict[int, str] = {}
        self.peak_sum = 0
        self._done = threading.Event()

    def _kind(self, pid: int, parent: int, name: str) -> str:
        if pid == self.root:
            return "controller"
        if self.kinds.get(parent) == "worker":
            return "fork"  # a worker's fork on its way to exec (it shows the worker's command line until then)
        if "worker_stand_in" in name:
            return "stand-in"
        if "exec(eval" in name:
            return "worker"  # a new interpreter, execnet's bootstrap on its command line
        if name == self.names.get(self.root):  # a fork of the controller: the zygote, or one of its workers
            return "zygote" if parent == self.root else "worker"
        return "other"

    def run(self) -> None:
        marks = (f"{MARK_VAR}=".encode(), f"{OWNER_ENV}=".encode())
        while not self._done.wait(self.period):
            total = 0
            table = _parents()
            children: dict[int, list[int]] = {}
            for p, pp in table.items():
                children.setdefault(pp, []).append(p)
            todo = [(self.root, 0)]
            while todo:
                pid, parent = todo.pop()
                env = _environ(pid)
                if not env or any(m in env for m in marks):
                    continue  # not ours to count, nor anything it started
                todo += [(c, pid) for c in children.get(pid, [])]
                status = _status(pid)
                if "VmHWM" in status:
                    if pid not in self.kinds:
                        self.names[pid] = _cmdline(pid)
                        self.kinds[pid] = self._kind(pid, parent, self.names[pid])
                    if self.kinds[pid] == "fork":
                        continue
                    self.peak[pid] = max(self.peak.get(pid, 0), status["VmHWM"])
                    total += status.get("VmRSS", 0)
            self.peak_sum = max(self.peak_sum, total)

    def stop(self) -> None:
        self._done.set()
        self.join(5)


def tagged_processes(tag: str) -> list[int]:
    """Live processes (not zombies) whose environment carries the run tag."""
    needle = f"{RUN_TAG_VAR}={tag}".encode()
    found = []
    for entry in os.scandir("/proc"):
        if entry.name.isdigit() and int(entry.name) != os.getpid() and needle in _environ(int(entry.name)):
            try:
                with open(f"/proc/{entry.name}/stat", "rb") as f:
                    if f.read().rsplit(b")", 1)[1].split()[0] not in (b"Z", b"X"):
                        found.append(int(entry.name))
            except OSError:
                continue
    return found


def tagged_namespaces(tag: str) -> list[str]:
    """Network namespaces (held by any process, or named under /run/netns) whose ``lo`` alias or nft
    ruleset carries the run tag: ``"<ns path>: <what>"`` each."""
    if not shutil.which("nsenter"):
        return []
    mine = os.readlink("/proc/self/ns/net")
    paths: dict[str, str] = {}
    for entry in os.scandir("/proc"):
        if entry.name.isdigit():
            try:
                ident = os.readlink(f"/proc/{entry.name}/ns/net")
            except OSError:
                continue
            if ident != mine:
                paths.setdefault(ident, f"/proc/{entry.name}/ns/net")
    if os.path.isdir("/run/netns"):
        for name in os.listdir("/run/netns"):
            paths.setdefault(name, f"/run/netns/{name}")
    found = []
    for path in paths.values():
        for argv, what in ((["ip", "-o", "link", "show", "lo"], "netns"), (["nft", "list", "ruleset"], "nft table")):
            try:
                out = subprocess.run(["nsenter", f"--net={path}", "--", *argv], capture_output=True, timeout=10).stdout
            except (OSError, subprocess.TimeoutExpired):
                continue
            if tag.encode() in out:
                found.append(f"{path}: {what}")
    return found


def leftovers(tag: str, tmpdir: str | None = None, wait: float = 3.0) -> list[str]:
    """Everything of the run tagged ``tag`` still there (after at most ``wait`` seconds for processes
    being killed to go): processes, namespaces, nft tables, and entries of ``tmpdir``."""
    deadline = time.monotonic() + wait
    while (procs := tagged_processes(tag)) and time.monotonic() < deadline:
        time.sleep(0.05)
    left = [f"process {p}: {open(f'/proc/{p}/cmdline', 'rb').read()[:80]!r}" for p in procs if os.path.exists(f"/proc/{p}")]
    left += tagged_namespaces(tag)
    if tmpdir and os.path.isdir(tmpdir):
        left += [f"temp: {e}" for e in os.listdir(tmpdir)]
    return left


def kill_tagged(tag: str) -> None:
    """Clean up after a failed test: SIGKILL every live process carrying the tag."""
    import signal

    for pid in tagged_processes(tag):
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
