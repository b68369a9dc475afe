"""What the reference matrix costs, against what it must cost (issue 13, "Speed").

Not run by CI.  From one run with alternating rounds (the machine is shared and its load moves, so only
numbers taken side by side are compared, and as ratios):

(a) the median duration of a client scenario that does not wait (reference client, category
    ``protocol``, outcome ``passed``, from the JSON report's ``duration``) against a bare interpreter
    start (``python3 -I -c pass``) timed in the same rounds, as a ratio;
(b) the wall time of the whole reference matrix (``netconformance run -n N --json ...``) against its wait
    floor: the sum of the deliberate waits, divided by the workers (and at least the longest single
    wait).  The waits are estimated by scaling: every deliberate wait is a multiple of
    ``--conformance-timeout`` T, so a scenario's duration at T minus its duration at T/2 is half its
    waits at T.  Fixed waits that do not scale with T (5 ms gaps between fragments, say) are not
    counted, so the floor is a lower bound.  Each run's CPU (user + system of the run and everything it
    started and waited for) is printed too, with a second bound: that CPU spread over this machine's
    cores.  The wall time against the larger of the two bounds says how well a run overlaps its waits
    with its work; against the wait floor alone it cannot reach 1 once the CPU bound is the larger.

With ``--compare`` every matrix run is made twice per round, with the reference clients run through the
fork server and with a new interpreter each (``NETCONFORMANCE_FORKSERVER=0``), in alternating order;
``--compare --switch NETCONFORMANCE_WORKER_ZYGOTE`` compares the run's workers forked from its zygote with
workers that are new interpreters instead.

    python benchmarks/matrix.py [--rounds 2] [--workers 1 2 4] [--compare [--switch VAR]] [--no-floor] [--bare 8]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def load() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def bare_start(count: int) -> list[float]:
    """Seconds of ``python3 -I -c pass``, ``count`` times."""
    out = []
    for _ in range(count):
        started = time.perf_counter()
        subprocess.run(["python3", "-I", "-c", "pass"], check=True)
        out.append(time.perf_counter() - started)
    return out


#: ``--before DIR``: the "off" runs use this source tree (``DIR/pp/netconformance_fixtures`` linking to
#: ``DIR/fixtures``) instead of the fork server switched off
BEFORE: Path | None = None
#: ``--switch VAR``: the variable ``--compare`` sets to 0 for the "off" runs
SWITCH = "NETCONFORMANCE_FORKSERVER"


#: CPU seconds (user + system) of every ``matrix`` call, in call order: the run and everything it started
#: and waited for (its workers, zygote, fork servers and their children, reference servers)
CPU: list[float] = []


def children_cpu() -> float:
    ru = resource.getrusage(resource.RUSAGE_CHILDREN)
    return ru.ru_utime + ru.ru_stime


def matrix(workers: int, report: Path, *, forkserver: bool = True, timeout: float | None = None,
           select: list[str] | None = None) -> float:
    """Wall seconds of one ``netconformance run`` of the whole reference matrix; its CPU seconds are
    appended to ``CPU``."""
    env = {**os.environ, SWITCH: "1" if forkserver else "0"} if BEFORE is None else dict(os.environ)
    cwd = ROOT
    if BEFORE is not None and not forkserver:
        env["PYTHONPATH"] = f"{BEFORE / 'pp'}{os.pathsep}{BEFORE}"
        cwd = BEFORE
    cmd = [sys.executable, "-m", "conformance", "run", "-n", str(workers), "--json", str(report)]
    if timeout is not None:
        cmd += ["--conformance-timeout", f"{timeout:g}"]
    cmd += select or []
    started, cpu = time.perf_counter(), children_cpu()
    proc = subprocess.run(cmd, env=env, cwd=cwd, capture_output=True, text=True)
    wall = time.perf_counter() - started
    CPU.append(children_cpu() - cpu)
    if proc.returncode not in (0, 1):
        sys.exit(f"netconformance run -n {workers} exited {proc.returncode}: {proc.stdout[-2000:]}{proc.stderr[-2000:]}")
    return wall


def results(report: Path) -> list[dict]:
    return json.loads(report.read_text())["results"]


def client_no_wait(rs: list[dict]) -> list[float]:
    return [r["duration"] for r in rs if r["role"] == "client" and r["category"] == "protocol" and r["outcome"] == "passed"]


def phases(rs: list[dict]) -> dict[str, float]:
    """Where a client scenario's time goes, from its transcript (medians over the client scenarios that
    do not wait): ``start`` from the "run client" note to the first wire event (the client starting and
    connecting), ``exchange`` from the first to the last wire event, ``exit`` from the last wire event to
    the "client exited" note (the client finishing, the harness seeing it and killing its group and kill
    domain), ``rest`` after that note (checks, peer shutdown, the harness's own bookkeeping) plus before
    the run note (peer start)."""
    parts: dict[str, list[float]] = {"before": [], "start": [], "exchange": [], "exit": [], "after": []}
    for r in rs:
        if not (r["role"] == "client" and r["category"] == "protocol" and r["outcome"] == "passed"):
            continue
        events = (r.get("transcript") or {}).get("events") or []
        run = next((e["t"] for e in events if e["dir"] == "note" and e["text"].startswith("run client")), None)
        done = next((e["t"] for e in events if e["dir"] == "note" and e["text"].startswith("client ")
                     and not e["text"].startswith("client command")), None)
        wire = [e["t"] for e in events if e["dir"] in ("send", "recv")]
        if run is None or done is None or not wire:
            continue
        parts["before"].append(run)
        parts["start"].append(wire[0] - run)
        parts["exchange"].append(wire[-1] - wire[0])
        parts["exit"].append(done - wire[-1])
        parts["after"].append(r["duration"] - done)
    return {k: statistics.median(v) for k, v in parts.items() if v}


def label(mode: bool) -> str:
    if SWITCH != "NETCONFORMANCE_FORKSERVER" and (mode or BEFORE is None):
        return f"{SWITCH}={int(mode)}"
    return "fork server     " if mode else ("before          " if BEFORE is not None else "new interpreters")


def key(r: dict) -> tuple:
    return (r["scenario"], r["target"], r["transport"])


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--rounds", type=int, default=2)
    p.add_argument("--workers", type=int, nargs="+", default=[1, 2, 4])
    p.add_argument("--bare", type=int, default=8, help="bare interpreter starts timed around each matrix run")
    p.add_argument("--compare", action="store_true", help="also run every matrix without the fork server")
    p.add_argument("--no-floor", action="store_true", help="skip the runs at T/2 that estimate the wait floor")
    p.add_argument("--timeout", type=float, default=0.5, help="--conformance-timeout T (default 0.5)")
    p.add_argument("--phases", action="store_true",
                   help="only the client scenarios that do not wait, with and without the fork server: where their time goes")
    p.add_argument("--before", type=Path, metavar="DIR",
                   help="with --compare or --phases: run the other side from this source tree (an older checkout, with "
                        "DIR/pp/netconformance_fixtures linking to DIR/fixtures) instead of switching the fork server off")
    p.add_argument("--switch", default="NETCONFORMANCE_FORKSERVER", metavar="VAR",
                   help="with --compare: the variable set to 0 for the other side (default NETCONFORMANCE_FORKSERVER; "
                        "NETCONFORMANCE_WORKER_ZYGOTE: workers as new interpreters)")
    args = p.parse_args()
    global BEFORE, SWITCH
    SWITCH = args.switch
    BEFORE = args.before.resolve() if args.before else None
    if args.phases:
        return phase_rounds(args)

    modes = [True, False] if args.compare else [True]
    walls: dict[tuple[bool, int], list[float]] = {}
    cpus: dict[tuple[bool, int], list[float]] = {}
    clients: dict[tuple[bool, int], list[float]] = {}
    durations: dict[tuple, list[float]] = {}  # scenario key -> durations at T (fork server on)
    half: dict[tuple, list[float]] = {}  # ... at T/2
    bare: list[float] = []
    loads = [load()]
    with tempfile.TemporaryDirectory() as tmp:
        report = Path(tmp) / "r.json"
        for rnd in range(args.rounds):
            order = [(m, n) for n in args.workers for m in modes]
            if rnd % 2:
                order.reverse()
            for mode, n in order:
                bare += bare_start(args.bare // 2)
                wall = matrix(n, report, forkserver=mode, timeout=args.timeout)
                bare += bare_start(args.bare - args.bare // 2)
                rs = results(report)
                walls.setdefault((mode, n), []).append(wall)
                cpus.setdefault((mode, n), []).append(CPU[-1])
                clients.setdefault((mode, n), []).extend(client_no_wait(rs))
                if mode:
                    for r in rs:
                        durations.setdefault(key(r), []).append(r["duration"])
                print(f"round {rnd + 1}: -n {n} {label(mode).strip()}: {wall:.1f} s", flush=True)
            if not args.no_floor:
                n = 2 if 2 in args.workers else args.workers[0]
                matrix(n, report, timeout=args.timeout / 2)
                for r in results(report):
                    half.setdefault(key(r), []).append(r["duration"])
                print(f"round {rnd + 1}: -n {n} at T/2 (for the floor)", flush=True)
        loads.append(load())

    b = statistics.median(bare)
    print(f"\nload average (1, 5, 15 min) at start {loads[0]}, at end {loads[1]}")
    print(f"bare start, python3 -I -c pass: median {b * 1000:.0f} ms over {len(bare)}")
    print("\n(a) client scenario that does not wait (reference client, protocol, passed): median")
    for (mode, n), ds in sorted(clients.items(), key=lambda kv: (kv[0][1], not kv[0][0])):
        m = statistics.median(ds)
        print(f"  -n {n} {label(mode)}: {m * 1000:6.0f} ms = {m / b:5.2f} x bare start"
              f"  ({len(ds)} results)")
    print("\n(b) matrix wall time against its wait floor")
    waits = None
    if half:
        waits = {k: 2 * (statistics.median(durations[k]) - statistics.median(half[k])) for k in durations if k in half}
        total = sum(max(0.0, w) for w in waits.values())
        longest = max(waits.values())
        print(f"  deliberate waits at T={args.timeout:g} (estimated by scaling T): {total:.1f} s in all, "
              f"longest single scenario {longest:.2f} s; {len(waits)} results")
    else:
        print("  no floor: the runs at T/2 were skipped (--no-floor)")
    cores = len(os.sched_getaffinity(0))
    for (mode, n), ws in sorted(walls.items(), key=lambda kv: (kv[0][1], not kv[0][0])):
        w = statistics.median(ws)
        cpu = statistics.median(cpus[(mode, n)])
        line = f"  -n {n} {label(mode)}: wall {w:6.1f} s (median of {len(ws)}), CPU {cpu:5.1f} s"
        if waits is not None:
            floor = max(total / n, longest)
            line += f", floor {floor:5.1f} s, wall/floor {w / floor:4.2f}"
            # the run cannot end before its CPU is done on this machine's cores either: the wall against the
            # larger of the two bounds says how well waits and CPU overlap
            bound = max(floor, cpu / cores)
            line += f"; CPU / {cores} cores {cpu / cores:5.1f} s, wall / max(floor, CPU bound) {w / bound:4.2f}"
        print(line)
    if waits is not None:
        top = sorted(waits.items(), key=lambda kv: -kv[1])[:8]
        print("\n  the longest deliberate waits: " + ", ".join(f"{k[0]}/{k[2]} {w:.2f} s" for k, w in top))
    return 0


def phase_rounds(args) -> int:
    """``--phases``: the client scenarios of category protocol only, fork server on and off alternating."""
    got: dict[bool, list[dict]] = {True: [], False: []}
    bare: list[float] = []
    n = args.workers[0]
    start_load = load()
    with tempfile.TemporaryDirectory() as tmp:
        report = Path(tmp) / "r.json"
        for rnd in range(args.rounds):
            for mode in ((True, False) if rnd % 2 == 0 else (False, True)):
                bare += bare_start(args.bare // 2)
                matrix(n, report, forkserver=mode, timeout=args.timeout, select=["-m", "client and protocol"])
                bare += bare_start(args.bare - args.bare // 2)
                got[mode].extend(results(report))
    b = statistics.median(bare)
    print(f"load average at start {start_load}, at end {load()}; -n {n}, {args.rounds} rounds")
    print(f"bare start, python3 -I -c pass: median {b * 1000:.0f} ms over {len(bare)}")
    for mode in (False, True):
        ds = client_no_wait(got[mode])
        m = statistics.median(ds)
        ph = phases(got[mode])
        print(f"{label(mode)}: median {m * 1000:4.0f} ms = {m / b:4.2f} x bare start; "
              + ", ".join(f"{k} {v * 1000:.0f} ms" for k, v in ph.items()))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
