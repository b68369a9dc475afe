"""Grading mode: manifest validation, scoring, the Gradescope format, and a class of 30 submissions made
from ``tests/broken/`` and the references, one of which hangs, one crashes, one floods and one forks
endlessly: each costs only its own score (the others get exactly the scores their bugs deserve), the fork
bomb stays under the process limit, and nothing any of them started survives the run."""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import jsonschema
import pytest
from class_manifest import manifest as class_manifest
from class_manifest import submissions as class_submissions

from conformance.grade.manifest import ManifestError, parse
from conformance.grade.outputs import gradescope
from conformance.grade.sandbox import MARK_VAR
from conformance.grade.score import score
from conformance.registry import load_all

ROOT = Path(__file__).resolve().parents[2]
SCHEMA = json.loads((ROOT / "conformance" / "report_schema.json").read_text())
GOOD = '[[submission]]\nname = "a"\nprotocol = "echo"\nrole = "server"\ncommand = "./srv {port}"\n'


@pytest.mark.parametrize("text,fragment", [
    ("[grade]\nparallel = 0\n" + GOOD, "parallel = 0 is out of range"),
    ("[grade]\nbogus = 1\n" + GOOD, "unknown key 'bogus'"),
    ("[grade.weights]\nprotocl = 2\n" + GOOD, "unknown category 'protocl'"),
    (GOOD + GOOD, "name used twice"),
    (GOOD.replace('"echo"', '"finger"'), "unknown protocol 'finger'"),
    (GOOD.replace('"server"', '"client"').replace(" {port}", ""), "put {port} or {url} in it"),
    (GOOD.replace('name = "a"', 'name = "a b"'), "may only hold letters"),
    ("[grade]\n", "no [[submission]] listed"),
    ("[grade\n", "not valid TOML"),
])
def test_bad_manifests_say_where(text, fragment, tmp_path):
    with pytest.raises(ManifestError, match=None) as info:
        parse(text, tmp_path / "m.toml")
    assert fragment in str(info.value)


def test_bad_manifest_is_one_line_and_exit_2(tmp_path):
    (tmp_path / "m.toml").write_text("[grade]\nstrict = 3\n" + GOOD)
    proc = subprocess.run(check=False, args=[sys.executable, "-m", "conformance", "grade", str(tmp_path / "m.toml")], cwd=ROOT,
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 2 and len(proc.stderr.strip().splitlines()) == 1 and "strict must be" in proc.stderr


def _fake_report(name: str, outcomes: dict[tuple[str, str], tuple[str, str | None]]) -> dict:
    return {"results": [{"scenario": s, "transport": t, "target": name, "outcome": o, "grade": g,
                         "failed_requirements": ["ECHO-TCP-2"] if o == "failed" else [], "message": "m"}
                        for (s, t), (o, g) in outcomes.items()]}


def test_scoring_weights_warning_credit_and_not_applicable(tmp_path):
    m = parse('[grade]\nwarning_credit = 0.5\npoints = 10\n[grade.weights]\nprotocol = 3\ndefault = 1\n' + GOOD, tmp_path / "m.toml")
    sub = m.submissions[0]
    outcomes = {("echo-tcp-no-banner", "tcp"): ("passed", None),
                ("echo-tcp-binary-transparency", "tcp"): ("failed", "fail"),      # earns 0
                ("echo-tcp-trickled", "tcp"): ("failed", "warning"),              # earns half
                ("echo-udp-empty", "udp"): ("failed", "info"),                    # earns all
                ("echo-tcp-half-close", "tcp"): ("not-applicable", None)}         # not counted
    registry = load_all()
    w = {k: 3.0 if registry[k[0]].category == "protocol" else 1.0 for k in outcomes}
    s = score(m, sub, _fake_report("a", outcomes), status="ok", modules=["test_echo_server"])
    by = {(i.scenario, i.transport): i for i in s.items}
    assert set(by) == set(outcomes)
    earned = w[("echo-tcp-no-banner", "tcp")] + 0.5 * w[("echo-tcp-trickled", "tcp")] + w[("echo-udp-empty", "udp")]
    possible = sum(v for k, v in w.items() if k != ("echo-tcp-half-close", "tcp"))
    assert s.percent == pytest.approx(100 * earned / possible, abs=0.01)
    assert s.points == pytest.approx(10 * earned / possible, abs=0.01) and s.max_points == 10
    assert by[("echo-tcp-trickled", "tcp")].status == "warning"
    strict = parse('[grade]\nstrict = true\n' + GOOD, tmp_path / "m.toml")
    assert score(strict, sub, _fake_report("a", outcomes), status="ok", modules=["test_echo_server"]).percent < s.percent
    # a run that did not finish also loses what it never ran
    partial = score(m, sub, _fake_report("a", outcomes), status="timed out", modules=["test_echo_server"])
    assert partial.count("not-run") > 0 and partial.percent < s.percent
    gs = gradescope(s)
    assert sum(t["score"] for t in gs["tests"]) == pytest.approx(gs["score"], abs=0.01)
    assert {t["status"] for t in gs["tests"]} == {"passed", "failed"}


def _independent_percent(report: dict, name: str, weights: dict[str, float], credit: float) -> float:
    earned = possible = 0.0
    for r in report["results"]:
        if r["target"] != name or r["outcome"] in ("not-applicable", "skipped"):
            continue
        w = weights.get(r["category"], weights["default"])
        possible += w
        if r["outcome"] == "passed" or (r["outcome"] == "failed" and r["grade"] == "info"):
            earned += w
        elif r["outcome"] == "failed" and r["grade"] == "warning":
            earned += w * credit
    return round(100 * earned / possible, 2) if possible else 0.0


@pytest.mark.timeout(1200)
def test_grade_a_class_of_30(tmp_path):
    subs = class_submissions()
    assert len(subs) == 30
    manifest = tmp_path / "class.toml"
    manifest.write_text(class_manifest(time_limit=240, hang_limit=12, parallel=2))
    out = tmp_path / "grades"
    t0 = time.monotonic()
    proc = subprocess.run(check=False, args=[sys.executable, "-m", "conformance", "grade", str(manifest), "-o", str(out)],
                          cwd=ROOT, capture_output=True, text=True, timeout=1100)
    wall = time.monotonic() - t0
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    # progress: one line per submission
    assert sum(1 for line in proc.stdout.splitlines() if line.startswith("[")) == 30
    with open(out / "grades.csv", newline="") as f:
        rows = {r["name"]: r for r in csv.DictReader(f)}
    assert len(rows) == 30
    weights = {"protocol": 2.0, "robustness": 2.0, "default": 1.0}
    problems = []
    for name, _protocol, _role, _command, expect in subs:
        row = rows[name]
        pct = float(row["score_percent"])
        results = json.loads((out / name / "results.json").read_text())
        assert {"score", "tests", "output"} <= set(results)
        assert sum(t["score"] for t in results["tests"]) == pytest.approx(results["score"], abs=0.05)
        if expect == "hang":
            if row["status"] != "timed out" or pct != 0:
                problems.append(f"{name}: {row['status']} {pct}")
            assert float(row["seconds"]) < 12 + 40
            continue
        report = json.loads((out / name / "report.json").read_text())
        jsonschema.validate(report, SCHEMA)
        if pct != _independent_percent(report, name, weights, 0.5):
            problems.append(f"{name}: score {pct} != recomputed {_independent_percent(report, name, weights, 0.5)}")
        failed = {r["scenario"] for r in report["results"] if r["outcome"] == "failed"}
        errors = {r["scenario"] for r in report["results"] if r["outcome"] == "error"}
        if expect == "perfect":
            if pct != 100 or failed or errors:
                problems.append(f"{name}: {pct}% failed={sorted(failed)} errors={sorted(errors)}")
        elif expect == "crash":
            if pct != 0 or row["status"] != "errors":
                problems.append(f"{name}: {pct}% {row['status']}")
        elif expect == "flood":
            if pct >= 100 or row["status"] == "timed out":
                problems.append(f"{name}: {pct}% {row['status']}")
        elif expect == "forkbomb":  # a correct echo server that also forks endlessly: contained, then killed
            run_info = json.loads((out / name / "run.json").read_text())
            if row["status"] == "timed out" or (run_info["peak_processes"] is not None and run_info["peak_processes"] > 160):
                problems.append(f"{name}: {pct}% {row['status']} {run_info}")
        else:
            intended, also = expect
            # a scenario the bug legitimately breaks may, under load, end as a harness error instead of a
            # failure (the target closed mid-send): that is the scenario's business, not grading's
            if not intended <= failed | errors or failed - intended - also or errors - intended - also or pct >= 100:
                problems.append(f"{name}: {pct}% missing={sorted(intended - failed)} extra={sorted(failed - intended - also)} "
                                f"errors={sorted(errors)}")
    assert not problems, "\n".join(problems) + "\n" + proc.stdout[-4000:]
    summary = json.loads((out / "summary.json").read_text())
    counts = [r["failed_by"] for r in summary["requirements"]]
    assert counts and counts == sorted(counts, reverse=True) and summary["submissions"] == 30
    assert "Requirements most failed" in (out / "summary.md").read_text()
    assert "<table id='matrix'>" in (out / "class.html").read_text()
    # nothing a submission started is left, and no cgroup stays behind
    leftovers = _leftover_pids()
    assert leftovers == [], f"processes left behind: {leftovers}"
    cg = Path("/sys/fs/cgroup/pids")
    assert not [p for p in (cg.iterdir() if cg.exists() else []) if p.name.startswith("netconformance-grade-")]
    print(f"graded 30 submissions in {wall:.1f} s with -n 2")


def _leftover_pids() -> list[int]:
    pids = []
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            with open(f"/proc/{entry.name}/environ", "rb") as f:
                if f"{MARK_VAR}=".encode() in f.read():
                    pids.append(int(entry.name))
        except OSError:
            continue
    return pids
