"""Issue 16: a target that starts a detached helper (new session, stdio to /dev/null; with and without its
environment cleared) leaks nothing: after a ``netconformance run`` of the echo scenarios, raw tier
included (a namespace and an nft table per scenario), no process, namespace, nft table or temp entry of
the run is left, found by the run tag (``NETCONFORMANCE_RUN_TAG``) in the environment, on the namespaces'
``lo`` and in the nft rules; and the run ends within its bound.  Also: a server whose children escape the
process group holding its output pipes, through the whole CLI."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))
import hostile_targets as targets  # noqa: E402
from leftovers import kill_tagged, leftovers, new_tag  # noqa: E402

BOUND_SECONDS = 240


def _run(tmp_path: Path, server: str, *extra: str, env_extra: dict | None = None
         ) -> tuple[subprocess.CompletedProcess, float, str, list]:
    tag = new_tag()
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    env = {**os.environ, "NETCONFORMANCE_RUN_TAG": tag, "TMPDIR": str(tmp), **(env_extra or {})}
    started = time.monotonic()
    try:
        proc = subprocess.run([sys.executable, "-m", "conformance", "run", "-n", "2", "--protocol", "echo",
                               "--server", server, "--json", str(tmp_path / "r.json"), *extra],
                              capture_output=True, text=True, timeout=BOUND_SECONDS, cwd=tmp_path, env=env)
        took = time.monotonic() - started
        left = leftovers(tag)
        left += [f"temp: {p.name}" for p in tmp.iterdir() if not p.name.startswith("pytest-of-")]
    finally:
        kill_tagged(tag)
    return proc, took, tag, left


def _is_helper(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as f:
            return f.read() == b"sleep\x003600\x00"
    except OSError:
        return False


@pytest.mark.parametrize("clear_env, no_cgroup", [(False, False), (True, False), (True, True)],
                         ids=["inherited-env", "cleared-env", "cleared-env-no-cgroup"])
@pytest.mark.timeout(BOUND_SECONDS + 60)
def test_detached_helper_leaves_nothing(tmp_path, clear_env, no_cgroup):
    """``no_cgroup``: the harness acts as if no cgroup could be made (NETCONFORMANCE_NO_CGROUP=1): the
    subreaper and the namespace's own sweep must catch a helper that cleared its environment."""
    cmd = targets.write(tmp_path, "detaching", targets.DETACHING)
    flag = " --clear-env" if clear_env else ""
    pidfile = tmp_path / "helpers.pid"
    proc, took, _tag, left = _run(tmp_path, f"echo/tcp=name=detaching,cmd:{cmd} {{port}}{flag} --pidfile {pidfile}",
                                  env_extra={"NETCONFORMANCE_NO_CGROUP": "1"} if no_cgroup else None)
    # a helper that cleared its environment carries no run tag: found by the pid the server wrote down (the
    # helper starts at once, before the harness could move the server into its cgroup after the start)
    helpers = [int(p) for p in pidfile.read_text().split()] if pidfile.exists() else []
    alive = [p for p in helpers if _is_helper(p)]
    for pid in alive:
        os.kill(pid, 9)
    assert helpers, "the server never started its helper"
    assert not alive, f"helpers left behind: {alive} of {len(helpers)}"
    assert proc.returncode in (0, 1), proc.stdout[-2000:] + proc.stderr[-2000:]
    results = json.loads((tmp_path / "r.json").read_text())["results"]
    raw = [r for r in results if "-raw-" in r["scenario"] and r["outcome"] not in ("skipped", "not-applicable")]
    print(f"{len(results)} results ({len(raw)} raw-tier) in {took:.1f} s")
    assert took < BOUND_SECONDS
    assert left == [], f"left behind by the run: {left}"


@pytest.mark.timeout(BOUND_SECONDS + 60)
def test_escaped_children_holding_the_pipes_end_with_the_run(tmp_path):
    """Every connection makes the server fork a child that leaves the process group (setsid) and keeps
    stdout/stderr open, writing to them: the run ends, and nothing is left."""
    script = targets.DETACHING.replace(
        'subprocess.Popen(["sleep", "3600"], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,\n'
        '                 stderr=subprocess.DEVNULL, start_new_session=True',
        'subprocess.Popen(["sh", "-c", "while :; do echo escaped; sleep 0.05; done"], start_new_session=True')
    cmd = targets.write(tmp_path, "escaping", script)
    proc, took, _tag, left = _run(tmp_path, f"echo/tcp=name=escaping,cmd:{cmd} {{port}}", "--scenario", "echo-tcp-*")
    assert proc.returncode in (0, 1), proc.stdout[-2000:] + proc.stderr[-2000:]
    assert took < BOUND_SECONDS
    assert left == [], f"left behind by the run: {left}"
