"""The self-tests' pytest fork server (tests/pytest_zygote.py) runs ``python -m pytest`` as a new
interpreter would: the run's environment and directory, its output and status, its xdist workers (forks of
the zygote too, in the run's process group), and a run that outlives its timeout is killed with everything
it started, workers included."""

from __future__ import annotations

import json
import subprocess
import sys
import time

import pytest
import pytest_zygote

CHECKS_ITS_WORLD = """
import os, sys
def test_world():
    assert os.environ["NC_ZYGOTE_PROBE"] == "42"
    assert os.getcwd() == os.path.dirname(os.path.abspath(__file__))
    print("from the run", file=sys.stderr)
"""

RECORDS_ITS_WORKER = """
import json, os
import pytest
@pytest.mark.parametrize("n", range(4))
def test_worker(n):
    assert os.environ["NC_ZYGOTE_PROBE"] == "42"
    with open(f"worker-{os.environ['PYTEST_XDIST_WORKER']}.json", "w") as f:
        json.dump({"ppid": os.getppid(), "pgid": os.getpgrp(), "cwd": os.getcwd()}, f)
"""

HANGS = """
import subprocess, time
def test_hangs(tmp_path):
    child = subprocess.Popen(["sleep", "300"])
    with open(%r, "w") as f:
        f.write(str(child.pid))
    time.sleep(300)
"""


def test_a_run_sees_its_environment_and_directory(tmp_path, monkeypatch):
    (tmp_path / "test_world.py").write_text(CHECKS_ITS_WORLD)
    monkeypatch.setenv("NC_ZYGOTE_PROBE", "42")
    proc = pytest_zygote.run(sys.executable, ["-q", "-s", "-p", "no:randomly", "-p", "no:cacheprovider", "test_world.py"],
                             cwd=tmp_path, timeout=120)
    assert proc.returncode == 0, proc.stdout.decode() + proc.stderr.decode()
    assert b"1 passed" in proc.stdout and b"from the run" in proc.stderr
    monkeypatch.setenv("NC_ZYGOTE_PROBE", "7")  # a failing run gives pytest's status for failed tests
    proc = pytest_zygote.run(sys.executable, ["-q", "-p", "no:randomly", "-p", "no:cacheprovider", "test_world.py"],
                             cwd=tmp_path, timeout=120)
    assert proc.returncode == 1 and b"1 failed" in proc.stdout


@pytest.mark.skipif(not pytest_zygote.enabled(), reason="NETCONFORMANCE_SELFTEST_ZYGOTE=0")
def test_a_runs_xdist_workers_are_forks_of_the_zygote_in_the_runs_process_group(tmp_path, monkeypatch):
    (tmp_path / "test_worker.py").write_text(RECORDS_ITS_WORKER)
    monkeypatch.setenv("NC_ZYGOTE_PROBE", "42")
    proc = pytest_zygote.run(sys.executable, ["-q", "-p", "no:randomly", "-p", "no:cacheprovider", "-n", "2",
                                              "test_worker.py"], cwd=tmp_path, timeout=120)
    assert proc.returncode == 0 and b"4 passed" in proc.stdout, proc.stdout.decode() + proc.stderr.decode()
    assert pytest_zygote._zygote[0]._proc is not None, "the run fell back to a new interpreter (why: on stderr)"
    zygote = pytest_zygote._zygote[0]._proc.pid
    seen = [json.loads(f.read_text()) for f in tmp_path.glob("worker-gw*.json")]
    assert len(seen) == 2, seen
    for worker in seen:
        # a new interpreter would be the run's child (its parent the run, the leader of its group)
        assert worker["ppid"] == zygote and worker["pgid"] != zygote, worker
        assert worker["cwd"] == str(tmp_path)
    assert seen[0]["pgid"] == seen[1]["pgid"]


@pytest.mark.skipif(not pytest_zygote.enabled(), reason="NETCONFORMANCE_SELFTEST_ZYGOTE=0")
@pytest.mark.parametrize("workers", [[], ["-n", "2"]], ids=["serial", "xdist"])
def test_a_run_past_its_timeout_is_killed_with_what_it_started(tmp_path, workers):
    pidfile = tmp_path / "child.pid"
    (tmp_path / "test_hangs.py").write_text(HANGS % str(pidfile))
    started = time.monotonic()
    with pytest.raises(subprocess.TimeoutExpired):
        pytest_zygote.run(sys.executable, ["-q", "-p", "no:randomly", "-p", "no:cacheprovider", *workers,
                                           "test_hangs.py"], cwd=tmp_path, timeout=8)
    assert time.monotonic() - started < 30
    pid = int(pidfile.read_text())
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline and _alive(pid):
        time.sleep(0.05)
    assert not _alive(pid), "the run's child outlived the timeout"


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False
