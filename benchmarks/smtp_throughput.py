"""Messages per second of the SMTP reference server against aiosmtpd, in alternating rounds, with one load
script (issue 13: the reference must reach at least aiosmtpd's rate at concurrency 1 and 8).

Not run by CI.  Each server runs as its own process and delivers into its own Maildir (the reference
through ``python -m reference_servers.smtp --maildir``, aiosmtpd through ``tests/real/aiosmtpd_maildir.py``),
a fresh one per round.  The same load generator (this script: asyncio, ``C`` sessions in flight, each
sending messages one transaction after another without pipelining, spread over up to ``--workers``
processes) runs against each for ``--seconds``.  For every concurrency of ``--concurrency`` the servers
take turns, round after round (reference, aiosmtpd, reference, aiosmtpd, ...), so a change in the
machine's load hits both alike; each round prints accepted messages per second, errors, latency
percentiles, files delivered and the server's CPU time per message (``utime + stime`` of
``/proc/PID/stat`` before and after the load: robust to other load on the machine), then the ratio of
the round.  The load average is printed at the start and at the end.  ``--before DIR`` adds a third
server to every round: the reference server of another checkout ``DIR`` (``before``), for before/after
comparisons in the same run.  Every wait is bounded.

    python benchmarks/smtp_throughput.py [--rounds 5] [--seconds 3] [--concurrency 1 8] [--before DIR] [--dir D]
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing as mp
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from netconformance_fixtures.ports import free_port
from reference_servers.smtp import wire

TICK = os.sysconf("SC_CLK_TCK")


async def _reply(reader: asyncio.StreamReader, timeout: float) -> int:
    while True:
        line = await asyncio.wait_for(reader.readuntil(b"\r\n"), timeout)
        if line[3:4] != b"-":
            return int(line[:3])


async def _session(host, port, body: bytes, deadline: float, timeout: float, stats: dict) -> None:
    reader, writer = await asyncio.wait_for(asyncio.open_connection(host, port), timeout)
    try:
        assert await _reply(reader, timeout) == 220
        writer.write(b"EHLO bench.test\r\n")
        assert await _reply(reader, timeout) == 250
        data = wire.encode_data(body)
        while time.monotonic() < deadline:
            started = time.monotonic()
            ok = True
            for line, want in ((b"MAIL FROM:<bench@client.test>\r\n", 250), (b"RCPT TO:<alice@example.test>\r\n", 250),
                               (b"DATA\r\n", 354), (data, 250)):
                writer.write(line)
                if await _reply(reader, timeout) != want:
                    ok = False
                    break
            if ok:
                stats["ok"] += 1
                stats["lat"].append(time.monotonic() - started)
            else:
                stats["err"] += 1
                writer.write(b"RSET\r\n")
                await _reply(reader, timeout)
        writer.write(b"QUIT\r\n")
        await _reply(reader, timeout)
    finally:
        writer.close()


def _worker(host, port, concurrency, seconds, size, queue) -> None:
    body = (b"Subject: bench\r\n\r\n" + b"x" * 76 + b"\r\n") * max(1, size // 96)
    stats = {"ok": 0, "err": 0, "lat": []}

    async def run() -> None:
        deadline = time.monotonic() + seconds
        tasks = [_session(host, port, body, deadline, 10.0, stats) for _ in range(concurrency)]
        for result in await asyncio.gather(*tasks, return_exceptions=True):
            if isinstance(result, BaseException):
                stats["err"] += 1

    asyncio.run(run())
    queue.put(stats)


def _wait_listening(port: int, timeout: float = 10.0) -> None:
    import socket

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.05)
    raise TimeoutError(f"nothing listens on {port}")


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of ``pid`` so far, seconds (``/proc/PID/stat`` fields 14 and 15)."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICK


def loadavg() -> str:
    with open("/proc/loadavg") as f:
        return " ".join(f.read().split()[:3])


def server_argv(name: str, port: int, maildir: Path, before: Path | None) -> tuple[list[str], Path, dict]:
    """The command, working directory and environment of server ``name`` (``reference``, ``before``,
    ``aiosmtpd``)."""
    env = dict(os.environ)
    if name == "aiosmtpd":
        argv = [sys.executable, str(ROOT / "tests/real/aiosmtpd_maildir.py"), "--port", str(port),
                "--maildir", str(maildir)]
        return argv, ROOT, env
    root = before if name == "before" else ROOT
    env["PYTHONPATH"] = str(root)
    return [sys.executable, "-m", "reference_servers.smtp", "--port", str(port), "--maildir", str(maildir)], root, env


def measure(name: str, concurrency: int, tmp: Path, args) -> dict:
    """One round of the load against a fresh server ``name``; its figures."""
    port = free_port()
    maildir = tmp / f"{name}-{time.monotonic_ns()}"
    argv, cwd, env = server_argv(name, port, maildir, args.before)
    proc = subprocess.Popen(argv, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    procs: list[mp.Process] = []
    try:
        _wait_listening(port)
        workers = max(1, min(args.workers, concurrency))
        queue: mp.Queue = mp.Queue()
        procs = [mp.Process(target=_worker, args=("127.0.0.1", port, concurrency // workers + (i < concurrency % workers),
                                                  args.seconds, args.size, queue)) for i in range(workers)]
        cpu0 = cpu_seconds(proc.pid)
        started = time.monotonic()
        for p in procs:
            p.start()
        results = [queue.get(timeout=args.seconds + 60) for _ in procs]
        for p in procs:
            p.join(10)
        elapsed = time.monotonic() - started
        cpu = cpu_seconds(proc.pid) - cpu0
    finally:
        for p in procs:
            if p.is_alive():
                p.kill()
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(5)
    ok = sum(r["ok"] for r in results)
    lat = sorted(x for r in results for x in r["lat"])
    files = sum(1 for _ in (maildir / "new").iterdir()) if (maildir / "new").exists() else 0
    return {"server": name, "messages": ok, "errors": sum(r["err"] for r in results), "seconds": round(elapsed, 2),
            "msg_per_s": round(ok / args.seconds, 1), "cpu_ms_per_msg": round(cpu * 1000 / ok, 3) if ok else None,
            "delivered_files": files,
            "p50_ms": round(statistics.median(lat) * 1000, 2) if lat else None,
            "p99_ms": round(lat[max(0, int(len(lat) * 0.99) - 1)] * 1000, 2) if lat else None}


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--seconds", type=float, default=3.0, help="seconds of load per server and round")
    p.add_argument("--rounds", type=int, default=5)
    p.add_argument("--concurrency", type=int, nargs="+", default=[1, 8], help="sessions in flight (in total)")
    p.add_argument("--workers", type=int, default=2, help="load generator processes (at most)")
    p.add_argument("--size", type=int, default=2048, help="approximate message size in octets")
    p.add_argument("--before", type=Path, help="another checkout whose reference server runs in every round too")
    p.add_argument("--dir", type=Path, help="where the Maildirs are made (default: the temp directory; /dev/shm "
                                            "takes the disk's fsync latency out of the comparison)")
    args = p.parse_args(argv)
    if args.seconds <= 0 or args.rounds < 1 or min(args.concurrency) < 1 or args.workers < 1:
        print("smtp_throughput: seconds, rounds, concurrency and workers must be positive", file=sys.stderr)
        return 2
    if args.before is not None and not (args.before / "reference_servers/smtp").is_dir():
        print(f"smtp_throughput: {args.before} has no reference_servers/smtp", file=sys.stderr)
        return 2
    if args.dir is not None and not args.dir.is_dir():
        print(f"smtp_throughput: {args.dir} is not a directory", file=sys.stderr)
        return 2
    names = ["reference", "aiosmtpd"] + (["before"] if args.before else [])
    print(f"~{args.size}-octet messages, {args.seconds:g} s per server and round, one transaction after another "
          f"per session, load generators in up to {args.workers} processes, Maildirs in {args.dir or 'the temp dir'}; "
          f"load average at start {loadavg()}")
    summary = []
    with tempfile.TemporaryDirectory(prefix="smtp-bench-", dir=args.dir) as tmp:
        for c in args.concurrency:
            rows: dict[str, list[dict]] = {n: [] for n in names}
            for r in range(args.rounds):
                for name in names:
                    row = measure(name, c, Path(tmp), args)
                    rows[name].append(row)
                    print(f"  c={c} round {r + 1} " + "  ".join(f"{k}={v}" for k, v in row.items()), flush=True)
                ratio = rows["reference"][-1]["msg_per_s"] / max(rows["aiosmtpd"][-1]["msg_per_s"], 0.1)
                print(f"  c={c} round {r + 1}: reference / aiosmtpd = {ratio:.2f}  (load {loadavg()})", flush=True)
            summary.append((c, rows))
    print(f"load average at end {loadavg()}")
    for c, rows in summary:
        ratios = [a["msg_per_s"] / max(b["msg_per_s"], 0.1) for a, b in zip(rows["reference"], rows["aiosmtpd"])]
        line = f"c={c}: reference / aiosmtpd messages/s per round " + ", ".join(f"{x:.2f}" for x in ratios)
        line += f" (median {statistics.median(ratios):.2f})"
        for name in names:
            rate = statistics.median(x["msg_per_s"] for x in rows[name])
            cpu = statistics.median(x["cpu_ms_per_msg"] or 0 for x in rows[name])
            line += f"; {name} {rate:.0f} msg/s, {cpu:.2f} ms CPU/msg"
        if args.before:
            gain = [a["msg_per_s"] / max(b["msg_per_s"], 0.1) for a, b in zip(rows["reference"], rows["before"])]
            line += f"; reference / before {statistics.median(gain):.2f}"
        print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
