"""The grading sandbox: every process a submission starts is found and killed (even after setsid), and
a fork bomb stops at the process limit when the machine gives us a pids cgroup."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conformance.grade.sandbox import Sandbox

ROOT = Path(__file__).resolve().parents[2]
BOMB = Path(__file__).resolve().parent / "programs" / "forkbomb_server.py"


def _launch(box: Sandbox, argv: list[str]) -> subprocess.Popen:
    env = box.env({**os.environ, "PYTHONPATH": str(ROOT)})
    return subprocess.Popen(box.command(argv), env=env, cwd=ROOT, start_new_session=True,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def _wait_members(box: Sandbox, at_least: int, timeout: float = 15.0) -> set[int]:
    deadline = time.monotonic() + timeout
    members: set[int] = set()
    while time.monotonic() < deadline:
        members = box.members()
        if len(members) >= at_least:
            break
        time.sleep(0.1)
    return members


def test_kill_all_reaches_processes_that_left_the_session():
    box = Sandbox("nc-test-setsid", 64, 0)
    proc = _launch(box, ["sh", "-c", "setsid sleep 300 & setsid sh -c 'sleep 301 & sleep 302' & sleep 303"])
    try:
        members = _wait_members(box, 5)
        assert len(members) >= 5, members
    finally:
        killed = box.kill_all()
        proc.wait(5)
    assert killed >= 5 and box.members() == set()
    if box.cgroup is not None:
        assert not box.cgroup.exists()


def _have_cgroup() -> bool:
    probe = Sandbox("nc-test-probe", 16, 0)
    try:
        return probe.cgroup is not None
    finally:
        probe.kill_all(timeout=1)


@pytest.mark.skipif(not _have_cgroup(), reason="no writable pids cgroup here (root with cgroups needed)")
def test_fork_bomb_stops_at_the_limit():
    box = Sandbox("nc-test-bomb", 40, 0)
    proc = _launch(box, [sys.executable, str(BOMB), "--port", "0", "--depth", "8"])  # up to 511 without a limit
    try:
        time.sleep(3)
        peak = int((box.cgroup / "pids.peak").read_text()) if (box.cgroup / "pids.peak").exists() else len(box.members())
        assert peak <= 40
        assert len(box.members()) <= 40
    finally:
        box.kill_all()
        proc.wait(5)
    assert box.members() == set()
