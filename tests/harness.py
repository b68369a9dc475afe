"""Helpers for the suite's own tests: run the scenario catalog in a subprocess against given targets
and read back the JSON report, exactly as a user's run would produce it."""

from __future__ import annotations

import json
import sys
import tempfile
from collections import defaultdict
from pathlib import Path

import pytest_zygote

ROOT = Path(__file__).resolve().parent.parent
SCENARIOS = ROOT / "conformance" / "scenarios"
BROKEN = ROOT / "tests" / "broken"
PY = sys.executable
#: how a ``cmd:`` target that imports only the standard library is started: without site (and so without the
#: editable install's import finder) and the user's environment, about a fifth of an interpreter start
BARE_PYTHON = "{python} -I -S"
#: workers for a scenario run whose time is mostly waiting on timers (a client's own wait limits, a peer that
#: stalls); each costs about a second of CPU to start, so runs of a few quick scenarios stay serial
WAITING_WORKERS = 4


def run_scenarios(args: list[str], *, timeout: float = 900, files: list[str] | None = None, workers: int = 0) -> dict:
    """Run pytest on the scenario modules (or ``files`` inside it) with ``args``; return the JSON report.

    The subprocess runs serially unless ``workers`` says (most scenario time is waiting, not CPU).
    """
    with tempfile.TemporaryDirectory(prefix="nc-selftest-") as tmp:
        report = Path(tmp) / "report.json"
        paths = [str(SCENARIOS / f) for f in files] if files else [str(SCENARIOS)]
        # --assert=plain and no:unraisableexception, as conformance/run.ini has them: no verdict comes from a
        # bare assert or an unraisable exception, and rewriting the whole distribution, or collecting garbage
        # five times over at the end, costs every process of the run CPU
        cmd = [*paths, "-q", "-p", "no:randomly", "-p", "no:cacheprovider", "--assert=plain", "-p", "no:unraisableexception",
               "--rootdir", str(ROOT),
               "--json", str(report), "--conformance-timeout", "0.4", "--client-timeout", "6", *args]
        if workers:
            cmd += ["-n", str(workers)]
        # python -m pytest, forked from a process that has imported it all (tests/pytest_zygote.py)
        proc = pytest_zygote.run(PY, cmd, cwd=ROOT, timeout=timeout)
        if not report.exists():
            raise AssertionError(f"no report; pytest exited {proc.returncode}:\n{proc.stdout.decode()[-3000:]}\n{proc.stderr.decode()[-2000:]}")
        data = json.loads(report.read_text())
        data["_stdout"] = proc.stdout.decode("utf-8", "replace")
        data["_exit"] = proc.returncode
        return data


def outcomes(report: dict) -> dict[str, set[str]]:
    """scenario id -> the set of outcomes it had (over transports)."""
    out: dict[str, set[str]] = defaultdict(set)
    for r in report["results"]:
        out[r["scenario"]].add(r["outcome"])
    return out


def with_outcome(report: dict, outcome: str) -> set[str]:
    return {s for s, o in outcomes(report).items() if outcome in o}


def failed(report: dict) -> set[str]:
    return with_outcome(report, "failed")


def describe(report: dict, outcome_set=("failed", "error")) -> str:
    return "\n".join(f"{r['outcome']} {r['scenario']} {r['transport']}: {r['message'][:300]}"
                     for r in report["results"] if r["outcome"] in outcome_set)


def selector(ids) -> list[str]:
    """``-k`` arguments selecting the scenario functions of these scenario ids."""
    from conformance.registry import load_all

    registry = load_all()
    return ["-k", " or ".join(sorted({registry[i].function.rsplit(".", 1)[1] for i in ids}))]


def run_verdict(args: list[str], expected_failed, *, files: list[str], timeout: float = 900, **kw) -> dict:
    """Run the scenarios against a third-party program and return the report, settling timing noise once.

    A recorded verdict is the exact set of scenarios the program fails.  The program's own timers (socat's
    ``-t 0.5``, a library's read timeout) are out of the suite's hands, and on a loaded machine a scenario
    near such a limit can land on the other side of it.  So when the failed set differs from
    ``expected_failed``, the scenarios that differ (and any harness error) run once more, alone, and their
    outcomes come from that run; the report's ``_rerun`` lists them and ``_first`` keeps the first
    messages.  A verdict that is really different differs twice and still fails the test.
    """
    report = run_scenarios(args, files=files, timeout=timeout, **kw)
    expected = set(expected_failed)
    differ = (failed(report) ^ expected) | with_outcome(report, "error")
    report["_rerun"], report["_first"] = sorted(differ), ""
    if not differ:
        return report
    # alone means serially: a few scenarios, none contending with another for the target or the CPU
    again = run_scenarios([*args, *selector(differ)], files=files, timeout=timeout, **{**kw, "workers": 0})
    report["_first"] = describe(report)
    report["results"] = [r for r in report["results"] if r["scenario"] not in differ] + \
                        [r for r in again["results"] if r["scenario"] in differ]
    return report


def graded(report: dict, grade: str) -> set[str]:
    """Scenario ids with at least one failed result of this grade (``fail``, ``warning``, ``info``)."""
    return {r["scenario"] for r in report["results"] if r["outcome"] == "failed" and r.get("grade") == grade}


def declared_warnings(program: Path) -> set[str]:
    """The scenario ids a correct program's docstring declares it gets as warnings, one line each::

        warning: http-server-junk-after-request: reason, with the RFC sentence that makes it SHOULD
    """
    import ast

    doc = ast.get_docstring(ast.parse(Path(program).read_text())) or ""
    return {line.split(":", 2)[1].strip() for line in doc.splitlines() if line.strip().startswith("warning:")}


def run_correct(args: list[str], program: Path, *, files: list[str], timeout: float = 900, **kw) -> dict:
    """Run the scenarios against a correct program and return the report, settling timing noise once.

    A correct program gets no ``fail``-graded result, no harness error, and exactly the warnings its
    docstring declares (:func:`declared_warnings`).  Scenarios that break this (and only they) run once
    more, alone, and their outcomes come from that run, as in :func:`run_verdict`."""
    declared = declared_warnings(program)
    report = run_scenarios(args, files=files, timeout=timeout, **kw)
    differ = graded(report, "fail") | (graded(report, "warning") ^ declared) | with_outcome(report, "error")
    report["_rerun"], report["_first"] = sorted(differ), ""
    if differ:
        again = run_scenarios([*args, *selector(differ)], files=files, timeout=timeout, **{**kw, "workers": 0})
        report["_first"] = describe(report)
        report["results"] = [r for r in report["results"] if r["scenario"] not in differ] + \
                            [r for r in again["results"] if r["scenario"] in differ]
    report["_declared"] = declared
    return report


def assert_correct(report: dict) -> None:
    """No fail grade, no error, warnings exactly as declared (see :func:`run_correct`)."""
    detail = describe(report) + f"\nrun twice: {report['_rerun']}\n{report['_first']}"
    assert not graded(report, "fail"), "fail-graded results on a correct program:\n" + detail
    assert not with_outcome(report, "error"), detail
    assert graded(report, "warning") == report["_declared"], "warnings differ from the docstring's:\n" + detail
    assert with_outcome(report, "passed"), detail
