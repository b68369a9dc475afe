"""``python -m conformance``: run the conformance matrix, list the scenario catalog, merge and render
reports, grade many submissions.

    python -m conformance run [--server SPEC]... [--client SPEC]... [-n N] [--strict] [--seed N]
                              [--json FILE] [--junitxml FILE] [--html FILE]
    python -m conformance list [--protocol P] [--markdown]
    python -m conformance merge A.json B.json... -o ALL.json [--html FILE]
    python -m conformance html REPORT.json -o REPORT.html
    python -m conformance grade MANIFEST.toml [-n N] [-o DIR]       (see conformance.grade)

``run`` runs the scenarios with pytest (in this process) and exits 0 when every applicable scenario
passed (failed SHOULD/de-facto requirements are warnings: they count only with ``--strict``), 1 when one
failed, 2 on a usage or harness error (DESIGN §6).  Any option it does not know is passed to pytest
unchanged (``-k``, ``-x``, ``--tx``...).  ``merge`` exits like ``run`` would have on the merged results.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import textwrap
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent
SCENARIOS = PACKAGE / "scenarios"
#: the pytest configuration of a ``run``, so a user's own pytest.ini or pyproject.toml (found above an
#: installation inside their project) cannot change the conformance run
RUN_INI = PACKAGE / "run.ini"


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m conformance", description="Protocol conformance suite.")
    sub = p.add_subparsers(dest="command", required=True)
    run = sub.add_parser("run", help="run the scenarios against targets (default: the references)")
    run.add_argument("--server", action="append", default=[], metavar="PROTO[/TRANSPORT]=SPEC")
    run.add_argument("--client", action="append", default=[], metavar="PROTO[/TRANSPORT]=SPEC")
    run.add_argument("--protocol", action="append", default=[], metavar="PROTO")
    run.add_argument("-n", "--numprocesses", default=None, help="parallel workers (pytest-xdist), e.g. 2 or auto")
    run.add_argument("--json", metavar="FILE", help="write the JSON report")
    run.add_argument("--junitxml", metavar="FILE", help="write a JUnit XML report")
    run.add_argument("--html", metavar="FILE", help="write the self-contained HTML report")
    run.add_argument("--strict", action="store_true",
                     help="failed SHOULD/de-facto requirements fail the run (default: warnings, exit 0)")
    run.add_argument("--conformance-timeout", type=float, metavar="SECONDS")
    run.add_argument("--client-timeout", type=float, metavar="SECONDS")
    run.add_argument("--startup-timeout", type=float, metavar="SECONDS")
    run.add_argument("--seed", type=int)
    run.add_argument("--smtp-domain", metavar="DOMAIN",
                     help="mail domain of the SMTP recipients; a server under test must accept it (default example.test)")
    run.add_argument("-v", "--verbose", action="store_true", help="one line per scenario")
    lst = sub.add_parser("list", help="print the scenario catalog with requirement ids")
    lst.add_argument("--protocol", action="append", default=[])
    lst.add_argument("--markdown", action="store_true", help="as a Markdown table")
    mrg = sub.add_parser("merge", help="merge the JSON reports of shards into one")
    mrg.add_argument("reports", nargs="+", metavar="REPORT.json")
    mrg.add_argument("-o", "--output", required=True, metavar="FILE", help="the merged JSON report")
    mrg.add_argument("--html", metavar="FILE", help="also write the merged HTML report")
    mrg.add_argument("--strict", action="store_true", default=None, help="grade warnings as failures")
    htm = sub.add_parser("html", help="render a JSON report as the self-contained HTML report")
    htm.add_argument("report", metavar="REPORT.json")
    htm.add_argument("-o", "--output", required=True, metavar="FILE")
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
    args, extra = _parser().parse_known_args(argv)
    if args.command != "run" and extra:
        print(f"conformance: error: unknown arguments {' '.join(extra)}", file=sys.stderr)
        return 2
    if args.command == "list":
        return cmd_list(args)
    if args.command == "merge":
        return cmd_merge(args)
    if args.command == "html":
        return cmd_html(args)
    if args.command == "grade":
        from conformance.grade.runner import cmd_grade

        return cmd_grade(args)
    return cmd_run(args, extra)


def cmd_merge(args) -> int:
    from conformance import report
    from conformance.html_report import write_html

    try:
        merged = report.merge([report.load(Path(p)) for p in args.reports],
                              grading=None if args.strict is None else "strict")
    except report.ReportError as exc:
        print(f"conformance: error: {exc}", file=sys.stderr)
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
        print(f"conformance: error: {exc}", file=sys.stderr)
        return 2
    write_html(Path(args.output), data)
    return 0


def cmd_list(args) -> int:
    from conformance.registry import load_all
    from conformance.requirements import REQUIREMENTS

    scenarios = sorted(load_all().values(), key=lambda s: (s.protocol, s.role, s.category, s.id))
    if args.protocol:
        scenarios = [s for s in scenarios if s.protocol in args.protocol]
    if args.markdown:
        print("| scenario | protocol | role | transports | category | requirements | checks |")
        print("| --- | --- | --- | --- | --- | --- | --- |")
        for s in scenarios:
            print(f"| `{s.id}` | {s.protocol} | {s.role} | {'/'.join(s.transports)} | {s.category} | "
                  f"{', '.join(s.requirements)} | {s.title} |")
        return 0
    for s in scenarios:
        print(f"{s.id}  [{s.protocol} {s.role} {'/'.join(s.transports)}; {s.category}]")
        print(f"    {s.title}")
        for rid in s.requirements:
            r = REQUIREMENTS[rid]
            print(textwrap.fill(f"{rid} ({r.strength}, {r.ref}): {r.text}", 100,
                                initial_indent="    - ", subsequent_indent="      "))
    print(f"\n{len(scenarios)} scenarios")
    return 0


def cmd_run(args, extra: list[str]) -> int:
    import pytest

    from conformance.errors import TargetSpecError
    from conformance.report import exit_status
    from netconformance_fixtures.targets import parse_spec

    try:
        for text in args.server:
            parse_spec("server", text)
        for text in args.client:
            parse_spec("client", text)
    except TargetSpecError as exc:
        print(f"conformance: error: {exc}", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory(prefix="netconformance-") as tmp:
        json_path = Path(args.json) if args.json else Path(tmp) / "report.json"
        pytest_args = [str(SCENARIOS), "-c", str(RUN_INI), "--rootdir", str(SCENARIOS), "--json", str(json_path),
                       "--no-header"]
        pytest_args += ["-v"] if args.verbose else ["-q"]
        for text in args.server:
            pytest_args += ["--server", text]
        for text in args.client:
            pytest_args += ["--client", text]
        for proto in args.protocol:
            pytest_args += ["--protocol", proto]
        for opt in ("conformance_timeout", "client_timeout", "startup_timeout", "seed", "smtp_domain"):
            value = getattr(args, opt)
            if value is not None:
                pytest_args += ["--" + opt.replace("_", "-"), str(value)]
        if args.numprocesses not in (None, "0"):
            pytest_args += ["-n", str(args.numprocesses)]
        if args.junitxml:
            pytest_args += ["--junitxml", args.junitxml]
        if args.html:
            pytest_args += ["--conformance-html", args.html]
        pytest_args += ["--grading", "strict" if args.strict else "lenient"]
        pytest_args += extra
        code = pytest.main(pytest_args)
        if code in (pytest.ExitCode.USAGE_ERROR, pytest.ExitCode.INTERNAL_ERROR, pytest.ExitCode.INTERRUPTED):
            return 2
        if code == pytest.ExitCode.NO_TESTS_COLLECTED:
            print("conformance: no scenario matched the targets and filters given", file=sys.stderr)
            return 2
        try:
            data = json.loads(json_path.read_text())
            status = exit_status(data)
        except (OSError, ValueError, KeyError):
            return 2
    if os.environ.get("NETCONFORMANCE_DEBUG"):
        print(f"conformance: exit {status} (pytest {int(code)})", file=sys.stderr)
    return status
