"""The installable tool's front door: packaging, the `netconformance` command's options and errors,
selection by scenario and requirement ids, baselines, JUnit names, and a plugin that leaves a user's own
test run alone."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tomllib
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
BROKEN = ROOT / "tests" / "broken"
LE_TIME = f"time=name=le,cmd:{{python}} {BROKEN / 'time_server.py'} --port {{port}} --bug little-endian"


def nc(*args: str, cwd: Path, timeout: float = 240) -> subprocess.CompletedProcess:
    """The installed console script when there is one, else ``python -m conformance`` (same main)."""
    exe = shutil.which("netconformance")
    argv = [exe] if exe else [sys.executable, "-m", "conformance"]
    return subprocess.run([*argv, *args], cwd=cwd, capture_output=True, text=True, timeout=timeout)


def one_error_line(proc: subprocess.CompletedProcess, fragment: str) -> None:
    assert proc.returncode == 2, proc.stdout[-2000:] + proc.stderr[-2000:]
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and fragment in lines[0] and lines[0].startswith("netconformance"), proc.stderr
    assert "Traceback" not in proc.stdout + proc.stderr
    assert "passed" not in proc.stdout, "nothing may run for nothing"


def test_packages_listed_in_pyproject_are_every_package_of_the_tree():
    listed = set(tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["packages"])
    found = set()
    for top, name in (("conformance", "conformance"), ("fixtures", "netconformance_fixtures"),
                      ("reference_servers", "reference_servers")):
        for init in (ROOT / top).rglob("__init__.py"):
            rel = init.parent.relative_to(ROOT / top).parts
            found.add(".".join((name, *rel)))
    assert listed == found


def test_version_and_help_name_the_command(tmp_path):
    proc = nc("--version", cwd=tmp_path)
    assert proc.returncode == 0 and re.match(r"netconformance \d+\.\d+", proc.stdout)
    proc = nc("run", "--help", cwd=tmp_path)
    assert proc.returncode == 0 and "--scenario" in proc.stdout and "--baseline" in proc.stdout


@pytest.mark.parametrize("args, fragment", [
    (["run", "--sever", "echo=ref"], "did you mean --server?"),
    (["run", "--scenario", "no-such-scenario"], "no scenario id matches"),
    (["run", "--requirement", "NOPE-1"], "no requirement id matches"),
    (["run", "--protocol", "time", "--json", "/nonexistent-dir/r.json"], "/nonexistent-dir does not exist"),
    (["run", "--protocol", "time", "--junitxml", "/nonexistent-dir/r.xml"], "cannot write the report there"),
    (["run", "--server", "daytime=tcp://127.0.0.1:9"], "nothing accepts connections at 127.0.0.1:9"),
    (["run", "--baseline", "/nonexistent-dir/known.toml"], "cannot read it"),
    (["list", "--scenario", "zzz"], "no scenario matches"),
])
def test_user_errors_are_one_line_and_run_nothing(tmp_path, args, fragment):
    one_error_line(nc(*args, cwd=tmp_path, timeout=60), fragment)


def test_tcp_only_command_is_found_out_once(tmp_path):
    """An echo command that serves only TCP, given without /tcp: its UDP scenarios are not-applicable with
    the hint, its TCP scenarios run, and it is not relaunched and waited for per UDP scenario."""
    server = f"echo=name=tcponly,cmd:{{python}} {BROKEN / 'echo_server.py'} --port {{port}} --transport tcp"
    out = tmp_path / "r.json"
    proc = nc("run", "--server", server, "--scenario", "echo-udp-*", "--scenario", "echo-tcp-no-banner",
              "--json", str(out), cwd=tmp_path, timeout=120)
    data = json.loads(out.read_text())
    outcomes = {r["scenario"]: r["outcome"] for r in data["results"]}
    assert outcomes["echo-tcp-no-banner"] == "passed", proc.stdout[-3000:]
    udp = {r["scenario"]: r for r in data["results"] if r["transport"] == "udp"}
    assert udp and all(r["outcome"] == "not-applicable" for r in udp.values()), proc.stdout[-3000:]
    assert all("echo/tcp=" in r["message"] for r in udp.values())
    assert sum(r["duration"] for r in data["results"]) < 20, "a wait per UDP scenario"


def test_selection_markers_junit_names_and_baseline(tmp_path):
    """--scenario and -m select by the ids people see; JUnit testcases are named by scenario id; a
    baseline written from a failing run makes the same run pass and names what is fixed."""
    report, xml = tmp_path / "r.json", tmp_path / "r.xml"
    proc = nc("run", "--server", LE_TIME, "--scenario", "time-value-*", "--scenario", "time-tcp-*",
              "--json", str(report), "--junitxml", str(xml), "-m", "time and server and not robustness",
              cwd=tmp_path)
    assert proc.returncode == 1, proc.stdout[-3000:]
    data = json.loads(report.read_text())
    ids = {r["scenario"] for r in data["results"]}
    assert ids and all(i.startswith(("time-value-", "time-tcp-")) for i in ids)
    assert all(r["category"] != "robustness" for r in data["results"])
    assert "time-value-now" in {r["scenario"] for r in data["results"] if r["outcome"] == "failed"}
    cases = {(c.get("name"), c.get("classname")): c for c in ET.parse(xml).getroot().iter("testcase")}
    assert {name for name, _ in cases} == ids
    case = cases[("time-value-now", "netconformance.time.server.le.tcp")]
    props = {p.get("name"): p.get("value") for p in case.iter("property")}
    assert props["netconformance_outcome"] == "failed" and props["netconformance_grade"] == "fail"
    # the baseline of this run makes it pass
    known = tmp_path / "known.toml"
    assert nc("baseline", str(report), "-o", str(known), cwd=tmp_path).returncode == 0
    entries = tomllib.loads(known.read_text())["known"]
    assert {(e["scenario"], e["transport"]) for e in entries} >= {("time-value-now", "tcp")}
    again = nc("run", "--server", LE_TIME, "--scenario", "time-value-now", "--baseline", str(known), cwd=tmp_path)
    assert again.returncode == 0 and "no new failures" in again.stdout, again.stdout[-3000:]
    # a correct server: the known failures now pass and are listed
    good = LE_TIME.replace("little-endian", "none")
    fixed = nc("run", "--server", good, "--scenario", "time-value-now", "--baseline", str(known), cwd=tmp_path)
    assert fixed.returncode == 0 and "FIXED  time-value-now" in fixed.stdout, fixed.stdout[-3000:]
    # one set of totals, ours
    assert re.search(r"^netconformance: \d+ results: .* exit 1$", proc.stdout, re.M), proc.stdout[-2000:]
    assert not re.search(r"^=+ \d+ (passed|failed)", proc.stdout, re.M)


def test_plugin_leaves_a_user_run_alone_and_serves_its_fixtures(tmp_path):
    """A user project's own pytest run: no header or summary of ours, the fixtures work (the project's
    tests use echo, time, HTTP and SMTP references and faulty peers)."""
    shutil.copy(ROOT / "tests" / "userproject" / "test_user_project.py", tmp_path)
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST_")}
    proc = subprocess.run([sys.executable, "-m", "pytest", "-p", "no:randomly", "-p", "no:cacheprovider"], cwd=tmp_path,
                          capture_output=True, text=True, timeout=120, env=env)
    assert proc.returncode == 0, proc.stdout[-3000:]
    assert "7 passed" in proc.stdout
    assert "netconformance:" not in proc.stdout and "raw-packets tier" not in proc.stdout
    assert "netconformance summary" not in proc.stdout
