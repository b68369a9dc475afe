"""A fork server for the self-tests' scenario runs: one ``pytest`` run costs a fork, not a new interpreter.

The self-tests judge the suite by running it, as a user would, a few hundred times per session
(:func:`harness.run_scenarios`): each run was a new ``python -m pytest`` that imported pytest, its
plugins, the netconformance plugin and the scenario modules again (about 0.5 s of CPU on this machine,
more than most of the runs' own scenarios).  The zygote is one helper process per test process, started on
first use, with all of that already imported (and nothing run).  Per run it forks a child that:

* makes a process group of its own (killed whole when the run times out; in the zygote's session, which
  has no terminal, so that the run's workers can join it), and is sent SIGKILL when the zygote dies
  (``PR_SET_PDEATHSIG``); the zygote ends when the test process's end of its control socket closes;
* takes the run's environment and working directory, has stdin on ``/dev/null`` and stdout/stderr in
  files of the caller's, and calls ``pytest.main(args)`` as ``python -m pytest args`` would, then exits
  with its status (``atexit`` handlers run, stdio flushed).

The zygote is the child's parent: it waits for it and reports the exit status over the control socket.

A run's pytest-xdist workers (``-n N``) are forks of the zygote too
(:mod:`netconformance_fixtures.workerfork`: a stand-in per worker hands its pipes to the zygote, which forks
the worker into the run's process group).
Runs whose environment differs from the zygote's in what an interpreter reads at startup (``PYTHON*``,
locale), and every run when ``NETCONFORMANCE_SELFTEST_ZYGOTE=0``, get a new interpreter as before.
Scenario runs use the same modules either way, from the same files; only the start-up is shared.
"""

from __future__ import annotations

import json
import os
import select
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

from netconformance_fixtures import workerfork

_STARTUP_VARS = ("PYTHON", "LC_", "LANG")
_START_TIMEOUT = 60.0



def _serve(fd: int) -> None:  # pragma: no cover - runs in the zygote (tested end to end)
    """The zygote: preload, then serve requests (see the module docstring) until the control socket closes."""
    import importlib.metadata
    import selectors

    import pytest

    sys.path[0] = os.getcwd()  # as ``python -m pytest`` run there has it (the checkout), not this file's directory
    for ep in importlib.metadata.entry_points(group="pytest11"):
        try:
            ep.load()
        except Exception:  # noqa: BLE001 - a plugin that cannot load is pytest's to report, in the run
            pass
    from conformance.runner import preload_workers

    try:  # every scenario module (under the names pytest imports them by), what a session imports once
        preload_workers(raw=True)  # started, the references, and scapy for the raw tier's runs
    except ImportError:  # no scapy: the raw tier's runs skip
        preload_workers(raw=False)
    import gc

    gc.freeze()  # what is preloaded stays out of every fork's collections (and its pages shared, not copied)
    ctl = socket.socket(fileno=fd)
    workers = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
    name = f"nc-pytest-zygote-{os.getpid()}-{os.urandom(4).hex()}"
    workers.bind("\0" + name)  # abstract: nothing to remove
    workers.listen(64)
    sel = selectors.DefaultSelector()
    sel.register(ctl, selectors.EVENT_READ, ("ctl",))
    sel.register(workers, selectors.EVENT_READ, workerfork.ACCEPT)
    ctl.send(b"ready")
    children: set[int] = set()  # runs and workers: killed (their process groups) when the test process goes
    while True:
        for key, _ in sel.select():
            if not workerfork.worker_event(key, sel, children, (ctl, workers)):
                _ctl_request(ctl, children, name, pytest, (ctl, workers))


def _ctl_request(ctl: socket.socket, children: set[int], name: str, pytest, inherited) -> None:  # pragma: no cover
    """One request of the test process: start a run, or wait for one; the test process gone, end it all."""
    try:
        msg = ctl.recv(1 << 20)
    except InterruptedError:
        return
    if not msg:  # the test process is gone: so are its runs
        for pid in children:
            try:
                os.killpg(pid, signal.SIGKILL)
            except OSError:
                pass
        os._exit(0)
    req = json.loads(msg)
    if req.get("op") == "wait":
        _, status = os.waitpid(req["pid"], 0)
        children.discard(req["pid"])
        ctl.send(json.dumps({"pid": req["pid"], "status": os.waitstatus_to_exitcode(status)}).encode())
        return
    pid = os.fork()
    if pid:
        children.add(pid)
        ctl.send(json.dumps({"pid": pid}).encode())
        return
    for sock in inherited:
        sock.close()
    os._exit(_child(req, pytest, name))


def _child(req: dict, pytest, name: str) -> int:  # pragma: no cover - a forked child of the zygote
    """One run: ``pytest.main(req["args"])`` in a process group of its own, with the run's environment and
    directory; its xdist workers are forks too (``name``: the zygote's worker socket)."""
    def main() -> int:
        workerfork.become(req, 0)
        os.dup2(os.open(os.devnull, os.O_RDONLY), 0)
        for fd, path in ((1, req["stdout"]), (2, req["stderr"])):
            out = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            os.dup2(out, fd)
            os.close(out)
        sys.argv = [sys.executable, "-m", "pytest", *req["args"]]
        return int(pytest.main(req["args"], plugins=[workerfork.ForkedWorkers(name)]))
    return workerfork.as_program(main)


def enabled() -> bool:
    return os.environ.get("NETCONFORMANCE_SELFTEST_ZYGOTE", "1") != "0"


class ZygoteError(Exception):
    """The zygote did not start or stopped answering."""


class Zygote:
    """The test process's handle on one zygote (see the module docstring)."""

    def __init__(self, python: str) -> None:
        self.python = python
        self._lock = threading.Lock()
        self._proc: subprocess.Popen | None = None
        self._ctl: socket.socket | None = None
        self._env: dict[str, str] = {}
        self.last_stderr = ""

    def _start(self) -> None:
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        self._env = dict(os.environ)
        try:
            self._proc = subprocess.Popen([self.python, __file__, str(theirs.fileno())], pass_fds=(theirs.fileno(),),
                                          stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                                          cwd=str(Path(__file__).resolve().parent.parent), start_new_session=True)
        finally:
            theirs.close()
        self._ctl = ours
        if not _readable(ours, _START_TIMEOUT) or ours.recv(64) != b"ready":
            err = self._proc.stderr.read(4000) if self._proc.poll() is not None else b""
            self.stop()
            raise ZygoteError(f"the zygote did not start: {err.decode('utf-8', 'replace')[-500:]}")

    def stop(self) -> None:
        if self._ctl is not None:
            self._ctl.close()
            self._ctl = None
        if self._proc is not None:
            try:
                self._proc.wait(5)
            except subprocess.TimeoutExpired:
                self._proc.kill()
                self._proc.wait(5)
            if self._proc.stderr:
                try:
                    self._last_words()  # it has been waited for: keep its stderr's tail, close the pipe
                except OSError:
                    pass
            self._proc = None

    def _last_words(self) -> None:
        """Keep the tail of a dead zygote's stderr (its traceback) for the error that reports it."""
        assert self._proc is not None and self._proc.stderr is not None
        os.set_blocking(self._proc.stderr.fileno(), False)
        self.last_stderr = (self._proc.stderr.read() or b"")[-1500:].decode("utf-8", "replace")
        self._proc.stderr.close()

    def usable_for(self, env: dict[str, str]) -> bool:
        def startup(e: dict[str, str]) -> dict[str, str]:
            return {k: v for k, v in e.items() if k.startswith(_STARTUP_VARS)}
        return self._proc is None or startup(env) == startup(self._env)

    def _ask(self, request: dict, key: str) -> int:
        """Send ``request``; return ``key`` of the answer (30 s at most).  Raises ZygoteError (and stops it)."""
        assert self._ctl is not None
        try:
            self._ctl.send(json.dumps(request).encode())
            if not _readable(self._ctl, 30):
                raise OSError(f"no {key} within 30 s")
            return int(json.loads(self._ctl.recv(1 << 16))[key])
        except (OSError, ValueError, KeyError) as exc:
            self.stop()
            raise ZygoteError(f"the zygote stopped answering: {exc}; its stderr: {self.last_stderr or '(nothing)'}") from None

    def run(self, args: list[str], *, cwd: Path, timeout: float) -> subprocess.CompletedProcess:
        """``python -m pytest args`` in ``cwd`` with our environment, through a fork of the zygote.

        Raises:
            subprocess.TimeoutExpired: the run took longer than ``timeout`` seconds (it was killed).
            ZygoteError: the zygote is not usable (the caller falls back to a new interpreter).
        """
        import tempfile

        with self._lock:
            if self._proc is None or self._proc.poll() is not None:
                self.stop()
                self._start()
            assert self._ctl is not None
            with tempfile.TemporaryDirectory(prefix="nc-zygote-") as tmp:
                out, err = Path(tmp) / "stdout", Path(tmp) / "stderr"
                request = {"args": args, "cwd": str(cwd), "env": dict(os.environ), "stdout": str(out), "stderr": str(err)}
                pid = self._ask(request, "pid")
                exited = _wait_pid(pid, timeout)
                if not exited:
                    try:
                        os.killpg(pid, signal.SIGKILL)
                    except OSError:
                        pass
                status = self._ask({"op": "wait", "pid": pid}, "status")
                stdout, stderr = out.read_bytes(), err.read_bytes()
                if not exited:
                    raise subprocess.TimeoutExpired(["pytest", *args], timeout, stdout, stderr)
                return subprocess.CompletedProcess(["pytest", *args], status, stdout, stderr)


def _readable(sock: socket.socket, timeout: float) -> bool:
    return bool(select.select([sock], [], [], timeout)[0])


def _wait_pid(pid: int, timeout: float) -> bool:
    """Wait (a pidfd, bounded) until ``pid`` (not our child: the zygote's) has exited; True when it did."""
    try:
        fd = os.pidfd_open(pid)
    except ProcessLookupError:
        return True
    try:
        poller = select.poll()
        poller.register(fd, select.POLLIN)
        deadline = time.monotonic() + timeout
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                return False
            if poller.poll(left * 1000):
                return True
    finally:
        os.close(fd)


_zygote: list[Zygote] = []


def run(python: str, args: list[str], *, cwd: Path, timeout: float) -> subprocess.CompletedProcess:
    """``python -m pytest args`` (see :meth:`Zygote.run`), or a new interpreter when the zygote cannot serve."""
    if enabled():
        if not _zygote or _zygote[0].python != python:
            _zygote[:] = [Zygote(python)]
        z = _zygote[0]
        if z.usable_for(dict(os.environ)):
            try:
                return z.run(args, cwd=cwd, timeout=timeout)
            except ZygoteError as exc:  # said on the test's stderr, then the run is made without it
                sys.stderr.write(f"pytest_zygote: {exc}; running a new interpreter instead\n")
    return subprocess.run([python, "-m", "pytest", *args], cwd=cwd, capture_output=True, timeout=timeout)


if __name__ == "__main__":
    _serve(int(sys.argv[1]))
