"""Baselines of known failures, for adopting the suite on an implementation that does not pass yet.

In the manner of Autobahn's ``exclude-cases`` and WPT's expectation files: ``netconformance baseline
r.json -o known.toml`` writes every failed result of a report; ``netconformance run --baseline
known.toml`` then exits 1 only on failures that are not in it, and lists the known ones that now pass
(so the baseline can shrink).  The file is TOML, one table per known failure::

    # netconformance baseline: known failures (written from r.json)
    [[known]]
    scenario = "http-server-simple-request"
    target = "mine"
    transport = "tcp"
    grade = "fail"
    requirements = ["HTTP10-SIMPLE-2"]

A failure is known when its (scenario, target, transport) is listed, whatever its message; a listed
``grade`` of ``warning`` does not cover the same scenario failing at ``fail`` grade.
"""

from __future__ import annotations

import json
import sys
import tomllib
from pathlib import Path

from conformance import verdicts

_RANK = {"fail": 0, "warning": 1, "info": 2}


class BaselineError(ValueError):
    """A baseline file that cannot be read: one line saying what and where."""


def key(result: dict) -> tuple[str, str, str]:
    return (result["scenario"], result["target"], result["transport"])


def _quote(text: str) -> str:
    return json.dumps(text)  # a JSON string is a valid TOML basic string


def dumps(report: dict, source: str = "") -> str:
    """The baseline (TOML text) of every failed result in ``report``."""
    lines = [f"# netconformance baseline: known failures{f' (written from {source})' if source else ''}",
             "# `netconformance run --baseline FILE` fails only on failures not listed here.", ""]
    failed = sorted((r for r in report["results"] if r["outcome"] == "failed"), key=key)
    for r in failed:
        lines += ["[[known]]", f"scenario = {_quote(r['scenario'])}", f"target = {_quote(r['target'])}",
                  f"transport = {_quote(r['transport'])}", f"grade = {_quote(r.get('grade') or 'fail')}",
                  "requirements = [" + ", ".join(_quote(x) for x in r.get("failed_requirements") or []) + "]", ""]
    return "\n".join(lines)


def load(path: Path) -> dict[tuple[str, str, str], str]:
    """``{(scenario, target, transport): grade}`` from a baseline file.

    Raises:
        BaselineError: the file is missing, not TOML, or an entry lacks a field.
    """
    try:
        data = tomllib.loads(Path(path).read_text())
    except OSError as exc:
        raise BaselineError(f"--baseline {path}: cannot read it ({exc.strerror or exc})") from None
    except tomllib.TOMLDecodeError as exc:
        raise BaselineError(f"--baseline {path}: not TOML ({exc})") from None
    known = {}
    for i, entry in enumerate(data.get("known", [])):
        try:
            known[(entry["scenario"], entry["target"], entry["transport"])] = entry.get("grade", "fail")
        except (KeyError, TypeError):
            raise BaselineError(f"--baseline {path}: entry {i + 1} needs scenario, target and transport") from None
    return known


def apply(report: dict, known: dict[tuple[str, str, str], str]) -> tuple[int, list[str]]:
    """The exit status of ``report`` under a baseline, and the lines that say what changed.

    Harness errors still give 2; a failure fails the run (as :func:`conformance.report.exit_status`
    would decide) only when it is not known at its grade or a weaker one."""
    strict = report.get("grading", "strict") == "strict"
    new, now_passing = [], []
    for r in report["results"]:
        k = key(r)
        if r["outcome"] == "failed" and verdicts.fails_run(r.get("grade"), strict):
            listed = known.get(k)
            if listed is None or _RANK.get(r.get("grade") or "fail", 0) < _RANK.get(listed, 0):
                new.append(r)
        elif r["outcome"] == "passed" and k in known:
            now_passing.append(r)
    lines = []
    if now_passing:
        lines.append(f"baseline: {len(now_passing)} known failure(s) now pass (remove them from the baseline):")
        lines += [f"  FIXED  {r['scenario']} {r['target']}/{r['transport']}" for r in now_passing]
    if new:
        lines.append(f"baseline: {len(new)} new failure(s), not in the baseline:")
        lines += [f"  NEW    {r['scenario']} [{', '.join(r.get('failed_requirements') or [])}] {r['target']}/{r['transport']}"
                  for r in new]
    else:
        lines.append(f"baseline: no new failures ({len(known)} known)")
    if report["totals"].get("error"):
        return 2, lines
    return (1 if new else 0), lines


def cmd_baseline(args) -> int:
    from conformance import report as reports

    try:
        data = reports.load(Path(args.report))
    except reports.ReportError as exc:
        print(f"netconformance: error: {exc}", file=sys.stderr)
        return 2
    out = Path(args.output)
    from netconformance_fixtures.selection import writable_problem

    problem = writable_problem(str(out))
    if problem:
        print(f"netconformance baseline: error: -o {out}: cannot write there ({problem})", file=sys.stderr)
        return 2
    out.write_text(dumps(data, Path(args.report).name))
    n = sum(1 for r in data["results"] if r["outcome"] == "failed")
    print(f"baseline: {n} known failure(s) -> {out}")
    return 0
