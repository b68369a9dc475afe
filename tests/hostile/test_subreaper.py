"""Issue 16: where no cgroup can be made, the harness becomes a child subreaper, so the orphan of a killed
target (double-forked, ``setsid``, environment cleared: no cgroup and no mark can find it) is re-parented
to us and swept.  Runs in a fresh interpreter: a subreaper stays one for the life of its process."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time

SCRIPT = textwrap.dedent("""
    import os, sys, time
    from netconformance_fixtures import killdomain, process

    pidfile = sys.argv[1]
    # the orphan: env -i clears the environment (no mark, no run tag); setsid leaves the session; the
    # shell backgrounds sleep and exits, so sleep's parent dies and it is re-parented
    script = f"env -i setsid sh -c 'sleep 300 & echo $! > {pidfile}'; exec sleep 300"
    launched = process.launch(["sh", "-c", script])
    assert launched.domain.cgroup is None, "the test wants the no-cgroup fallback"
    deadline = time.monotonic() + 5
    while not (os.path.exists(pidfile) and open(pidfile).read().strip()) and time.monotonic() < deadline:
        time.sleep(0.01)
    orphan = int(open(pidfile).read())
    time.sleep(0.2)  # the intermediate shell has exited by now
    with open(f"/proc/{orphan}/stat") as f:
        parent = int(f.read().rsplit(")", 1)[1].split()[1])
    started = time.monotonic()
    launched.kill(grace=0.2)
    took = time.monotonic() - started
    alive = os.path.exists(f"/proc/{orphan}")
    print(f"subreaper={killdomain.become_subreaper()} parent_is_us={parent == os.getpid()} "
          f"orphan_alive={alive} took={took:.2f}")

    # the same through a client run (process.run_once)
    os.unlink(pidfile)
    run = process.run_once(["sh", "-c", f"env -i setsid sh -c 'sleep 300 & echo $! > {pidfile}'; sleep 0.3"], timeout=5)
    orphan = int(open(pidfile).read())
    print(f"client_orphan_alive={os.path.exists(f'/proc/{orphan}')} status={run.status}")
""")


def test_orphan_that_cleared_its_environment_is_swept_without_cgroup(tmp_path):
    pidfile = tmp_path / "orphan.pid"
    env = {**os.environ, "NETCONFORMANCE_NO_CGROUP": "1"}
    started = time.monotonic()
    proc = subprocess.run([sys.executable, "-c", SCRIPT, str(pidfile)], capture_output=True, text=True,
                          timeout=60, env=env)
    took = time.monotonic() - started
    try:
        assert proc.returncode == 0, proc.stderr[-2000:]
        out = proc.stdout
        assert "subreaper=True" in out and "parent_is_us=True" in out, out
        assert "orphan_alive=False" in out, f"the orphan survived its target: {out}"
        assert "client_orphan_alive=False status=0" in out, out
        assert took < 30, f"took {took:.1f} s"
    finally:
        if pidfile.exists() and pidfile.read_text().strip():
            try:
                os.kill(int(pidfile.read_text()), signal.SIGKILL)
            except ProcessLookupError:
                pass
