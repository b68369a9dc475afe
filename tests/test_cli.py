"""The command line (docs/design.md §6): exit statuses 0/1/2, one clear line for bad input, the JSON report
valid against its schema, JUnit XML from pytest, the scenario catalog."""

from __future__ import annotations

import json
import subprocess
import sys
import uuid
import xml.etree.ElementTree as ET
from pathlib import Path

import jsonschema
import pytest

ROOT = Path(__file__).resolve().parent.parent
BROKEN = ROOT / "tests" / "broken"


def cli(*args: str, timeout: float = 240) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "conformance", *args], cwd=ROOT, capture_output=True, text=True,
                          timeout=timeout)


def assert_one_clear_line(proc: subprocess.CompletedProcess, fragment: str) -> None:
    out = proc.stdout + proc.stderr
    assert fragment in out, out[-3000:]
    assert "Traceback" not in out, out[-3000:]


def test_list_prints_every_scenario_with_its_requirements():
    proc = cli("list", "--protocol", "time")
    assert proc.returncode == 0
    assert "time-value-now" in proc.stdout and "TIME-FMT-2 (MUST" in proc.stdout
    assert "echo-tcp-no-banner" not in proc.stdout


def test_list_markdown():
    proc = cli("list", "--markdown", "--protocol", "echo")
    assert proc.stdout.startswith("| scenario |") and "`echo-udp-sizes`" in proc.stdout


def test_references_pass_and_exit_zero(tmp_path):
    report = tmp_path / "r.json"
    junit = tmp_path / "j.xml"
    proc = cli("run", "--protocol", "time", "--json", str(report), "--junitxml", str(junit))
    assert proc.returncode == 0, proc.stdout[-3000:]
    assert "netconformance summary" in proc.stdout
    data = json.loads(report.read_text())
    jsonschema.validate(data, json.loads((ROOT / "conformance" / "report_schema.json").read_text()))
    assert data["totals"]["passed"] > 20 and data["totals"]["failed"] == 0
    assert {t["role"] for t in data["targets"]} == {"server", "client"}
    cases = ET.parse(junit).getroot().iter("testcase")
    assert sum(1 for _ in cases) == len(data["results"])


def test_failing_server_exits_one_and_names_requirement_and_bytes(tmp_path):
    report = tmp_path / "r.json"
    spec = f"time=name=le,cmd:{{python}} {BROKEN / 'time_server.py'} --port {{port}} --bug little-endian"
    proc = cli("run", "--server", spec, "--json", str(report), "-k", "value_now")
    assert proc.returncode == 1, proc.stdout[-3000:]
    assert "TIME-FMT-2" in proc.stdout and "byte-swapped" in proc.stdout
    assert "expected:" in proc.stdout and "received:" in proc.stdout and "4 bytes" in proc.stdout
    data = json.loads(report.read_text())
    jsonschema.validate(data, json.loads((ROOT / "conformance" / "report_schema.json").read_text()))
    failed = [r for r in data["results"] if r["outcome"] == "failed"]
    assert failed and all(r["target"] == "le" for r in failed)
    assert any(e["dir"] == "recv" for r in failed for e in r["transcript"]["events"])


@pytest.mark.parametrize("spec,fragment", [
    ("echo=bogus", "unknown target spec 'bogus'"),
    ("nope=ref", "unknown protocol 'nope'"),
    ("echo=cmd:cat", "put {port} in it"),
])
def test_bad_spec_is_a_usage_error(spec, fragment):
    proc = cli("run", "--server", spec)
    assert proc.returncode == 2
    assert_one_clear_line(proc, fragment)
    assert len(proc.stderr.strip().splitlines()) == 1


@pytest.mark.parametrize("command,fragment", [
    ("/nonexistent/echo-server {port}", "command not found: '/nonexistent/echo-server'"),
    ("{python} -c 'raise SystemExit(3)' {port}", "exited with status 3 before listening"),
    ("{python} -c 'import sys; sys.stderr.write(\"bad config\\n\"); sys.exit(1)' {port}", "stderr: bad config"),
])
def test_command_that_cannot_start_is_an_error(command, fragment):
    proc = cli("run", "--server", f"echo/tcp=cmd:{command}", "-k", "no_banner or keeps_echoing")
    assert proc.returncode == 2, proc.stdout[-2000:]
    assert_one_clear_line(proc, fragment)


def test_command_that_never_listens_is_killed_with_its_group():
    marker = f"nc-never-{uuid.uuid4().hex[:8]}"
    command = f"sh -c 'sleep 60 & sleep 61; : {marker}' {{port}}"
    proc = cli("run", "--startup-timeout", "1", "--server", f"echo/tcp=cmd:{command}", "-k", "no_banner")
    assert proc.returncode == 2
    assert_one_clear_line(proc, "did not listen on tcp port")
    left = subprocess.run(["pgrep", "-f", marker], capture_output=True, text=True)
    assert left.stdout.strip() == "", f"processes left behind: {left.stdout}"


def test_command_that_floods_its_output_is_bounded():
    proc = cli("run", "--startup-timeout", "1", "--server", "echo/tcp=cmd:sh -c 'yes flood' {port}", "-k", "no_banner")
    assert proc.returncode == 2
    assert_one_clear_line(proc, "did not listen")


@pytest.mark.parametrize("argv,extra,workers", [
    (["--protocol", "time"], [], "many"),            # a whole protocol mostly waits: four workers a core
    ([], [], "many"),                                 # the whole matrix
    (["--scenario", "time-value-now"], [], 1),        # one scenario: one process, no worker start-up
    (["--protocol", "echo"], ["-k", "udp_sizes"], 1),  # -k narrows the run to a size unknown before collection
])
def test_default_workers_follow_the_size_of_the_run(argv, extra, workers):
    import argparse
    import os

    from conformance.runner import MANY_SCENARIOS, MAX_DEFAULT_WORKERS, WORKERS_PER_CORE, default_workers

    args = argparse.Namespace(protocol=[], nc_scenario=[], nc_requirement=[])
    parsed = {"--protocol": "protocol", "--scenario": "nc_scenario"}
    for flag, value in zip(argv[::2], argv[1::2]):
        getattr(args, parsed[flag]).append(value)
    chosen, why = default_workers(args, [], extra)
    if workers == "many":
        assert chosen == min(WORKERS_PER_CORE * len(os.sched_getaffinity(0)), MAX_DEFAULT_WORKERS), why
        assert int(why.split()[0]) >= MANY_SCENARIOS
    else:
        assert chosen == workers, why


def test_a_run_loads_only_its_own_plugins_and_those_named(tmp_path):
    """A pytest plugin installed beside the tool (here a fake one, found by its pytest11 entry point) is not
    loaded into a conformance run, whose workers it would cost its imports and whose results it could
    change (conformance/run.ini); ``-- -p NAME`` loads it."""
    import os

    (tmp_path / "nc_fake_plugin.py").write_text(
        "import os\n"
        "def pytest_configure(config):\n"
        "    with open(os.environ['NC_FAKE_MARK'], 'a') as f:\n"
        "        f.write(os.environ.get('PYTEST_XDIST_WORKER', 'controller') + '\\n')\n")
    info = tmp_path / "nc_fake_plugin-1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: nc-fake-plugin\nVersion: 1.0\n")
    (info / "entry_points.txt").write_text("[pytest11]\nncfake = nc_fake_plugin\n")
    mark = tmp_path / "loaded"
    # (without the xdist variables of the self-test worker this runs in: the mark names the process)
    env = {**{k: v for k, v in os.environ.items() if not k.startswith("PYTEST_XDIST")},
           "PYTHONPATH": str(tmp_path), "NC_FAKE_MARK": str(mark)}
    probe = subprocess.run([sys.executable, "-m", "pytest", "--co", "-q", str(tmp_path / "nc_fake_plugin.py")], cwd=tmp_path,
                           env=env, capture_output=True, text=True, timeout=120, check=False)
    assert mark.read_text() == "controller\n", probe.stdout + probe.stderr  # pytest itself autoloads it
    mark.unlink()
    args = [sys.executable, "-m", "conformance", "run", "-n", "2", "--scenario", "time-tcp-*"]
    proc = subprocess.run(args, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=240, check=False)
    assert proc.returncode == 0 and not mark.exists(), proc.stdout[-2000:] + proc.stderr[-2000:]
    proc = subprocess.run([*args, "--", "-p", "ncfake"], cwd=tmp_path, env=env, capture_output=True, text=True,
                          timeout=240, check=False)
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]
    assert sorted(mark.read_text().split()) == ["controller", "gw0", "gw1"]
