"""The fork server (fixtures/forkserver.py): a client run through it gives the same Run as a new
interpreter (process.run_once): outputs, exit statuses, stdin, bounded output, hung clients killed at the
timeout with their process group, what left it, and their kill domain; a dead fork server is restarted
once, then runs fall back to new interpreters; it dies with the process that started it."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import threading
import time
import uuid
from pathlib import Path

import pytest

from netconformance_fixtures import forkserver, process, readiness
from netconformance_fixtures.killdomain import MARK_VAR, alive

MODULES = {
    "ncfs_ok": """
        import sys
        data = sys.stdin.buffer.read()
        sys.stdout.buffer.write(data[::-1])
        print("to stderr é", file=sys.stderr)
        """,
    "ncfs_exit": """
        import sys
        print("partial")
        sys.exit(7)
        """,
    "ncfs_message": """
        raise SystemExit("fatal: a message")
        """,
    "ncfs_raise": """
        def fail():
            raise ValueError("boom")
        print("before", flush=True)
        fail()
        """,
    "ncfs_signal": """
        import os, signal
        os.kill(os.getpid(), signal.SIGKILL)
        """,
    "ncfs_args": """
        import os, sys
        print(sys.argv)
        print(os.environ.get("NCFS_VAR"), os.getcwd(), __name__, sys.path[0])
        print(sys.stdout.encoding, sys.stdout.errors, sys.stderr.errors, sys.stdout.line_buffering)
        """,
    "ncfs_flood": """
        import sys
        for _ in range(64):
            sys.stdout.buffer.write(b"x" * 65536)
        print("the end", file=sys.stderr)
        """,
    "ncfs_mark": """
        import os
        area = open("/proc/self/environ", "rb").read().split(b"\\0")
        marks = [e.split(b"=", 1)[1].decode() for e in area if e.startswith(b"NETCONFORMANCE_KILL_MARK=")]
        print(marks == [os.environ["NETCONFORMANCE_KILL_MARK"]], marks[0].startswith("target-"))
        """,
    "ncfs_hang": """
        import os, subprocess, sys, time
        tag, pidfile = sys.argv[1], sys.argv[2]
        sleeper = [sys.executable, "-c", "import time; time.sleep(60)", tag]
        subprocess.Popen(sleeper, start_new_session=True)  # leaves the process group, keeps the pipes
        subprocess.Popen(sleeper)
        pid = os.fork()
        if pid == 0:  # leaves the group without exec: only the kill domain finds it
            os.setsid()
            time.sleep(60)
            os._exit(0)
        with open(pidfile, "w") as f:
            f.write(str(pid))
        print("ready", flush=True)
        time.sleep(60)
        """,
    "ncfs_sleep": """
        import sys, time
        print("sleeping", flush=True)
        time.sleep(float(sys.argv[1]))
        print("woke")
        """,
}


@pytest.fixture(scope="module")
def moddir(tmp_path_factory) -> Path:
    d = tmp_path_factory.mktemp("fsmods")
    for name, text in MODULES.items():
        (d / f"{name}.py").write_text(textwrap.dedent(text))
    return d


def argv(module: str, *args: str) -> list[str]:
    return [sys.executable, "-m", module, *args]


def same(forked: process.Run, fresh: process.Run) -> None:
    assert (forked.argv, forked.status, forked.stdout, forked.stderr, forked.hung, forked.flooded) == \
        (fresh.argv, fresh.status, fresh.stdout, fresh.stderr, fresh.hung, fresh.flooded)


def compare(module: str, moddir: Path, *args: str, stdin: bytes = b"", timeout: float = 10, keep: int = 64 << 20,
            env: dict | None = None) -> tuple[process.Run, process.Run]:
    a = argv(module, *args)
    forked = forkserver.server().run(a, module, list(args), stdin=stdin, timeout=timeout, cwd=moddir, keep=keep, env=env)
    assert forked is not None, "the fork server did not take the run"
    fresh = process.run_once(a, stdin=stdin, timeout=timeout, cwd=moddir, keep=keep, env=env)
    return forked, fresh


def test_success_with_stdin_is_the_same_run(moddir):
    data = os.urandom(1 << 20)
    forked, fresh = compare("ncfs_ok", moddir, stdin=data)
    same(forked, fresh)
    assert forked.status == 0 and forked.stdout == data[::-1] and forked.stderr == "to stderr é\n".encode()


@pytest.mark.parametrize("module, status", [("ncfs_exit", 7), ("ncfs_message", 1), ("ncfs_raise", 1),
                                            ("ncfs_signal", -signal.SIGKILL)])
def test_failure_exits_are_the_same_run(moddir, module, status):
    forked, fresh = compare(module, moddir)
    same(forked, fresh)
    assert forked.status == status and not forked.hung


def test_argv_environment_cwd_and_stdio_are_a_new_interpreters(moddir):
    env = {**os.environ, "NCFS_VAR": "given"}
    forked, fresh = compare("ncfs_args", moddir, "--flag", "x y", env=env)
    same(forked, fresh)
    assert b"given" in forked.stdout and b"__main__" in forked.stdout


def test_the_kill_mark_is_in_the_environment_the_kernel_shows(moddir):
    forked, fresh = compare("ncfs_mark", moddir)
    same(forked, fresh)
    assert forked.stdout == b"True True\n"


def test_a_flood_is_bounded(moddir):
    forked, fresh = compare("ncfs_flood", moddir, keep=1 << 20)
    same(forked, fresh)
    assert forked.flooded and forked.stdout.total == 4 << 20 and forked.stderr == b"the end\n"
    assert len(forked.stdout) < (2 << 20) + 64 and forked.stdout.startswith(b"x" * (1 << 20))


def _gone(tag: str, pidfile: Path) -> list[str]:
    deadline = time.monotonic() + 3
    while True:
        left = subprocess.run(["pgrep", "-f", tag], capture_output=True, text=True).stdout.split()
        pid = int(pidfile.read_text()) if pidfile.exists() else None
        escaped = [str(pid)] if pid is not None and alive(pid) else []
        if not left and not escaped or time.monotonic() > deadline:
            for p in left + escaped:
                try:
                    os.kill(int(p), signal.SIGKILL)
                except (ProcessLookupError, ValueError):
                    pass
            return left + escaped
        time.sleep(0.05)


def test_a_hung_client_is_killed_at_the_timeout_with_its_group_and_what_left_it(moddir, tmp_path):
    runs = []
    for route in ("forked", "fresh"):
        tag = f"ncfs-{uuid.uuid4().hex[:10]}"
        pidfile = tmp_path / f"{route}.pid"
        a = argv("ncfs_hang", tag, str(pidfile))
        started = time.monotonic()
        if route == "forked":
            run = forkserver.server().run(a, "ncfs_hang", a[3:], stdin=b"", timeout=1.5, cwd=moddir, keep=1 << 20,
                                          env=None)
        else:
            run = process.run_once(a, timeout=1.5, cwd=moddir)
        took = time.monotonic() - started
        assert _gone(tag, pidfile) == [], f"{route}: processes of the hung client survived"
        assert run.hung and run.status is None and run.stdout == b"ready\n", run
        assert 1.4 < run.duration < 2.5 and took < 5, (route, run.duration, took)
        runs.append(run)
    forked, fresh = runs
    assert (forked.status, forked.stdout, forked.stderr, forked.hung) == (fresh.status, fresh.stdout, fresh.stderr, fresh.hung)


def test_runs_from_two_threads_at_once(moddir):
    results: dict[int, process.Run] = {}

    def one(i: int) -> None:
        results[i] = forkserver.run_module(argv("ncfs_ok"), stdin=b"%d" % i * 1000, timeout=10, cwd=moddir)

    threads = [threading.Thread(target=one, args=(i,)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(20)
    assert sorted(results) == [0, 1, 2, 3]
    for i, run in results.items():
        assert run.status == 0 and run.stdout == (b"%d" % i * 1000)[::-1]


def test_the_reference_echo_client_through_the_fork_server(moddir):
    from reference_servers.echo.server import EchoServer

    srv = EchoServer("127.0.0.1", 0, transports=("tcp",))
    srv.start()
    try:
        host, port = srv.addresses["tcp"]
        a = argv("reference_servers.echo.client", "--host", host, "--port", str(port), "--timeout", "5")
        data = os.urandom(300_000)
        forked, fresh = compare("reference_servers.echo.client", Path.cwd(), *a[3:], stdin=data)
        same(forked, fresh)
        assert forked.status == 0 and forked.stdout == data
        refused = argv("reference_servers.echo.client", "--host", host, "--port", "1", "--timeout", "1")
        forked, fresh = compare("reference_servers.echo.client", Path.cwd(), *refused[3:], stdin=b"x")
        same(forked, fresh)
        assert forked.status == 3 and forked.stderr == b"echo: connection refused\n"
    finally:
        srv.stop()


def test_a_dead_fork_server_is_restarted_once_then_runs_fall_back(moddir, monkeypatch):
    fs = forkserver.ForkServer()
    a = argv("ncfs_ok")

    def run():
        return fs.run(a, "ncfs_ok", [], stdin=b"abc", timeout=10, cwd=moddir, keep=1 << 20, env=None)

    try:
        assert run().stdout == b"cba"
        first = fs.pid
        os.kill(first, signal.SIGKILL)
        process.wait_exit(fs._proc, 5)
        assert run().stdout == b"cba" and fs.pid != first and fs.starts == 2
        os.kill(fs.pid, signal.SIGKILL)
        process.wait_exit(fs._proc, 5)
        with pytest.raises(forkserver.ForkServerError):
            run()
        assert fs.broken
        monkeypatch.setattr(forkserver, "_server", fs)  # run_module now takes a new interpreter
        fallback = forkserver.run_module(a, stdin=b"abc", timeout=10, cwd=moddir)
        assert fallback.status == 0 and fallback.stdout == b"cba"
    finally:
        fs.stop()


def test_a_fork_server_dying_mid_run_ends_the_run(moddir):
    fs = forkserver.ForkServer()
    a = argv("ncfs_sleep", "30")
    out: list[process.Run] = []
    try:
        t = threading.Thread(target=lambda: out.append(fs.run(a, "ncfs_sleep", ["30"], stdin=b"", timeout=20, cwd=moddir,
                                                              keep=1 << 20, env=None)))
        t.start()
        deadline = time.monotonic() + 10
        while not fs.alive() and time.monotonic() < deadline:
            time.sleep(0.01)
        time.sleep(0.5)
        os.kill(fs.pid, signal.SIGKILL)
        t.join(10)
        assert out and out[0].status == -signal.SIGKILL and not out[0].hung and out[0].duration < 5
    finally:
        fs.stop()


def test_the_fork_server_dies_with_the_process_that_started_it(moddir, tmp_path):
    script = tmp_path / "owner.py"
    script.write_text(textwrap.dedent(f"""
        import os, sys
        from netconformance_fixtures import forkserver
        run = forkserver.run_module([sys.executable, "-m", "ncfs_ok"], stdin=b"x", timeout=10, cwd={str(moddir)!r})
        assert run.stdout == b"x", run
        print(forkserver.server().pid, flush=True)
        os.kill(os.getpid(), 9)
        """))
    proc = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=60)
    assert proc.returncode == -9, proc.stderr
    zygote = int(proc.stdout.split()[0])
    deadline = time.monotonic() + 5
    while alive(zygote) and time.monotonic() < deadline:
        time.sleep(0.02)
    assert not alive(zygote)


def test_an_environment_a_fork_cannot_reproduce_takes_a_new_interpreter(moddir):
    env = {**os.environ, "PYTHONNCFSDUMMY": "1"}
    forkserver.server().run(argv("ncfs_ok"), "ncfs_ok", [], stdin=b"", timeout=10, cwd=moddir, keep=1, env=None)
    assert forkserver.server().run(argv("ncfs_ok"), "ncfs_ok", [], stdin=b"", timeout=10, cwd=moddir, keep=1,
                                   env=env) is None
    run = forkserver.run_module(argv("ncfs_ok"), stdin=b"ab", timeout=10, cwd=moddir, env=env)
    assert run.status == 0 and run.stdout == b"ba"


def test_marks_fit_the_placeholder():
    from netconformance_fixtures.killdomain import KillDomain

    domain = KillDomain()
    domain.kill_all()
    assert len(domain.mark) <= len(forkserver.PLACEHOLDER)
    assert MARK_VAR == "NETCONFORMANCE_KILL_MARK"


# ---------------------------------------------------------------------- readiness by LISTENING lines
def _launch_and_wait(argv: list[str], port: int, transports: tuple[str, ...], timeout: float = 10) -> float:
    launched = process.launch(argv)
    try:
        return readiness.wait_listening(launched, port, transports, timeout, "test command")
    finally:
        launched.kill(grace=0.2)


def test_a_reference_is_ready_when_it_prints_listening_even_where_proc_shows_nothing(monkeypatch):
    from netconformance_fixtures.ports import free_port

    monkeypatch.setattr(readiness, "bound_ports", lambda kind, host="": set())  # as in another network namespace
    port = free_port()
    took = _launch_and_wait([sys.executable, "-m", "reference_servers.echo", "--port", str(port)], port, ("tcp", "udp"))
    assert took < 10


def test_a_command_that_prints_nothing_is_found_in_proc():
    from netconformance_fixtures.ports import free_port

    port = free_port()
    code = f"import socket, time; s = socket.socket(); s.bind(('127.0.0.1', {port})); s.listen(); time.sleep(30)"
    assert _launch_and_wait([sys.executable, "-c", code], port, ("tcp",)) < 10


def test_a_listening_line_for_another_port_or_transport_is_not_readiness():
    from conformance.errors import TargetStartError
    from netconformance_fixtures.ports import free_port

    port = free_port()
    code = f"print('LISTENING tcp 127.0.0.1 {port + 1}'); print('LISTENING udp 127.0.0.1 {port}', flush=True); " \
           "import time; time.sleep(30)"
    with pytest.raises(TargetStartError, match="did not listen on tcp"):
        _launch_and_wait([sys.executable, "-c", code], port, ("tcp",), timeout=1.0)


def test_an_exit_before_listening_is_reported_at_once():
    from conformance.errors import TargetStartError

    started = time.monotonic()
    with pytest.raises(TargetStartError, match="exited with status 3"):
        _launch_and_wait(["sh", "-c", "echo oops >&2; exit 3"], 9, ("tcp",), timeout=60)
    # at once: long before the startup timeout (a loaded machine took 4.8 s to start and end the shell)
    assert time.monotonic() - started < 20
