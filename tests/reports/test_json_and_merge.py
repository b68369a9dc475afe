"""JSON report /2 (grades, grading, status), lenient and strict exit statuses, JUnit properties, and
merging the reports of shards (``python -m conformance merge``)."""

from __future__ import annotations

import copy
import json
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import jsonschema
import pytest

from conformance import report

ROOT = Path(__file__).resolve().parents[2]
BROKEN = ROOT / "tests" / "broken"
SCHEMA = json.loads((ROOT / "conformance" / "report_schema.json").read_text())
# a daytime server whose only faults are SHOULD requirements: a NUL after the line (DAYTIME-FMT-1/2)
NUL_SERVER = f"daytime=name=nul,cmd:{{python}} {BROKEN / 'daytime_server.py'} --port {{port}} --bug nul-terminated"


def cli(*args: str, timeout: float = 240) -> subprocess.CompletedProcess:
    return subprocess.run(check=False, args=[sys.executable, "-m", "conformance", *args], cwd=ROOT, capture_output=True, text=True,
                          timeout=timeout)


@pytest.fixture(scope="module")
def shards(tmp_path_factory) -> dict[str, Path]:
    """Two shards of one CI run: the time references, and a daytime server with SHOULD-only faults."""
    d = tmp_path_factory.mktemp("shards")
    a = cli("run", "--protocol", "time", "-k", "value_now or four_octets", "--seed", "7", "--json", str(d / "a.json"))
    assert a.returncode == 0, a.stdout[-3000:]
    b = cli("run", "--server", NUL_SERVER, "-k", "format", "--seed", "7", "--json", str(d / "b.json"),
            "--junitxml", str(d / "b.xml"), "--html", str(d / "b.html"))
    assert b.returncode == 0, b.stdout[-3000:] + b.stderr[-2000:]
    (d / "b.out").write_text(b.stdout)
    return {"a": d / "a.json", "b": d / "b.json", "b.xml": d / "b.xml", "b.out": d / "b.out", "b.html": d / "b.html"}


def test_should_failures_are_warnings_that_exit_zero(shards):
    data = json.loads(shards["b"].read_text())
    jsonschema.validate(data, SCHEMA)
    assert data["schema"] == "netconformance.report/2" and data["grading"] == "lenient" and data["status"] == 0
    failed = [r for r in data["results"] if r["outcome"] == "failed"]
    assert failed and {r["grade"] for r in failed} == {"warning"}
    assert {rid for r in failed for rid in r["failed_requirements"]} <= {"DAYTIME-FMT-1", "DAYTIME-FMT-2"}
    assert data["grades"]["warning"] == len(failed) and data["grades"]["fail"] == 0
    out = shards["b.out"].read_text()
    assert "WARN" in out and "fail the run only with --strict" in out


def test_junit_marks_warnings_with_properties(shards):
    cases = list(ET.parse(shards["b.xml"]).getroot().iter("testcase"))
    warned = [c for c in cases if any(p.get("name") == "netconformance_grade" and p.get("value") == "warning"
                                      for p in c.iter("property"))]
    assert warned, "no testcase carries netconformance_grade=warning"
    assert all(c.find("failure") is None for c in warned), "a warning is not a JUnit failure in lenient grading"


def test_strict_makes_warnings_fail(tmp_path):
    proc = cli("run", "--strict", "--server", NUL_SERVER, "-k", "format_printable", "--json", str(tmp_path / "s.json"))
    assert proc.returncode == 1, proc.stdout[-3000:]
    data = json.loads((tmp_path / "s.json").read_text())
    assert data["grading"] == "strict" and data["status"] == 1


def test_plain_pytest_grades_strictly_by_default(tmp_path):
    """Under plain pytest (how the suite tests its references) every SHOULD failure fails the test."""
    proc = subprocess.run(check=False, args=[sys.executable, "-m", "pytest", str(ROOT / "conformance" / "scenarios" / "test_daytime_server.py"),
                           "-q", "-p", "no:randomly", "--server", NUL_SERVER, "-k", "format_printable",
                           "--json", str(tmp_path / "p.json")], cwd=ROOT, capture_output=True, text=True, timeout=240)
    assert proc.returncode == 1, proc.stdout[-3000:]
    assert json.loads((tmp_path / "p.json").read_text())["grading"] == "strict"


def test_merge_shards(shards, tmp_path):
    out = tmp_path / "all.json"
    proc = cli("merge", str(shards["a"]), str(shards["b"]), "-o", str(out), "--html", str(tmp_path / "all.html"))
    assert proc.returncode == 0, proc.stderr
    merged = json.loads(out.read_text())
    jsonschema.validate(merged, SCHEMA)
    a, b = (json.loads(shards[k].read_text()) for k in ("a", "b"))
    assert len(merged["results"]) == len(a["results"]) + len(b["results"])
    assert {t["name"] for t in merged["targets"]} == {t["name"] for t in a["targets"] + b["targets"]}
    assert merged["totals"]["passed"] == a["totals"]["passed"] + b["totals"]["passed"]
    assert len(merged["shards"]) == 2 and merged["status"] == 0
    assert "id='matrix'" in (tmp_path / "all.html").read_text()
    strict = cli("merge", str(shards["a"]), str(shards["b"]), "-o", str(tmp_path / "strict.json"), "--strict")
    assert strict.returncode == 1 and json.loads((tmp_path / "strict.json").read_text())["status"] == 1


def test_merging_the_same_shard_twice_is_idempotent(shards, tmp_path):
    proc = cli("merge", str(shards["a"]), str(shards["a"]), "-o", str(tmp_path / "same.json"))
    assert proc.returncode == 0
    assert len(json.loads((tmp_path / "same.json").read_text())["results"]) == len(json.loads(shards["a"].read_text())["results"])


def test_merge_refuses_disagreeing_shards(shards, tmp_path):
    data = json.loads(shards["a"].read_text())
    other = copy.deepcopy(data)
    other["results"][0]["outcome"] = "error"
    (tmp_path / "other.json").write_text(json.dumps(other))
    proc = cli("merge", str(shards["a"]), str(tmp_path / "other.json"), "-o", str(tmp_path / "x.json"))
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1 and "in an earlier shard" in proc.stderr


def test_merge_upgrades_a_version_1_report(shards, tmp_path):
    v2 = json.loads(shards["b"].read_text())
    v1 = {k: v2[k] for k in ("generated", "seed", "settings", "targets", "totals")}
    v1["schema"] = "netconformance.report/1"
    v1["results"] = [{k: v for k, v in r.items() if k not in ("grade", "failed_requirements")} for r in v2["results"]]
    (tmp_path / "v1.json").write_text(json.dumps(v1))
    up = report.load(tmp_path / "v1.json")
    jsonschema.validate(up, SCHEMA)
    assert {r["grade"] for r in up["results"] if r["outcome"] == "failed"} == {"fail"}  # /1 knew no warnings


def test_merge_rejects_what_is_not_a_report(tmp_path):
    (tmp_path / "x.json").write_text('{"hello": 1}')
    proc = cli("merge", str(tmp_path / "x.json"), "-o", str(tmp_path / "y.json"))
    assert proc.returncode == 2 and "not a netconformance report" in proc.stderr
