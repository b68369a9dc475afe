"""Files written by grading mode: the CSV, the Gradescope ``results.json``, and the class summary.

Gradescope autograder format (https://gradescope-autograders.readthedocs.io/en/latest/specs/):
``{"score", "execution_time", "output", "output_format", "visibility", "stdout_visibility", "tests": [{"name",
"number", "score", "max_score", "status": "passed"|"failed", "output", "output_format", "tags",
"visibility"}]}``; the test scores add up to ``score``.

* ``number``: ``"S.K"``: tests are ordered by the RFC section of their scenario's first requirement
  (``S``: rank of that RFC and section among the submission's tests; ``K``: position within it);
* ``tags``: the scenario's category, protocol, transport and requirement ids;
* ``visibility``: ``"visible"``, or ``"hidden"`` for scenarios the manifest's ``hidden`` list names
  (categories or scenario-id globs): their ``output`` says only passed/failed and the requirement ids,
  never what was sent, expected or received;
* ``output``: plain text (``output_format`` ``"text"``): the verdict, the message (its ``expected:`` and
  ``received:`` lines), then what was sent and received on the wire (first bytes, escaped).
"""

from __future__ import annotations

import csv
import fnmatch
import json
import re
from pathlib import Path

from conformance.grade.score import Item, Score
from conformance.requirements import REQUIREMENTS

CSV_FIELDS = ["name", "protocol", "role", "score_percent", "points", "max_points", "passed", "failed", "warnings",
              "silent", "errors", "not_run", "not_applicable", "status", "detail", "seconds", "failed_requirements"]
WIRE_BYTES = 160  # bytes of each direction shown in a test's output


def csv_row(s: Score) -> dict:
    return {
        "name": s.submission.name, "protocol": s.submission.protocol, "role": s.submission.role,
        "score_percent": f"{s.percent:.2f}", "points": f"{s.points:g}", "max_points": f"{s.max_points:g}",
        "passed": s.count("passed") + s.count("info"), "failed": s.count("failed"), "warnings": s.count("warning"),
        "silent": s.count("silent"), "errors": s.count("error"), "not_run": s.count("not-run"),
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


_LABEL = {"passed": "PASSED", "info": "PASSED (with an informational observation)",
          "warning": "WARNING: a SHOULD requirement is not met (partial credit)", "failed": "FAILED",
          "silent": "NO CREDIT: passed only by staying silent", "error": "COULD NOT RUN (the program did not start "
          "or crashed)", "not-run": "NOT RUN (time limit)", "not-applicable": "not applicable", "skipped": "skipped"}


def section_key(rid: str) -> tuple:
    """Sort key of a requirement by its RFC and section (``RFC 5321 §4.5.3.1.6`` -> ``(5321, (4, 5, 3, 1, 6))``);
    requirements without a section sort last within their RFC."""
    req = REQUIREMENTS.get(rid)
    ref = req.ref if req else ""
    rfc = re.search(r"RFC\s*(\d+)", ref)
    sec = re.search(r"§\s*([\d.]+\d)", ref)
    return (int(rfc.group(1)) if rfc else 99999,
            tuple(int(x) for x in sec.group(1).split(".")) if sec else (9999,), rid)


def _escaped(data: bytes) -> str:
    return "".join(chr(b) if 0x20 <= b < 0x7F and b != 0x5C else {0x0A: "\\n", 0x0D: "\\r", 0x09: "\\t", 0x5C: "\\\\"}.get(b, f"\\x{b:02x}")
                   for b in data)


def wire_summary(events: list[dict], limit: int = WIRE_BYTES) -> list[str]:
    """Lines ``sent: ...`` and ``received: ...``: the first ``limit`` bytes each way, escaped, with totals."""
    lines = []
    for direction, word in (("send", "sent to your program"), ("recv", "received from your program")):
        data = b"".join(bytes.fromhex(e.get("hex", "")) for e in events if e.get("dir") == direction)
        if not data:
            lines.append(f"{word}: nothing")
            continue
        more = f" ... ({len(data)} bytes in all)" if len(data) > limit else f" ({len(data)} bytes)"
        lines.append(f"{word}: \"{_escaped(data[:limit])}\"{more}")
    return lines


def failure_text(i: Item, hidden: bool) -> str:
    """The text a student reads for one test (see the module docstring)."""
    reqs = [f"  {r} ({REQUIREMENTS[r].strength}, {REQUIREMENTS[r].ref}): {REQUIREMENTS[r].text}"
            for r in (i.failed_requirements or i.requirements) if r in REQUIREMENTS]
    lines = [_LABEL[i.status]]
    if hidden:
        lines.append("(a hidden test: what it sends and expects is not shown)")
        lines += ["requirements checked: " + ", ".join(i.requirements)]
        return "\n".join(lines)
    if i.message:
        lines += ["", i.message.strip()]
    if i.status not in ("passed", "info") and i.events:
        lines += ["", *wire_summary(i.events)]
    lines += ["", "requirements" + (" not met:" if i.failed_requirements else ":"), *reqs]
    return "\n".join(lines)


def is_hidden(i: Item, patterns: list[str]) -> bool:
    """True when ``patterns`` (categories or scenario-id globs) name the item's scenario."""
    return any(i.category == p or fnmatch.fnmatchcase(i.scenario, p) for p in patterns)


def gradescope(s: Score, hidden: list[str] | None = None) -> dict:
    """The Gradescope ``results.json`` of one submission.  ``hidden``: the manifest's hidden patterns."""
    items = sorted((i for i in s.items if i.counted),
                   key=lambda i: (section_key(i.requirements[0]) if i.requirements else (99999,), i.scenario, i.transport))
    tests, group, last, k = [], 0, None, 0
    for i in items:
        key = section_key(i.requirements[0])[:2] if i.requirements else None
        if key != last:
            group, last, k = group + 1, key, 0
        k += 1
        secret = is_hidden(i, hidden or [])
        tests.append({
            "name": f"{i.scenario} ({i.transport}): {i.title}", "number": f"{group}.{k}", "score": i.earned,
            "max_score": i.weight, "status": "passed" if i.status in ("passed", "info") else "failed",
            "output": failure_text(i, secret), "output_format": "text",
            "tags": [i.category, s.submission.protocol, i.transport, *i.requirements],
            "visibility": "hidden" if secret else "visible",
        })
    output = f"{s.submission.protocol} {s.submission.role}: {s.percent:.2f}% ({s.status})"
    if s.detail:
        output += f"\n{s.detail}"
    return {"score": s.points, "execution_time": s.seconds, "output": output, "output_format": "text",
            "visibility": "visible", "stdout_visibility": "hidden", "tests": tests}


def write_gradescope(path: Path, s: Score, hidden: list[str] | None = None) -> None:
    path.write_text(json.dumps(gradescope(s, hidden), indent=1) + "\n", encoding="utf-8")


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
