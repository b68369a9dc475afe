"""Reports of a run: the JSON report, its exit status, the terminal matrix, and merging shards (docs/design.md §6).

JSON schema ``netconformance.report/2`` (machine-checked by ``conformance/report_schema.json``)::

    {"schema": "netconformance.report/2", "generated": ISO-8601 UTC, "seed": int,
     "grading": "strict" | "lenient",
     "settings": {"timeout": s, "client_timeout": s, "startup_timeout": s},
     "targets": [{"name", "protocol", "role", "kind", "spec", "transports": [...]}],
     "results": [{"scenario", "title", "protocol", "transport", "role", "category",
                  "requirements": [...], "target", "outcome", "grade", "failed_requirements": [...],
                  "message", "duration", "nodeid", "artifacts": {"pcap": path, ...}, "observations": [...],
                  "transcript": {"events": [{"t", "dir", "conn", "hex", "text"}], "dropped_events"}}],
     "totals": {"passed", "failed", "error", "skipped", "not-applicable"},
     "grades": {"fail", "warning", "info"},
     "status": 0 | 1 | 2,
     "shards": [{"generated", "seed", "results"}]}        only in a merged report

Changes from ``/1``: ``grade`` (``fail``/``warning``/``info`` for a failed result, else ``null``; see
:mod:`conformance.verdicts`), ``failed_requirements`` (the ids the failure names), ``grading``, ``grades``,
``status``, ``shards`` and ``observations`` (informational notes a scenario made with the ``observe``
fixture).  :func:`load` upgrades a ``/1`` report (every failure graded ``fail``).
"""

from __future__ import annotations

import json
import re
from collections import Counter, defaultdict
from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path

from conformance import verdicts

SCHEMA = "netconformance.report/2"
SCHEMA_V1 = "netconformance.report/1"
OUTCOMES = ("passed", "failed", "error", "skipped", "not-applicable")
SCHEMA_FILE = Path(__file__).with_name("report_schema.json")


class ReportError(ValueError):
    """A file is not a netconformance JSON report, or reports cannot be merged."""


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _sort_key(r: dict) -> tuple:
    return (r["protocol"], r["role"], r["category"], r["scenario"], r["target"], r["transport"])


def assemble(results: Iterable[dict], targets: list[dict], *, seed: int, settings: dict, grading: str,
             generated: str | None = None) -> dict:
    """A complete report from its parts: sorts the results and computes totals, grades and status."""
    results = sorted(results, key=_sort_key)
    totals = Counter(r["outcome"] for r in results)
    grades = Counter(r.get("grade") for r in results if r["outcome"] == "failed")
    data = {
        "schema": SCHEMA,
        "generated": generated or _now(),
        "seed": seed,
        "grading": grading,
        "settings": settings,
        "targets": targets,
        "results": results,
        "totals": {o: totals.get(o, 0) for o in OUTCOMES},
        "grades": {g: grades.get(g, 0) for g in verdicts.GRADES},
    }
    data["status"] = exit_status(data)
    return data


def build(rc) -> dict:
    """The report of a run (``rc``: the plugin's RunConfig)."""
    targets = [
        {"name": t.name, "protocol": t.protocol, "role": t.role, "kind": t.kind, "spec": t.text,
         "transports": list(t.transports)}
        for t in rc.targets if t.protocol in rc.protocols
    ]
    results = [{k: v for k, v in r.items() if k != "phase"} for r in rc.results.values()]
    settings = {"timeout": rc.settings.timeout, "client_timeout": rc.settings.client_timeout,
                "startup_timeout": rc.settings.startup_timeout}
    return assemble(results, targets, seed=rc.settings.seed, settings=settings,
                    grading="strict" if getattr(rc, "strict", True) else "lenient")


def write_json(path: Path, data) -> None:
    """Write ``data`` (a report dict, or a RunConfig to build one from) as JSON."""
    if not isinstance(data, dict):
        data = build(data)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, indent=1) + "\n")


def exit_status(report: dict, strict: bool | None = None) -> int:
    """docs/design.md §6: 2 when the harness could not run something, else 1 when a result fails the run, else 0.

    A failed result fails the run when its grade is ``fail``, or ``warning`` under strict grading
    (``strict`` overrides the report's own ``grading``).  ``report`` may also be a bare ``totals`` dict
    (report/1 style: every failure counts)."""
    totals = report.get("totals", report)
    if totals.get("error"):
        return 2
    if "results" not in report:
        return 1 if totals.get("failed") else 0
    if strict is None:
        strict = report.get("grading", "strict") == "strict"
    failing = any(verdicts.fails_run(r.get("grade", "fail"), strict) for r in report["results"] if r["outcome"] == "failed")
    return 1 if failing else 0


# ---------------------------------------------------------------------- loading and merging
def upgrade(data: dict) -> dict:
    """A report of schema ``/1`` or ``/2`` as ``/2``.  Raises ReportError for anything else."""
    schema = data.get("schema") if isinstance(data, dict) else None
    if schema == SCHEMA:
        return data
    if schema != SCHEMA_V1:
        raise ReportError(f"not a netconformance report (schema {schema!r}; expected {SCHEMA!r})")
    results = []
    for r in data["results"]:
        r = dict(r)
        failed = r["outcome"] == "failed"
        r.setdefault("grade", "fail" if failed else None)
        r.setdefault("failed_requirements", list(r["requirements"]) if failed else [])
        r.setdefault("artifacts", {})
        results.append(r)
    return assemble(results, data["targets"], seed=data["seed"], settings=data["settings"], grading="strict",
                    generated=data["generated"])


def load(path: Path) -> dict:
    """Read a JSON report (``/1`` or ``/2``) as ``/2``.  Raises ReportError when it is not one."""
    try:
        data = json.loads(Path(path).read_text())
    except (OSError, ValueError) as exc:
        raise ReportError(f"{path}: cannot read a JSON report: {exc}") from None
    try:
        return upgrade(data)
    except (ReportError, KeyError, TypeError) as exc:
        raise ReportError(f"{path}: {exc}") from None


def merge(reports: list[dict], *, grading: str | None = None) -> dict:
    """One report from the reports of shards (CI matrix jobs, machines, protocols run apart).

    Targets are united by (name, protocol, role); a target name given two different specs is an error.
    Results are keyed by (nodeid, target, transport): a result present in several shards must agree on
    its outcome, else ReportError (two runs of the same scenario disagreeing is not a merge).  The seed
    and settings are the first shard's; every shard's seed is kept in ``shards``.
    """
    if not reports:
        raise ReportError("nothing to merge")
    reports = [upgrade(r) for r in reports]
    targets: dict[tuple, dict] = {}
    results: dict[tuple, dict] = {}
    shards = []
    for i, rep in enumerate(reports):
        for t in rep["targets"]:
            key = (t["name"], t["protocol"], t["role"])
            if key in targets and targets[key]["spec"] != t["spec"]:
                raise ReportError(f"shard {i + 1}: target {t['name']!r} ({t['protocol']} {t['role']}) has spec "
                                  f"{t['spec']!r} here and {targets[key]['spec']!r} in an earlier shard")
            targets.setdefault(key, t)
        for r in rep["results"]:
            key = (r["nodeid"], r["target"], r["transport"])
            if key in results and results[key]["outcome"] != r["outcome"]:
                raise ReportError(f"shard {i + 1}: {r['scenario']} on {r['target']}/{r['transport']} is "
                                  f"{r['outcome']} here and {results[key]['outcome']} in an earlier shard")
            results.setdefault(key, r)
        shards.extend(rep.get("shards") or [{"generated": rep["generated"], "seed": rep["seed"], "results": len(rep["results"])}])
    first = reports[0]
    if grading is None:
        grading = "strict" if any(r["grading"] == "strict" for r in reports) else "lenient"
    data = assemble(results.values(), list(targets.values()), seed=first["seed"], settings=first["settings"],
                    grading=grading)
    data["shards"] = shards
    return data


# ---------------------------------------------------------------------- terminal summary
def _cell(counter: Counter) -> str:
    applicable = sum(counter[o] for o in ("passed", "failed", "error"))
    if not applicable:
        return "n/a" if counter["not-applicable"] else ("skip" if counter["skipped"] else "-")
    ok = counter["passed"] + counter["warning"] + counter["info"]
    text = f"{ok}/{applicable}"
    for key, letter in (("fail", "F"), ("warning", "W"), ("error", "E")):
        if counter[key]:
            text += f" {counter[key]}{letter}"
    return text


def summary_lines(rc) -> list[str]:
    """The compact matrix (protocol/role/category by target) and one line per failure, warning or error.

    A cell is ``ok/applicable`` (warnings and informational observations count as ok) with ``nF``
    failures, ``nW`` warnings (failed SHOULD/de-facto requirements) and ``nE`` harness errors."""
    return summary_lines_of(list(rc.results.values()), rc.settings.seed, getattr(rc, "strict", True))


def summary_lines_of(results: list[dict], seed: int, strict: bool) -> list[str]:
    totals = Counter(r["outcome"] for r in results)
    grades = Counter(r.get("grade") or "fail" for r in results if r["outcome"] == "failed")
    lines = ["", "=" * 30 + " netconformance summary " + "=" * 30]
    lines.append("  ".join(f"{o}: {totals.get(o, 0)}" for o in OUTCOMES)
                 + f"   (failed: {grades['fail']} MUST, {grades['warning']} SHOULD warnings, {grades['info']} info;"
                 + f" grading {'strict' if strict else 'lenient'}; seed {seed}, replay with --seed {seed})")
    targets = sorted({r["target"] for r in results})
    cells: dict[tuple, Counter] = defaultdict(Counter)
    for r in results:
        c = cells[(r["protocol"], r["role"], r["category"], r["target"])]
        c[r["outcome"]] += 1
        if r["outcome"] == "failed":
            c[r.get("grade") or "fail"] += 1
    rows = sorted({(r["protocol"], r["role"], r["category"]) for r in results})
    head = f"{'protocol':<9}{'role':<8}{'category':<15}" + "".join(f"{t[:16]:>18}" for t in targets)
    lines += ["", head, "-" * len(head)]
    for proto, role, cat in rows:
        line = f"{proto:<9}{role:<8}{cat:<15}"
        for t in targets:
            line += f"{_cell(cells[(proto, role, cat, t)]):>18}"
        lines.append(line)
    bad = [r for r in results if r["outcome"] in ("failed", "error")]
    if bad:
        lines += ["", "failures, warnings and errors (scenario [requirements] target/transport: what happened):"]
        seen_errors: Counter = Counter()
        label = {"fail": "FAILED", "warning": "WARN", "info": "INFO"}
        order = {"error": 0, "fail": 1, "warning": 2, "info": 3}
        def kind(r: dict) -> str:
            return "error" if r["outcome"] == "error" else (r.get("grade") or "fail")

        for r in sorted(bad, key=lambda r: (order[kind(r)], r["protocol"], r["scenario"], r["target"])):
            first = r["message"].splitlines()[0] if r["message"] else ""
            if r["outcome"] == "error":
                key = (r["target"], re.sub(r"\d+", "N", first.split(" (failed the same way")[0]))
                seen_errors[key] += 1
                if seen_errors[key] > 1:
                    continue
                tag = "ERROR"
            else:
                tag = label[r.get("grade") or "fail"]
            detail = _expected_received(r["message"])
            first = re.sub(r"^\[[^\]]*\] ", "", first)
            reqs = r.get("failed_requirements") or r["requirements"]
            lines.append(f"  {tag:<6} {r['scenario']} [{', '.join(reqs)}] {r['target']}/{r['transport']}: {first}{detail}")
        for (target, _msg), n in seen_errors.items():
            if n > 1:
                lines.append(f"  (the error of target {target!r} above repeated for {n - 1} more scenarios)")
        if grades["warning"] and not strict:
            lines.append(f"  ({grades['warning']} warning(s): SHOULD/de-facto requirements; they fail the run only with --strict)")
    return lines


def _expected_received(message: str) -> str:
    parts = []
    for line in message.splitlines()[1:]:
        s = line.strip()
        for label in ("expected:", "received:"):
            if s.startswith(label):
                parts.append(f"{label} {s[len(label):].strip()[:90]}")
    return ("; " + "; ".join(parts)) if parts else ""
