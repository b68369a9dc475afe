"""Grading a class of 30 submissions: how long it takes, checked the way the self-tests check it.

The self-tests grade 17 submissions (every kind: references, broken programs, one that hangs, one that
never starts, one silent, one flooding, one fork bomb; ``tests/reports/test_grade.py``).  This runs the same
test on the whole class of 30 (``NETCONFORMANCE_GRADE_CLASS=whole``: every broken program of
``tests/reports/class_manifest.py``) and, with ``--sample``, the self-tests' 17 too, in alternating
rounds, and prints each round's wall time, the CPU the test and everything it waited for used, and
whether its checks passed (scores recomputed independently, statuses, containment, nothing left
behind).  Not run by CI.

    python benchmarks/grade_class.py [--rounds 1] [--sample]
"""

from __future__ import annotations

import argparse
import os
import re
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def load() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def grade(whole: bool, timeout: float) -> tuple[float, float, str, str]:
    """(wall seconds, CPU seconds, the test's outcome, its own line "graded N submissions in S s")."""
    env = {**os.environ, "NETCONFORMANCE_GRADE_CLASS": "whole" if whole else "sample"}
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.monotonic()
    proc = subprocess.run([sys.executable, "-m", "pytest", "-q", "-s", "-p", "no:randomly", "-p", "no:cacheprovider",
                           "tests/reports/test_grade.py::test_grade_a_class"], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=timeout, check=False)
    wall = time.monotonic() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
    said = re.search(r"graded \d+ submissions in [\d.]+ s", proc.stdout)
    outcome = "passed" if proc.returncode == 0 else f"FAILED (exit {proc.returncode})"
    if proc.returncode:
        print(proc.stdout[-3000:], file=sys.stderr)
    return wall, cpu, outcome, said.group(0) if said else "-"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rounds", type=int, default=1)
    ap.add_argument("--sample", action="store_true", help="also grade the self-tests' class of 17, alternating")
    ap.add_argument("--timeout", type=float, default=1500, help="seconds allowed a round (default 1500)")
    args = ap.parse_args()
    kinds = [True, False] if args.sample else [True]
    failed = 0
    for r in range(args.rounds):
        for whole in (kinds if r % 2 == 0 else kinds[::-1]):
            start_load = load()
            wall, cpu, outcome, said = grade(whole, args.timeout)
            failed += outcome != "passed"
            print(f"round {r + 1} {'30 (whole)' if whole else '17 (sample)'}: {wall:.1f} s wall, {cpu:.1f} s CPU, "
                  f"{outcome}; {said}; load {start_load} -> {load()}", flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
