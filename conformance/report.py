"""Reports of a run: the terminal matrix and the JSON report (DESIGN §6).

JSON schema ``netconformance.report/1`` (also in ``conformance/report_schema.json`` and the README)::

    {"schema": "netconformance.report/1", "generated": ISO-8601, "seed": int,
     "settings": {"timeout": s, "client_timeout": s, "startup_timeout": s},
     "targets": [{"name", "protocol", "role", "kind", "spec", "transports": [...]}],
     "results": [{"scenario", "title", "protocol", "transport", "role", "category",
                  "requirements": [...], "target", "outcome", "message", "duration", "nodeid",
                  "transcript": {"events": [{"t", "dir", "conn", "hex", "text"}], "dropped_events"}}],
     "totals": {"passed", "failed", "error", "skipped", "not-applicable"}}
"""

from __future__ import annotations

import json
import re
from collections import Counter, defaultdict
from datetime import datetime, timezone
from pathlib import Path

SCHEMA = "netconformance.report/1"
OUTCOMES = ("passed", "failed", "error", "skipped", "not-applicable")
SCHEMA_FILE = Path(__file__).with_name("report_schema.json")


def build(rc) -> dict:
    results = sorted(rc.results.values(), key=lambda r: (r["protocol"], r["role"], r["category"], r["scenario"], r["target"], r["transport"]))
    totals = Counter(r["outcome"] for r in results)
    return {
        "schema": SCHEMA,
        "generated": datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "seed": rc.settings.seed,
        "settings": {"timeout": rc.settings.timeout, "client_timeout": rc.settings.client_timeout,
                     "startup_timeout": rc.settings.startup_timeout},
        "targets": [
            {"name": t.name, "protocol": t.protocol, "role": t.role, "kind": t.kind, "spec": t.text,
             "transports": list(t.transports)}
            for t in rc.targets if t.protocol in rc.protocols
        ],
        "results": [{k: v for k, v in r.items() if k != "phase"} for r in results],
        "totals": {o: totals.get(o, 0) for o in OUTCOMES},
    }


def write_json(path: Path, rc) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(build(rc), indent=1) + "\n")


def exit_status(totals: dict[str, int]) -> int:
    """DESIGN §6: 2 when the harness could not run something, else 1 when a scenario failed, else 0."""
    if totals.get("error"):
        return 2
    if totals.get("failed"):
        return 1
    return 0


def _cell(counter: Counter) -> str:
    applicable = sum(counter[o] for o in ("passed", "failed", "error"))
    if not applicable:
        return "n/a" if counter["not-applicable"] else ("skip" if counter["skipped"] else "-")
    text = f"{counter['passed']}/{applicable}"
    if counter["failed"]:
        text += f" {counter['failed']}F"
    if counter["error"]:
        text += f" {counter['error']}E"
    return text


def summary_lines(rc) -> list[str]:
    """The compact matrix (protocol/role/category by target) and one line per failure or error."""
    results = list(rc.results.values())
    totals = Counter(r["outcome"] for r in results)
    lines = ["", "=" * 30 + " netconformance summary " + "=" * 30]
    lines.append("  ".join(f"{o}: {totals.get(o, 0)}" for o in OUTCOMES) + f"   (seed {rc.settings.seed})")
    columns = sorted({(r["role"], r["protocol"], r["target"]) for r in results})
    targets = sorted({r["target"] for r in results})
    cells: dict[tuple, Counter] = defaultdict(Counter)
    for r in results:
        cells[(r["protocol"], r["role"], r["category"], r["target"])][r["outcome"]] += 1
    rows = sorted({(r["protocol"], r["role"], r["category"]) for r in results})
    head = f"{'protocol':<9}{'role':<8}{'category':<15}" + "".join(f"{t[:16]:>18}" for t in targets)
    lines += ["", head, "-" * len(head)]
    for proto, role, cat in rows:
        line = f"{proto:<9}{role:<8}{cat:<15}"
        for t in targets:
            line += f"{_cell(cells[(proto, role, cat, t)]):>18}"
        lines.append(line)
    del columns
    bad = [r for r in results if r["outcome"] in ("failed", "error")]
    if bad:
        lines += ["", "failures and errors (scenario [requirements] target/transport: what happened):"]
        seen_errors: Counter = Counter()
        for r in sorted(bad, key=lambda r: (r["outcome"], r["protocol"], r["scenario"], r["target"])):
            first = r["message"].splitlines()[0] if r["message"] else ""
            if r["outcome"] == "error":
                key = (r["target"], re.sub(r"\d+", "N", first.split(" (failed the same way")[0]))
                seen_errors[key] += 1
                if seen_errors[key] > 1:
                    continue
            detail = _expected_received(r["message"])
            first = re.sub(r"^\[[^\]]*\] ", "", first)
            lines.append(f"  {r['outcome'].upper():<5} {r['scenario']} [{', '.join(r['requirements'])}] "
                         f"{r['target']}/{r['transport']}: {first}{detail}")
        for (target, msg), n in seen_errors.items():
            if n > 1:
                lines.append(f"  (the error of target {target!r} above repeated for {n - 1} more scenarios)")
    return lines


def _expected_received(message: str) -> str:
    parts = []
    for line in message.splitlines()[1:]:
        s = line.strip()
        for label in ("expected:", "received:"):
            if s.startswith(label):
                parts.append(f"{label} {s[len(label):].strip()[:90]}")
    return ("; " + "; ".join(parts)) if parts else ""
