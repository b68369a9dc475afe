"""Grading mode's driver: run every submission of a manifest in isolation, N at once, and write the grades.

Each submission gets its own ``python -m pytest`` on its protocol's scenario module (serial, no xdist),
launched through the :mod:`~conformance.grade.sandbox` limits in a new session (and, as root, a
loopback-only network namespace), with a wall time limit: past it the run gets SIGINT (pytest then still
writes the results it has), 10 s later everything it started is killed.  The submission's own command is
jailed by :mod:`~conformance.grade.confine` (unprivileged user, mount and PID namespaces) when the machine
allows it; when it does not, the first line printed says why, and grading goes on with the limits it has.
Scenarios that never ran score nothing.  One line is printed per finished submission.
"""

from __future__ import annotations

import dataclasses
import json
import os
import signal
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor, as_completed
from pathlib import Path

from conformance import report as reports
from conformance.grade import confine, outputs
from conformance.grade.classpage import write_class_page
from conformance.grade.manifest import Manifest, ManifestError, Submission, load
from conformance.grade.sandbox import Sandbox
from conformance.grade.score import Score, class_summary, score

PACKAGE = Path(__file__).resolve().parents[1]
SCENARIOS = PACKAGE / "scenarios"
RUN_INI = PACKAGE / "run.ini"  # the pytest configuration of a conformance run (see conformance.cli)
INTERRUPT_GRACE = 10.0


def jailed(m: Manifest, sub: Submission, out: Path, outdir: Path) -> Submission:
    """``sub`` with its command behind :mod:`~conformance.grade.confine`: it sees its own directory, not
    the manifest's directory (the other submissions), the output directory or home directories."""
    hide = [d for d in dict.fromkeys([m.path.resolve().parent, m.workdir, outdir.resolve()]) if d != Path("/")]
    config = out / "jail.json"
    confine.write_config(config, hide=hide, own=sub.directory)
    return dataclasses.replace(sub, command=f"{confine.command_prefix(config)} {sub.command}")


def pytest_argv(m: Manifest, sub: Submission, out: Path, seed: int) -> list[str]:
    per_test = max(30.0, min(m.time_limit, 4 * m.client_timeout + m.startup_timeout + 30))
    return [
        sys.executable, "-m", "pytest", *(str(SCENARIOS / f"{name}.py") for name in scenario_modules(m, sub)),
        "-q", "-c", str(RUN_INI), "--rootdir", str(SCENARIOS), "--no-header",
        "--json", str(out / "report.json"), "--conformance-html", str(out / "report.html"),
        "--junitxml", str(out / "junit.xml"), "--grading", "strict" if m.strict else "lenient",
        "--protocol", sub.protocol, f"--{sub.role}", sub.spec(), "--seed", str(seed),
        "--conformance-timeout", str(m.conformance_timeout), "--client-timeout", str(m.client_timeout),
        "--startup-timeout", str(m.startup_timeout), "--timeout", f"{per_test:g}", *m.pytest_args,
    ]


def scenario_modules(m: Manifest, sub: Submission) -> list[str]:
    """Names of the scenario modules a submission runs: its protocol and role's, and the raw-packets tier
    when the manifest asks for it."""
    names = [f"test_{sub.protocol}_{sub.role}"]
    if m.raw_packets:
        names.append("test_raw_packets")
    return [n for n in names if (SCENARIOS / f"{n}.py").exists()]


def grade_one(m: Manifest, sub: Submission, outdir: Path, seed: int, isolate: bool = False) -> Score:
    """Run and score one submission (never raises for anything the submission does).  ``isolate``: jail
    its command (:func:`jailed`) and give the run a loopback-only network namespace."""
    out = outdir / sub.name
    out.mkdir(parents=True, exist_ok=True)
    for stale in ("report.json", "report.html", "junit.xml", "results.json"):
        (out / stale).unlink(missing_ok=True)
    box = Sandbox(sub.name, m.max_processes, m.max_memory_mb, netns=isolate)
    run_sub = jailed(m, sub, out, outdir) if isolate else sub
    limit = sub.time_limit or m.time_limit
    env = box.env(dict(os.environ))
    started = time.monotonic()
    status, detail = "ok", ""
    with open(out / "pytest.log", "wb") as log:
        try:
            proc = subprocess.Popen(box.command(pytest_argv(m, run_sub, out, seed)), cwd=m.workdir, env=env,
                                    stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        except OSError as exc:
            box.kill_all()
            return score(m, sub, None, status="error", detail=f"cannot start the harness: {exc}",
                         modules=scenario_modules(m, sub))
        try:
            code = proc.wait(timeout=limit)
        except subprocess.TimeoutExpired:
            status, detail = "timed out", f"exceeded the time limit of {limit:g} s; scenarios not finished score 0"
            try:
                os.kill(proc.pid, signal.SIGINT)  # pytest writes the results it has, then exits
                code = proc.wait(timeout=INTERRUPT_GRACE)
            except (ProcessLookupError, subprocess.TimeoutExpired):
                code = None
        finally:
            peak = box.peak()
            killed = box.kill_all()
            if proc.poll() is None:
                proc.kill()
            proc.wait()
    seconds = time.monotonic() - started
    data = None
    try:
        data = reports.load(out / "report.json")
    except reports.ReportError:
        if status == "ok":
            status = "error"
            tail = (out / "pytest.log").read_bytes()[-400:].decode("utf-8", "replace").strip().replace("\n", " | ")
            detail = f"the run ended without a report (exit {code}): {tail}"
    if status == "ok" and data is not None:
        errors = [r for r in data["results"] if r["outcome"] == "error" and r["target"] == sub.name]
        if errors:
            status, detail = "errors", errors[0]["message"].splitlines()[0][:300]
    if killed and status == "ok":
        detail = f"{killed} leftover process(es) killed after the run"
    if peak is not None and peak >= m.max_processes and status == "ok":
        detail = f"hit the limit of {m.max_processes} processes"
    (out / "run.json").write_text(json.dumps({"status": status, "detail": detail, "seconds": round(seconds, 1),
                                              "peak_processes": peak, "processes_killed_after": killed}) + "\n")
    return score(m, sub, data, status=status, detail=detail, seconds=seconds, modules=scenario_modules(m, sub))


def rescore_one(m: Manifest, sub: Submission, outdir: Path) -> Score:
    """Score a submission again from the files an earlier run left in ``outdir/NAME`` (nothing is run)."""
    out = outdir / sub.name
    try:
        run_info = json.loads((out / "run.json").read_text())
    except (OSError, ValueError):
        run_info = {"status": "error", "detail": "never graded (no run.json)", "seconds": 0.0}
    try:
        data = reports.load(out / "report.json")
    except reports.ReportError:
        data = None
    return score(m, sub, data, status=run_info["status"], detail=run_info["detail"], seconds=run_info["seconds"],
                 modules=scenario_modules(m, sub))


def run(m: Manifest, *, parallel: int, outdir: Path, only: list[str] | None = None, echo=print,
        rescore: bool = False) -> tuple[list[Score], dict]:
    """Grade the manifest's submissions (or, with ``rescore``, score again what an earlier run left in
    ``outdir``: shards gathered from several machines, or new weights); write every output file; return
    the scores and the summary."""
    subs = [s for s in m.submissions if not only or s.name in only]
    seed = m.seed if m.seed is not None else int.from_bytes(os.urandom(3), "big")
    outdir.mkdir(parents=True, exist_ok=True)
    why_not = None if rescore else (confine.probe() if m.isolate else "isolate = false in the manifest")
    isolate = not rescore and why_not is None
    echo(f"grading {len(subs)} submissions, {parallel} at once, seed {seed}, time limit {m.time_limit:g} s each; "
         f"limits: {_describe_isolation(m, isolate)}; output {outdir}")
    if not rescore:
        echo("isolation: each command runs as an unprivileged user in its own mount and PID namespaces, private "
             "/tmp, its own directory read-only, loopback only" if isolate else
             f"isolation: NONE ({why_not}); grading continues with the limits above")
    started = time.monotonic()
    scores: dict[str, Score] = {}
    width = max(len(s.name) for s in subs)
    with ThreadPoolExecutor(max_workers=parallel) as pool:
        futures = {(pool.submit(rescore_one, m, s, outdir) if rescore else pool.submit(grade_one, m, s, outdir, seed, isolate)): s
                   for s in subs}
        for n, fut in enumerate(as_completed(futures), 1):
            sub = futures[fut]
            s = fut.result()
            scores[sub.name] = s
            (outdir / sub.name).mkdir(parents=True, exist_ok=True)
            outputs.write_gradescope(outdir / sub.name / "results.json", s, m.hidden)
            echo(f"[{n:>{len(str(len(subs)))}}/{len(subs)}] {sub.name:<{width}} {sub.protocol} {sub.role:<6} "
                 f"{s.percent:6.2f}%  {s.seconds:6.1f} s  {s.status}{': ' + s.detail[:120] if s.detail else ''}")
    wall = time.monotonic() - started
    ordered = [scores[s.name] for s in subs]
    summary = class_summary(ordered)
    summary.update({"wall_seconds": round(wall, 1), "parallel": parallel, "seed": seed})
    outputs.write_csv(outdir / "grades.csv", ordered)
    (outdir / "summary.json").write_text(json.dumps(summary, indent=1) + "\n")
    (outdir / "summary.md").write_text(outputs.summary_markdown(summary, ordered, wall=wall, seed=seed, parallel=parallel))
    _class_report(outdir, subs, echo)
    write_class_page(outdir / "class.html", ordered, summary, matrix="class-matrix.html"
                     if (outdir / "class-matrix.html").exists() else None)
    most = ", ".join(f"{r['id']} ({r['failed_by']})" for r in summary["requirements"][:5]) or "nothing"
    echo(f"graded {len(subs)} submissions in {wall:.1f} s; mean {summary['mean_percent']:.2f}%; most failed: {most}")
    echo(f"wrote {outdir / 'grades.csv'}, {outdir / 'summary.md'}, {outdir / 'class.html'} and NAME/results.json")
    return ordered, summary


def _describe_isolation(m: Manifest, netns: bool) -> str:
    probe = Sandbox("probe", m.max_processes, m.max_memory_mb, netns=netns)
    try:
        return probe.describe()
    finally:
        probe.kill_all(timeout=0.5)


def _class_report(outdir: Path, subs: list[Submission], echo) -> None:
    loaded = []
    for s in subs:
        try:
            loaded.append(reports.load(outdir / s.name / "report.json"))
        except reports.ReportError:
            continue
    if not loaded:
        return
    try:
        merged = reports.merge(loaded)
    except reports.ReportError as exc:
        echo(f"note: no class report: {exc}")
        return
    reports.write_json(outdir / "class.json", merged)
    from conformance.html_report import write_html

    write_html(outdir / "class-matrix.html", merged, split=True)


def cmd_grade(args) -> int:
    """``python -m conformance grade MANIFEST``: exit 0 when every submission was graded, 2 on a bad manifest."""
    try:
        m = load(Path(args.manifest))
    except ManifestError as exc:
        print(f"conformance: error: {exc}", file=sys.stderr)
        return 2
    unknown = [n for n in args.only if n not in {s.name for s in m.submissions}]
    if unknown:
        print(f"conformance: error: --only {unknown[0]!r}: no such submission in {args.manifest}", file=sys.stderr)
        return 2
    outdir = Path(args.output).resolve() if args.output else m.output
    parallel = args.numprocesses or m.parallel
    only = list(args.only)
    if args.shard:
        try:
            k, n = (int(x) for x in args.shard.split("/"))
            if not 1 <= k <= n:
                raise ValueError
        except ValueError:
            print(f"conformance: error: --shard {args.shard!r}: expected K/N with 1 <= K <= N", file=sys.stderr)
            return 2
        share = [s.name for i, s in enumerate(m.submissions) if i % n == k - 1 and (not only or s.name in only)]
        if not share:
            print(f"conformance: error: --shard {args.shard}: no submission falls in this shard", file=sys.stderr)
            return 2
        only = share

    def echo(line: str) -> None:
        print(line, flush=True)

    run(m, parallel=parallel, outdir=outdir, only=only, echo=echo, rescore=args.rescore)
    return 0
