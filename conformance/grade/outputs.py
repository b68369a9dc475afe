"""Files written by grading mode: the CSV, the Gradescope ``results.json``, and the class summary.

Gradescope autograder format (https://gradescope-autograders.readthedocs.io/en/latest/specs/):
``{"score", "execution_time", "output", "visibility", "stdout_visibility", "tests": [{"name", "number",
"score", "max_score", "status": "passed"|"failed", "output", "tags", "visibility"}]}``; the test scores
add up to ``score``.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

from conformance.grade.score import Score
from conformance.requirements import REQUIREMENTS

CSV_FIELDS = ["name", "protocol", "role", "score_percent", "points", "max_points", "passed", "failed", "warnings",
              "errors", "not_run", "not_applicable", "status", "detail", "seconds", "failed_requirements"]


def csv_row(s: Score) -> dict:
    return {
        "name": s.submission.name, "protocol": s.submission.protocol, "role": s.submission.role,
        "score_percent": f"{s.percent:.2f}", "points": f"{s.points:g}", "max_points": f"{s.max_points:g}",
        "passed": s.count("passed") + s.count("info"), "failed": s.count("failed"), "warnings": s.count("warning"),
        "errors": s.count("error"), "not_run": s.count("not-run"),
        "not_applicable": s.count("not-applicable") + s.count("skipped"),
        "status": s.status, "detail": s.detail, "seconds": f"{s.seconds:.1f}",
        "failed_requirements": " ".join(s.failed_requirements()),
    }


def write_csv(path: Path, scores: list[Score]) -> None:
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.DictWriter(f, fieldnames=CSV_FIELDS)
        w.writeheader()
        for s in scores:
            w.writerow(csv_row(s))


_LABEL = {"passed": "passed", "info": "passed (informational observation)", "warning": "warning: a SHOULD requirement failed",
          "failed": "failed", "error": "could not run", "not-run": "not run", "not-applicable": "not applicable",
          "skipped": "skipped"}


def gradescope(s: Score) -> dict:
    """The Gradescope ``results.json`` of one submission."""
    tests = []
    for n, i in enumerate((i for i in s.items if i.counted), 1):
        reqs = "; ".join(f"{r} ({REQUIREMENTS[r].strength}): {REQUIREMENTS[r].text}" for r in i.requirements if r in REQUIREMENTS)
        out = f"{_LABEL[i.status]}\n{i.message}".strip() + f"\n\nRequirements: {reqs}"
        tests.append({
            "name": f"{i.scenario} ({i.transport}): {i.title}", "number": f"{n}", "score": i.earned, "max_score": i.weight,
            "status": "passed" if i.status in ("passed", "info") else "failed", "output": out,
            "tags": [i.category, *i.requirements], "visibility": "visible",
        })
    output = f"{s.submission.protocol} {s.submission.role}: {s.percent:.2f}% ({s.status})"
    if s.detail:
        output += f"\n{s.detail}"
    return {"score": s.points, "execution_time": s.seconds, "output": output, "visibility": "visible",
            "stdout_visibility": "hidden", "tests": tests}


def write_gradescope(path: Path, s: Score) -> None:
    path.write_text(json.dumps(gradescope(s), indent=1) + "\n", encoding="utf-8")


def summary_markdown(summary: dict, scores: list[Score], *, wall: float, seed: int, parallel: int) -> str:
    lines = [f"# Grading summary: {summary['submissions']} submissions", "",
             f"wall time {wall:.1f} s with {parallel} at once; seed {seed}; mean score {summary['mean_percent']:.2f}%", "",
             "| submission | protocol | role | score | status |", "| --- | --- | --- | --- | --- |"]
    for s in scores:
        lines.append(f"| {s.submission.name} | {s.submission.protocol} | {s.submission.role} | {s.percent:.2f}% | "
                     f"{s.status}{': ' + s.detail if s.detail else ''} |")
    lines += ["", "## Requirements most failed", "", "| requirement | strength | failed by | of | what it asks |",
              "| --- | --- | --- | --- | --- |"]
    for r in summary["requirements"][:30]:
        req = REQUIREMENTS.get(r["id"])
        lines.append(f"| {r['id']} | {req.strength if req else '?'} | {r['failed_by']} | {r['taken_by']} | "
                     f"{req.text if req else ''} |")
    lines += ["", "## Scenarios most failed", "", "| scenario | failed by | of | checks |", "| --- | --- | --- | --- |"]
    for sc in summary["scenarios"][:30]:
        lines.append(f"| {sc['id']} | {sc['failed_by']} | {sc['taken_by']} | {sc['title']} |")
    return "\n".join(lines) + "\n"
