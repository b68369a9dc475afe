"""``python -m conformance``: run the conformance matrix, or list the scenario catalog.

    python -m conformance run [--server SPEC]... [--client SPEC]... [-n N] [--json FILE] [--junitxml FILE]
    python -m conformance list [--protocol P] [--markdown]

``run`` runs the scenarios with pytest (in this process) and exits 0 when every applicable scenario
passed, 1 when some failed, 2 on a usage or harness error (DESIGN §6).  Any option it does not know is
passed to pytest unchanged (``-k``, ``-x``, ``--randomly-seed``...).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import textwrap
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def _ensure_checkout_on_path() -> None:
    root = str(PROJECT_ROOT)
    if sys.path[0:1] != [root]:
        sys.path.insert(0, root)


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
    run.add_argument("--conformance-timeout", type=float, metavar="SECONDS")
    run.add_argument("--client-timeout", type=float, metavar="SECONDS")
    run.add_argument("--startup-timeout", type=float, metavar="SECONDS")
    run.add_argument("--seed", type=int)
    run.add_argument("-v", "--verbose", action="store_true", help="one line per scenario")
    lst = sub.add_parser("list", help="print the scenario catalog with requirement ids")
    lst.add_argument("--protocol", action="append", default=[])
    lst.add_argument("--markdown", action="store_true", help="as a Markdown table")
    return p


def main(argv: list[str] | None = None) -> int:
    _ensure_checkout_on_path()
    args, extra = _parser().parse_known_args(argv)
    if args.command == "list":
        if extra:
            print(f"conformance: error: unknown arguments {' '.join(extra)}", file=sys.stderr)
            return 2
        return cmd_list(args)
    return cmd_run(args, extra)


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
    from fixtures.targets import parse_spec

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
        pytest_args = [str(PROJECT_ROOT / "conformance" / "scenarios"), "-p", "no:randomly", "-p", "no:cacheprovider",
                       "--rootdir", str(PROJECT_ROOT), "--json", str(json_path), "--no-header"]
        pytest_args += ["-v"] if args.verbose else ["-q"]
        for text in args.server:
            pytest_args += ["--server", text]
        for text in args.client:
            pytest_args += ["--client", text]
        for proto in args.protocol:
            pytest_args += ["--protocol", proto]
        for opt in ("conformance_timeout", "client_timeout", "startup_timeout", "seed"):
            value = getattr(args, opt)
            if value is not None:
                pytest_args += ["--" + opt.replace("_", "-"), str(value)]
        if args.numprocesses not in (None, "0"):
            pytest_args += ["-n", str(args.numprocesses)]
        if args.junitxml:
            pytest_args += ["--junitxml", args.junitxml]
        pytest_args += extra
        code = pytest.main(pytest_args)
        if code in (pytest.ExitCode.USAGE_ERROR, pytest.ExitCode.INTERNAL_ERROR, pytest.ExitCode.INTERRUPTED):
            return 2
        if code == pytest.ExitCode.NO_TESTS_COLLECTED:
            print("conformance: no scenario matched the targets and filters given", file=sys.stderr)
            return 2
        try:
            totals = json.loads(json_path.read_text())["totals"]
        except (OSError, ValueError, KeyError):
            return 2
    status = exit_status(totals)
    if os.environ.get("NETCONFORMANCE_DEBUG"):
        print(f"conformance: exit {status} (pytest {int(code)})", file=sys.stderr)
    return status
