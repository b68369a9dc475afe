"""CI plumbing: tox environments, the example workflow, execnet remote workers, grading shards gathered
and scored again."""

from __future__ import annotations

import csv
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PROTOCOLS = ["echo", "daytime", "time", "gopher", "http", "smtp"]


def run(*args: str, timeout: float = 300) -> subprocess.CompletedProcess:
    return subprocess.run(list(args), check=False, cwd=ROOT, capture_output=True, text=True, timeout=timeout)


@pytest.mark.skipif(shutil.which("tox") is None, reason="tox not installed")
def test_tox_lists_self_tests_lint_raw_and_one_env_per_protocol():
    proc = run("tox", "-l", timeout=120)
    assert proc.returncode == 0, proc.stderr
    envs = proc.stdout.split()
    assert {"py311", "lint", "raw", *PROTOCOLS} <= set(envs)
    cfg = run("tox", "config", "-e", "smtp", "-k", "commands", timeout=120)
    assert "python -m conformance run --protocol smtp" in cfg.stdout and "--html" in cfg.stdout


def test_workflow_runs_the_matrix_uploads_reports_and_merges():
    import yaml  # the test extra installs PyYAML: a skip here would hide a broken workflow file
    wf = yaml.safe_load((ROOT / ".github" / "workflows" / "conformance.yml").read_text())
    jobs = wf["jobs"]
    assert jobs["matrix"]["strategy"]["matrix"]["protocol"] == PROTOCOLS
    text = json.dumps(jobs)
    assert "-n 2" in text and "--junitxml" in text and "--html" in text and "upload-artifact" in text
    assert "python -m conformance merge" in json.dumps(jobs["merge"])
    assert jobs["merge"]["needs"] == "matrix"


def test_remote_workers_with_execnet_gateways(tmp_path):
    """``--tx`` gateways (popen here, ssh on a real farm) run the scenarios; the controller's report is whole
    and carries the controller's seed."""
    out = tmp_path / "tx.json"
    proc = run(sys.executable, "-m", "conformance", "run", "--protocol", "time", "-d", "--tx", "2*popen//python=" + sys.executable,
               "-k", "value_now or four_octets", "--seed", "77", "--json", str(out))
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-2000:]
    data = json.loads(out.read_text())
    assert data["seed"] == 77 and data["totals"]["passed"] >= 3 and data["totals"]["failed"] == 0


def test_grading_shards_gathered_then_rescored(tmp_path):
    ref = "{python} -m reference_servers.time --port {port} --clock {clock}"
    manifest = tmp_path / "m.toml"
    manifest.write_text("\n".join([
        "[grade]", "seed = 3", "conformance_timeout = 0.3", 'pytest_args = ["-k", "value_now"]', "",
        *[f'[[submission]]\nname = "s{i}"\nprotocol = "time"\nrole = "server"\ncommand = "{ref}"\n' for i in range(3)],
    ]))
    for k in (1, 2):
        proc = run(sys.executable, "-m", "conformance", "grade", str(manifest), "--shard", f"{k}/2", "-o", str(tmp_path / f"g{k}"))
        assert proc.returncode == 0, proc.stdout + proc.stderr
    assert sorted(p.name for p in (tmp_path / "g1").iterdir() if p.is_dir()) == ["s0", "s2"]
    assert sorted(p.name for p in (tmp_path / "g2").iterdir() if p.is_dir()) == ["s1"]
    gathered = tmp_path / "all"
    for k in (1, 2):
        for d in (tmp_path / f"g{k}").iterdir():
            if d.is_dir():
                shutil.copytree(d, gathered / d.name)
    proc = run(sys.executable, "-m", "conformance", "grade", str(manifest), "--rescore", "-o", str(gathered))
    assert proc.returncode == 0, proc.stdout + proc.stderr
    with open(gathered / "grades.csv", newline="") as f:
        rows = list(csv.DictReader(f))
    assert [r["name"] for r in rows] == ["s0", "s1", "s2"] and {r["score_percent"] for r in rows} == {"100.00"}
    assert "<table id='scores' class='sortable'>" in (gathered / "class.html").read_text()
    assert "<table id='matrix'>" in (gathered / "class-matrix.html").read_text()
    bad = run(sys.executable, "-m", "conformance", "grade", str(manifest), "--shard", "3/2")
    assert bad.returncode == 2 and "K/N" in bad.stderr
