"""Isolation of submissions: a jailed command runs as an unprivileged user in its own mount and PID
namespaces, with a private /tmp, its own directory read-only, nothing of the other submissions or the
grader's output, and only loopback; it cannot kill what it did not start.  Needs root, bubblewrap and
setpriv; skipped with the reason otherwise.  Without them grading says so in one line and goes on."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conformance.grade import confine
from conformance.grade.sandbox import Sandbox

ROOT = Path(__file__).resolve().parents[2]
ATTACKER = Path(__file__).resolve().parent / "programs" / "attacker.py"
WHY_NOT = confine.probe()
needs_jail = pytest.mark.skipif(WHY_NOT is not None, reason=f"no isolation here: {WHY_NOT}")
MARKER = Path("/tmp/netconformance-jail-marker")


@pytest.fixture
def klass(tmp_path):
    """A class directory with submissions ``a`` (holding a secret) and ``b`` (the attacker), an output
    directory, and a victim process owned by the jail user but not started by the attacker."""
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "secret.txt").write_text("the-answer-of-a\n")
    (tmp_path / "b").mkdir()
    shutil.copy(ATTACKER, tmp_path / "b" / "attacker.py")
    (tmp_path / "grades").mkdir()
    os.chmod(tmp_path, 0o755)
    MARKER.unlink(missing_ok=True)
    victim = subprocess.Popen(["setpriv", f"--reuid={confine.JAIL_UID}", f"--regid={confine.JAIL_UID}", "--clear-groups",
                               "sleep", "300"]) if shutil.which("setpriv") and os.getuid() == 0 else None
    yield tmp_path, victim
    if victim is not None:
        victim.kill()
        victim.wait()
    MARKER.unlink(missing_ok=True)


@needs_jail
def test_a_jailed_command_cannot_read_siblings_write_output_or_kill(klass):
    base, victim = klass
    config = base / "grades" / "b" / "jail.json"
    config.parent.mkdir()
    confine.write_config(config, hide=[base, base / "grades"], own=base / "b")
    box = Sandbox("nc-test-jail", 64, 0, netns=True)
    # as the grading runner puts it in front of a command (confine.command_prefix): the file, without site
    argv = [sys.executable, "-I", "-S", confine.__file__, "--config", str(config), "--ro", "", "--", sys.executable,
            "b/attacker.py", "--sibling", str(base / "a" / "secret.txt"), "--output", str(base / "grades"),
            "--victim", str(victim.pid), "--probe", "--kill-all"]
    try:
        proc = subprocess.run(box.command(argv), cwd=base, env=box.env({**os.environ, "PYTHONPATH": str(ROOT)}),
                              capture_output=True, text=True, timeout=60, check=False)
    finally:
        box.kill_all()
    assert proc.stdout.strip(), proc.stderr
    found = json.loads(proc.stdout.strip().splitlines()[0])
    assert found["uid"] == str(confine.JAIL_UID)
    assert found["read"].startswith("denied") and found["write"].startswith("denied"), found
    assert found["kill"].startswith("denied") and found["net"].startswith("denied"), found
    assert found["tmp"] == "ok" and not MARKER.exists()  # its /tmp is its own
    time.sleep(0.2)
    assert victim.poll() is None, "the jailed program killed a process it did not start"
    assert not (base / "grades" / "pwned.txt").exists()


@needs_jail
@pytest.mark.timeout(300)
def test_grading_jails_every_submission(klass):
    base, victim = klass
    ref = "{python} -m reference_servers.echo --port {port}"
    attack = (f"{{python}} b/attacker.py --sibling {base / 'a' / 'secret.txt'} --output {base / 'grades'} "
              f"--victim {victim.pid} --port {{port}}")
    (base / "class.toml").write_text("\n".join([
        "[grade]", "seed = 5", 'pytest_args = ["-k", "no_banner or binary_transparency"]', "",
        f'[[submission]]\nname = "a"\nprotocol = "echo"\nrole = "server"\ntransport = "tcp"\ncommand = "{ref}"\n',
        f'[[submission]]\nname = "b"\nprotocol = "echo"\nrole = "server"\ntransport = "tcp"\ncommand = "{attack}"\n']))
    proc = subprocess.run([sys.executable, "-m", "conformance", "grade", str(base / "class.toml"), "-o", str(base / "grades")],
                          cwd=ROOT, capture_output=True, text=True, timeout=280, check=False)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "isolation: each command runs as an unprivileged user" in proc.stdout
    report = (base / "grades" / "b" / "report.json").read_text()
    events = [bytes.fromhex(ev["hex"]) for r in json.loads(report)["results"] for ev in r["transcript"]["events"]
              if ev["dir"] == "recv"]
    greeting = next((ev for ev in events if ev.startswith(b"ATTACK")), b"")
    assert greeting, f"the attacker never greeted: {proc.stdout[-2000:]}"
    assert b"read=denied" in greeting and b"write=denied" in greeting and b"kill=denied" in greeting, greeting
    assert b"net=denied" in greeting and b"the-answer-of-a" not in b"".join(events)
    assert not (base / "grades" / "pwned.txt").exists() and not MARKER.exists()
    assert victim.poll() is None
    a = json.loads((base / "grades" / "a" / "report.json").read_text())
    # a correct neighbour is untouched (timing on a loaded machine aside: no harness error, it was graded)
    assert a["results"] and not [r for r in a["results"] if r["outcome"] == "error"], a["results"]


def test_without_isolation_grading_says_so_in_one_line_and_continues(tmp_path):
    ref = "{python} -m reference_servers.echo --port {port}"
    (tmp_path / "m.toml").write_text("\n".join([
        "[grade]", "seed = 5", "isolate = false", "conformance_timeout = 0.3",
        'pytest_args = ["-k", "no_banner or binary_transparency"]', "",
        f'[[submission]]\nname = "a"\nprotocol = "echo"\nrole = "server"\ntransport = "tcp"\ncommand = "{ref}"\n']))
    proc = subprocess.run([sys.executable, "-m", "conformance", "grade", str(tmp_path / "m.toml"), "-o", str(tmp_path / "g")],
                          cwd=ROOT, capture_output=True, text=True, timeout=200, check=False)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    lines = [line for line in proc.stdout.splitlines() if line.startswith("isolation:")]
    assert lines == ["isolation: NONE (isolate = false in the manifest); grading continues with the limits above"]
    assert "100.00%" in proc.stdout


def test_probe_names_what_is_missing(monkeypatch):
    monkeypatch.setattr(confine.os, "getuid", lambda: 0)
    monkeypatch.setattr(shutil, "which", lambda name: None)  # probe imports shutil when called
    assert confine.probe() == "bwrap and setpriv not installed (apt-get install bubblewrap util-linux): no namespaces"
    monkeypatch.setattr(confine.os, "getuid", lambda: 1000)
    assert "not root" in confine.probe()
