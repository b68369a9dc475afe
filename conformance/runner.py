"""``netconformance run``: the scenarios, run by pytest in this process, with the CLI's options.

The CLI parses its options once (:mod:`conformance.options`, the table the pytest plugin also uses) and
hands the values to pytest through :class:`_CliRun`, a plugin object given to ``pytest.main``: it sets
them on ``config.option`` before any ``pytest_configure`` runs (the plugin hands them to pytest-xdist's
workers), passes the target specs it parsed, prints the run's header and keeps the results in memory.
The exit status comes from those results, not from a report read back from disk.
"""

from __future__ import annotations

import functools
import os
import sys
import time
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent
SCENARIOS = PACKAGE / "scenarios"
#: the pytest configuration of a run, so a user's own pytest.ini or pyproject.toml (found above an
#: installation inside their project) cannot change a conformance run
RUN_INI = PACKAGE / "run.ini"

#: pytest options taken before ``--`` as well: flag -> whether it takes a value
PYTEST_FLAGS = {"-k": True, "-m": True, "-x": False, "--exitfirst": False, "--maxfail": True, "--tx": True,
                "-d": False, "--dist": True, "-p": True, "-r": True, "--timeout": True, "-s": False, "--tb": True,
                "--durations": True, "-W": True, "--basetemp": True, "-o": True, "--pcap-dir": True, "-q": False}


def split_pytest_args(argv: list[str]) -> tuple[list[str], list[str], str | None]:
    """``(our arguments, pytest's, problem)``: pytest's are those after ``--`` and the flags of
    :data:`PYTEST_FLAGS` (with their values); ``problem`` names the first option neither knows."""
    from conformance.options import RUN_OPTIONS

    ours_flags = {f for o in RUN_OPTIONS for f in o.flags} | {"-n", "--numprocesses", "--junitxml", "--strict",
                                                               "-v", "--verbose", "-h", "--help"}
    ours, extra = [], []
    i = 0
    while i < len(argv):
        word = argv[i]
        if word == "--":
            extra += argv[i + 1:]
            break
        flag = word.split("=", 1)[0]
        if flag in PYTEST_FLAGS or (flag[:2] in PYTEST_FLAGS and not flag.startswith("--") and len(flag) > 2):
            takes = PYTEST_FLAGS.get(flag, PYTEST_FLAGS.get(flag[:2], False))
            extra.append(word)
            if takes and "=" not in word and flag in PYTEST_FLAGS:
                if i + 1 < len(argv):
                    extra.append(argv[i + 1])
                i += 1
            i += 1
            continue
        if word.startswith("-") and flag not in ours_flags:
            import difflib

            close = difflib.get_close_matches(flag, sorted(ours_flags | set(PYTEST_FLAGS)), n=1)
            hint = f"; did you mean {close[0]}?" if close else ""
            return ours, extra, f"unknown option {flag}{hint} (options of pytest itself go after --; see netconformance run --help)"
        ours.append(word)
        i += 1
    return ours, extra, None


#: a run of at least this many scenarios gets :func:`default_workers`' many workers when ``-n`` is not given
MANY_SCENARIOS = 16
#: most workers a run starts by default
MAX_DEFAULT_WORKERS = 8
#: default workers per core for a large run: it mostly waits, and a worker forked from the zygote is cheap (the
#: reference matrix on 2 cores: 29 s at 4 workers, 22.5 s at 6, 19.6 s at 8, 10 random-order runs at 8 all
#: alike; docs/performance.md, session 13)
WORKERS_PER_CORE = 4


def selection(args, specs) -> list:
    """The scenarios (:class:`~conformance.registry.ScenarioMeta`) a run selects by protocol, target role,
    scenario and requirement (before ``-k``/``-m``)."""
    from conformance.registry import load_all
    from netconformance_fixtures.selection import selected

    protocols = set(args.protocol) or {s.protocol for s in specs} or None
    roles = {(s.protocol, s.role) for s in specs}  # a protocol given targets runs only their roles
    targeted = {p for p, _ in roles}
    return [meta for meta in load_all().values()
            if (protocols is None or meta.protocol in protocols)
            and (meta.protocol not in targeted or (meta.protocol, meta.role) in roles)
            and selected(meta, args.nc_scenario, args.nc_requirement)]


def preload_workers(raw: bool, protocols=None) -> None:
    """Import what a run's xdist worker needs before its first scenario: pytest-xdist's worker side, what a
    pytest session imports once started (:func:`~netconformance_fixtures.workerfork.preload_pytest_session`),
    the run's plugins and the modules they import lazily, every scenario module, the reference servers of
    ``protocols`` (names; None: all), and with ``raw`` the packet layer (scapy, ~0.5 s of CPU).  Called in
    the worker zygote (:class:`~netconformance_fixtures.workerfork.WorkerZygote`), once for all workers."""
    import execnet  # noqa: F401
    import pytest_timeout  # noqa: F401
    import xdist.newhooks  # noqa: F401
    import xdist.remote  # noqa: F401

    from conformance import options, report, reportplugin  # noqa: F401
    from conformance.protocols import PROTOCOLS
    from conformance.registry import load_all
    from netconformance_fixtures import outcomes, plugin, rawplugin, scenariofixtures, selection, userfixtures  # noqa: F401
    from netconformance_fixtures.workerfork import preload_pytest_session

    preload_pytest_session()
    load_all()
    for name, proto in PROTOCOLS.items():
        if protocols is None or name in protocols:
            proto.load_server_class()
    if raw:
        from netconformance_fixtures.rawnet import tcp, udp  # noqa: F401


def default_workers(args, specs, extra: list[str]) -> tuple[int, str]:
    """``(workers, why)`` for a run without ``-n``.

    A whole run mostly waits on timers (peers that stall, clients' own wait limits), so workers above the
    cores pay off: :data:`WORKERS_PER_CORE` a core (at most :data:`MAX_DEFAULT_WORKERS`) once the selection has
    :data:`MANY_SCENARIOS` scenarios; a smaller run, or one narrowed by ``-k``/``-m`` (whose size is not
    known before collection), stays in one process, since each worker costs about a second of CPU to start
    (docs/performance.md, "Default worker count")."""
    if any(e.startswith(("-k", "-m")) for e in extra):
        return 1, "-k/-m narrows the run"
    count = len(selection(args, specs))
    try:
        cores = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        cores = os.cpu_count() or 1
    if count < MANY_SCENARIOS:
        return 1, f"{count} scenario{'' if count == 1 else 's'}"
    return min(WORKERS_PER_CORE * cores, MAX_DEFAULT_WORKERS), f"{count} scenarios on {cores} cores"


class _CliRun:
    """The plugin object of one ``netconformance run`` (see the module docstring)."""

    def __init__(self, values: dict, specs: list) -> None:
        self.values, self.specs = values, specs
        self.config = None
        self.started = time.monotonic()

    @pytest.hookimpl(tryfirst=True)
    def pytest_cmdline_main(self, config) -> None:  # after parsing, before any pytest_configure
        from netconformance_fixtures.plugin import PARSED_SPECS, PREFLIGHT_DONE, PRESET

        for dest, value in self.values.items():
            setattr(config.option, dest, value)
        config.stash[PRESET] = dict(self.values)
        config.stash[PARSED_SPECS] = tuple(self.specs)
        config.stash[PREFLIGHT_DONE] = True
        self.config = config

    @pytest.hookimpl(trylast=True)
    def pytest_sessionstart(self, session) -> None:
        from netconformance_fixtures.plugin import header_lines
        from netconformance_fixtures.rawnet import tiers

        reporter = session.config.pluginmanager.get_plugin("terminalreporter")
        if reporter is not None:
            reporter.summary_stats = lambda: None  # one set of totals: the suite's (pytest's would count differently)
            for line in [*header_lines(session.config), tiers.current().describe()]:
                reporter.write_line(line)


def cmd_run(args, extra: list[str]) -> int:
    from conformance import baseline as baselines
    from conformance import report
    from conformance.errors import TargetSpecError
    from conformance.options import preset
    from netconformance_fixtures.plugin import run_config
    from netconformance_fixtures.targets import parse_spec

    try:
        specs = [parse_spec("server", t) for t in args.server] + [parse_spec("client", t) for t in args.client]
    except TargetSpecError as exc:
        print(f"netconformance run: error: {exc}", file=sys.stderr)
        return 2
    from netconformance_fixtures.selection import UsageProblem, preflight

    try:
        preflight(scenarios=args.nc_scenario, requirements=args.nc_requirement, specs=specs,
                  protocols=set(args.protocol) or None, timeout=args.conformance_timeout or 0.5,
                  outputs={"--json": args.netconformance_json, "--html": args.netconformance_html,
                           "--junitxml": args.junitxml})
    except UsageProblem as exc:
        print(f"netconformance run: error: {exc}", file=sys.stderr)
        return 2
    known = None
    if args.nc_baseline:
        try:
            known = baselines.load(Path(args.nc_baseline))
        except baselines.BaselineError as exc:
            print(f"netconformance run: error: {exc}", file=sys.stderr)
            return 2
    values = preset(args)
    values["grading"] = "strict" if args.strict else "lenient"
    pytest_args = [str(SCENARIOS), "-c", str(RUN_INI), "--rootdir", str(SCENARIOS), "-rs"]
    pytest_args += ["-v"] if args.verbose else ["-q"]
    workers = args.numprocesses
    if workers is None:
        chosen, why = default_workers(args, specs, extra)
        workers = str(chosen) if chosen > 1 else None
        print(f"netconformance: {chosen} worker{'s' if chosen > 1 else ''} ({why}; -n N chooses)")
    if workers not in (None, "0"):
        pytest_args += ["-n", str(workers)]
    if args.junitxml:
        pytest_args += ["--junitxml", args.junitxml]
    run = _CliRun(values, specs)
    plugins: list = [run]
    zygote = None
    if workers not in (None, "0"):  # the workers are forks of a zygote that has imported what they need
        from netconformance_fixtures.workerfork import WorkerZygote

        chosen = selection(args, specs)
        raw = any(meta.category == "raw-packets" for meta in chosen)
        zygote = WorkerZygote.start(functools.partial(preload_workers, raw, {meta.protocol for meta in chosen}))
        plugins += [zygote.plugin()] if zygote else []
    try:
        code = pytest.main(pytest_args + extra, plugins=plugins)
    finally:
        if zygote is not None:
            zygote.stop()
    if code in (pytest.ExitCode.USAGE_ERROR, pytest.ExitCode.INTERNAL_ERROR, pytest.ExitCode.INTERRUPTED):
        return 2
    if code == pytest.ExitCode.NO_TESTS_COLLECTED or run.config is None:
        print("netconformance run: error: no scenario matched the targets and filters given", file=sys.stderr)
        return 2
    rc = run_config(run.config)
    data = report.build(rc)
    status = data["status"]
    if known is not None:
        status, lines = baselines.apply(data, known)
        for line in lines:
            print(line)
    t, g = data["totals"], data["grades"]
    print(f"netconformance: {len(data['results'])} results: {t['passed']} passed, {t['failed']} failed "
          f"({g['fail']} MUST, {g['warning']} warnings, {g['info']} info), {t['not-applicable']} not applicable, "
          f"{t['skipped']} skipped, {t['error']} errors in {time.monotonic() - run.started:.1f} s; exit {status}")
    if os.environ.get("NETCONFORMANCE_DEBUG"):
        print(f"netconformance: exit {status} (pytest {int(code)})", file=sys.stderr)
    return status
