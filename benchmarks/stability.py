"""Is the reference matrix stable? Run it N times in a row, in random order, and compare outcomes.

Issue 13 ("Speed"): a faster matrix is worth nothing if it flickers.  Each round is one
``netconformance run`` of the whole catalog against the references (the raw tier included where the
machine allows it) with ``-n WORKERS``, a fresh random seed and pytest-randomly's random order; the JSON
reports are compared per result (scenario, target, transport): any outcome or grade that differs between
rounds is printed with its messages.  Not run by CI.  Every run is bounded (``--round-timeout``).

    python benchmarks/stability.py [--rounds 10] [--workers 2] [--protocol echo ...]

Exit status: 0 when every round gave the same outcome for every result and none failed, else 1.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path


def one_round(workers: int, protocols: list[str], seed: int, timeout: float, report: Path) -> tuple[float, int]:
    """Run the matrix once; return (wall seconds, exit status)."""
    cmd = [sys.executable, "-m", "conformance", "run", "-n", str(workers), "--seed", str(seed), "--json", str(report)]
    for p in protocols:
        cmd += ["--protocol", p]
    cmd += ["--", "-p", "randomly", "-p", "no:cacheprovider", f"--randomly-seed={seed}"]
    started = time.monotonic()
    proc = subprocess.run(cmd, capture_output=True, timeout=timeout, cwd=tempfile.gettempdir())
    if not report.exists():
        sys.exit(f"stability: round with seed {seed} wrote no report (exit {proc.returncode}):\n"
                 + proc.stderr.decode(errors="replace")[-2000:])
    return time.monotonic() - started, proc.returncode


def outcomes(report: Path) -> dict[tuple[str, str, str], tuple[str, str | None, str]]:
    data = json.loads(report.read_text())
    return {(r["scenario"], r["target"], r["transport"]): (r["outcome"], r.get("grade"), r.get("message", "")[:200])
            for r in data["results"]}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--rounds", type=int, default=10)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--protocol", action="append", default=[], help="only these protocols (repeatable)")
    ap.add_argument("--round-timeout", type=float, default=900.0, help="seconds one round may take")
    args = ap.parse_args(argv)
    seen: dict[tuple[str, str, str], list[tuple[int, tuple]]] = defaultdict(list)
    walls, statuses = [], []
    with tempfile.TemporaryDirectory(prefix="nc-stability-") as tmp:
        for i in range(args.rounds):
            seed = random.randrange(1, 2**31)
            report = Path(tmp) / f"round{i}.json"
            load = os.getloadavg()[0]
            wall, status = one_round(args.workers, args.protocol, seed, args.round_timeout, report)
            results = outcomes(report)
            walls.append(wall)
            statuses.append(status)
            counts = defaultdict(int)
            for key, value in results.items():
                seen[key].append((seed, value))
                counts[value[0]] += 1
            print(f"round {i + 1:2d}: seed {seed:10d}  {wall:6.1f} s  exit {status}  load {load:4.1f}  "
                  + "  ".join(f"{k} {v}" for k, v in sorted(counts.items())), flush=True)
    flicker = {k: v for k, v in seen.items() if len({o[:2] for _, o in v}) > 1 or len(v) != args.rounds}
    for (scenario, target, transport), runs in sorted(flicker.items()):
        print(f"DIFFERS {scenario} {target}/{transport}:")
        for seed, (outcome, grade, message) in runs:
            print(f"    seed {seed}: {outcome} {grade or ''} {message}")
    failed = sum(1 for v in seen.values() for _, o in v if o[0] in ("failed", "error"))
    print(f"stability: {args.rounds} rounds of {len(seen)} results at -n {args.workers}: {len(flicker)} differ, "
          f"{failed} failed or errored; wall median {sorted(walls)[len(walls) // 2]:.1f} s "
          f"(min {min(walls):.1f}, max {max(walls):.1f})")
    return 0 if not flicker and not failed and not any(statuses) else 1


if __name__ == "__main__":
    sys.exit(main())
