"""``netconformance`` (also ``python -m conformance``): run the conformance matrix, list the scenario
catalog, write and apply baselines, merge and render reports, grade many submissions.

    netconformance run [--server SPEC]... [--client SPEC]... [-n N] [--strict] [--seed N] [--baseline FILE]
                       [--json FILE] [--junitxml FILE] [--html FILE] [-- PYTEST-ARGS...]
    netconformance list [--protocol P] [--scenario ID] [--requirement ID] [--markdown]
    netconformance baseline REPORT.json -o KNOWN.toml
    netconformance merge A.json B.json... -o ALL.json [--html FILE]
    netconformance html REPORT.json -o REPORT.html
    netconformance grade MANIFEST.toml [-n N] [-o DIR]       (see conformance.grade)

``run`` exits 0 when every applicable scenario passed (failed SHOULD/de-facto requirements are warnings:
they count only with ``--strict``; with ``--baseline`` only new failures count), 1 when one failed, 2 on a
usage or harness error (docs/design.md).  Usage errors are one line on stderr.
"""

from __future__ import annotations

import argparse
import sys
import textwrap
from pathlib import Path

from conformance import __version__
from conformance.options import add_to_argparse

PROG = "netconformance"


class _Parser(argparse.ArgumentParser):
    """argparse with one-line errors (``netconformance run: error: ...``) and exit status 2."""

    def error(self, message: str):  # noqa: D401 - argparse's signature
        self.exit(2, f"{self.prog}: error: {message} (see {self.prog} --help)\n")


def _parser() -> argparse.ArgumentParser:
    p = _Parser(prog=PROG, description="Protocol conformance suite for echo, daytime, time, gopher, HTTP/1.0 and SMTP.")
    p.add_argument("--version", action="version", version=f"{PROG} {__version__}")
    sub = p.add_subparsers(dest="command", required=True, parser_class=_Parser)
    run = sub.add_parser("run", help="run the scenarios against targets (default: the references)",
                         description="Run the scenarios against targets. Options of pytest itself go after `--` "
                                     "(the common ones, -k -m -x --maxfail --tx -d, are also taken before it).")
    add_to_argparse(run)
    run.add_argument("-n", "--numprocesses", default=None, metavar="N",
                     help="parallel workers (pytest-xdist), e.g. 4 or auto (default: four a core, at most 8, for a run of 16 scenarios or more, else 1: a whole run mostly waits; docs/performance.md)")
    run.add_argument("--junitxml", metavar="FILE", help="write a JUnit XML report (one testcase per scenario id)")
    run.add_argument("--strict", action="store_true",
                     help="failed SHOULD/de-facto requirements fail the run (default: warnings, exit 0)")
    run.add_argument("-v", "--verbose", action="store_true", help="one line per scenario")
    lst = sub.add_parser("list", help="print the scenario catalog with requirement ids",
                         description="Print the scenario catalog: ids, requirements, where each scenario is defined.")
    lst.add_argument("--protocol", action="append", default=[], help="only this protocol (repeatable)")
    lst.add_argument("--scenario", action="append", default=[], metavar="ID", help="only these scenario ids (id, prefix or glob)")
    lst.add_argument("--requirement", action="append", default=[], metavar="ID",
                     help="only scenarios checking this requirement (id, prefix or glob)")
    lst.add_argument("--markdown", action="store_true", help="as a Markdown table")
    base = sub.add_parser("baseline", help="write the failures of a JSON report as a baseline of known failures",
                          description="Write a baseline (TOML) of the failures in a JSON report, for `run --baseline`.")
    base.add_argument("report", metavar="REPORT.json")
    base.add_argument("-o", "--output", required=True, metavar="KNOWN.toml", help="the baseline file to write")
    mrg = sub.add_parser("merge", help="merge the JSON reports of shards into one")
    mrg.add_argument("reports", nargs="+", metavar="REPORT.json")
    mrg.add_argument("-o", "--output", required=True, metavar="FILE", help="the merged JSON report")
    mrg.add_argument("--html", metavar="FILE", help="also write the merged HTML report")
    mrg.add_argument("--strict", action="store_true", default=None, help="grade warnings as failures")
    htm = sub.add_parser("html", help="render a JSON report as the self-contained HTML report")
    htm.add_argument("report", metavar="REPORT.json")
    htm.add_argument("-o", "--output", required=True, metavar="FILE", help="the HTML file to write")
    grd = sub.add_parser("grade", help="grade many submissions listed in a TOML manifest")
    grd.add_argument("manifest", metavar="MANIFEST.toml")
    grd.add_argument("-n", "--numprocesses", type=int, default=None, help="submissions graded at once (default: manifest, else 2)")
    grd.add_argument("-o", "--output", default=None, metavar="DIR", help="where to write the results (default: manifest's, else ./grades)")
    grd.add_argument("--only", action="append", default=[], metavar="NAME", help="grade only this submission (repeatable)")
    grd.add_argument("--shard", default=None, metavar="K/N",
                     help="grade only the K-th of N interleaved shares of the submissions (spread a class over N machines)")
    grd.add_argument("--rescore", action="store_true",
                     help="run nothing: score again from the NAME/ directories already in the output directory "
                          "(gathered shards, or changed weights)")
    return p


def main(argv: list[str] | None = None) -> int:
    if argv is None:
        import signal

        signal.signal(signal.SIGPIPE, signal.SIG_DFL)  # `netconformance list | head` ends quietly
    argv = sys.argv[1:] if argv is None else list(argv)
    parser = _parser()
    if argv[:1] == ["run"]:
        from conformance.runner import split_pytest_args

        ours, extra, problem = split_pytest_args(argv[1:])
        if problem:
            print(f"{PROG} run: error: {problem}", file=sys.stderr)
            return 2
        args = parser.parse_args(["run", *ours])
        from conformance.runner import cmd_run

        return cmd_run(args, extra)
    args = parser.parse_args(argv)
    if args.command == "list":
        return cmd_list(args)
    if args.command == "baseline":
        from conformance.baseline import cmd_baseline

        return cmd_baseline(args)
    if args.command == "merge":
        return cmd_merge(args)
    if args.command == "html":
        return cmd_html(args)
    from conformance.grade.runner import cmd_grade

    return cmd_grade(args)


def cmd_merge(args) -> int:
    from conformance import report
    from conformance.html_report import write_html

    try:
        merged = report.merge([report.load(Path(p)) for p in args.reports],
                              grading=None if args.strict is None else "strict")
    except report.ReportError as exc:
        print(f"{PROG}: error: {exc}", file=sys.stderr)
        return 2
    report.write_json(Path(args.output), merged)
    if args.html:
        write_html(Path(args.html), merged)
    t = merged["totals"]
    print(f"merged {len(args.reports)} reports: {len(merged['results'])} results, {t['passed']} passed, "
          f"{merged['grades']['fail']} failed, {merged['grades']['warning']} warnings, {t['error']} errors -> {args.output}")
    return merged["status"]


def cmd_html(args) -> int:
    from conformance import report
    from conformance.html_report import write_html

    try:
        data = report.load(Path(args.report))
    except report.ReportError as exc:
        print(f"{PROG}: error: {exc}", file=sys.stderr)
        return 2
    write_html(Path(args.output), data)
    return 0


def cmd_list(args) -> int:
    import inspect

    from conformance.registry import load_all
    from conformance.requirements import REQUIREMENTS
    from netconformance_fixtures.selection import selected

    scenarios = sorted(load_all().values(), key=lambda s: (s.protocol, s.role, s.category, s.id))
    scenarios = [s for s in scenarios if (not args.protocol or s.protocol in args.protocol)
                 and selected(s, args.scenario, args.requirement)]
    if not scenarios:
        print(f"{PROG} list: error: no scenario matches the filters given", file=sys.stderr)
        return 2
    if args.markdown:
        print("| scenario | protocol | role | transports | category | requirements | checks |")
        print("| --- | --- | --- | --- | --- | --- | --- |")
        for s in scenarios:
            print(f"| `{s.id}` | {s.protocol} | {s.role} | {'/'.join(s.transports)} | {s.category} | "
                  f"{', '.join(s.requirements)} | {s.title} |")
        return 0
    where = bool(args.scenario or args.requirement)
    for s in scenarios:
        print(f"{s.id}  [{s.protocol} {s.role} {'/'.join(s.transports)}; {s.category}]")
        print(f"    {s.title}")
        if where:
            module, _, name = s.function.rpartition(".")
            fn = getattr(sys.modules[module], name)
            fn = inspect.unwrap(fn)
            print(f"    defined at {inspect.getsourcefile(fn)}:{inspect.getsourcelines(fn)[1]}")
        for rid in s.requirements:
            r = REQUIREMENTS[rid]
            print(textwrap.fill(f"{rid} ({r.strength}, {r.ref}): {r.text}", 100,
                                initial_indent="    - ", subsequent_indent="      "))
    print(f"\n{len(scenarios)} scenarios")
    return 0
