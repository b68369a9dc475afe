"""Scoring: a submission's points from its JSON report, and the class summary.

Every run of a scenario the submission should take (its protocol and role, on each of its transports)
is worth the weight of the scenario's category.  It earns:

* all its points when it passed, or failed only informational (MAY) requirements;
* ``warning_credit`` of them when it failed only SHOULD/de-facto requirements (none under ``strict``);
* nothing when it failed a MUST requirement, the harness could not run it (``error``: the program did
  not start, crashed...), or it never ran (the submission exceeded its time limit);

and it counts neither way when it was ``not-applicable`` or ``skipped``.  The score is
``points * earned / possible``.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field

from conformance.grade.manifest import Manifest, Submission
from conformance.registry import load_all


@dataclass
class Item:
    """One scenario run of a submission, as scored."""

    scenario: str
    transport: str
    category: str
    title: str
    requirements: list[str]
    weight: float
    earned: float
    status: str  # passed, failed, warning, info, error, not-run, not-applicable, skipped
    message: str = ""
    failed_requirements: list[str] = field(default_factory=list)

    @property
    def counted(self) -> bool:
        return self.status not in ("not-applicable", "skipped") and self.weight > 0


@dataclass
class Score:
    submission: Submission
    items: list[Item]
    points: float  # scaled to the manifest's points
    max_points: float
    status: str  # ok, errors, timed out, no report
    detail: str = ""
    seconds: float = 0.0
    ratio: float = 0.0  # earned / possible, unrounded

    @property
    def percent(self) -> float:
        return round(100.0 * self.ratio, 2)

    def count(self, status: str) -> int:
        return sum(1 for i in self.items if i.status == status and i.weight > 0)

    def failed_requirements(self) -> list[str]:
        """Requirement ids this submission broke (MUST and SHOULD alike), sorted."""
        return sorted({r for i in self.items if i.status in ("failed", "warning") for r in i.failed_requirements})


def expected_runs(sub: Submission, modules: list[str] | None = None) -> list[tuple[str, str]]:
    """(scenario id, transport) of every scenario run the submission should take (of the scenario
    modules named, e.g. ``["test_echo_server"]``; default: all)."""
    runs = []
    for s in load_all().values():
        if modules is not None and s.function.split(".")[2] not in modules:
            continue
        if s.protocol == sub.protocol and s.role == sub.role:
            runs += [(s.id, t) for t in s.transports if t in sub.transports]
    return sorted(runs)


def score(manifest: Manifest, sub: Submission, report: dict | None, *, status: str, detail: str = "",
          seconds: float = 0.0, modules: list[str] | None = None) -> Score:
    """Score ``sub`` from its ``report`` (None when the run left none).  A run that finished (``status``
    ok or errors) is scored on the results it has (a scenario deselected with ``-k`` does not count); an
    unfinished one also loses every expected run it lacks."""
    registry = load_all()
    got = {}
    for r in (report or {}).get("results", []):
        if r["target"] == sub.name:
            got[(r["scenario"], r["transport"])] = r
    items = []
    finished = status in ("ok", "errors")
    for sid, transport in expected_runs(sub, modules):
        meta = registry[sid]
        w = manifest.weight(meta.category)
        r = got.get((sid, transport))
        if r is None and finished:
            continue
        if r is None:
            st, earned, msg, broken = "not-run", 0.0, f"not run ({status})", []
        else:
            broken = list(r.get("failed_requirements") or [])
            msg = r["message"]
            if r["outcome"] == "passed":
                st, earned = "passed", w
            elif r["outcome"] == "failed":
                grade = r.get("grade") or "fail"
                if grade == "info":
                    st, earned = "info", w
                elif grade == "warning" and not manifest.strict:
                    st, earned = "warning", w * manifest.warning_credit
                else:
                    st, earned = "failed", 0.0
            elif r["outcome"] == "error":
                st, earned = "error", 0.0
            else:
                st, earned = r["outcome"], 0.0
        items.append(Item(sid, transport, meta.category, meta.title, list(meta.requirements), w, earned, st, msg, broken))
    possible = sum(i.weight for i in items if i.counted)
    earned = sum(i.earned for i in items if i.counted)
    scale = manifest.points / possible if possible else 0.0
    for i in items:
        i.weight, i.earned = round(i.weight * scale, 4), round(i.earned * scale, 4)
    return Score(sub, items, round(earned * scale, 2), round(manifest.points if possible else 0.0, 2), status, detail,
                 round(seconds, 1), earned / possible if possible else 0.0)


def class_summary(scores: list[Score]) -> dict:
    """Which requirements and scenarios the most submissions fail (MUST and SHOULD), over submissions
    that took them; and the score distribution."""
    req_failed: Counter = Counter()
    req_taken: Counter = Counter()
    scen_failed: Counter = Counter()
    scen_taken: Counter = Counter()
    titles: dict[str, str] = {}
    for s in scores:
        taken_reqs: set[str] = set()
        failed_reqs: set[str] = set()
        taken_scen: set[str] = set()
        failed_scen: set[str] = set()
        for i in s.items:
            if not i.counted:
                continue
            titles[i.scenario] = i.title
            taken_scen.add(i.scenario)
            taken_reqs.update(i.requirements)
            if i.status in ("failed", "warning"):
                failed_scen.add(i.scenario)
                failed_reqs.update(i.failed_requirements or i.requirements)
        req_taken.update(taken_reqs | failed_reqs)
        req_failed.update(failed_reqs)
        scen_taken.update(taken_scen)
        scen_failed.update(failed_scen)
    by_protocol: dict[str, list[float]] = defaultdict(list)
    for s in scores:
        by_protocol[f"{s.submission.protocol} {s.submission.role}"].append(s.percent)
    return {
        "submissions": len(scores),
        "mean_percent": round(sum(s.percent for s in scores) / len(scores), 2) if scores else 0.0,
        "by_protocol_role": {k: {"submissions": len(v), "mean_percent": round(sum(v) / len(v), 2)}
                             for k, v in sorted(by_protocol.items())},
        "requirements": [{"id": r, "failed_by": n, "taken_by": req_taken[r]}
                         for r, n in sorted(req_failed.items(), key=lambda kv: (-kv[1], kv[0]))],
        "scenarios": [{"id": sid, "title": titles.get(sid, ""), "failed_by": n, "taken_by": scen_taken[sid]}
                      for sid, n in sorted(scen_failed.items(), key=lambda kv: (-kv[1], kv[0]))],
        "not_finished": [s.submission.name for s in scores if s.status != "ok"],
    }
