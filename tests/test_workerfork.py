"""``netconformance run`` with workers forks them from a zygote (netconformance_fixtures.workerfork): the
workers run in the run's process group with its environment and directory, their scenarios give the same
results as new interpreters', and nothing of the run outlives it, even when the run is killed."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from netconformance_fixtures.killdomain import alive as _alive

sys.path.insert(0, str(Path(__file__).parent / "hostile"))
from leftovers import descendants  # noqa: E402

#: a plugin given with ``-- -p ncprobe``: each worker records who it is, its parent, group and directory
PROBE = """
import json, os, signal, sys
def pytest_configure(config):
    name = os.environ.get("PYTEST_XDIST_WORKER")
    if name:
        with open(os.path.join(os.environ["NC_PROBE_DIR"], name + ".json"), "w") as f:
            json.dump({"pid": os.getpid(), "ppid": os.getppid(), "pgid": os.getpgrp(), "cwd": os.getcwd(),
                       "env": os.environ.get("NC_PROBE_VALUE"), "path": sys.path,
                       "signals": {str(int(s)): str(signal.getsignal(s)) for s in signal.valid_signals()},
                       "preloaded": "conformance.scenarios.test_time_server" in sys.modules}, f)
"""


def _env(tmp_path, **more) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST_XDIST")}
    return {**env, "PYTHONPATH": str(tmp_path), "NC_PROBE_DIR": str(tmp_path), "NC_PROBE_VALUE": "42", **more}


def _run(tmp_path, env) -> tuple[int, str, int, list[dict]]:
    """Run the time server's TCP scenarios with two workers and the probe: ``(status, output, the run's pid,
    the workers' records)``."""
    (tmp_path / "ncprobe.py").write_text(PROBE)
    args = [sys.executable, "-m", "conformance", "run", "-n", "2", "--scenario", "time-tcp-*", "--json",
            str(tmp_path / "report.json"), "--", "-p", "ncprobe"]
    proc = subprocess.Popen(args, cwd=tmp_path, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            start_new_session=True)
    out, err = proc.communicate(timeout=240)
    workers = [json.loads(p.read_text()) for p in sorted(tmp_path.glob("gw*.json"))]
    return proc.returncode, f"{out}\n{err}", proc.pid, workers


def test_workers_are_forks_of_the_runs_zygote_with_the_runs_world(tmp_path):
    status, output, controller, workers = _run(tmp_path, _env(tmp_path))
    assert status == 0, output[-3000:]
    assert len(workers) == 2, output[-3000:]
    for w in workers:
        zygote = w["ppid"]
        assert zygote != controller  # not execnet's child: the zygote's
        assert w["pgid"] == controller  # the run's process group (it leads one: start_new_session)
        assert w["cwd"] == str(tmp_path) and w["env"] == "42"
        assert w["preloaded"]  # imported before the worker started
    assert len({w["ppid"] for w in workers}) == 1
    passed = [r for r in json.loads((tmp_path / "report.json").read_text())["results"] if r["outcome"] == "passed"]
    assert passed


def test_without_the_zygote_workers_are_new_interpreters_with_the_same_results(tmp_path):
    forked, _, _, _ = _run(tmp_path, _env(tmp_path))
    first = {(r["scenario"], r["transport"], r["outcome"])
             for r in json.loads((tmp_path / "report.json").read_text())["results"]}
    forked_world = [{k: json.loads(p.read_text())[k] for k in ("path", "signals")} for p in sorted(tmp_path.glob("gw*.json"))]
    for p in tmp_path.glob("gw*.json"):
        p.unlink()
    status, output, controller, workers = _run(tmp_path, _env(tmp_path, NETCONFORMANCE_WORKER_ZYGOTE="0"))
    # the same sys.path and signal dispositions as a new interpreter's (SIGPIPE ignored: the CLI lets it kill the
    # run's own process, and a worker inheriting that died writing to a client that had closed its stdin)
    assert forked_world == [{k: w[k] for k in ("path", "signals")} for w in workers]
    assert forked == status == 0, output[-3000:]
    assert [w["ppid"] for w in workers] == [controller] * 2 and not any(w["preloaded"] for w in workers)
    second = {(r["scenario"], r["transport"], r["outcome"])
              for r in json.loads((tmp_path / "report.json").read_text())["results"]}
    assert first == second


@pytest.mark.parametrize("how", ["SIGKILL", "SIGINT"])
def test_a_run_killed_or_interrupted_leaves_no_zygote_and_no_worker(tmp_path, how):
    """SIGKILL of the run's process alone: its zygote dies with it (PR_SET_PDEATHSIG), the workers with the
    zygote.  SIGINT to the run's process group (Ctrl-C): the run ends, and takes them along."""
    args = [sys.executable, "-m", "conformance", "run", "-n", "2", "--protocol", "echo"]
    proc = subprocess.Popen(args, cwd=tmp_path, env=_env(tmp_path), stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        deadline = time.monotonic() + 60
        seen: set[int] = set()
        while time.monotonic() < deadline and len(seen) < 5:  # zygote, 2 stand-ins, 2 workers (at least)
            seen |= descendants(proc.pid) - {proc.pid}
            time.sleep(0.1)
        assert len(seen) >= 5, f"the run did not start its workers: {seen}"
        if how == "SIGKILL":
            proc.kill()
        else:
            os.killpg(proc.pid, signal.SIGINT)
        proc.wait(60)
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline and any(_alive(p) for p in seen):
            time.sleep(0.1)
        assert not [p for p in seen if _alive(p)], "processes of the run outlived it"
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(10)


GONE_STAND_IN = r"""
import json, os, socket, sys, time
from netconformance_fixtures.workerfork import WorkerZygote
zygote = WorkerZygote.start(lambda: None)
def ask(argv, wait):
    conn = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
    conn.connect("\0" + zygote.name)
    r, w = os.pipe()
    req = {"argv": argv, "cwd": os.getcwd(), "env": dict(os.environ), "pgid": os.getpgrp()}
    socket.send_fds(conn, [json.dumps(req).encode()], [r, w, 2])
    os.close(w)
    if not wait:
        conn.close()  # gone before the zygote answers, as a stand-in execnet killed
        return os.read(r, 100)  # EOF once the zygote has killed the worker it forked anyway
    started = json.loads(conn.recv(1 << 16))
    out = os.read(r, 100)
    ended = json.loads(conn.recv(1 << 16))
    return out, ended["status"]
print("gone:", ask(["-u", "-c", "import time; time.sleep(300)"], wait=False), flush=True)
print("next:", ask(["-u", "-c", "import sys; sys.stdout.write('served'); sys.stdout.flush()"], wait=True), flush=True)
zygote.stop()
"""


def test_a_stand_in_gone_before_the_zygote_answers_leaves_no_worker_and_the_zygote_serving(tmp_path):
    """The zygote forks the worker a stand-in asked for; when that stand-in is gone already, the worker is
    killed (its pipe sees EOF) and the zygote goes on serving the next one."""
    proc = subprocess.run([sys.executable, "-c", GONE_STAND_IN], capture_output=True, text=True, timeout=120,
                          cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert "gone: b''" in proc.stdout and "next: (b'served', 0)" in proc.stdout, proc.stdout + proc.stderr[-2000:]
