"""The sweep of empty kill-domain cgroups (issue 16) spares every cgroup whose creator still runs: a run
beside this one, or a grading run, creates cgroups that stay empty until the launched process is moved in,
and a sweep that removed them made those launches fail (``jail: ... cgroup.procs: No such file``)."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from netconformance_fixtures import killdomain


@pytest.fixture
def root():
    found = killdomain.cgroup_root()
    if found is None:
        pytest.skip("no cgroup this process may create kill domains in (needs root or a delegated cgroup v2)")
    return found


def test_sweep_spares_live_owners_and_removes_dead_ones(root):
    live = killdomain.KillDomain("sweep-test")
    assert live.cgroup is not None and live.cgroup.name.startswith(f"netconformance-p{os.getpid()}-")
    dead_pid = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True,
                              text=True, check=True).stdout.strip()
    stale = root / f"netconformance-p{dead_pid}-sweep-test-stale"
    stale_grade = root / f"netconformance-grade-p{dead_pid}-sweep-test-stale"
    stale.mkdir()
    stale_grade.mkdir()
    try:
        killdomain.sweep_empty()
        assert live.cgroup.exists(), "the sweep removed a live process's empty cgroup"
        assert not stale.exists() and not stale_grade.exists(), "the sweep left a dead run's empty cgroups"
    finally:
        live.kill_all()
        for path in (stale, stale_grade):
            if path.exists():
                path.rmdir()
    assert not live.cgroup.exists()


def test_grading_cgroups_carry_their_owner(root, tmp_path):
    from conformance.grade.sandbox import Sandbox

    box = Sandbox("sweep-test", max_processes=8, max_memory_mb=256)
    try:
        assert box.cgroup is not None
        killdomain.sweep_empty()
        assert box.cgroup.exists(), "the sweep removed a running grader's cgroup"
    finally:
        box.kill_all()
