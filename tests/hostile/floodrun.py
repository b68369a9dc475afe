"""One ``netconformance run -n 2`` against hostile flooding targets, measured (issue 16): used by
test_flood_memory.py and runnable by hand (``python tests/hostile/floodrun.py [WORKDIR]``) to print the
numbers for docs/performance.md."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
import hostile_targets as targets  # noqa: E402
from leftovers import SuiteMemory, leftovers, new_tag  # noqa: E402


def flood_run(workdir: Path, *, kinds=("tcp", "udp", "stdout"), timeout: float = 600) -> dict:
    """Run the echo scenarios at ``-n 2`` against the flooding targets named by ``kinds``; return the run
    time (s), exit status, the suite's peak memory (bytes: per process and the largest sum) and leftovers."""
    workdir.mkdir(parents=True, exist_ok=True)
    tmp = workdir / "tmp"
    tmp.mkdir(exist_ok=True)
    tag = new_tag()
    argv = [sys.executable, "-m", "conformance", "run", "-n", "2", "--protocol", "echo", "--client-timeout", "10",
            "--json", str(workdir / "report.json")]
    if "tcp" in kinds:
        argv += ["--server", f"echo/tcp=name=tcpflood,cmd:{targets.write(workdir, 'tcpflood', targets.TCP_FLOOD)} {{port}}"]
    if "udp" in kinds:
        argv += ["--server", f"echo/udp=name=udpflood,cmd:{targets.write(workdir, 'udpflood', targets.UDP_FLOOD)} {{port}}"]
    if "stdout" in kinds:
        argv += ["--client", f"echo=name=outflood,cmd:{targets.write(workdir, 'outflood', targets.STDOUT_FLOOD)} {{host}} {{port}}"]
    env = {**os.environ, "NETCONFORMANCE_RUN_TAG": tag, "TMPDIR": str(tmp)}
    started = time.monotonic()
    proc = subprocess.Popen(argv, cwd=workdir, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    memory = SuiteMemory(proc.pid)
    memory.start()
    try:
        out, _ = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        out, _ = proc.communicate()
    took = time.monotonic() - started
    memory.stop()
    left = leftovers(tag)
    pytest_tmp = [str(p) for p in tmp.rglob("*") if p.is_dir() and p.parent == tmp]
    results = []
    if (workdir / "report.json").exists():
        results = json.loads((workdir / "report.json").read_text())["results"]
    return {"seconds": took, "status": proc.returncode, "peak": memory.peak, "peak_sum": memory.peak_sum, "names": memory.names,
            "kinds": memory.kinds,
            "leftovers": left, "temp": pytest_tmp, "tag": tag, "tail": out.decode("utf-8", "replace")[-1500:],
            "results": len(results), "outcomes": {o: sum(r["outcome"] == o for r in results)
                                                  for o in {r["outcome"] for r in results}}}


if __name__ == "__main__":
    import tempfile

    base = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(tempfile.mkdtemp(prefix="floodrun-"))
    kinds = tuple(sys.argv[2].split(",")) if len(sys.argv) > 2 else ("tcp", "udp", "stdout")
    r = flood_run(base, kinds=kinds)
    print(r["tail"])
    mib = 1 << 20
    print(f"kinds={','.join(kinds)} seconds={r['seconds']:.1f} status={r['status']} results={r['results']} {r['outcomes']}")
    for pid, peak in sorted(r["peak"].items(), key=lambda kv: -kv[1]):
        print(f"  peak {peak / mib:6.0f} MiB  {r['names'][pid]}")
    print(f"largest sum {r['peak_sum'] / mib:.0f} MiB")
    print("leftovers:", r["leftovers"], "temp:", r["temp"])
