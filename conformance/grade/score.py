"""Scoring: a submission's points from its JSON report, and the class summary.

Every run of a scenario the submission should take (its protocol and role, on each of its transports)
is worth the weight of the scenario's category.  It earns:

* all its points when it passed, or failed only informational (MAY) requirements;
* ``warning_credit`` of them when it failed only SHOULD/de-facto requirements (none under ``strict``);
* nothing when it failed a MUST requirement, the harness could not run it (``error``: the program did
  not start, crashed...), or it never ran (the submission exceeded its time limit);
* nothing when it passed **silently** (below);

and it is removed from the denominator when it was ``not-applicable`` or ``skipped`` (never a pass).  The
score is ``points * earned / possible``.

Silence (the rule, computed from the saved JSON report alone, see :func:`reacted`): a result *shows a
reaction* of the program when its transcript holds a ``recv`` event with at least one byte (the program
sent something to the harness), or, for a client, any event on a reference peer's connection (``peer#N``:
the client connected), or when it passed with a transcript cut short (``dropped_events`` > 0: the
transcript keeps 16 KiB, so a large exchange can hide the program's answer; the pass is taken at its word).  A pass on a transport where **none** of the submission's results shows a reaction
is a silent pass (status ``silent``): staying silent earns credit only where the program demonstrably
answers when it should.  A submission none of whose results shows a reaction *answers nothing*: status
``error``, score 0, with the reason; so does one that did not start (every result a harness error, or no
report at all).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field

from conformance.grade.manifest import Manifest, Submission
from conformance.registry import load_all

#: statuses of a submission: graded normally, some scenarios could not run, graded 0 with a reason
#: (did not start, answered nothing, no report), stopped at its time limit
STATUSES = ("ok", "errors", "error", "timed out")


@dataclass
class Item:
    """One scenario run of a submission, as scored.  ``weight``/``earned`` are in the manifest's points
    once :func:`score` returns."""

    scenario: str
    transport: str
    category: str
    title: str
    requirements: list[str]
    weight: float
    earned: float
    status: str  # passed, failed, warning, info, silent, error, not-run, not-applicable, skipped
    message: str = ""
    failed_requirements: list[str] = field(default_factory=list)
    events: list[dict] = field(default_factory=list)  # the result's transcript events (for the output)

    @property
    def counted(self) -> bool:
        return self.status not in ("not-applicable", "skipped") and self.weight > 0


@dataclass
class Score:
    """A submission's score: ``points`` out of ``max_points``, ``status`` one of :data:`STATUSES`, ``detail``
    the reason of a status other than ``ok``, ``seconds`` the wall time of its run."""

    submission: Submission
    items: list[Item]
    points: float  # scaled to the manifest's points
    max_points: float
    status: str
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


def reacted(result: dict) -> bool:
    """True when the result's transcript shows the program under test doing something: a ``recv`` event
    (program -> harness) with at least one byte, for a client any event on a peer connection, or a pass
    whose transcript was cut short."""
    transcript = result.get("transcript") or {}
    if result.get("outcome") == "passed" and transcript.get("dropped_events", 0) > 0:
        return True
    for ev in transcript.get("events", ()):
        if ev.get("dir") == "recv" and ev.get("hex"):
            return True
        if result.get("role") == "client" and str(ev.get("conn", "")).startswith("peer"):
            return True
    return False


def _collected(modules: list[str]) -> set[str]:
    """``module.function`` of every scenario pytest collects from these scenario modules: the ones each
    defines and, for an index such as ``test_smtp_server``, the ones it gathers from its section modules."""
    import importlib

    out = set()
    for name in modules:
        mod = importlib.import_module(f"conformance.scenarios.{name}")
        out |= {f"{fn.__module__}.{fn.__qualname__}" for attr, fn in vars(mod).items()
                if attr.startswith("test_") and callable(fn)}
    return out


def expected_runs(sub: Submission, modules: list[str] | None = None) -> list[tuple[str, str]]:
    """(scenario id, transport) of every scenario run the submission should take (of the scenario
    modules named, e.g. ``["test_echo_server"]``; default: all)."""
    runs = []
    collected = None if modules is None else _collected(modules)
    for s in load_all().values():
        if collected is not None and s.function not in collected:
            continue
        if s.protocol == sub.protocol and s.role == sub.role:
            runs += [(s.id, t) for t in s.transports if t in sub.transports]
    return sorted(runs)


def _status_of(manifest: Manifest, r: dict, w: float, answered: bool) -> tuple[str, float]:
    if r["outcome"] == "passed":
        return ("passed", w) if answered else ("silent", 0.0)
    if r["outcome"] == "failed":
        grade = r.get("grade") or "fail"
        if grade == "info":
            return ("info", w) if answered else ("silent", 0.0)
        if grade == "warning" and not manifest.strict:
            return ("warning", w * manifest.warning_credit) if answered else ("silent", 0.0)
        return "failed", 0.0
    if r["outcome"] == "error":
        return "error", 0.0
    return r["outcome"], 0.0


def score(manifest: Manifest, sub: Submission, report: dict | None, *, status: str, detail: str = "",
          seconds: float = 0.0, modules: list[str] | None = None) -> Score:
    """Score ``sub`` from its ``report`` (None when the run left none).  ``status``: how the run ended
    (``ok``, ``errors``, ``timed out`` or ``error``).  A run that finished is scored on the results it has
    (a scenario deselected with ``-k`` does not count); an unfinished one also loses every expected run it
    lacks.  A run that did not start or answered nothing comes back with status ``error`` and 0 points."""
    registry = load_all()
    got = {}
    for r in (report or {}).get("results", []):
        if r["target"] == sub.name:
            got[(r["scenario"], r["transport"])] = r
    answered = {t for (_, t), r in got.items() if reacted(r)}
    items = []
    finished = status in ("ok", "errors")
    for sid, transport in expected_runs(sub, modules):
        meta = registry[sid]
        w = manifest.weight(meta.category)
        r = got.get((sid, transport))
        if r is None and finished:
            continue
        if r is None:
            st, earned, msg, broken, events = "not-run", 0.0, f"not run ({status})", [], []
        else:
            broken = list(r.get("failed_requirements") or [])
            msg = r["message"]
            events = list((r.get("transcript") or {}).get("events", ()))
            st, earned = _status_of(manifest, r, w, transport in answered)
            if st == "silent":
                msg = ("passed only by staying silent: the program sent nothing on "
                       f"{transport} in any scenario, so silence earns no credit here") + (f"\n{msg}" if msg else "")
        items.append(Item(sid, transport, meta.category, meta.title, list(meta.requirements), w, earned, st, msg,
                          broken, events))
    counted = [i for i in items if i.counted]
    if status in ("ok", "errors") and counted:
        if all(i.status == "error" for i in counted):
            status, detail = "error", "the program did not start: " + (detail or counted[0].message.splitlines()[0][:300])
        elif not answered:
            status = "error"
            detail = (f"the program answered nothing: in none of its {len(counted)} scenario runs did it send a byte"
                      + (" or connect to the suite's peer" if sub.role == "client" else ""))
    elif report is None and status == "ok":
        status = "error"
    if status == "error":
        for i in items:
            i.earned = 0.0
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
